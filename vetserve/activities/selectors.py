"""Reads for the activities pages and API: scoped lists, single objects, sums and progress."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import (
    BigIntegerField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from vetserve.accounts.models import User
from vetserve.activities.models import (
    LIVE_STATES,
    Activity,
    Campaign,
    Outcome,
    OutcomeType,
    Shift,
    SignUp,
    SignUpState,
    Status,
)
from vetserve.core.access import VIEW, Actor, ScopedQuerySet, access_object, may_see_whole_campaign
from vetserve.orgs.models import Organization
from vetserve.people.models import Volunteer
from vetserve.people.selectors import volunteer_list, volunteer_roster
from vetserve.regions.models import Region

# --- the hours hook ---------------------------------------------------------------------------

# Service time comes from attendance (actual minutes on post, travel excluded), which this app
# does not record. An app that does registers a function here (in its AppConfig.ready): it
# gets a queryset of shifts and returns the minutes served on them.
ServedMinutes = Callable[[QuerySet[Shift]], int]
_served_minutes_sources: list[ServedMinutes] = []


def register_served_minutes(source: ServedMinutes) -> None:
    if source not in _served_minutes_sources:
        _served_minutes_sources.append(source)


def served_minutes(shifts: QuerySet[Shift]) -> int:
    """Minutes served on ``shifts``, as the registered sources report (0 without any)."""
    return sum(int(source(shifts)) for source in _served_minutes_sources)


# The same per group of activities, for the breakdowns of a campaign's page: ``group`` takes
# the path from the queried model to the activity (``"shift__activity__"``) and returns the
# expression to group by. One query per source whatever the number of groups.
ActivityGroup = Callable[[str], Any]
ServedMinutesBy = Callable[[QuerySet[Shift], ActivityGroup], dict[Any, int]]
_served_minutes_by_sources: list[ServedMinutesBy] = []


def register_served_minutes_by(source: ServedMinutesBy) -> None:
    if source not in _served_minutes_by_sources:
        _served_minutes_by_sources.append(source)


def served_minutes_by(shifts: QuerySet[Shift], group: ActivityGroup) -> dict[Any, int]:
    """Minutes served on ``shifts`` per group of their activities."""
    totals: dict[Any, int] = {}
    for source in _served_minutes_by_sources:
        for value, minutes in source(shifts, group).items():
            totals[value] = totals.get(value, 0) + int(minutes)
    return totals


# --- lists and objects ------------------------------------------------------------------------


def campaign_list(*, user: Actor | None, action: str = VIEW) -> QuerySet[Campaign]:
    return Campaign.objects.visible_to(user, action).select_related("organization", "region")


def access_campaign(user: Actor | None, campaign_id: Any, action: str = VIEW) -> Campaign:
    return access_object(
        Campaign.objects.select_related("organization", "organization__region", "region"),
        user,
        action,
        pk=campaign_id,
    )


def activity_list(
    *,
    user: Actor | None,
    action: str = VIEW,
    search: str = "",
    status: str = "",
    category: str = "",
    organization: Organization | None = None,
    region: Region | None = None,
    campaign: Campaign | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
) -> QuerySet[Activity]:
    qs: ScopedQuerySet[Activity] = Activity.objects.visible_to(user, action)
    if search:
        qs = qs.filter(Q(title__icontains=search.strip()) | Q(place__icontains=search.strip()))
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    if region is not None:
        low, high = region.id_range
        qs = qs.filter(region_id__gte=low, region_id__lte=high)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if starts_from is not None:
        qs = qs.filter(ends_at__gt=starts_from)
    if starts_before is not None:
        qs = qs.filter(starts_at__lt=starts_before)
    return qs.select_related("organization", "region", "campaign")


def access_activity(user: Actor | None, activity_id: Any, action: str = VIEW) -> Activity:
    return access_object(
        Activity.objects.select_related("organization", "organization__region", "region"),
        user,
        action,
        pk=activity_id,
    )


def with_counts(qs: QuerySet[Shift]) -> QuerySet[Shift]:
    """Each shift's confirmed and waitlisted people, as a subquery per shift (index
    shift, state): a page of shifts counts the sign-ups of its 50 rows. A join with GROUP BY
    counted the sign-ups of every shift in scope before the page was cut (1,027,736 at 10×:
    0.2–0.6 s for the upcoming shifts, bench/pages.py)."""
    return qs.annotate(
        confirmed_count=_signups_in(SignUpState.CONFIRMED),
        waitlist_count=_signups_in(SignUpState.WAITLISTED),
    )


def _signups_in(state: str) -> Coalesce:
    counted = (
        SignUp.objects.filter(shift=OuterRef("pk"), state=state)
        .order_by()
        .values("shift")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def shift_list(
    *, user: Actor | None, activity: Activity | None = None, action: str = VIEW
) -> QuerySet[Shift]:
    qs = Shift.objects.visible_to(user, action)
    if activity is not None:
        qs = qs.filter(activity=activity)
    return with_counts(qs.select_related("activity", "activity__organization"))


def access_shift(user: Actor | None, shift_id: Any, action: str = VIEW) -> Shift:
    return access_object(
        with_counts(  # type: ignore[arg-type]
            Shift.objects.select_related(
                "activity", "activity__organization", "activity__organization__region"
            )
        ),
        user,
        action,
        pk=shift_id,
    )


def access_signup(user: Actor | None, signup_id: Any, action: str = VIEW) -> SignUp:
    return access_object(
        SignUp.objects.select_related(
            "shift", "shift__activity", "shift__activity__organization", "volunteer"
        ),
        user,
        action,
        pk=signup_id,
    )


def shift_roster(shift: Shift) -> dict[str, list[SignUp]]:
    """Confirmed in sign-up order, the waitlist in position order (for a leader)."""
    rows = list(
        shift.signups.filter(state__in=LIVE_STATES)
        .select_related("volunteer", "volunteer__home_org")
        .order_by("waitlist_position", "confirmed_at", "id")
    )
    return {
        "confirmed": [r for r in rows if r.state == SignUpState.CONFIRMED],
        "waitlist": [r for r in rows if r.state == SignUpState.WAITLISTED],
    }


def my_signups(*, user: User, upcoming_only: bool = True) -> QuerySet[SignUp]:
    """The user's own live sign-ups (through their volunteer record), soonest first."""
    qs = SignUp.objects.filter(
        volunteer__user=user, volunteer__erased_at__isnull=True, state__in=LIVE_STATES
    )
    if upcoming_only:
        qs = qs.filter(shift__ends_at__gt=timezone.now())
    return qs.select_related("shift", "shift__activity").order_by("shift__starts_at", "id")


