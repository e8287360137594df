"""Check-in and check-out through the service: idempotency, offline replay, the roster rule,
limits, automatic closing, corrections and service minutes."""

import threading
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import override_settings
from django.utils.translation import gettext

from tests.attendance.conftest import END, START, at, scan
from vetserve.activities.models import Activity, Shift, SignUp, SignUpState
from vetserve.attendance import hours
from vetserve.attendance.models import Attendance, AttendanceCorrection
from vetserve.attendance.selectors import attendance_exceptions, post_roster, served_minutes
from vetserve.attendance.services import (
    attendance_auto_close,
    attendance_correct,
    attendance_scan,
    attendance_scan_batch,
)
from vetserve.attendance.tokens import post_token
from vetserve.badges.services import _signer, badge_issue, badge_revoke, badge_token


def qr_in(post: Any, when: Any, **extra: Any) -> Any:
    return scan("in", "post_qr", when, token=post_token(post.shift.pk, at=when), **extra)


def test_volunteer_checks_in_by_post_code_and_out_by_own_button(cast: Any, post: Any) -> None:
    wang = post.wang.user
    r = attendance_scan(actor=wang, scan=qr_in(post, at(7, 50)), now=at(7, 50))
    assert r.status == "ok" and r.attendance is not None
    out = scan("out", "self", at(12, 30), signup_id=post.signup.pk)
    r = attendance_scan(actor=wang, scan=out, now=at(12, 31))
    assert r.status == "ok" and r.attendance.minutes == 270  # type: ignore[union-attr]
    assert served_minutes(signup=post.signup) == 270


def test_the_same_key_twice_makes_one_record_and_the_same_answer(cast: Any, post: Any) -> None:
    item = qr_in(post, at(8, 5))
    first = attendance_scan(actor=post.wang.user, scan=item, now=at(8, 6))
    again = attendance_scan(actor=post.wang.user, scan=item, now=at(8, 30))
    assert (first.status, again.status) == ("ok", "duplicate")
    assert first.attendance.pk == again.attendance.pk  # type: ignore[union-attr]
    assert Attendance.objects.count() == 1


def test_a_double_scan_returns_the_open_stay(cast: Any, post: Any) -> None:
    attendance_scan(actor=post.wang.user, scan=qr_in(post, at(8, 5)), now=at(8, 5))
    second = attendance_scan(actor=post.wang.user, scan=qr_in(post, at(8, 6)), now=at(8, 6))
    assert second.status == "already"
    assert Attendance.objects.count() == 1


def test_offline_replay_keeps_scan_times_and_ignores_duplicates_in_the_batch(
    cast: Any, post: Any
) -> None:
    badge = badge_issue(actor=cast.bob, volunteer=post.wang)
    token = f"https://example.cn/v/{badge_token(badge)}"
    key = uuid.uuid4()
    batch = [
        scan("out", "badge", at(15, 55), shift_id=post.shift.pk, token=token),
        scan("in", "badge", at(8, 2), shift_id=post.shift.pk, token=token, key=key),
        scan("in", "badge", at(8, 2), shift_id=post.shift.pk, token=token, key=key),
    ]
    results = attendance_scan_batch(actor=cast.dave, scans=batch, now=at(17, 40))
    assert [r.status for r in results] == ["ok", "ok", "duplicate"]
    stay = Attendance.objects.get()
    assert (stay.in_at, stay.out_at, stay.minutes) == (at(8, 2), at(15, 55), 473)
    replay = attendance_scan_batch(actor=cast.dave, scans=batch, now=at(17, 45))
    assert {r.status for r in replay} == {"duplicate"}
    assert Attendance.objects.count() == 1


def test_only_people_on_the_roster_check_in(cast: Any, post: Any) -> None:
    badge = badge_issue(actor=cast.bob, volunteer=post.li)
    item = scan("in", "badge", at(8), shift_id=post.shift.pk, token=badge_token(badge))
    result = attendance_scan(actor=cast.dave, scan=item, now=at(8))
    assert (result.status, result.code) == ("refused", "not_rostered")


