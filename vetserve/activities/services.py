"""Every write to campaigns, activities, shifts, sign-ups and outcome figures goes through here:
pages, API, demo and commands alike."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.activities import conf
from vetserve.activities.models import (
    LIVE_STATES,
    STATUS_FLOW,
    Activity,
    Campaign,
    CampaignTarget,
    Outcome,
    OutcomeType,
    Shift,
    SignUp,
    SignUpState,
    Status,
)
from vetserve.audit.services import audit_record, diff_fields
from vetserve.core.access import (
    VIEW,
    may_change_activity,
    may_change_org,
    may_change_region,
)
from vetserve.notify.services import notification_send
from vetserve.orgs.models import Organization
from vetserve.people.models import Status as VolunteerStatus
from vetserve.people.models import Volunteer
from vetserve.people.selectors import volunteer_own
from vetserve.regions.models import Region
from vetserve.skills.eligibility import Requirement, shanghai_day
from vetserve.skills.selectors import eligibility_for, requirement_build

# --- who may change what ----------------------------------------------------------------------


def _require_change_org(actor: Any, org: Organization) -> None:
    if not may_change_org(actor, org):
        raise PermissionDenied(_("You may not plan activities for this organization."))


def _require_change_activity(actor: Any, activity: Activity) -> None:
    if not may_change_activity(actor, activity):
        raise PermissionDenied(_("You may not change this activity."))


# --- campaigns --------------------------------------------------------------------------------


def _check_period(starts: Any, ends: Any, field: str = "ends_on") -> None:
    if ends < starts:
        raise ValidationError({field: _("The end lies before the start.")}, code="period")


def _set_targets(campaign: Campaign, targets: dict[int, Decimal] | None) -> None:
    if targets is None:
        return
    known = set(OutcomeType.objects.filter(pk__in=list(targets)).values_list("pk", flat=True))
    CampaignTarget.objects.filter(campaign=campaign).exclude(outcome_type_id__in=known).delete()
    for type_id, quantity in targets.items():
        if type_id not in known:
            raise ValidationError({"targets": _("Unknown outcome figure.")}, code="outcome_type")
        if quantity is None or Decimal(quantity) <= 0:
            CampaignTarget.objects.filter(campaign=campaign, outcome_type_id=type_id).delete()
            continue
        CampaignTarget.objects.update_or_create(
            campaign=campaign, outcome_type_id=type_id, defaults={"quantity": quantity}
        )


CAMPAIGN_FIELDS = (
    "name",
    "starts_on",
    "ends_on",
    "description",
    "target_activities",
    "target_volunteers",
    "target_hours",
)


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    organization: Organization,
    name: str,
    starts_on: date,
    ends_on: date,
    description: str = "",
    target_activities: int = 0,
    target_volunteers: int = 0,
    target_hours: int = 0,
    targets: dict[int, Decimal] | None = None,
) -> Campaign:
    _require_change_org(actor, organization)
    _check_period(starts_on, ends_on)
    campaign = Campaign.objects.create(
        name=name.strip(),
        organization=organization,
        region_id=organization.region_id,
        starts_on=starts_on,
        ends_on=ends_on,
        description=description,
        target_activities=target_activities,
        target_volunteers=target_volunteers,
        target_hours=target_hours,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _set_targets(campaign, targets)
    audit_record(actor=actor, action="campaign.create", obj=campaign)
    return campaign


@transaction.atomic
def campaign_update(
    *, actor: Any, campaign: Campaign, targets: dict[int, Decimal] | None = None, **fields: Any
) -> Campaign:
    _require_change_org(actor, campaign.organization)
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = {k: getattr(campaign, k) for k in fields}
    for key, value in fields.items():
        setattr(campaign, key, value)
    _check_period(campaign.starts_on, campaign.ends_on)
    campaign.save()
    _set_targets(campaign, targets)
    audit_record(
        actor=actor, action="campaign.update", obj=campaign, changes=diff_fields(before, fields)
    )
    return campaign


# --- activities -------------------------------------------------------------------------------

ACTIVITY_FIELDS = (
    "title",
    "category",
    "campaign",
    "region",
    "place",
    "lat",
    "lon",
    "starts_at",
    "ends_at",
    "description",
    "risk_disclosure",
    "insurance_required",
    "contact_name",
)


def _check_activity(actor: Any, activity: Activity) -> None:
    if activity.ends_at <= activity.starts_at:
        raise ValidationError({"ends_at": _("The end lies before the start.")}, code="period")
    org_low, org_high = activity.organization.region.id_range
    if not (
        org_low <= activity.region_id <= org_high or may_change_region(actor, activity.region_id)
    ):
        raise ValidationError(
            {"region": _("The region lies outside the organization's area and yours.")},
            code="region",
        )
    if (
        activity.campaign_id is not None
        and not Campaign.objects.visible_to(actor, VIEW).filter(pk=activity.campaign_id).exists()
    ):
        raise ValidationError({"campaign": _("Unknown campaign.")}, code="campaign")
    if activity.insurance_required and not activity.risk_disclosure.strip():
        # Risky enough to need insurance: the risks must be told first (条例 Art 12).
        raise ValidationError(
            {"risk_disclosure": _("An activity that needs insurance needs a risk disclosure.")},
            code="risk_disclosure",
        )


@transaction.atomic
def activity_create(
    *,
    actor: Any,
    organization: Organization,
    title: str,
    category: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    region: Region | None = None,
    campaign: Campaign | None = None,
    lat: Decimal | None = None,
    lon: Decimal | None = None,
    description: str = "",
    risk_disclosure: str = "",
    insurance_required: bool = False,
    contact_name: str = "",
) -> Activity:
    _require_change_org(actor, organization)
    activity = Activity(
        title=title.strip(),
        category=category,
        organization=organization,
        region=region or organization.region,
        campaign=campaign,
        place=place.strip(),
        lat=lat,
        lon=lon,
        starts_at=starts_at,
        ends_at=ends_at,
        description=description,
        risk_disclosure=risk_disclosure,
        insurance_required=insurance_required,
        contact_name=contact_name,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _check_activity(actor, activity)
    activity.save()
    audit_record(actor=actor, action="activity.create", obj=activity)
    return activity


@transaction.atomic
def activity_update(*, actor: Any, activity: Activity, **fields: Any) -> Activity:
    _require_change_activity(actor, activity)
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if activity.status in (Status.FINISHED, Status.CANCELLED):
        raise ValidationError(
            _("A finished or cancelled activity cannot be edited."), code="closed"
        )
    before = {k: getattr(activity, k) for k in fields}
    for key, value in fields.items():
        setattr(activity, key, value)
    _check_activity(actor, activity)
    activity.save()
    audit_record(
        actor=actor, action="activity.update", obj=activity, changes=diff_fields(before, fields)
    )
    return activity


@transaction.atomic
def activity_status_change(
    *, actor: Any, activity: Activity, to_status: str, reason: str = ""
) -> Activity:
    """Move along STATUS_FLOW; cancelling needs a reason and tells everyone signed up."""
    _require_change_activity(actor, activity)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if to_status not in STATUS_FLOW.get(activity.status, frozenset()):
        raise ValidationError(
            {
                "status": _("An activity cannot go from %(from)s to %(to)s.")
                % {
                    "from": Status(activity.status).label,
                    "to": Status(to_status).label if to_status in Status.values else to_status,
                }
            },
            code="transition",
        )
    if to_status == Status.PUBLISHED and not activity.shifts.exists():
        raise ValidationError(
            {"status": _("Add at least one shift before publishing.")}, code="no_shifts"
        )
    if to_status == Status.CANCELLED and len(reason.strip()) < 2:
        raise ValidationError({"reason": _("Say why the activity is cancelled.")}, code="reason")
    before = activity.status
    activity.status = to_status
    activity.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="activity.status",
        obj=activity,
        reason=reason,
        changes={"status": [before, to_status]},
    )
    if to_status == Status.CANCELLED:
        users = (
            SignUp.objects.filter(shift__activity=activity, state__in=LIVE_STATES)
            .exclude(volunteer__user=None)
            .values_list("volunteer__user", flat=True)
            .distinct()
        )
        for user_id in users:
            notification_send(
                user=_user_by_id(user_id),
                title=_("Activity cancelled: %(title)s") % {"title": activity.title},
                body=reason,
            )
    return activity


def _user_by_id(user_id: int) -> Any:
    from vetserve.accounts.models import User

    return User.objects.get(pk=user_id)


# --- outcome figures --------------------------------------------------------------------------


@transaction.atomic
def outcome_record(
    *,
    actor: Any,
    activity: Activity,
    outcome_type: OutcomeType,
    quantity: Decimal,
    shift: Shift | None = None,
    note: str = "",
) -> Outcome:
    _require_change_activity(actor, activity)
    if quantity < 0:
        raise ValidationError({"quantity": _("A figure cannot be negative.")}, code="negative")
    if shift is not None and shift.activity_id != activity.pk:
        raise ValidationError({"shift": _("That shift belongs to another activity.")})
    if outcome_type.categories and activity.category not in outcome_type.categories:
        raise ValidationError(
            {"outcome_type": _("This figure does not belong to the activity's category.")},
            code="category",
        )
    outcome = Outcome.objects.create(
        activity=activity,
        shift=shift,
        outcome_type=outcome_type,
        quantity=quantity,
        note=note,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="outcome.record",
        obj=outcome,
        region_id=activity.region_id,
        organization_id=activity.organization_id,
        changes={"quantity": [None, str(quantity)], "type": [None, outcome_type.code]},
    )
    return outcome


# --- shifts -----------------------------------------------------------------------------------

REQUIREMENT_KEYS = {
    "skills",
    "qualification_groups",
    "verified_only",
    "min_age",
    "max_age",
    "health_within_days",
    "insurance_required",
}


def requirement_clean(data: Any) -> dict[str, Any]:
    """The requirement JSON in its canonical form, or ValidationError (see ``Shift``)."""
    if data in (None, ""):
        return {}
    if not isinstance(data, dict) or set(data) - REQUIREMENT_KEYS:
        raise ValidationError({"requirements": _("Unknown requirement fields.")}, code="format")
    try:
        clean: dict[str, Any] = {}
        if data.get("skills"):
            clean["skills"] = [[int(s), int(level)] for s, level in data["skills"]]
        if data.get("qualification_groups"):
            clean["qualification_groups"] = [
                sorted(int(t) for t in group) for group in data["qualification_groups"] if group
            ]
        for key in ("min_age", "max_age", "health_within_days"):
            if data.get(key) not in (None, ""):
                clean[key] = int(data[key])
        for key in ("insurance_required", "verified_only"):
            if key in data:
                clean[key] = bool(data[key])
    except (TypeError, ValueError):
        raise ValidationError(
            {"requirements": _("Requirements are not well formed.")}, code="format"
        ) from None
    _check_requirement_values(clean)
    return clean


def _check_requirement_values(clean: dict[str, Any]) -> None:
    """Skills and qualification types that exist, levels 1–3, sensible ages and days: a
    requirement nobody can ever meet (a mistyped skill id) would leave a shift empty for
    reasons nobody can see."""
    from vetserve.skills.models import QualificationType, Skill

    problems: list[str] = []
    skill_ids = {s for s, _level in clean.get("skills", [])}
    if skill_ids - set(Skill.objects.filter(pk__in=skill_ids).values_list("pk", flat=True)):
        problems.append(_("A required skill does not exist."))
    if any(not 1 <= level <= 3 for _s, level in clean.get("skills", [])):
        problems.append(_("Skill levels are 1, 2 or 3."))
    type_ids = {t for group in clean.get("qualification_groups", []) for t in group}
    known = set(QualificationType.objects.filter(pk__in=type_ids).values_list("pk", flat=True))
    if type_ids - known:
        problems.append(_("A required qualification does not exist."))
    youngest, oldest = clean.get("min_age"), clean.get("max_age")
    if any(age is not None and not 0 <= age <= 120 for age in (youngest, oldest)):
        problems.append(_("Ages lie between 0 and 120."))
    if youngest is not None and oldest is not None and youngest > oldest:
        problems.append(_("The youngest age lies above the oldest."))
    days = clean.get("health_within_days")
    if days is not None and not 1 <= days <= 3650:
        problems.append(_("A health declaration is asked for within 1 to 3650 days."))
    if problems:
        raise ValidationError({"requirements": problems}, code="requirements")


def shift_requirement(shift: Shift) -> Requirement:
    """The shift's requirements as the eligibility core's Requirement; the activity's
    insurance flag applies to every shift in it (条例 Art 17)."""
    data = shift.requirements or {}
    return requirement_build(
        id=shift.pk or 0,
        skills=data.get("skills", []),
        qualification_groups=data.get("qualification_groups", []),
        verified_only=bool(data.get("verified_only", True)),
        min_age=data.get("min_age"),
        max_age=data.get("max_age"),
        health_within_days=data.get("health_within_days"),
        insurance_required=bool(data.get("insurance_required"))
        or shift.activity.insurance_required,
    )


def _check_people(min_people: int, wanted_people: int, max_people: int) -> None:
    if max_people < 1 or not (0 <= min_people <= wanted_people <= max_people):
        raise ValidationError(
            {"max_people": _("People needed must read minimum ≤ wanted ≤ maximum, maximum ≥ 1.")},
            code="people",
        )


def _check_window(activity: Activity, starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end lies before the start.")}, code="period")
    if activity.status in (Status.FINISHED, Status.CANCELLED):
        raise ValidationError(_("A finished or cancelled activity takes no new shifts."))


@transaction.atomic
def shift_create(
    *,
    actor: Any,
    activity: Activity,
    post: str,
    starts_at: datetime,
    ends_at: datetime,
    min_people: int = 1,
    wanted_people: int = 1,
    max_people: int = 1,
    requirements: Any = None,
    notes: str = "",
) -> Shift:
    _require_change_activity(actor, activity)
    _check_window(activity, starts_at, ends_at)
    _check_people(min_people, wanted_people, max_people)
    shift = Shift.objects.create(
        activity=activity,
        post=post.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        min_people=min_people,
        wanted_people=wanted_people,
        max_people=max_people,
        requirements=requirement_clean(requirements),
        notes=notes,
    )
    audit_record(
        actor=actor,
        action="shift.create",
        obj=shift,
        region_id=activity.region_id,
        organization_id=activity.organization_id,
    )
    return shift


@dataclass(frozen=True)
class ShiftTemplate:
    """What every shift of a recurring series shares."""

    post: str
    min_people: int = 1
    wanted_people: int = 1
    max_people: int = 1
    requirements: Any = None
    notes: str = ""


def weekly_windows(
    *, weekdays: Iterable[int], first_day: date, last_day: date, start: time, end: time
) -> list[tuple[datetime, datetime]]:
    """Every given weekday (0 = Monday) from ``first_day`` to ``last_day``, start to end local
    time; an end at or before the start runs into the next day (a night shift)."""
    days = set(weekdays)
    if not days or not days <= set(range(7)):
        raise ValidationError({"weekdays": _("Choose at least one weekday.")}, code="weekdays")
    if last_day < first_day:
        raise ValidationError({"last_day": _("The end lies before the start.")}, code="period")
    tz = timezone.get_current_timezone()
    windows: list[tuple[datetime, datetime]] = []
    day = first_day
    # One window past the limit is enough for shift_series_create to refuse: a last day in
    # the year 9999 must not make the server walk three million days first.
    while day <= last_day and len(windows) <= conf.max_series_shifts():
        if day.weekday() in days:
            begin = datetime.combine(day, start, tz)
            finish = datetime.combine(day, end, tz)
            if finish <= begin:
                finish += timedelta(days=1)
            windows.append((begin, finish))
        day += timedelta(days=1)
    return windows


def rotation_windows(
    *, first_start: datetime, shifts_per_day: int, days: int
) -> list[tuple[datetime, datetime]]:
    """A round-the-clock rotation: ``shifts_per_day`` equal shifts a day (3 → 3×8 h) for
    ``days`` days from ``first_start``, each starting where the last ended."""
    if shifts_per_day < 1 or 24 * 60 % shifts_per_day:
        raise ValidationError(
            {"shifts_per_day": _("Shifts per day must divide the day evenly (1, 2, 3, 4, 6…).")},
            code="rotation",
        )
    if days < 1:
        raise ValidationError({"days": _("At least one day.")}, code="days")
    if shifts_per_day * days > conf.max_series_shifts():
        # Refused before the list is built, however many days were asked for.
        raise ValidationError(
            _("At most %(n)d shifts in one step.") % {"n": conf.max_series_shifts()},
            code="too_many",
        )
    length = timedelta(minutes=24 * 60 // shifts_per_day)
    return [
        (first_start + length * i, first_start + length * (i + 1))
        for i in range(shifts_per_day * days)
    ]


def series_windows(
    *,
    kind: str,
    first_day: date,
    start: time,
    weekdays: Iterable[int] = (),
    last_day: date | None = None,
    end: time | None = None,
    shifts_per_day: int | None = None,
    days: int | None = None,
) -> list[tuple[datetime, datetime]]:
    """The windows of a recurring step as the page and the API describe it: ``weekly`` (the
    given weekdays from ``first_day`` to ``last_day``, ``start`` to ``end``) or ``rotation``
    (``shifts_per_day`` shifts, 3 unless given, for ``days`` days from ``first_day`` at
    ``start``). Local (Asia/Shanghai) times."""
    if kind == "weekly":
        if last_day is None or end is None:
            raise ValidationError(
                _("A weekly series needs a last day and an end time."), code="weekly"
            )
        return weekly_windows(
            weekdays=weekdays, first_day=first_day, last_day=last_day, start=start, end=end
        )
    if kind == "rotation":
        return rotation_windows(
            first_start=datetime.combine(first_day, start, timezone.get_current_timezone()),
            shifts_per_day=shifts_per_day or 3,
            days=days or 1,
        )
    raise ValidationError({"kind": _("Choose weekly or round the clock.")}, code="kind")


@transaction.atomic
def shift_series_create(
    *,
    actor: Any,
    activity: Activity,
    template: ShiftTemplate,
    windows: Sequence[tuple[datetime, datetime]],
) -> list[Shift]:
    """Many shifts in one step (every Saturday; 3 shifts a day for 60 days), one series id."""
    _require_change_activity(actor, activity)
    if not windows:
        raise ValidationError(_("These settings make no shifts."), code="empty")
    if len(windows) > conf.max_series_shifts():
        raise ValidationError(
            _("At most %(n)d shifts in one step.") % {"n": conf.max_series_shifts()},
            code="too_many",
        )
    for begin, finish in windows:
        _check_window(activity, begin, finish)
    _check_people(template.min_people, template.wanted_people, template.max_people)
    requirements = requirement_clean(template.requirements)
    series = uuid.uuid4()
    shifts = Shift.objects.bulk_create(
        Shift(
            activity=activity,
            post=template.post.strip(),
            starts_at=begin,
            ends_at=finish,
            min_people=template.min_people,
            wanted_people=template.wanted_people,
            max_people=template.max_people,
            requirements=requirements,
            notes=template.notes,
            series=series,
        )
        for begin, finish in windows
    )
    audit_record(
        actor=actor,
        action="shift.series_create",
        obj=activity,
        changes={"series": [None, str(series)], "count": [None, len(shifts)]},
    )
    return shifts


@transaction.atomic
def shift_update(
    *,
    actor: Any,
    shift: Shift,
    post: str | None = None,
    min_people: int | None = None,
    wanted_people: int | None = None,
    max_people: int | None = None,
    requirements: Any = None,
    notes: str | None = None,
) -> Shift:
    """Change a shift's post, people and requirements (the window stays: people planned
    around it). Raising the maximum promotes from the waitlist at once; lowering it below
    the confirmed count is refused: nobody is dropped silently."""
    _require_change_activity(actor, shift.activity)
    locked = Shift.objects.select_for_update().select_related("activity").get(pk=shift.pk)
    before = {
        "post": locked.post,
        "min_people": locked.min_people,
        "wanted_people": locked.wanted_people,
        "max_people": locked.max_people,
        "requirements": locked.requirements,
        "notes": locked.notes,
    }
    if post is not None:
        locked.post = post.strip()
    if min_people is not None:
        locked.min_people = min_people
    if wanted_people is not None:
        locked.wanted_people = wanted_people
    if max_people is not None:
        locked.max_people = max_people
    if requirements is not None:
        locked.requirements = requirement_clean(requirements)
    if notes is not None:
        locked.notes = notes
    _check_people(locked.min_people, locked.wanted_people, locked.max_people)
    confirmed = locked.signups.filter(state=SignUpState.CONFIRMED).count()
    if locked.max_people < confirmed:
        raise ValidationError(
            {
                "max_people": _("%(n)d people are confirmed; take someone off first.")
                % {"n": confirmed}
            },
            code="below_confirmed",
        )
    locked.save()
    after = {k: getattr(locked, k) for k in before}
    audit_record(
        actor=actor,
        action="shift.update",
        obj=locked,
        region_id=locked.activity.region_id,
        organization_id=locked.activity.organization_id,
        changes=diff_fields(before, after),
    )
    _promote(locked)
    return locked


# --- sign-ups ---------------------------------------------------------------------------------


def _hours_text(value: float) -> str:
    return f"{value:g}"


def signup_limit_problems(shift: Shift, volunteer: Volunteer) -> list[str]:
    """Overlap, rest and hours-per-day against the volunteer's other live sign-ups, in words.

    Waitlisted places count too: a waitlisted place may turn into a confirmed one at any time.
    """
    rest = conf.min_rest()
    max_hours = conf.max_hours_per_day()
    others = list(
        Shift.objects.filter(
            signups__volunteer=volunteer,
            signups__state__in=LIVE_STATES,
            starts_at__lt=shift.ends_at + rest,
            ends_at__gt=shift.starts_at - max(rest, timedelta(days=1)),
        )
        .exclude(pk=shift.pk)
        .select_related("activity")
        .distinct()
    )
    problems: list[str] = []
    for other in others:
        if other.starts_at < shift.ends_at and other.ends_at > shift.starts_at:
            problems.append(
                _("Overlaps your shift %(post)s (%(when)s).")
                % {"post": other.post, "when": _local(other.starts_at)}
            )
        elif other.starts_at < shift.ends_at + rest and other.ends_at > shift.starts_at - rest:
            problems.append(
                _("Needs %(hours)s hours of rest after or before your shift %(post)s (%(when)s).")
                % {
                    "hours": _hours_text(rest.total_seconds() / 3600),
                    "post": other.post,
                    "when": _local(other.starts_at),
                }
            )
    for day in _days_touched(shift):
        total = _minutes_on(shift, day) + sum(_minutes_on(o, day) for o in others)
        if total > max_hours * 60:
            problems.append(
                _("More than %(max)d hours of service on %(day)s (%(hours)s hours).")
                % {"max": max_hours, "day": day.isoformat(), "hours": _hours_text(total / 60)}
            )
    return problems


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _days_touched(shift: Shift) -> list[date]:
    first = shanghai_day(shift.starts_at)
    last = shanghai_day(shift.ends_at - timedelta(microseconds=1))
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _minutes_on(shift: Shift, day: date) -> float:
    tz = timezone.get_current_timezone()
    begin = datetime.combine(day, time.min, tz)
    finish = begin + timedelta(days=1)
    overlap = min(shift.ends_at, finish) - max(shift.starts_at, begin)
    return max(overlap.total_seconds() / 60, 0)


@dataclass(frozen=True)
class SignUpCheck:
    """May this volunteer sign up for this shift now? ``eligibility`` holds the eligibility
    function's reasons (a leader may override those), ``blocking`` everything else."""

    eligibility: tuple[str, ...]
    blocking: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.eligibility and not self.blocking

    @property
    def reasons(self) -> list[str]:
        return [*self.blocking, *self.eligibility]