def my_signup_for(*, user: User, shift: Shift) -> SignUp | None:
    return my_signups(user=user, upcoming_only=False).filter(shift=shift).first()


def outcome_list(*, user: Actor | None, activity: Activity | None = None) -> QuerySet[Outcome]:
    """Outcome figures the user may see (of one activity), oldest first."""
    qs = Outcome.objects.visible_to(user, VIEW).select_related("outcome_type")
    if activity is not None:
        qs = qs.filter(activity=activity)
    return qs.order_by("recorded_at", "id")


# The last four digits of a phone number: the part its stored mask keeps (139****1111).
PHONE_TAIL = re.compile(r"^\d{4}$")


def add_candidates(*, user: Actor | None, search: str, limit: int = 10) -> list[Volunteer]:
    """Volunteers the user may see who match what a leader typed to add someone to a shift:
    the roster's search (name, pinyin initials, badge number, full ID or phone number) or
    the last four digits of a phone number."""
    text = search.strip()
    if not text:
        return []
    if PHONE_TAIL.match(text):
        qs = volunteer_list(user=user).filter(phone_masked__endswith=text).order_by("name", "id")
    else:
        qs = volunteer_roster(user=user, search=text)
    return list(qs[:limit])


# --- outcome sums -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeTotal:
    outcome_type: OutcomeType
    total: Decimal


def outcome_totals(outcomes: QuerySet[Outcome]) -> list[OutcomeTotal]:
    """Each figure summed over ``outcomes``, in the catalogue's order."""
    sums = dict(outcomes.order_by().values_list("outcome_type").annotate(total=Sum("quantity")))
    types = OutcomeType.objects.filter(pk__in=list(sums))
    return [OutcomeTotal(t, sums[t.pk]) for t in types]