def test_leader_checks_in_from_the_roster_row_by_hand(cast: Any, post: Any) -> None:
    def by_hand(actor: Any, kind: str, when: Any, **extra: Any) -> Any:
        extra.setdefault("shift_id", post.shift.pk)
        extra.setdefault("signup_id", post.signup.pk)
        item = scan(kind, "manual", when, reason="手机没电", **extra)
        return attendance_scan(actor=actor, scan=item, now=when)

    # Outsiders, and a roster row named with another shift, learn nothing.
    for outsider in (cast.carol, cast.mallory, cast.erin):
        assert by_hand(outsider, "in", at(8, 5)).code == "not_found"
    assert by_hand(cast.dave, "in", at(8, 5), shift_id=post.shift.pk + 999).code == "not_found"
    assert by_hand(cast.dave, "in", at(8, 5), signup_id=post.signup.pk + 999).code == (
        "not_rostered"
    )
    result = by_hand(cast.dave, "in", at(8, 5))
    stay = Attendance.objects.get()
    assert result.status == "ok" and result.attendance.pk == stay.pk  # type: ignore[union-attr]
    assert result.attendance.volunteer.name == "王建国"  # type: ignore[union-attr]
    assert (stay.region_id, stay.organization_id) == (post.activity.region_id, cast.rescue.pk)
    assert (stay.in_at, stay.in_method, stay.in_by, stay.in_reason) == (
        at(8, 5),
        "manual",
        cast.dave,
        "手机没电",
    )
    assert by_hand(cast.dave, "in", at(8, 6)).status == "already"
    assert by_hand(cast.dave, "out", at(9, 35)).status == "ok"
    stay.refresh_from_db()
    assert stay.minutes == 90
    assert by_hand(cast.dave, "in", at(9, 0)).code == "overlap"


def test_leader_adds_someone_on_the_spot_with_a_reason(cast: Any, post: Any) -> None:
    item = scan("in", "manual", at(8), shift_id=post.shift.pk, volunteer_id=post.li.pk)
    assert attendance_scan(actor=cast.bob, scan=item, now=at(8)).code == "reason_required"
    item = scan(
        "in", "manual", at(8), shift_id=post.shift.pk, volunteer_id=post.li.pk, reason="临时增援"
    )
    # Dave cannot see 李卫东 of another team by id; Bob (the county) can.
    assert attendance_scan(actor=cast.dave, scan=item, now=at(8)).code == "not_found"
    result = attendance_scan(actor=cast.bob, scan=item, now=at(8))
    assert result.status == "ok"
    assert result.attendance.signup.override_reason == "临时增援"  # type: ignore[union-attr]


def test_leader_adds_someone_from_another_team_by_their_badge(cast: Any, post: Any) -> None:
    badge = badge_issue(actor=cast.bob, volunteer=post.li)
    item = scan(
        "in", "manual", at(8), shift_id=post.shift.pk, token=badge_token(badge), reason="临时增援"
    )
    assert attendance_scan(actor=cast.dave, scan=item, now=at(8)).status == "ok"


def test_forged_and_old_post_codes_are_refused(cast: Any, post: Any) -> None:
    stale = scan("in", "post_qr", at(8, 10), token=post_token(post.shift.pk, at=at(8, 7)))
    assert attendance_scan(actor=post.wang.user, scan=stale, now=at(8, 10)).code == "bad_token"
    forged = scan("in", "post_qr", at(8, 10), token=f"{post.shift.pk}.0:forged")
    assert attendance_scan(actor=post.wang.user, scan=forged, now=at(8, 10)).code == "bad_token"


@override_settings(ATTENDANCE_EARLY_MINUTES=30, ATTENDANCE_MAX_SCAN_AGE_DAYS=1)
def test_limits_on_scan_times(cast: Any, post: Any) -> None:
    user = post.wang.user
    assert (
        attendance_scan(actor=user, scan=qr_in(post, at(7, 29)), now=at(7, 29)).code == "too_early"
    )
    assert (
        attendance_scan(actor=user, scan=qr_in(post, at(16, 1)), now=at(16, 1)).code == "shift_over"
    )
    future = qr_in(post, at(9))
    assert attendance_scan(actor=user, scan=future, now=at(8)).code == "future"
    assert attendance_scan(actor=user, scan=qr_in(post, at(9)), now=at(9, day=13)).code == "too_old"


@override_settings(ATTENDANCE_GEOFENCE_METERS=500)
def test_geofence_refuses_a_scan_far_from_the_place(cast: Any, post: Any) -> None:
    far = qr_in(post, at(8), lat=40.8, lon=115.45)
    assert attendance_scan(actor=post.wang.user, scan=far, now=at(8)).code == "too_far"
    near = qr_in(post, at(8), lat=40.9012, lon=115.4501)
    assert attendance_scan(actor=post.wang.user, scan=near, now=at(8)).status == "ok"