def signup_check(shift: Shift, volunteer: Volunteer, *, now: datetime | None = None) -> SignUpCheck:
    """Everything that stands between this volunteer and this shift, in words (read only)."""
    now = now or timezone.now()
    blocking: list[str] = []
    activity = shift.activity
    if activity.status not in (Status.PUBLISHED, Status.UNDER_WAY):
        blocking.append(_("The activity is not open for sign-up."))
    if shift.starts_at <= now:
        blocking.append(_("The shift has already started."))
    if volunteer.status != VolunteerStatus.ACTIVE or volunteer.erased_at is not None:
        blocking.append(_("Only active volunteers can be signed up."))
    if SignUp.objects.filter(shift=shift, volunteer=volunteer, state__in=LIVE_STATES).exists():
        blocking.append(_("Already signed up for this shift."))
    blocking.extend(signup_limit_problems(shift, volunteer))
    decision = eligibility_for(volunteer, shift_requirement(shift), at=shift.starts_at)
    return SignUpCheck(eligibility=tuple(decision.texts()), blocking=tuple(blocking))


def _refusal(messages: Sequence[str], code: str) -> ValidationError:
    """Every reason as its own message, each with the machine code (for the API)."""
    return ValidationError([ValidationError(m, code=code) for m in messages])


@transaction.atomic
def signup_create(
    *, actor: Any, shift: Shift, volunteer: Volunteer, override_reason: str = ""
) -> SignUp:
    """Sign a volunteer up: themself (invite-and-accept, nobody is forced, 条例 Art 25), or
    added by a leader of the activity. Confirmed while there is room, else waitlisted.

    The room is counted under a row lock on the shift (SELECT … FOR UPDATE), so however many
    sign-ups race on however many server processes, confirmed never exceeds the maximum. The
    volunteer's row is locked first, so the same person's parallel sign-ups cannot slip past
    the rest and hours limits either (lock order: volunteer, then shift, everywhere).

    A leader may override *eligibility* refusals with a reason (audited); limits, status and
    duplicates are never overridden.
    """
    own = volunteer_own(user=actor)
    is_self = own is not None and own.pk == volunteer.pk
    is_leader = may_change_activity(actor, shift.activity)
    if not is_self and not is_leader:
        raise PermissionDenied(_("You may only sign yourself up."))
    if (
        is_self
        and not is_leader
        and not Shift.objects.visible_to(actor, VIEW).filter(pk=shift.pk).exists()
    ):
        raise PermissionDenied(_("You may only sign yourself up."))
    override_reason = override_reason.strip() if is_leader else ""
    Volunteer.objects.select_for_update().filter(pk=volunteer.pk).first()
    locked = Shift.objects.select_for_update().get(pk=shift.pk)
    locked.activity = shift.activity
    check = signup_check(locked, volunteer)
    if check.blocking:
        raise _refusal(check.blocking, "refused")
    if check.eligibility and not override_reason:
        raise _refusal(check.eligibility, "not_eligible")
    confirmed = locked.signups.filter(state=SignUpState.CONFIRMED).count()
    now = timezone.now()
    signup = SignUp(
        shift=locked,
        volunteer=volunteer,
        added_by=actor if getattr(actor, "is_authenticated", False) else None,
        override_reason=override_reason if check.eligibility else "",
    )
    if confirmed < locked.max_people:
        signup.state = SignUpState.CONFIRMED
        signup.confirmed_at = now
    else:
        last = locked.signups.filter(state=SignUpState.WAITLISTED).aggregate(
            m=Max("waitlist_position")
        )["m"]
        signup.state = SignUpState.WAITLISTED
        signup.waitlist_position = (last or 0) + 1
    signup.save()
    activity = shift.activity
    audit_record(
        actor=actor,
        action="signup.override" if signup.override_reason else "signup.create",
        obj=signup,
        region_id=activity.region_id,
        organization_id=activity.organization_id,
        reason=signup.override_reason,
        changes={
            "state": [None, signup.state],
            **({"not_eligible": [None, "; ".join(check.eligibility)]} if check.eligibility else {}),
        },
    )
    return signup