def outcome_totals_for(
    *,
    user: Actor | None,
    activity: Activity | None = None,
    campaign: Campaign | None = None,
    organization: Organization | None = None,
    region: Region | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[OutcomeTotal]:
    """Sums per activity, campaign, organization subtree or region range (and period),
    always inside what the user may see. Cancelled activities count nothing."""
    qs = Outcome.objects.visible_to(user, VIEW).exclude(activity__status=Status.CANCELLED)
    if activity is not None:
        qs = qs.filter(activity=activity)
    if campaign is not None:
        qs = qs.filter(activity__campaign=campaign)
    if organization is not None:
        qs = qs.filter(activity__organization__path__startswith=organization.path)
    if region is not None:
        low, high = region.id_range
        qs = qs.filter(activity__region_id__gte=low, activity__region_id__lte=high)
    if since is not None:
        qs = qs.filter(activity__starts_at__date__gte=since)
    if until is not None:
        qs = qs.filter(activity__starts_at__date__lte=until)
    return outcome_totals(qs)


# --- campaign progress ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressLine:
    label: str
    unit: str
    target: Decimal
    done: Decimal

    @property
    def percent(self) -> int | None:
        if not self.target:
            return None
        return int(min(self.done / self.target * 100, Decimal(999)))


class CampaignProgress(TypedDict):
    """A campaign's targets against what was done, line by line."""

    activities: ProgressLine
    shifts: ProgressLine
    volunteers: ProgressLine
    hours: ProgressLine
    figures: list[ProgressLine]


def campaign_progress(
    campaign: Campaign, activities: QuerySet[Activity] | None = None
) -> CampaignProgress:
    """Targets against what was done: activities (not cancelled), distinct volunteers
    confirmed, service hours (from attendance through ``served_minutes``), outcome figures.
    ``activities`` narrows what is counted to a part of the campaign (a viewer's area); the
    targets stay the whole campaign's."""
    if activities is None:
        activities = campaign.activities.all()
    activities = activities.exclude(status=Status.CANCELLED)
    shifts = Shift.objects.filter(activity__in=activities)
    volunteers = (
        SignUp.objects.filter(shift__in=shifts, state=SignUpState.CONFIRMED)
        .values("volunteer")
        .distinct()
        .count()
    )
    hours = Decimal(served_minutes(shifts)) / 60
    sums = dict(
        Outcome.objects.filter(activity__in=activities)
        .order_by()
        .values_list("outcome_type")
        .annotate(total=Sum("quantity"))
    )
    figures = [
        ProgressLine(
            str(t.outcome_type.name),
            t.outcome_type.unit,
            t.quantity,
            sums.get(t.outcome_type_id, Decimal(0)),
        )
        for t in campaign.targets.select_related("outcome_type")
    ]
    return {
        "activities": ProgressLine(
            "activities", "", Decimal(campaign.target_activities), Decimal(activities.count())
        ),
        "shifts": ProgressLine("shifts", "", Decimal(0), Decimal(shifts.count())),
        "volunteers": ProgressLine(
            "volunteers", "", Decimal(campaign.target_volunteers), Decimal(volunteers)
        ),
        "hours": ProgressLine(
            "hours", "h", Decimal(campaign.target_hours), hours.quantize(Decimal("0.1"))
        ),
        "figures": figures,
    }


@dataclass(frozen=True)
class BreakdownLine:
    """What one organization, or the activities in one county, did for a campaign."""

    key: int
    name: str
    activities: int
    shifts: int
    volunteers: int
    hours: Decimal
    link: bool  # the viewer may open the organization or region named


@dataclass(frozen=True)
class CampaignReport:
    """A campaign's page: progress and breakdowns, over the part the viewer may see."""

    whole: bool  # False: counted over the viewer's area only
    progress: CampaignProgress
    by_organization: list[BreakdownLine]
    by_county: list[BreakdownLine]


# A region id is its code padded to 12 digits: integer division by 10⁶ leaves the county's
# six digits, in SQLite and PostgreSQL alike, so activities group by county in the query.
COUNTY_DIVISOR = 1_000_000


def _by_county(prefix: str) -> Any:
    return ExpressionWrapper(
        F(f"{prefix}region_id") / COUNTY_DIVISOR, output_field=BigIntegerField()
    )


def _by_org(prefix: str) -> Any:
    return F(f"{prefix}organization_id")


def _breakdown(activities: QuerySet[Activity], group: ActivityGroup) -> dict[int, dict[str, Any]]:
    """Activities, shifts, volunteers engaged (each counted once per group) and minutes served
    per group of activities: four queries whatever the number of groups."""
    rows: dict[int, dict[str, Any]] = {}

    def line(value: int) -> dict[str, Any]:
        return rows.setdefault(value, {"activities": 0, "shifts": 0, "volunteers": 0, "minutes": 0})

    counted = activities.order_by().annotate(group=group("")).values_list("group")
    for value, n in counted.annotate(n=Count("id")):
        line(value)["activities"] = n
    shifts = Shift.objects.filter(activity__in=activities)
    grouped = shifts.order_by().annotate(group=group("activity__")).values_list("group")
    for value, n in grouped.annotate(n=Count("id")):
        line(value)["shifts"] = n
    confirmed = SignUp.objects.filter(shift__in=shifts, state=SignUpState.CONFIRMED).order_by()
    per = confirmed.annotate(group=group("shift__activity__")).values_list("group")
    for value, n in per.annotate(n=Count("volunteer", distinct=True)):
        line(value)["volunteers"] = n
    for value, minutes in served_minutes_by(shifts, group).items():
        line(value)["minutes"] = minutes
    return rows


def _line(key: int, name: str, r: dict[str, Any], link: bool) -> BreakdownLine:
    hours = (Decimal(r["minutes"]) / 60).quantize(Decimal("0.1"))
    return BreakdownLine(key, name, r["activities"], r["shifts"], r["volunteers"], hours, link)


def campaign_report(*, user: Actor | None, campaign: Campaign) -> CampaignReport:
    """The campaign's progress and its breakdown by organization and by county, counted over
    the whole campaign for whoever sees all of its organizer's work, and otherwise over the
    activities the viewer may see (a county administrator opening the city's campaign sees
    their county's part): another area's figures are that area's to report."""
    whole = may_see_whole_campaign(user, campaign)
    activities: QuerySet[Activity] = campaign.activities.all()
    if not whole:
        activities = Activity.objects.visible_to(user, VIEW).filter(campaign=campaign)
    activities = activities.exclude(status=Status.CANCELLED)
    progress = campaign_progress(campaign, activities)

    by_org = _breakdown(activities, _by_org)
    names = dict(Organization.objects.filter(pk__in=list(by_org)).values_list("pk", "name"))
    linked = set(
        Organization.objects.visible_to(user, VIEW)
        .filter(pk__in=list(by_org))
        .values_list("pk", flat=True)
    )
    by_organization = sorted(
        (_line(pk, names.get(pk, ""), r, pk in linked) for pk, r in by_org.items()),
        key=lambda b: (-b.activities, b.name),
    )
    by_head = _breakdown(activities, _by_county)
    county_ids = [head * COUNTY_DIVISOR for head in by_head]
    counties = dict(Region.objects.filter(pk__in=county_ids).values_list("pk", "name"))
    openable = set(
        Region.objects.visible_to(user, VIEW).filter(pk__in=county_ids).values_list("pk", flat=True)
    )
    by_county = sorted(
        (
            _line(
                head * COUNTY_DIVISOR,
                counties.get(head * COUNTY_DIVISOR, str(head)),
                r,
                head * COUNTY_DIVISOR in openable,
            )
            for head, r in by_head.items()
        ),
        key=lambda b: b.key,
    )
    return CampaignReport(whole, progress, by_organization, by_county)


@dataclass(frozen=True)
class CampaignActivityLine:
    """One activity of a campaign, what it did: the rows of the campaign export."""

    activity: Activity
    shifts: int
    volunteers: int
    hours: Decimal
    figures: dict[int, Decimal]  # outcome type id -> the activity's sum


def campaign_activity_lines(
    *, user: Actor | None, campaign: Campaign
) -> tuple[list[OutcomeType], list[CampaignActivityLine]]:
    """The campaign's activities (the same part as ``campaign_report`` counts: the whole for
    whoever sees all of the organizer's work, else the viewer's area; cancelled ones
    included, marked by their status) with shifts, volunteers engaged, hours served and
    outcome figures each, and the outcome types to show (the targets', then any recorded):
    a fixed number of queries whatever the number of activities."""
    activities: QuerySet[Activity] = campaign.activities.all()
    if not may_see_whole_campaign(user, campaign):
        activities = Activity.objects.visible_to(user, VIEW).filter(campaign=campaign)
    rows = list(activities.select_related("organization", "region").order_by("starts_at", "pk"))
    counted = _breakdown(activities.exclude(status=Status.CANCELLED), lambda p: F(f"{p}id"))
    sums: dict[int, dict[int, Decimal]] = {}
    recorded = (
        Outcome.objects.filter(activity__in=activities)
        .exclude(activity__status=Status.CANCELLED)
        .order_by()
        .values_list("activity_id", "outcome_type_id")
        .annotate(total=Sum("quantity"))
    )
    for activity_id, type_id, total in recorded:
        sums.setdefault(activity_id, {})[type_id] = total
    wanted = [t.outcome_type_id for t in campaign.targets.all()]
    wanted += sorted({t for figures in sums.values() for t in figures} - set(wanted))
    types = {t.pk: t for t in OutcomeType.objects.filter(pk__in=wanted)}
    lines = []
    for activity in rows:
        r = counted.get(activity.pk, {"shifts": 0, "volunteers": 0, "minutes": 0})
        lines.append(
            CampaignActivityLine(
                activity=activity,
                shifts=r["shifts"],
                volunteers=r["volunteers"],
                hours=(Decimal(r["minutes"]) / 60).quantize(Decimal("0.1")),
                figures=sums.get(activity.pk, {}),
            )
        )
    return [types[t] for t in wanted if t in types], lines


# --- requirements as people read them ---------------------------------------------------------


@dataclass(frozen=True)
class RequirementNames:
    """Catalogue names by id, loaded once per page (two queries however many shifts)."""

    skills: dict[int, str]
    types: dict[int, str]


def requirement_names() -> RequirementNames:
    from vetserve.skills.models import QualificationType, Skill

    return RequirementNames(
        skills=dict(Skill.objects.values_list("pk", "name")),
        types=dict(QualificationType.objects.values_list("pk", "name")),
    )


def requirement_text(data: Any, names: RequirementNames | None = None) -> str:
    """A shift's stored requirements as one line for people, e.g.
    "急救（熟练及以上）、持有效救护员证或护士执业证书、年龄18至65岁"; empty when there are none."""
    from django.utils.translation import gettext as _
    from django.utils.translation import pgettext

    if not isinstance(data, dict) or not data:
        return ""
    names = names or requirement_names()
    unknown = _("(unknown)")
    parts: list[str] = []
    for skill, level in data.get("skills", []):
        name = names.skills.get(skill, unknown)
        if level >= 3:
            parts.append(_("%(skill)s (expert)") % {"skill": name})
        elif level == 2:
            parts.append(_("%(skill)s (practised or above)") % {"skill": name})
        else:
            parts.append(name)
    for group in data.get("qualification_groups", []):
        alternatives = _(" or ").join(names.types.get(t, unknown) for t in group)
        parts.append(_("a valid %(qualification)s") % {"qualification": alternatives})
    youngest, oldest = data.get("min_age"), data.get("max_age")
    if youngest is not None and oldest is not None:
        parts.append(_("aged %(min)s to %(max)s") % {"min": youngest, "max": oldest})
    elif youngest is not None:
        parts.append(_("aged at least %(min)s") % {"min": youngest})
    elif oldest is not None:
        parts.append(_("aged at most %(max)s") % {"max": oldest})
    if data.get("health_within_days"):
        days = data["health_within_days"]
        parts.append(_("a health declaration within %(days)s days") % {"days": days})
    if data.get("insurance_required"):
        parts.append(_("valid accident insurance"))
    if data.get("verified_only") is False:
        parts.append(_("unverified qualifications count"))
    return pgettext("list separator", ", ").join(parts)