def test_geofence_accepts_a_scan_exactly_at_the_limit_and_refuses_one_just_beyond(
    cast: Any, post: Any
) -> None:
    lat, lon = 40.9045, 115.4512
    edge = hours.distance_meters(40.9, 115.45, lat, lon)
    with override_settings(ATTENDANCE_GEOFENCE_METERS=edge - 0.01):
        beyond = qr_in(post, at(8), lat=lat, lon=lon)
        result = attendance_scan(actor=post.wang.user, scan=beyond, now=at(8))
        message = gettext("You are %(m)d m from the post; come closer and scan again.")
        assert (result.code, result.message) == ("too_far", message % {"m": edge})
    with override_settings(ATTENDANCE_GEOFENCE_METERS=edge):
        at_edge = qr_in(post, at(8), lat=lat, lon=lon)
        assert attendance_scan(actor=post.wang.user, scan=at_edge, now=at(8)).status == "ok"


def test_a_forged_altered_or_revoked_badge_checks_nobody_in(cast: Any, post: Any) -> None:
    badge = badge_issue(actor=cast.bob, volunteer=post.wang)
    other = badge_issue(actor=cast.bob, volunteer=post.li)
    genuine = badge_token(badge)
    forged_nonce = _signer().sign(f"{badge.number}.{'0' * len(badge.nonce)}")
    forged_number = _signer().sign(f"{other.number}.{badge.nonce}")
    altered = genuine[:-1] + ("A" if genuine[-1] != "A" else "B")
    for token in (forged_nonce, forged_number, altered, f"{badge.number}.{badge.nonce}", ""):
        item = scan("in", "badge", at(8), shift_id=post.shift.pk, token=token)
        result = attendance_scan(actor=cast.dave, scan=item, now=at(8))
        assert (result.code, result.message) == ("bad_badge", gettext("This badge is not valid."))
    badge_revoke(actor=cast.bob, badge=badge, reason="遗失")
    revoked = scan("in", "badge", at(8), shift_id=post.shift.pk, token=f"https://x.cn/v/{genuine}/")
    assert attendance_scan(actor=cast.dave, scan=revoked, now=at(8)).code == "bad_badge"
    assert not Attendance.objects.exists()


def test_a_badge_scan_for_a_shift_the_scanner_does_not_lead_is_not_found(
    cast: Any, post: Any
) -> None:
    badge = badge_issue(actor=cast.bob, volunteer=post.wang)
    item = scan("in", "badge", at(8), shift_id=post.shift.pk, token=badge_token(badge))
    result = attendance_scan(actor=cast.carol, scan=item, now=at(8))
    assert (result.code, result.message) == ("not_found", gettext("Not found."))


@pytest.mark.parametrize("state", ["confirmed_elsewhere", "waitlisted", "withdrawn"])
def test_only_a_confirmed_place_on_this_very_shift_counts_as_the_roster(
    cast: Any, post: Any, state: str
) -> None:
    other = Shift.objects.create(
        activity=post.activity, post="西门", starts_at=START, ends_at=END, max_people=10
    )
    on_shift, signup_state = (
        (other, SignUpState.CONFIRMED) if state == "confirmed_elsewhere" else (post.shift, state)
    )
    position = 1 if signup_state == SignUpState.WAITLISTED else None
    SignUp.objects.create(
        shift=on_shift, volunteer=post.li, state=signup_state, waitlist_position=position
    )
    badge = badge_issue(actor=cast.bob, volunteer=post.li)
    item = scan("in", "badge", at(8), shift_id=post.shift.pk, token=badge_token(badge))
    result = attendance_scan(actor=cast.dave, scan=item, now=at(8))
    expected = gettext("%(name)s is not on this shift's roster.") % {"name": "李卫东"}
    assert (result.code, result.message) == ("not_rostered", expected)


@pytest.mark.parametrize(("lat", "lon"), [(40.8, None), (None, 115.3)])
@override_settings(ATTENDANCE_GEOFENCE_METERS=500)
def test_a_scan_without_both_coordinates_is_not_geofenced(
    cast: Any, post: Any, lat: Any, lon: Any
) -> None:
    partial = qr_in(post, at(8), lat=lat, lon=lon)
    assert attendance_scan(actor=post.wang.user, scan=partial, now=at(8)).status == "ok"


@pytest.mark.parametrize(("lat", "lon"), [(40.9, None), (None, 115.45)])
@override_settings(ATTENDANCE_GEOFENCE_METERS=500)
def test_a_post_without_both_coordinates_is_not_geofenced(
    cast: Any, post: Any, lat: Any, lon: Any
) -> None:
    Activity.objects.filter(pk=post.activity.pk).update(lat=lat, lon=lon)
    far = qr_in(post, at(8), lat=40.8, lon=115.45)
    assert attendance_scan(actor=post.wang.user, scan=far, now=at(8)).status == "ok"


