from __future__ import annotations

import itertools
import threading
from datetime import date, time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection

from tests.activities.conftest import at, make_activity, register, soon
from vetserve.activities import selectors
from vetserve.activities.models import OutcomeType, Shift, SignUp, SignUpState, Staffing, Status
from vetserve.activities.selectors import (
    campaign_progress,
    outcome_totals_for,
    register_served_minutes,
)
from vetserve.activities.services import (
    ShiftTemplate,
    activity_status_change,
    campaign_create,
    outcome_record,
    rotation_windows,
    shift_create,
    shift_series_create,
    shift_update,
    signup_create,
    signup_withdraw,
    weekly_windows,
)
from vetserve.audit.models import AuditEntry
from vetserve.notify.models import Notification
from vetserve.people.models import Volunteer

# --- status ---------------------------------------------------------------------------------


def test_a_draft_is_published_only_with_a_shift_and_moves_along_the_flow(cast):
    activity = make_activity(cast, publish=False)
    with pytest.raises(ValidationError) as info:
        activity_status_change(actor=cast.dave, activity=activity, to_status=Status.PUBLISHED)
    assert "班次" in info.value.message_dict["status"][0]
    shift_create(
        actor=cast.dave, activity=activity, post="入口", starts_at=at(10), ends_at=at(10, 12)
    )
    for step in (Status.PUBLISHED, Status.UNDER_WAY, Status.FINISHED):
        activity = activity_status_change(actor=cast.dave, activity=activity, to_status=step)
    assert activity.status == Status.FINISHED
    with pytest.raises(ValidationError):
        activity_status_change(actor=cast.dave, activity=activity, to_status=Status.PUBLISHED)


def test_cancelling_needs_a_reason_and_tells_everyone_signed_up(cast, shift, zhao):
    signup_create(actor=cast.erin, shift=shift, volunteer=zhao)
    with pytest.raises(ValidationError):
        activity_status_change(actor=cast.dave, activity=shift.activity, to_status="cancelled")
    activity_status_change(
        actor=cast.dave, activity=shift.activity, to_status="cancelled", reason="暴雪封路"
    )
    assert Notification.objects.filter(user=cast.erin, title__contains="太舞").exists()


def test_a_finished_activity_cannot_jump_back_nor_skip_steps(cast, activity):
    with pytest.raises(ValidationError):
        activity_status_change(actor=cast.dave, activity=activity, to_status=Status.FINISHED)


def test_only_those_who_manage_an_activity_change_its_status(cast, activity):
    for outsider in (cast.carol, cast.erin, cast.frank, cast.mallory):
        with pytest.raises(PermissionDenied):
            activity_status_change(actor=outsider, activity=activity, to_status="under_way")


def test_insurance_needs_a_risk_disclosure(cast):
    with pytest.raises(ValidationError) as info:
        make_activity(cast, insurance_required=True)
    assert "risk_disclosure" in info.value.message_dict


# --- recurring shifts -----------------------------------------------------------------------


def test_a_checkpoint_rotation_of_3_shifts_a_day_for_60_days_makes_180_shifts(cast, activity):
    windows = rotation_windows(first_start=at(1, 0), shifts_per_day=3, days=60)
    shifts = shift_series_create(
        actor=cast.dave,
        activity=activity,
        template=ShiftTemplate(post="高速卡口", min_people=3, wanted_people=4, max_people=5),
        windows=windows,
    )
    assert len(shifts) == 180
    assert Shift.objects.filter(activity=activity, series=shifts[0].series).count() == 180
    assert {s.hours for s in shifts} == {8.0}
    # Round the clock: each shift starts where the last ended.
    ordered = sorted(shifts, key=lambda s: s.starts_at)
    assert all(a.ends_at == b.starts_at for a, b in itertools.pairwise(ordered))


def test_every_saturday_between_two_dates(cast, activity):
    windows = weekly_windows(
        weekdays=[5],
        first_day=date(2031, 1, 1),
        last_day=date(2031, 1, 31),
        start=time(9),
        end=time(17),
    )
    shifts = shift_series_create(
        actor=cast.dave, activity=activity, template=ShiftTemplate(post="文明劝导"), windows=windows
    )
    assert [s.starts_at.day for s in shifts] == [4, 11, 18, 25]


# --- sign-up: room, waitlist, promotion -----------------------------------------------------


