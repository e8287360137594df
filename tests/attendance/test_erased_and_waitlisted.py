"""Erasure ends a person's part in check-in, and one odd scan never fails a phone's batch.

Four defects found by trying as an attacker would (issue 20): an erased volunteer could still be
checked in by badge and by sign-up id (API and the post page form), the audit log still showed
them, and a by-hand check-in of a wait-listed volunteer failed the whole batch with a 500.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import login
from vetserve.activities.models import SignUp, SignUpState
from vetserve.attendance.models import Attendance
from vetserve.badges.models import Badge
from vetserve.badges.models import Status as BadgeStatus
from vetserve.badges.services import badge_issue, badge_token
from vetserve.people.models import Status as VolunteerStatus
from vetserve.people.services import volunteer_erase


@pytest.fixture
def live(post: Any) -> Any:
    """The shift moved around the real now, so scans pass the age and window checks."""
    now = timezone.now()
    post.shift.starts_at = now - timedelta(hours=3)
    post.shift.ends_at = now + timedelta(hours=3)
    post.shift.save(update_fields=["starts_at", "ends_at"])
    post.activity.starts_at, post.activity.ends_at = post.shift.starts_at, post.shift.ends_at
    post.activity.save(update_fields=["starts_at", "ends_at"])
    return post


def _scans(client: Client, *items: dict[str, Any]) -> list[dict[str, Any]]:
    now = timezone.now().isoformat()
    scans = [{"idempotency_key": str(uuid.uuid4()), "scanned_at": now, **i} for i in items]
    response = client.post(
        "/api/v1/attendance/scans", {"scans": scans}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _badge(cast: Any, volunteer: Any) -> Badge:
    volunteer.status = VolunteerStatus.ACTIVE
    volunteer.save(update_fields=["status"])
    return badge_issue(actor=cast.bob, volunteer=volunteer)


def test_an_erased_volunteers_badge_is_revoked_and_refused_at_the_post(
    client: Client, cast: Any, live: Any
) -> None:
    badge = _badge(cast, live.wang)
    token = badge_token(badge)
    volunteer_erase(actor=cast.bob, volunteer=live.wang, reason="本人申请删除")
    badge.refresh_from_db()
    assert badge.status == BadgeStatus.REVOKED
    login(client, cast.dave)
    [result] = _scans(
        client, {"kind": "in", "method": "badge", "shift_id": live.shift.pk, "token": token}
    )
    assert (result["status"], result["code"]) == ("refused", "bad_badge")
    assert not Attendance.objects.exists()


def test_an_erased_volunteer_cannot_be_checked_in_from_the_roster_by_sign_up(
    client: Client, cast: Any, live: Any
) -> None:
    volunteer_erase(actor=cast.bob, volunteer=live.wang, reason="本人申请删除")
    live.signup.refresh_from_db()
    assert live.signup.state == SignUpState.REMOVED and live.signup.ended_at is not None
    login(client, cast.dave)
    [result] = _scans(
        client,
        {
            "kind": "in",
            "method": "manual",
            "shift_id": live.shift.pk,
            "signup_id": live.signup.pk,
            "reason": "手机没电",
        },
    )
    assert (result["status"], result["code"]) == ("refused", "not_rostered")
    # The post page's form without JavaScript takes the same path.
    client.post(
        f"/attendance/post/{live.shift.pk}/record/",
        {"signup_id": live.signup.pk, "method": "manual", "reason": "手机没电"},
    )
    assert not Attendance.objects.exists()


def test_erasing_frees_the_place_for_the_waitlist(cast: Any, live: Any) -> None:
    live.shift.max_people = live.shift.wanted_people = 1
    live.shift.save(update_fields=["max_people", "wanted_people"])
    waiting = SignUp.objects.create(
        shift=live.shift, volunteer=live.li, state=SignUpState.WAITLISTED, waitlist_position=1
    )
    volunteer_erase(actor=cast.bob, volunteer=live.wang, reason="本人申请删除")
    waiting.refresh_from_db()
    assert waiting.state == SignUpState.CONFIRMED


def test_after_erasure_the_audit_log_shows_neither_name_nor_masked_numbers(
    client: Client, cast: Any, live: Any
) -> None:
    from vetserve.people.services import volunteer_update

    wang = live.wang
    volunteer_update(actor=cast.bob, volunteer=wang, phone="13900009999")
    volunteer_update(actor=cast.bob, volunteer=wang, emergency_phone="13600007777")
    masked = [wang.id_number_masked, wang.phone_masked, "139****1111", "136****7777"]
    login(client, cast.bob)
    before = client.get("/audit/").content.decode()
    assert "王建国" in before and "139****1111" in before  # the test can see what it looks for
    volunteer_erase(actor=cast.bob, volunteer=wang, reason="本人申请删除")
    after = client.get("/audit/").content.decode()
    assert "王建国" not in after
    for value in masked:
        assert value not in after
    assert "volunteer.update" in after or "更正" in after or "修改" in after  # the facts stay


def test_a_wait_listed_volunteer_checked_in_by_hand_is_added_not_a_server_error(
    client: Client, cast: Any, live: Any
) -> None:
    live.signup.delete()
    waiting = SignUp.objects.create(
        shift=live.shift, volunteer=live.wang, state=SignUpState.WAITLISTED, waitlist_position=1
    )
    badge = _badge(cast, live.li)
    login(client, cast.dave)
    by_hand = {"kind": "in", "method": "manual", "shift_id": live.shift.pk, "reason": "到岗"}
    results = _scans(
        client,
        {**by_hand, "volunteer_id": live.wang.pk},
        {**by_hand, "token": badge_token(badge)},
    )
    assert [r["status"] for r in results] == ["ok", "ok"]
    waiting.refresh_from_db()
    assert waiting.state == SignUpState.CONFIRMED and waiting.waitlist_position is None
    assert Attendance.objects.count() == 2
    assert SignUp.objects.filter(volunteer=live.wang).count() == 1


def test_a_scan_that_breaks_a_database_rule_is_refused_alone_and_the_batch_goes_on(
    client: Client, cast: Any, live: Any, monkeypatch: Any
) -> None:
    from django.db import IntegrityError

    from vetserve.attendance import services

    real = services._add_on_the_spot
    badge = _badge(cast, live.li)

    def breaks_a_rule(**kwargs: Any) -> Any:
        if kwargs["volunteer"].pk == live.li.pk:
            raise IntegrityError("signup_one_live_per_shift")
        return real(**kwargs)

    monkeypatch.setattr(services, "_add_on_the_spot", breaks_a_rule)
    login(client, cast.dave)
    results = _scans(
        client,
        {
            "kind": "in",
            "method": "manual",
            "shift_id": live.shift.pk,
            "reason": "到岗",
            "token": badge_token(badge),
        },
        {
            "kind": "in",
            "method": "manual",
            "shift_id": live.shift.pk,
            "reason": "到岗",
            "signup_id": live.signup.pk,
        },
    )
    assert [(r["status"], r["code"]) for r in results] == [("refused", "conflict"), ("ok", "")]
    assert Attendance.objects.get().volunteer_id == live.wang.pk


def test_records_erased_before_the_fix_lose_their_badge_sign_ups_and_log_labels(
    cast: Any, live: Any
) -> None:
    import importlib

    from django.apps import apps

    from vetserve.audit.models import AuditEntry

    badge = _badge(cast, live.wang)
    # Erased the old way: the row wiped, nothing else touched.
    type(live.wang).objects.filter(pk=live.wang.pk).update(
        erased_at=timezone.now(), name="（已删除）"
    )
    for module in (
        "vetserve.badges.migrations.0002_revoke_badges_of_erased",
        "vetserve.activities.migrations.0003_end_signups_of_erased",
        "vetserve.people.migrations.0004_redact_audit_of_erased",
    ):
        migration = importlib.import_module(module)
        for name in ("revoke", "end", "redact"):
            if hasattr(migration, name):
                getattr(migration, name)(apps, None)
    badge.refresh_from_db()
    live.signup.refresh_from_db()
    assert badge.status == BadgeStatus.REVOKED and badge.events.filter(to_status="revoked")
    assert live.signup.state == SignUpState.REMOVED
    own = AuditEntry.objects.filter(object_type="people.volunteer", object_id=str(live.wang.pk))
    assert own.exists() and not own.filter(object_repr__contains="王建国").exists()


def test_an_erased_volunteers_login_loses_its_grant_and_closes(
    client: Client, cast: Any, live: Any
) -> None:
    from vetserve.accounts.services import api_token_create

    user = live.wang.user
    _token, raw = api_token_create(user=user, name="phone")
    login(client, user)
    assert client.get("/activities/mine/").status_code == 200
    volunteer_erase(actor=cast.bob, volunteer=live.wang, reason="本人申请删除")
    user.refresh_from_db()
    assert not user.is_active and not user.grants.exists()
    # The session and the token are of no use any more.
    assert client.get("/activities/mine/").status_code == 302
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/me").status_code == 401


def test_erasing_leaves_an_administrators_own_login_alone(cast: Any, live: Any) -> None:
    from vetserve.accounts.models import Grant, Role

    user = live.wang.user
    Grant.objects.create(user=user, role=Role.COUNTY_ADMIN, region=cast.chongli)
    volunteer_erase(actor=cast.bob, volunteer=live.wang, reason="本人申请删除")
    user.refresh_from_db()
    assert user.is_active
    assert list(user.grants.values_list("role", flat=True)) == [Role.COUNTY_ADMIN]


def test_a_volunteer_cannot_check_themself_in_without_the_posts_code(
    client: Client, cast: Any, live: Any
) -> None:
    # Only a check-out may be the volunteer's own button; a check-in needs the post's code.
    login(client, live.wang.user)
    [result] = _scans(client, {"kind": "in", "method": "self", "signup_id": live.signup.pk})
    assert (result["status"], result["code"]) == ("refused", "bad_method")
    assert not Attendance.objects.exists()


def test_a_check_out_by_hand_of_someone_not_on_the_roster_is_refused_and_adds_nobody(
    client: Client, cast: Any, live: Any
) -> None:
    badge = _badge(cast, live.li)
    login(client, cast.dave)
    [result] = _scans(
        client,
        {
            "kind": "out",
            "method": "manual",
            "shift_id": live.shift.pk,
            "reason": "到岗",
            "token": badge_token(badge),
        },
    )
    assert (result["status"], result["code"]) == ("refused", "not_rostered")
    assert not SignUp.objects.filter(volunteer=live.li).exists()