def test_a_genuine_badge_read_from_its_verify_address_checks_its_holder_in(
    cast: Any, post: Any
) -> None:
    badge = badge_issue(actor=cast.bob, volunteer=post.wang)
    url = f" https://x.cn/v/{badge_token(badge)}/ "
    item = scan("in", "badge", at(8), shift_id=post.shift.pk, token=url)
    result = attendance_scan(actor=cast.dave, scan=item, now=at(8))
    assert result.status == "ok" and result.attendance.signup.volunteer == post.wang  # type: ignore[union-attr]


def test_missed_check_out_is_closed_at_shift_end_flagged_then_corrected(
    cast: Any, post: Any
) -> None:
    attendance_scan(actor=post.wang.user, scan=qr_in(post, at(9)), now=at(9))
    assert attendance_auto_close(now=at(17)) == 0  # check-outs may still come in
    assert attendance_auto_close(now=at(18)) == 1
    stay = Attendance.objects.get()
    assert stay.auto_closed and stay.out_at == at(16) and stay.minutes == 420
    assert list(attendance_exceptions(user=cast.dave)) == [stay]
    assert list(attendance_exceptions(user=cast.carol)) == []

    attendance_correct(actor=cast.dave, attendance=stay, out_at=at(12), reason="中午离岗")
    attendance_correct(actor=cast.dave, attendance=stay, out_at=at(13), reason="核实为13点")
    assert AttendanceCorrection.objects.count() == 2  # appended, none edited
    stay.refresh_from_db()
    assert stay.out_at == at(16) and stay.minutes == 420  # the original stays as recorded
    assert served_minutes(volunteer=post.wang) == 240
    assert list(attendance_exceptions(user=cast.dave)) == []
    with pytest.raises(PermissionDenied):
        attendance_correct(actor=cast.carol, attendance=stay, reason="x")


def test_a_check_out_from_a_phone_offline_past_the_automatic_close_keeps_its_real_time(
    cast: Any, post: Any
) -> None:
    wang = post.wang.user
    attendance_scan(actor=wang, scan=qr_in(post, at(9)), now=at(9))
    assert attendance_auto_close(now=at(18, 30)) == 1
    late = scan("out", "self", at(15, 50), signup_id=post.signup.pk)
    result = attendance_scan(actor=wang, scan=late, now=at(18, 31))
    assert result.status == "ok"
    stay = Attendance.objects.get()
    assert (stay.out_at, stay.minutes, stay.auto_closed) == (at(15, 50), 410, False)
    assert list(attendance_exceptions(user=cast.dave)) == []
    assert attendance_scan(actor=wang, scan=late, now=at(18, 32)).status == "duplicate"


def test_after_a_leaders_correction_a_late_phone_check_out_changes_nothing(
    cast: Any, post: Any
) -> None:
    wang = post.wang.user
    attendance_scan(actor=wang, scan=qr_in(post, at(9)), now=at(9))
    attendance_auto_close(now=at(18, 30))
    stay = Attendance.objects.get()
    attendance_correct(actor=cast.dave, attendance=stay, out_at=at(12), reason="中午离岗")
    late = scan("out", "self", at(15, 50), signup_id=post.signup.pk)
    assert attendance_scan(actor=wang, scan=late, now=at(19)).status == "already"
    stay.refresh_from_db()
    assert (stay.out_at, stay.auto_closed) == (at(16), True)
    assert served_minutes(volunteer=post.wang) == 180


def test_a_replayed_key_shows_the_record_only_to_those_who_may_see_it(cast: Any, post: Any) -> None:
    item = qr_in(post, at(8, 5))
    attendance_scan(actor=post.wang.user, scan=item, now=at(8, 6))
    mine = attendance_scan(actor=post.wang.user, scan=item, now=at(8, 7))
    theirs = attendance_scan(actor=cast.carol, scan=item, now=at(8, 7))
    assert (mine.status, theirs.status) == ("duplicate", "duplicate")
    assert mine.attendance is not None and theirs.attendance is None
    assert Attendance.objects.count() == 1