@transaction.atomic
def signup_withdraw(*, actor: Any, signup: SignUp, reason: str = "") -> SignUp:
    """Take a sign-up back. The volunteer themself until the cut-off before the start; a
    leader of the activity at any time, with a reason. A freed confirmed place goes to the
    waitlist in order at once."""
    shift = signup.shift
    activity = shift.activity
    own = volunteer_own(user=actor)
    is_self = own is not None and own.pk == signup.volunteer_id
    is_leader = may_change_activity(actor, activity)
    if not is_self and not is_leader:
        raise PermissionDenied(_("You may not change this sign-up."))
    locked_shift = Shift.objects.select_for_update().get(pk=shift.pk)
    locked_shift.activity = activity
    row = SignUp.objects.get(pk=signup.pk)
    if row.state not in LIVE_STATES:
        raise ValidationError(_("This sign-up was already withdrawn."), code="not_live")
    now = timezone.now()
    in_time = now < shift.starts_at - conf.withdraw_cutoff()
    if not (is_self and in_time) and not is_leader:
        raise ValidationError(
            _(
                "Withdrawing is possible until %(hours)s hours before the start; "
                "please call the person in charge."
            )
            % {"hours": _hours_text(conf.withdraw_cutoff().total_seconds() / 3600)},
            code="cutoff",
        )
    before = row.state
    if is_self and in_time:
        row.state = SignUpState.WITHDRAWN
    else:
        if len(reason.strip()) < 2:
            raise ValidationError({"reason": _("Say why this person is taken off.")}, code="reason")
        row.state = SignUpState.REMOVED
    row.waitlist_position = None
    row.ended_at = now
    row.save(update_fields=["state", "waitlist_position", "ended_at"])
    audit_record(
        actor=actor,
        action="signup.withdraw" if row.state == SignUpState.WITHDRAWN else "signup.remove",
        obj=row,
        region_id=activity.region_id,
        organization_id=activity.organization_id,
        reason=reason,
        changes={"state": [before, row.state]},
    )
    if before == SignUpState.CONFIRMED:
        _promote(locked_shift)
    return row