def test_a_volunteer_signs_up_and_the_staffing_status_follows(cast, shift, zhao, wang):
    assert shift.staffing_for(0) == Staffing.EMPTY
    first = signup_create(actor=cast.erin, shift=shift, volunteer=zhao)
    assert first.state == SignUpState.CONFIRMED
    assert shift.staffing_for(1) == Staffing.ADEQUATE
    signup_create(actor=cast.dave, shift=shift, volunteer=wang)
    assert shift.staffing_for(2) == Staffing.FULL
    assert AuditEntry.objects.filter(action="signup.create").count() == 2


def test_the_waitlist_fills_freed_places_in_order_and_tells_the_promoted(cast, activity):
    shift = shift_create(
        actor=cast.dave,
        activity=activity,
        post="入口",
        starts_at=at(10),
        ends_at=at(10, 12),
        max_people=1,
        wanted_people=1,
    )
    people = [register(cast.bob, cast.rescue, name=f"队员{i}", serial=10 + i) for i in range(4)]
    rows = [signup_create(actor=cast.dave, shift=shift, volunteer=p) for p in people]
    assert [r.state for r in rows] == ["confirmed", "waitlisted", "waitlisted", "waitlisted"]
    assert [r.waitlist_position for r in rows[1:]] == [1, 2, 3]
    people[1].user = cast.erin
    people[1].save(update_fields=["user"])
    signup_withdraw(actor=cast.dave, signup=rows[0], reason="生病")
    states = dict(SignUp.objects.filter(shift=shift).values_list("volunteer_id", "state"))
    assert states[people[1].pk] == "confirmed"
    assert states[people[2].pk] == "waitlisted"
    assert Notification.objects.filter(user=cast.erin, title__contains="入口").exists()
    # A waitlisted withdrawal frees no place: nobody moves up.
    signup_withdraw(actor=cast.dave, signup=rows[2], reason="有事")
    assert SignUp.objects.get(pk=rows[3].pk).state == "waitlisted"


def test_raising_the_maximum_promotes_from_the_waitlist(cast, shift, zhao, wang, li):
    for v in (zhao, wang):
        signup_create(actor=cast.alice, shift=shift, volunteer=v)
    waiting = signup_create(actor=cast.alice, shift=shift, volunteer=li)
    assert waiting.state == "waitlisted"
    shift_update(actor=cast.dave, shift=shift, max_people=3)
    assert SignUp.objects.get(pk=waiting.pk).state == "confirmed"
    with pytest.raises(ValidationError):
        shift_update(actor=cast.dave, shift=shift, max_people=2, wanted_people=2)


def test_nobody_signs_up_twice_for_one_shift(cast, shift, zhao):
    signup_create(actor=cast.erin, shift=shift, volunteer=zhao)
    with pytest.raises(ValidationError, match=r"Already|已"):
        signup_create(actor=cast.erin, shift=shift, volunteer=zhao)


def test_a_volunteer_signs_up_only_themself(cast, shift, zhao, wang):
    with pytest.raises(PermissionDenied):
        signup_create(actor=cast.erin, shift=shift, volunteer=wang)
    with pytest.raises(PermissionDenied):
        signup_create(actor=cast.mallory, shift=shift, volunteer=zhao)


def test_draft_activities_take_no_sign_ups(cast, zhao):
    activity = make_activity(cast, publish=False)
    shift = shift_create(
        actor=cast.dave, activity=activity, post="入口", starts_at=at(10), ends_at=at(10, 12)
    )
    with pytest.raises(PermissionDenied):
        signup_create(actor=cast.erin, shift=shift, volunteer=zhao)
    with pytest.raises(ValidationError):
        signup_create(actor=cast.dave, shift=shift, volunteer=zhao)


# --- eligibility ----------------------------------------------------------------------------


def test_a_refusal_gives_the_eligibility_reasons_in_chinese(cast, activity, zhao):
    shift = shift_create(
        actor=cast.dave,
        activity=activity,
        post="医疗点",
        starts_at=at(10),
        ends_at=at(10, 12),
        requirements={"max_age": 40, "health_within_days": 30},
    )
    with pytest.raises(ValidationError) as info:
        signup_create(actor=cast.erin, shift=shift, volunteer=zhao)
    texts = info.value.messages
    assert "年龄超过40岁" in texts
    assert "未作健康声明" in texts
    assert info.value.error_list[0].code == "not_eligible"