def test_served_minutes_per_shift_activity_and_volunteer(cast: Any, post: Any) -> None:
    user = post.wang.user
    attendance_scan(actor=user, scan=qr_in(post, at(8)), now=at(8))
    attendance_scan(
        actor=user, scan=scan("out", "self", at(10), signup_id=post.signup.pk), now=at(10)
    )
    attendance_scan(actor=user, scan=qr_in(post, at(11)), now=at(11))
    attendance_scan(
        actor=user, scan=scan("out", "self", at(11, 45), signup_id=post.signup.pk), now=at(12)
    )
    assert served_minutes(shift=post.shift) == 165
    assert served_minutes(activity=post.activity) == 165
    assert served_minutes(volunteer=post.wang) == 165
    assert served_minutes(volunteer=post.li) == 0


def test_live_roster_shows_here_and_late(cast: Any, post: Any) -> None:
    assert [r.state for r in post_roster(shift=post.shift, now=at(7, 59))] == ["expected"]
    assert [r.state for r in post_roster(shift=post.shift, now=at(8, 20))] == ["late"]
    attendance_scan(actor=post.wang.user, scan=qr_in(post, at(8, 21)), now=at(8, 21))
    assert [r.state for r in post_roster(shift=post.shift, now=at(8, 22))] == ["here"]


def test_outsiders_can_neither_scan_nor_see(cast: Any, post: Any) -> None:
    badge = badge_issue(actor=cast.bob, volunteer=post.wang)
    item = scan("in", "badge", at(8), shift_id=post.shift.pk, token=badge_token(badge))
    for outsider in (cast.carol, cast.mallory, cast.erin, cast.frank):
        assert attendance_scan(actor=outsider, scan=item, now=at(8)).code == "not_found"
    attendance_scan(actor=cast.dave, scan=item, now=at(8))
    visible = lambda u: Attendance.objects.visible_to(u).count()  # noqa: E731
    assert (visible(cast.dave), visible(cast.bob), visible(post.wang.user)) == (1, 1, 1)
    assert (visible(cast.carol), visible(cast.mallory), visible(cast.erin)) == (0, 0, 0)


def test_campaign_progress_counts_the_hours_served_on_its_shifts(cast: Any, post: Any) -> None:
    from datetime import date

    from vetserve.activities.models import Activity
    from vetserve.activities.selectors import campaign_progress
    from vetserve.activities.services import campaign_create

    campaign = campaign_create(
        actor=cast.bob,
        organization=post.activity.organization,
        name="相约冬奥",
        starts_on=date(2021, 9, 1),
        ends_on=date(2022, 3, 31),
        target_hours=10,
    )
    Activity.objects.filter(pk=post.activity.pk).update(campaign=campaign)
    user = post.wang.user
    attendance_scan(actor=user, scan=qr_in(post, at(8)), now=at(8))
    attendance_scan(
        actor=user, scan=scan("out", "self", at(10), signup_id=post.signup.pk), now=at(10)
    )
    assert campaign_progress(campaign)["hours"].done == 2


# --- races (PostgreSQL: several server processes at once) -----------------------------------


def _at_once(count: int, work: Any) -> list[Any]:
    """Run ``work()`` in ``count`` threads released together; their results (or errors)."""
    barrier = threading.Barrier(count)
    results: list[Any] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(work())
        except BaseException as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
def test_the_same_scan_sent_twenty_times_at_once_is_recorded_once(
    restore_reference_data: Any, transactional_db: Any, cast: Any, post: Any
) -> None:
    same = scan("in", "manual", at(7, 55), shift_id=post.shift.pk, signup_id=post.signup.pk,
                reason="到岗")  # fmt: skip
    results = _at_once(20, lambda: attendance_scan(actor=cast.dave, scan=same, now=at(7, 55)))
    assert all(not isinstance(r, BaseException) for r in results), results
    statuses = sorted(r.status for r in results)
    assert statuses.count("ok") == 1 and statuses.count("duplicate") == 19, statuses
    assert Attendance.objects.filter(signup=post.signup).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
def test_twenty_different_check_ins_of_one_person_at_once_open_one_stay(
    restore_reference_data: Any, transactional_db: Any, cast: Any, post: Any
) -> None:
    def check_in() -> Any:
        fresh = scan("in", "manual", at(7, 55), shift_id=post.shift.pk,
                     signup_id=post.signup.pk, reason="到岗")  # fmt: skip
        return attendance_scan(actor=cast.dave, scan=fresh, now=at(7, 55))

    results = _at_once(20, check_in)
    assert all(not isinstance(r, BaseException) for r in results), results
    statuses = sorted(r.status for r in results)
    assert statuses.count("ok") == 1 and statuses.count("already") == 19, statuses
    assert Attendance.objects.filter(signup=post.signup).count() == 1