def signups_end_on_erasure(*, actor: Any, volunteer: Volunteer, reason: str) -> None:
    """An erased person is taken off every roster and waitlist they are on: nobody can check
    them in by their sign-up any more, and a freed place of a shift still to come goes to its
    waitlist. The caller (the erasure) holds the right to change the person's record."""
    now = timezone.now()
    live = SignUp.objects.filter(volunteer=volunteer, state__in=LIVE_STATES).select_related(
        "shift__activity"
    )
    for row in live:
        shift = Shift.objects.select_for_update().get(pk=row.shift_id)
        shift.activity = row.shift.activity
        before = row.state
        row.state, row.waitlist_position, row.ended_at = SignUpState.REMOVED, None, now
        row.save(update_fields=["state", "waitlist_position", "ended_at"])
        audit_record(
            actor=actor,
            action="signup.remove",
            obj=row,
            region_id=shift.activity.region_id,
            organization_id=shift.activity.organization_id,
            reason=reason,
            changes={"state": [before, row.state]},
        )
        if before == SignUpState.CONFIRMED and shift.ends_at > now:
            _promote(shift)


def _promote(shift: Shift) -> list[SignUp]:
    """Fill free places from the waitlist in position order; caller holds the shift lock."""
    confirmed = shift.signups.filter(state=SignUpState.CONFIRMED).count()
    free = shift.max_people - confirmed
    if free <= 0:
        return []
    promoted = list(
        shift.signups.filter(state=SignUpState.WAITLISTED)
        .select_related("volunteer")
        .order_by("waitlist_position", "id")[:free]
    )
    now = timezone.now()
    for row in promoted:
        row.state = SignUpState.CONFIRMED
        row.waitlist_position = None
        row.confirmed_at = now
        row.save(update_fields=["state", "waitlist_position", "confirmed_at"])
        audit_record(
            actor=None,
            action="signup.promote",
            obj=row,
            region_id=shift.activity.region_id,
            organization_id=shift.activity.organization_id,
            changes={"state": [SignUpState.WAITLISTED, SignUpState.CONFIRMED]},
        )
        if row.volunteer.user_id is not None:
            notification_send(
                user=row.volunteer.user,
                title=_("You have a place: %(post)s") % {"post": shift.post},
                body=_("%(activity)s, %(when)s. Withdraw in time if you cannot come.")
                % {"activity": shift.activity.title, "when": _local(shift.starts_at)},
            )
    return promoted


def shift_call_number(*, actor: Any, signup: SignUp, reason: str = "") -> str:
    """The full phone number of someone on a shift's roster, for a leader of the activity to
    call; always audit-logged ("shift.call")."""
    from vetserve.people.services import volunteer_reveal_value

    activity = signup.shift.activity
    _require_change_activity(actor, activity)
    number = volunteer_reveal_value(signup.volunteer, "phone")
    audit_record(
        actor=actor,
        action="shift.call",
        obj=signup.volunteer,
        reason=reason or _("Call from the shift roster"),
        changes={"shift": [None, str(signup.shift_id)]},
    )
    return number
