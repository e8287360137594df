"""Bounds on every stored value (issue 12, items 3 and 4): forms, services, imports and the
database refuse the same out-of-range values with the limit named in Chinese, and values
stored before the bounds existed neither break a page nor the migration that adds them.

The cases are read off the models' own CHECK constraints, so a new bounded field is tested
here without a line added; the first test fails for a new field that has no bound at all.
"""

from __future__ import annotations

import importlib
import uuid
from contextlib import nullcontext
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, models, transaction
from django.db.models.lookups import LessThanOrEqual
from django.test import Client
from django.utils import translation

from tests.conftest import login, register_volunteer
from vetserve.activities.forms import ShiftForm
from vetserve.activities.models import (
    Activity,
    Campaign,
    CampaignTarget,
    Outcome,
    OutcomeType,
    Shift,
    SignUp,
)
from vetserve.attendance.models import Attendance, AttendanceCorrection
from vetserve.badges.models import Badge, BadgeCounter
from vetserve.core.bounds import (
    DATES,
    SERVICE_YEARS,
    InRange,
    SafeDecimalField,
    clamp_out_of_range,
)
from vetserve.dispatch.models import (
    Availability,
    CallOut,
    Invitation,
    Proposal,
    ProposalLine,
    Unavailability,
)
from vetserve.exchange.models import ReceivedRecord
from vetserve.ledger import triggers
from vetserve.ledger.models import HoursClaim, LedgerEntry, WorkdayRule
from vetserve.ledger.services import (
    TransferRecord,
    ledger_entry_correct,
    ledger_entry_record,
    ledger_transfer_in,
)
from vetserve.notify.models import Notification
from vetserve.orgs.forms import OrganizationForm
from vetserve.people.forms import VolunteerForm
from vetserve.people.models import CorrectionRequest, ImportJob, Membership, Volunteer
from vetserve.people.services import volunteer_update
from vetserve.proofs.models import PROOF_MINUTES, Proof
from vetserve.public.models import Post, PostPhoto
from vetserve.recognition.models import (
    Award,
    Evaluation,
    StarGrant,
    StarSettings,
    TeamHonour,
)
from vetserve.regions.forms import RegionEditForm
from vetserve.regions.models import Region
from vetserve.selection.models import POOL, QUOTA, Selection, SelectionCandidate, SelectionPost
from vetserve.skills.forms import CourseForm, SessionForm
from vetserve.skills.models import (
    Course,
    Enrolment,
    MilitarySpecialtyMapping,
    Qualification,
    QualificationType,
    SentReminder,
    Skill,
    TrainingSession,
    VolunteerSkill,
)
from vetserve.spreadsheets.values import BadValue, parse_partial_date
from vetserve.stats.models import ActiveMonth, ActiveVolunteer, LedgerMonth

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2022, 2, 11, 8, tzinfo=SH)
END = datetime(2022, 2, 11, 16, tzinfo=SH)

# --- what is bounded, read off the models -----------------------------------------------------

NUMBERS = (models.IntegerField, models.DecimalField, models.FloatField)
DATES_AND_TIMES = (models.DateField,)  # DateTimeField is a DateField
TEXTS = (models.CharField, models.TextField, models.FileField)

# Fields that need no bound of their own, and why. Everything else numeric or dated has a
# CHECK constraint; everything textual a max_length.
UNBOUNDED = {
    # Encrypted blobs: the ciphertext of a bounded value (an ID number, a phone, a health
    # declaration), written only by core.crypto, never typed by anyone.
    "people.Volunteer.id_number_enc",
    "people.Volunteer.phone_enc",
    "people.Volunteer.discharge_doc_enc",
    "people.Volunteer.emergency_phone_enc",
    "people.Volunteer.health_enc",
    "people.Volunteer.birth_date_enc",
    # Moments the server's own clock writes (timezone.now()), never taken from input.
    "accounts.User.last_login",
    "accounts.User.date_joined",
    "accounts.ApiToken.last_used_at",
    "accounts.ApiToken.revoked_at",
    "notify.Notification.read_at",
    "people.Volunteer.erased_at",
    "people.CorrectionRequest.resolved_at",
    "skills.VolunteerSkill.confirmed_at",
    "skills.Qualification.verified_at",
    "skills.Qualification.revoked_at",
    "skills.TrainingSession.results_recorded_at",
    "activities.SignUp.confirmed_at",
    "activities.SignUp.ended_at",
    "attendance.Attendance.out_received_at",
    "people.ImportJob.finished_at",
    "people.ExportJob.finished_at",
    # Written by the server from its clock and its own counters, never from input; on the
    # auth branch of issue 12 (reset links, the rate counter), listed ahead of the merge.
    "accounts.PasswordResetLink.expires_at",
    "accounts.PasswordResetLink.used_at",
    "core.RateCount.window",
    "core.RateCount.hits",
    "core.RateCount.expires_at",
}