def test_insurance_required_by_the_activity_is_checked_on_every_shift(cast, zhao):
    activity = make_activity(cast, insurance_required=True, risk_disclosure="高空坠落风险")
    shift = shift_create(
        actor=cast.dave, activity=activity, post="屋顶", starts_at=at(10), ends_at=at(10, 12)
    )
    with pytest.raises(ValidationError) as info:
        signup_create(actor=cast.erin, shift=shift, volunteer=zhao)
    assert "无有效意外保险" in info.value.messages


def test_a_leader_may_override_eligibility_with_a_reason_and_it_is_audited(cast, activity, wang):
    shift = shift_create(
        actor=cast.dave,
        activity=activity,
        post="医疗点",
        starts_at=at(10),
        ends_at=at(10, 12),
        requirements={"max_age": 40},
    )
    with pytest.raises(ValidationError):
        signup_create(actor=cast.dave, shift=shift, volunteer=wang)
    row = signup_create(
        actor=cast.dave, shift=shift, volunteer=wang, override_reason="经验丰富，体检合格"
    )
    assert row.override_reason == "经验丰富，体检合格"
    entry = AuditEntry.objects.get(action="signup.override")
    assert "年龄超过40岁" in entry.changes["not_eligible"][1]


# --- limits ---------------------------------------------------------------------------------


def test_minimum_rest_between_shifts_is_enforced(cast, activity, wang, settings):
    settings.ACTIVITY_MIN_REST_HOURS = 8
    settings.ACTIVITY_MAX_HOURS_PER_DAY = 16
    windows = rotation_windows(first_start=at(10, 0), shifts_per_day=3, days=1)
    night, day, evening = shift_series_create(
        actor=cast.dave,
        activity=activity,
        template=ShiftTemplate(post="卡口", max_people=3),
        windows=windows,
    )
    signup_create(actor=cast.dave, shift=night, volunteer=wang)
    with pytest.raises(ValidationError) as info:
        signup_create(actor=cast.dave, shift=day, volunteer=wang, override_reason="缺人")
    assert "8" in info.value.messages[0] and "卡口" in info.value.messages[0]
    # 16:00 is 8 hours after 08:00: allowed.
    assert signup_create(actor=cast.dave, shift=evening, volunteer=wang).state == "confirmed"


def test_hours_per_day_are_limited(cast, activity, wang, settings):
    settings.ACTIVITY_MIN_REST_HOURS = 0
    settings.ACTIVITY_MAX_HOURS_PER_DAY = 10
    morning = shift_create(
        actor=cast.dave, activity=activity, post="A", starts_at=at(10, 6), ends_at=at(10, 12)
    )
    afternoon = shift_create(
        actor=cast.dave, activity=activity, post="B", starts_at=at(10, 12), ends_at=at(10, 18)
    )
    signup_create(actor=cast.dave, shift=morning, volunteer=wang)
    with pytest.raises(ValidationError) as info:
        signup_create(actor=cast.dave, shift=afternoon, volunteer=wang)
    assert "10" in info.value.messages[0] and "2031-01-10" in info.value.messages[0]


def test_overlapping_shifts_are_refused(cast, activity, wang, settings):
    settings.ACTIVITY_MIN_REST_HOURS = 0
    a = shift_create(
        actor=cast.dave, activity=activity, post="A", starts_at=at(10, 8), ends_at=at(10, 12)
    )
    b = shift_create(
        actor=cast.dave, activity=activity, post="B", starts_at=at(10, 10), ends_at=at(10, 14)
    )
    signup_create(actor=cast.dave, shift=a, volunteer=wang)
    with pytest.raises(ValidationError, match="A"):
        signup_create(actor=cast.dave, shift=b, volunteer=wang)


# --- withdrawing ----------------------------------------------------------------------------


def test_a_volunteer_withdraws_before_the_cut_off_but_not_after(cast, activity, zhao, settings):
    settings.ACTIVITY_WITHDRAW_CUTOFF_HOURS = 2
    early = shift_create(
        actor=cast.dave, activity=activity, post="A", starts_at=soon(5), ends_at=soon(6)
    )
    late = shift_create(
        actor=cast.dave, activity=activity, post="B", starts_at=soon(1), ends_at=soon(2)
    )
    settings.ACTIVITY_MIN_REST_HOURS = 0
    a = signup_create(actor=cast.erin, shift=early, volunteer=zhao)
    b = signup_create(actor=cast.erin, shift=late, volunteer=zhao)
    assert signup_withdraw(actor=cast.erin, signup=a).state == "withdrawn"
    with pytest.raises(ValidationError) as info:
        signup_withdraw(actor=cast.erin, signup=b)
    assert info.value.code == "cutoff"
    # The leader can still take them off, with a reason.
    assert signup_withdraw(actor=cast.dave, signup=b, reason="本人来电").state == "removed"