@pytest.fixture(autouse=True)
def chinese() -> Any:
    """The messages are checked in Chinese, whatever language an earlier test left active."""
    with translation.override("zh-hans"):
        yield


def _auto_stamped(field: models.Field[Any, Any]) -> bool:
    """auto_now / auto_now_add: the server's clock again."""
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def _checked_fields(model: type[models.Model]) -> set[str]:
    """The fields some CHECK constraint of ``model`` names."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, models.Q):
            for child in node.children:
                walk(child)
        elif isinstance(node, tuple):
            names.add(node[0].split("__")[0])
        elif isinstance(node, models.F):
            names.add(node.name)
        elif hasattr(node, "get_source_expressions"):
            for source in node.get_source_expressions():
                walk(source)
        if hasattr(node, "lhs"):
            walk(node.lhs)

    for constraint in model._meta.constraints:
        if isinstance(constraint, models.CheckConstraint):
            walk(constraint.condition)
    return names


def _vetserve_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("vetserve.")]


def _bounded() -> list[tuple[type[models.Model], str, InRange, bool]]:
    cases = []
    for model in _vetserve_models():
        for field in model._meta.concrete_fields:
            for validator in field.validators:
                if isinstance(validator, InRange):
                    cases.append((model, field.name, validator, field.null))
    return cases


def _long_texts() -> list[tuple[type[models.Model], str, int]]:
    cases = []
    for model in _vetserve_models():
        for constraint in model._meta.constraints:
            condition = getattr(constraint, "condition", None)
            if isinstance(condition, LessThanOrEqual):
                field = condition.lhs.get_source_expressions()[0].name
                cases.append((model, field, condition.rhs))
    return cases


BOUNDED = _bounded()
LONG_TEXTS = _long_texts()


def _beyond(value: Any, direction: int) -> Any:
    """The nearest value outside a limit."""
    if isinstance(value, datetime | date):
        return value + direction * timedelta(days=1)
    if isinstance(value, Decimal):
        return value + direction * Decimal("0.1")
    return value + direction


def _case_id(case: tuple[Any, ...]) -> str:
    return f"{case[0].__name__}.{case[1]}"


# --- the rows they are tried on ---------------------------------------------------------------


@pytest.fixture
def world(cast: SimpleNamespace) -> SimpleNamespace:
    """One row of every model that holds a bounded field."""
    wang = register_volunteer(cast.bob, cast.rescue, enlisted_year=1990, discharged_year=1994)
    skill = Skill.objects.create(code="bounds_test", name="边界测试", category="rescue")
    qtype = QualificationType.objects.create(code="bounds_q", name="边界证", validity_days=365)
    course = Course.objects.create(name="急救培训", study_hours=Decimal(8), organizer=cast.rescue)
    session = TrainingSession.objects.create(
        course=course, date=date(2022, 1, 5), place="崇礼", capacity=20
    )
    qualification = Qualification.objects.create(
        volunteer=wang, type=qtype, issued_on=date(2022, 1, 1), expires_on=date(2022, 12, 31)
    )
    campaign = Campaign.objects.create(
        name="相约冬奥",
        organization=cast.rescue,
        region=cast.chongli,
        starts_on=date(2022, 1, 1),
        ends_on=date(2022, 3, 31),
    )
    outcome_type = OutcomeType.objects.create(code="bounds_m2", name="清雪面积", unit="m²")
    activity = Activity.objects.create(
        title="太子城场馆除雪",
        category="snow_ice",
        campaign=campaign,
        organization=cast.rescue,
        region=cast.chongli,
        place="太子城",
        lat=Decimal("40.9"),
        lon=Decimal("115.45"),
        starts_at=START,
        ends_at=END,
        status="under_way",
    )
    shift = Shift.objects.create(activity=activity, post="东门", starts_at=START, ends_at=END)
    signup = SignUp.objects.create(shift=shift, volunteer=wang, state="confirmed")
    other = register_volunteer(cast.bob, cast.rescue, name="李卫东", serial=2, phone="13700002222")
    attendance = Attendance.objects.create(
        signup=signup,
        shift=shift,
        volunteer=wang,
        region=cast.chongli,
        organization=cast.rescue,
        in_at=START,
        in_method="manual",
        in_key=uuid.uuid4(),
        out_at=END,
        minutes=480,
    )
    rows = SimpleNamespace(
        Region=cast.chongli,
        Organization=cast.rescue,
        Volunteer=wang,
        Membership=Membership.objects.create(
            volunteer=wang, organization=cast.xiwanzi_team, started_on=date(2020, 1, 1)
        ),
        CorrectionRequest=CorrectionRequest.objects.create(volunteer=wang, message="姓名有误"),
        # At its greatest total, so each bound of rows_done lies within it.
        ImportJob=ImportJob.objects.create(
            owner=cast.bob, filename="花名册.xlsx", rows_total=200_000
        ),
        Badge=Badge.objects.create(
            number="ZJK-130709-99999",
            volunteer=wang,
            region=cast.chongli,
            issued_on=date(2022, 1, 1),
            nonce="bounds",
        ),
        BadgeCounter=BadgeCounter.objects.create(county_code="999999", last=1),
        Notification=Notification.objects.create(user=cast.bob, title="提醒", body="证书即将到期"),
        MilitarySpecialtyMapping=MilitarySpecialtyMapping.objects.create(
            specialty="边界兵", skill=skill, level=1
        ),
        QualificationType=qtype,
        VolunteerSkill=VolunteerSkill.objects.create(
            volunteer=wang, skill=skill, level=1, source="self"
        ),
        Qualification=qualification,
        Course=course,
        TrainingSession=session,
        Enrolment=Enrolment.objects.create(session=session, volunteer=wang, score=Decimal(90)),
        SentReminder=SentReminder.objects.create(
            qualification=qualification, threshold_days=30, expires_on=date(2022, 12, 31)
        ),
        Campaign=campaign,
        OutcomeType=outcome_type,
        CampaignTarget=CampaignTarget.objects.create(
            campaign=campaign, outcome_type=outcome_type, quantity=Decimal(8000)
        ),
        Activity=activity,
        Shift=shift,
        SignUp=SignUp.objects.create(
            shift=shift, volunteer=other, state="waitlisted", waitlist_position=1
        ),
        Outcome=Outcome.objects.create(
            activity=activity, outcome_type=outcome_type, quantity=Decimal(8000)
        ),
        Attendance=attendance,
        AttendanceCorrection=AttendanceCorrection.objects.create(
            attendance=attendance, kind="confirm", in_at=START, out_at=END, minutes=480, reason="ok"
        ),
        # A correction: the one kind of entry whose minutes may be negative or positive.
        LedgerEntry=ledger_entry_correct(
            actor=cast.bob,
            entry=ledger_entry_record(
                actor=cast.dave,
                volunteer=wang,
                activity=activity,
                service_date=START.date(),
                minutes=60,
            ),
            minutes=30,
            reason="核对",
        ),
        HoursClaim=HoursClaim.objects.create(
            organization=cast.rescue,
            region=cast.chongli,
            volunteer=wang,
            activity=activity,
            service_date=START.date(),
            minutes=30,
            evidence="纸质签到表",
            created_at=START,
        ),
        WorkdayRule=WorkdayRule.objects.create(
            day=date(2027, 2, 20), is_workday=True, note="国务院通知"
        ),
        # At its greatest total, so each bound of confirmed_minutes lies within it; revoked,
        # so revoked_at may take each bound (a revocation needs its reason).
        Proof=Proof.objects.create(
            number="BOUNDSBOUNDS0001",
            volunteer=wang,
            organization=cast.rescue,
            region=cast.chongli,
            unit_name="崇礼救援队",
            scope="all",
            minutes=PROOF_MINUTES.high,
            confirmed_minutes=0,
            entries=1,
            issued_at=START,
            revoked_at=END,
            revoke_reason="测试",
        ),
        # A record received through the exchange format, and the transfer-in entry it became.
        ReceivedRecord=ReceivedRecord.objects.create(
            record_id="bounds:1",
            entry=ledger_transfer_in(
                actor=cast.bob,
                organization=cast.rescue,
                reason="移交",
                records=[
                    TransferRecord(
                        volunteer_id=wang.pk,
                        activity_name="卡口值守",
                        service_date=START.date(),
                        place="",
                        content="",
                        organizing_unit="宣化区服务队",
                        person_in_charge="",
                        category="",
                        minutes=60,
                    )
                ],
            )[0],
            content_key="0" * 64,
            source_recorded_at=START,
        ),
        # Thresholds wide apart, so each bound of each star lies within the order of the
        # others only at its ends (the order itself: ORDERED_PAIRS).
        StarSettings=StarSettings.objects.create(
            federation=cast.city_fed,
            region=cast.city,
            star1_hours=100,
            star2_hours=300,
            star3_hours=600,
            star4_hours=1000,
            star5_hours=1500,
            updated_at=START,
        ),
        StarGrant=StarGrant.objects.create(
            volunteer=wang, level=1, reached_on=START.date(), granted_at=START
        ),
        Award=Award.objects.create(
            volunteer=wang,
            kind="award",
            name="优秀志愿者",
            awarded_on=START.date(),
            granting_unit="张家口市爱国拥军联合会",
            level="city",
            recorded_at=START,
        ),
        TeamHonour=TeamHonour.objects.create(
            team=cast.rescue,
            region=cast.chongli,
            kind="flag",
            name="扛红旗、当先锋",
            awarded_on=START.date(),
            granting_unit="崇礼区爱国拥军联合会",
            level="county",
            recorded_at=START,
        ),
        Evaluation=Evaluation.objects.create(
            volunteer=wang,
            evaluated_on=START.date(),
            rating=5,
            comment="表现突出",
            recorded_at=START,
        ),
    )
    callout = CallOut.objects.create(
        title="夜间除雪",
        activity=activity,
        region=cast.chongli,
        organization=cast.chongli_fed,
        answer_minutes=15,
    )
    proposal = Proposal.objects.create(
        callout=callout, status="optimal", objective=0, bound=0, solve_ms=1, candidates=1,
        run_at=START,
    )  # fmt: skip
    rows.Availability = Availability.objects.create(volunteer=wang)
    rows.Unavailability = Unavailability.objects.create(
        volunteer=wang, starts_at=START, ends_at=END
    )
    rows.CallOut = callout
    rows.Proposal = proposal
    rows.ProposalLine = ProposalLine.objects.create(
        proposal=proposal, shift=shift, volunteer=wang, kind="assigned"
    )
    rows.Invitation = Invitation.objects.create(
        callout=callout, shift=shift, volunteer=wang, token="BOUNDSBOUNDS0001", sent_at=START,
        expires_at=END,
    )  # fmt: skip
    # A selection run and decided by hand: ages open (each bound may then be taken alone), the
    # pool at its largest (the eligible count may take each bound within it), the post's quota
    # at its largest (the filled count likewise).
    rows.Selection = Selection.objects.create(
        name="冬奥城市志愿者选拔",
        organization=cast.chongli_fed,
        region=cast.chongli,
        weights={"hours": 100},
        pool_size=POOL.high,
        created_at=START,
    )
    rows.SelectionPost = SelectionPost.objects.create(
        selection=rows.Selection, name="交通枢纽", quota=QUOTA.high
    )
    rows.SelectionCandidate = SelectionCandidate.objects.create(
        selection=rows.Selection,
        volunteer=wang,
        outcome="picked",
        post=rows.SelectionPost,
        rank=1,
        score=Decimal(50),
    )
    # The ledger's summaries (stats), made by the entries above as they were appended.
    rows.LedgerMonth = LedgerMonth.objects.filter(month=date(2022, 2, 1)).order_by("pk").first()
    rows.ActiveVolunteer = ActiveVolunteer.objects.filter(span="m").first()
    rows.ActiveMonth = (
        ActiveMonth.objects.filter(region=cast.chongli, span="m").order_by("pk").first()
    )
    # A published post (its publish date may take each bound) and a photo of it.
    rows.Post = Post.objects.create(
        kind="story", title="扫雪记", body="正文", body_html="<p>正文</p>", region=cast.chongli,
        status="published", publish_at=START,
    )  # fmt: skip
    rows.PostPhoto = PostPhoto.objects.create(
        post=rows.Post, image="public/2022/a.jpg", width=800, height=600
    )
    return rows


def _update(row: models.Model, **values: Any) -> None:
    # Ledger rows refuse every UPDATE (a trigger, tests/ledger/test_append_only.py); here the
    # trigger is lifted so that the CHECK constraints themselves are what answers.
    guard = triggers.suspended(connection) if isinstance(row, LedgerEntry) else nullcontext()
    with guard, transaction.atomic():
        type(row)._base_manager.filter(pk=row.pk).update(**values)


# --- every field has a bound ------------------------------------------------------------------


def test_every_number_and_date_has_a_check_constraint_and_every_text_a_length(db: Any) -> None:
    missing = []
    for model in _vetserve_models():
        checked = _checked_fields(model)
        for field in model._meta.concrete_fields:
            label = f"{model._meta.label}.{field.name}"
            if field.primary_key or field.is_relation or label in UNBOUNDED:
                continue
            if isinstance(field, NUMBERS + DATES_AND_TIMES):
                if not _auto_stamped(field) and field.name not in checked:
                    missing.append(f"{label}: no CHECK constraint")
            elif isinstance(field, TEXTS) and not field.max_length:
                missing.append(f"{label}: no max_length")
    assert missing == []


def test_every_bounded_field_has_its_row_in_the_test_world(world: SimpleNamespace) -> None:
    assert {c[0].__name__ for c in BOUNDED + LONG_TEXTS} <= set(vars(world))


# --- the database refuses what the forms refuse -----------------------------------------------


@pytest.mark.parametrize("case", BOUNDED, ids=_case_id)
@pytest.mark.parametrize("side", ["below", "above"])
def test_the_database_refuses_a_value_just_beyond_each_bound(
    world: SimpleNamespace, case: tuple[Any, ...], side: str
) -> None:
    model, field, bound, _null = case
    row = getattr(world, model.__name__)
    value = _beyond(bound.low, -1) if side == "below" else _beyond(bound.high, +1)
    with pytest.raises(IntegrityError):
        _update(row, **{field: value})


ORDERED_PAIRS = {
    (Shift, "starts_at"), (Shift, "ends_at"), (Shift, "min_people"), (Shift, "wanted_people"),
    (Shift, "max_people"), (Activity, "starts_at"), (Activity, "ends_at"),
    (Campaign, "starts_on"), (Campaign, "ends_on"), (Attendance, "in_at"),
    (Attendance, "out_at"), (AttendanceCorrection, "in_at"), (AttendanceCorrection, "out_at"),
    (Membership, "started_on"), (Membership, "ended_on"),
    # Only a confirmation carries confirmed minutes (a constraint of its own).
    (LedgerEntry, "confirmed_minutes"),
    # Sequence numbers are unique per chain (the world holds entries 1 and 2).
    (LedgerEntry, "seq"),
    # An absence and an invitation end after they start (constraints of their own).
    (Unavailability, "starts_at"), (Unavailability, "ends_at"),
    (Invitation, "sent_at"), (Invitation, "expires_at"),
    # Each star needs more hours than the one below (a constraint of its own).
    (StarSettings, "star1_hours"), (StarSettings, "star2_hours"), (StarSettings, "star3_hours"),
    (StarSettings, "star4_hours"), (StarSettings, "star5_hours"),
}  # fmt: skip


@pytest.mark.parametrize("case", BOUNDED, ids=_case_id)
def test_the_database_takes_each_bound_itself(world: SimpleNamespace, case: tuple[Any, ...]):
    model, field, bound, _null = case
    row = getattr(world, model.__name__)
    if (model, field) in ORDERED_PAIRS:
        return  # minimum ≤ wanted ≤ maximum, end after start: constraints of their own
    _update(row, **{field: bound.low})
    _update(row, **{field: bound.high})


@pytest.mark.parametrize("case", LONG_TEXTS, ids=_case_id)
def test_the_database_refuses_text_longer_than_its_limit(
    world: SimpleNamespace, case: tuple[Any, ...]
) -> None:
    model, field, limit = case
    row = getattr(world, model.__name__)
    _update(row, **{field: "字" * limit})
    # A CHECK on the length (IntegrityError), or PostgreSQL's varchar(n) before it (DataError).
    with pytest.raises((IntegrityError, DataError)):
        _update(row, **{field: "字" * (limit + 1)})


@pytest.mark.parametrize("case", BOUNDED, ids=_case_id)
def test_each_bounded_field_refuses_out_of_range_naming_its_limits_in_chinese(
    case: tuple[Any, ...],
) -> None:
    model, field, bound, _null = case
    model_field = model._meta.get_field(field)
    with pytest.raises(ValidationError) as refused:
        model_field.run_validators(_beyond(bound.high, +1))  # type: ignore[union-attr]
    message = refused.value.messages[0]
    assert message.startswith("请填写") and "之间的值" in message
    assert str(bound.low)[:4] in message and str(bound.high)[:4] in message


# --- the forms --------------------------------------------------------------------------------


def _errors(form: Any, field: str) -> list[str]:
    form.is_valid()
    return list(form.errors.get(field, []))


def test_the_region_form_refuses_a_longitude_outside_china() -> None:
    form = RegionEditForm(data={"name": "崇礼区", "lon": "1000000000000", "lat": "40.9"})
    assert any("73" in e and "136" in e for e in _errors(form, "lon"))
    form = RegionEditForm(data={"name": "崇礼区", "lon": "15.2", "lat": "40.9"})
    assert _errors(form, "lon") == ["请填写 73 至 136 之间的值。"]
    assert RegionEditForm(data={"name": "崇礼区", "lon": "115.2", "lat": "40.9"}).is_valid()


def test_the_course_form_refuses_study_hours_beyond_a_thousand(cast: SimpleNamespace) -> None:
    data = {"name": "急救", "organizer": cast.rescue.pk, "study_hours": "1001"}
    assert _errors(CourseForm(data=data, user=cast.dave), "study_hours") == [
        "请填写 0.1 至 1000 之间的值。"
    ]
    data["study_hours"] = "16"
    assert _errors(CourseForm(data=data, user=cast.dave), "study_hours") == []


def test_the_session_form_refuses_a_capacity_beyond_a_thousand() -> None:
    data = {"date": "2022-01-05", "place": "崇礼", "capacity": "10000000000"}
    assert _errors(SessionForm(data=data), "capacity") == ["请填写 1 至 1000 之间的值。"]
    data["date"] = "1899-12-31"
    assert _errors(SessionForm(data=data), "date") == ["请填写 1900-01-01 至 2099-12-31 之间的值。"]


def test_the_volunteer_form_refuses_a_year_of_67556(cast: SimpleNamespace) -> None:
    form = VolunteerForm(data={"enlisted_year": "67556"}, user=cast.bob)
    assert "请填写 1927 至 2099 之间的值。" in _errors(form, "enlisted_year")


def test_the_shift_form_refuses_ten_billion_people() -> None:
    data = {"post": "东门", "starts_at": "2031-01-10T08:00", "ends_at": "2031-01-10T12:00",
            "min_people": "1", "wanted_people": "1", "max_people": "10000000000"}  # fmt: skip
    assert _errors(ShiftForm(data=data), "max_people") == ["请填写 0 至 10000 之间的值。"]


def test_the_organization_form_refuses_a_founding_before_1900(cast: SimpleNamespace) -> None:
    form = OrganizationForm(data={"founded_on": "1850-01-01"}, user=cast.bob)
    assert _errors(form, "founded_on") == ["请填写 1900-01-01 至 2099-12-31 之间的值。"]


def test_the_activity_page_refuses_a_latitude_outside_china(client: Client, cast: Any) -> None:
    login(client, cast.dave)
    response = client.post(
        "/activities/new/",
        {
            "title": "清雪",
            "category": "snow_ice",
            "organization": cast.rescue.pk,
            "place": "崇礼",
            "lat": "89",
            "lon": "115",
            "starts_at": "2031-01-10T08:00",
            "ends_at": "2031-01-10T12:00",
        },
    )
    assert response.status_code == 200
    assert "请填写 3 至 54 之间的值。" in response.content.decode()
    assert not Activity.objects.exists()


# --- the services, hence the API and the commands ---------------------------------------------


def test_a_year_of_67556_is_refused_by_the_service_not_stored_or_wrapped(cast: Any) -> None:
    """Item 4: PostgreSQL's smallint made it a 500 (or, wrapped, 2020); now a refusal."""
    wang = register_volunteer(cast.bob, cast.rescue)
    with pytest.raises(ValidationError) as refused:
        volunteer_update(actor=cast.bob, volunteer=wang, enlisted_year=67556)
    assert "enlisted_year" in refused.value.message_dict
    wang.refresh_from_db()
    assert wang.enlisted_year is None


def test_the_api_answers_400_not_500_for_a_year_of_67556(client: Client, cast: Any) -> None:
    wang = register_volunteer(cast.bob, cast.rescue)
    login(client, cast.bob)
    response = client.patch(
        f"/api/v1/volunteers/{wang.pk}", {"enlisted_year": 67556}, content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    wang.refresh_from_db()
    assert wang.enlisted_year is None


def test_the_api_answers_400_not_500_for_a_region_longitude_of_1e12(client: Client, cast: Any):
    login(client, cast.bob)
    response = client.patch(
        "/api/v1/regions/130709", {"lon": 1e12}, content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    cast.chongli.refresh_from_db()
    assert cast.chongli.lon is None or cast.chongli.lon < 136


# --- the imports ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1850-01-01", "2150-06-30", "9999年12月31日"])
def test_spreadsheet_dates_outside_1900_to_2099_are_refused_naming_the_limits(text: str):
    with pytest.raises(BadValue, match="1900-01-01 至 2099-12-31"):
        parse_partial_date(text)


def test_the_bounds_of_dates_reach_the_spreadsheet_parser() -> None:
    assert parse_partial_date("2099-12-31").year == DATES.high.year


# --- values stored before the bounds ----------------------------------------------------------


def store_legacy(row: models.Model, field: str, value: Any) -> None:
    """Write a value straight into the row as an old database may hold it, past the CHECK
    (SQLite: ignored for the statement; PostgreSQL: dropped inside the test's transaction)."""
    model = type(row)
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(field).column)  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:
            # ALTER TABLE waits for no deferred foreign-key check of the rows made above.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for constraint in model._meta.constraints:
                if constraint.name.endswith(f"_{field}_range"):
                    cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {constraint.name}")
        try:
            # Names from the model's metadata, quoted by the backend; values are parameters.
            sql = f"UPDATE {table} SET {column} = %s WHERE id = %s"  # noqa: S608
            cursor.execute(sql, [value, row.pk])
        finally:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA ignore_check_constraints = OFF")


def _absurd(model: type[models.Model], field: str, sqlite: float) -> Any:
    """SQLite keeps 1e12 in a decimal column; PostgreSQL's numeric(p, s) cannot, so there the
    legacy value is the largest that fits."""
    if connection.vendor == "sqlite":
        return sqlite
    f = model._meta.get_field(field)
    assert isinstance(f, models.DecimalField)
    return Decimal("9" * (f.max_digits - f.decimal_places))


def test_a_region_with_a_longitude_of_1e12_breaks_no_page_of_its_county(
    client: Client, world: SimpleNamespace, cast: Any
) -> None:
    store_legacy(cast.chongli, "lon", _absurd(Region, "lon", 1e12))
    store_legacy(cast.chongli, "lat", _absurd(Region, "lat", -1e12))
    login(client, cast.bob)
    for path in (
        "/",
        "/regions/",
        "/regions/130709/",
        "/regions/130709/edit/",
        "/orgs/",
        f"/orgs/{cast.rescue.pk}/",
        "/people/",
        f"/people/{world.Volunteer.pk}/",
        "/activities/",
        f"/activities/{world.Activity.pk}/",
        "/api/v1/regions/130709",
        "/api/v1/volunteers",
    ):
        assert client.get(path).status_code == 200, path


def test_a_course_of_1e10_study_hours_breaks_no_training_page(
    client: Client, world: SimpleNamespace, cast: Any
) -> None:
    store_legacy(world.Course, "study_hours", _absurd(Course, "study_hours", 1e10))
    store_legacy(world.Enrolment, "score", _absurd(Enrolment, "score", 1e10))
    Enrolment.objects.filter(pk=world.Enrolment.pk).update(attended=True, passed=True)
    login(client, cast.dave)
    for path in (
        "/skills/courses/",
        f"/skills/courses/{world.Course.pk}/",
        f"/skills/sessions/{world.TrainingSession.pk}/",
        f"/skills/volunteer/{world.Volunteer.pk}/",
    ):
        assert client.get(path).status_code == 200, path


def test_an_activity_and_outcomes_out_of_range_break_no_activity_page(
    client: Client, world: SimpleNamespace, cast: Any
) -> None:
    store_legacy(world.Activity, "lat", _absurd(Activity, "lat", 1e12))
    store_legacy(world.Outcome, "quantity", _absurd(Outcome, "quantity", 1e20))
    store_legacy(world.CampaignTarget, "quantity", _absurd(CampaignTarget, "quantity", 1e20))
    login(client, cast.dave)
    for path in (
        "/activities/",
        f"/activities/{world.Activity.pk}/",
        f"/activities/campaigns/{world.Campaign.pk}/",
        "/activities/campaigns/",
    ):
        assert client.get(path).status_code == 200, path


def test_an_unreadable_legacy_decimal_loads_as_empty() -> None:
    field = SafeDecimalField(max_digits=9, decimal_places=6)
    assert field.from_db_value(Decimal("NaN"), None, connection) is None
    assert field.from_db_value(Decimal("115.2"), None, connection) == Decimal("115.2")


def test_the_migrations_bring_legacy_values_into_bounds_before_adding_the_checks(
    world: SimpleNamespace, cast: Any
) -> None:
    """Nullable fields are emptied, the others clamped to the nearest limit; texts cut."""
    store_legacy(cast.chongli, "lon", _absurd(Region, "lon", 1e12))
    store_legacy(world.Course, "study_hours", _absurd(Course, "study_hours", 1e10))
    capacity = 10**10 if connection.vendor == "sqlite" else 2**31 - 1  # int4 on PostgreSQL
    store_legacy(world.TrainingSession, "capacity", capacity)
    store_legacy(world.Volunteer, "enlisted_year", 9999)
    with connection.cursor() as cursor:
        cursor.execute(
            "PRAGMA ignore_check_constraints = ON"
        ) if connection.vendor == "sqlite" else None
        if connection.vendor != "sqlite":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE skills_course DROP CONSTRAINT course_content_length")
        Course.objects.filter(pk=world.Course.pk).update(content="字" * 5000)
        cursor.execute(
            "PRAGMA ignore_check_constraints = OFF"
        ) if connection.vendor == "sqlite" else None
    editor = SimpleNamespace(connection=connection)
    for name in ("regions.migrations.0002_bounds", "skills.migrations.0003_bounds"):
        importlib.import_module(f"vetserve.{name}").bring_old_values_into_bounds(apps, editor)
    # people 0005 also empties birth_date, a column 0006 replaced by the year and the encrypted
    # date, so that migration's function cannot run on today's tables; the helper it calls is
    # run here on the service year it bounds as well.
    clamp_out_of_range(
        apps, editor, "people.Volunteer", {"enlisted_year": SERVICE_YEARS}, null={"enlisted_year"}
    )
    assert Region.objects.get(pk=cast.chongli.pk).lon is None
    course = Course.objects.get(pk=world.Course.pk)
    assert course.study_hours == Decimal(1000)
    assert len(course.content) == 4000
    assert TrainingSession.objects.get(pk=world.TrainingSession.pk).capacity == 1000
    assert Volunteer.objects.get(pk=world.Volunteer.pk).enlisted_year is None