def test_others_cannot_withdraw_someone(cast, shift, zhao):
    row = signup_create(actor=cast.erin, shift=shift, volunteer=zhao)
    for outsider in (cast.carol, cast.frank, cast.mallory):
        with pytest.raises(PermissionDenied):
            signup_withdraw(actor=outsider, signup=row, reason="x")


# --- outcomes and progress ------------------------------------------------------------------


def test_outcome_figures_sum_upward_and_campaign_progress(cast, activity, shift, zhao, monkeypatch):
    campaign = campaign_create(
        actor=cast.bob,
        organization=cast.chongli_fed,
        name="相约冬奥—扛红旗、当先锋",
        starts_on=date(2030, 11, 1),
        ends_on=date(2031, 3, 31),
        target_activities=10,
        target_volunteers=4,
        target_hours=100,
        targets={OutcomeType.objects.get(code="snow_cleared_m2").pk: Decimal(10000)},
    )
    activity.campaign = campaign
    activity.save(update_fields=["campaign"])
    snow = OutcomeType.objects.get(code="snow_cleared_m2")
    outcome_record(actor=cast.dave, activity=activity, outcome_type=snow, quantity=Decimal(5000))
    outcome_record(
        actor=cast.dave, activity=activity, outcome_type=snow, quantity=Decimal(3000), shift=shift
    )
    with pytest.raises(ValidationError):
        outcome_record(
            actor=cast.dave,
            activity=activity,
            outcome_type=OutcomeType.objects.get(code="blood_ml"),
            quantity=Decimal(200),
        )
    signup_create(actor=cast.erin, shift=shift, volunteer=zhao)
    for kwargs in (
        {"activity": activity},
        {"campaign": campaign},
        {"organization": cast.chongli_fed},
        {"region": cast.chongli},
    ):
        (total,) = outcome_totals_for(user=cast.alice, **kwargs)
        assert total.total == Decimal(8000)
    assert outcome_totals_for(user=cast.carol) == []
    assert outcome_totals_for(user=cast.alice, region=cast.zhangbei) == []

    # Attendance reports nothing here (no stays); a stand-in source, removed afterwards.
    monkeypatch.setattr(selectors, "_served_minutes_sources", [])
    register_served_minutes(lambda shifts: 90 * shifts.count())
    progress = campaign_progress(campaign)
    assert progress["activities"].done == 1
    assert progress["volunteers"].done == 1
    assert progress["hours"].done == Decimal("1.5")
    assert progress["figures"][0].percent == 80


# --- concurrency ----------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)")
def test_fifty_simultaneous_sign_ups_for_ten_places_confirm_exactly_ten(
    restore_reference_data, transactional_db, cast, activity
):
    shift = shift_create(
        actor=cast.dave,
        activity=activity,
        post="主入口",
        starts_at=at(10),
        ends_at=at(10, 12),
        min_people=5,
        wanted_people=10,
        max_people=10,
    )
    people = Volunteer.objects.bulk_create(
        Volunteer(
            name=f"志愿者{i}",
            gender="male",
            id_number_enc="",
            id_number_masked="",
            residence_region=cast.chongli,
            home_org=cast.rescue,
            region=cast.chongli,
            status="active",
        )
        for i in range(50)
    )
    barrier = threading.Barrier(50)
    errors: list[BaseException] = []

    def sign_up(volunteer: Volunteer) -> None:
        try:
            barrier.wait()
            signup_create(actor=cast.dave, shift=shift, volunteer=volunteer)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(v,)) for v in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    states = list(SignUp.objects.filter(shift=shift).values_list("state", flat=True))
    assert states.count("confirmed") == 10
    assert states.count("waitlisted") == 40
    positions = sorted(
        SignUp.objects.filter(shift=shift, state="waitlisted").values_list(
            "waitlist_position", flat=True
        )
    )
    assert positions == list(range(1, 41))
