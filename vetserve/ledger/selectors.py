"""Reads of the ledger: scoped lists, one entry, balances, and the chain's verification."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from vetserve.activities.models import Activity, Category, SignUp, SignUpState
from vetserve.activities.models import Status as ActivityStatus
from vetserve.attendance.models import Attendance
from vetserve.core.access import (
    AUDIT,
    CHANGE,
    VIEW,
    Actor,
    access_object,
    may_see_service_history,
    visible_to,
)
from vetserve.core.paging import count_upto
from vetserve.ledger.chain import HASHED_FIELDS, BrokenLink, first_broken
from vetserve.ledger.models import ClaimState, HoursClaim, LedgerEntry, Source, WorkdayRule
from vetserve.ledger.workdays import WorkCalendar, last_end_due_before
from vetserve.orgs.models import Organization
from vetserve.people.models import Volunteer


def ledger_list(
    *,
    user: Actor | None,
    organization_id: int | None = None,
    volunteer_id: int | None = None,
    source: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    region_range: tuple[int, int] | None = None,
    category: str | None = None,
) -> QuerySet[LedgerEntry]:
    """The entries the user may see, newest first, each with ``confirmed``; optionally of a
    region's subtree (``region_range``, a Region's ``id_range``) and one category (the
    dashboards' drill-down)."""
    qs = visible_to(user, LedgerEntry, VIEW)
    if region_range is not None:
        qs = qs.filter(region_id__gte=region_range[0], region_id__lte=region_range[1])
    if category is not None:
        qs = qs.filter(category=category)
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    if volunteer_id is not None:
        qs = qs.filter(volunteer_id__in=_same_person(volunteer_id))
    if source:
        qs = qs.filter(source=source)
    if date_from is not None:
        qs = qs.filter(service_date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(service_date__lte=date_to)
    return (
        qs.annotate(confirmed=_confirmed())
        .select_related("volunteer")
        .order_by("-recorded_at", "-id")
    )


def access_entry(user: Actor | None, entry_id: Any, action: str = VIEW) -> LedgerEntry:
    """One entry the user may reach for ``action``, or Http404 like a missing one. To view,
    also an entry of a volunteer whose whole history the user may see (a volunteer who moved
    to their unit: ``may_see_service_history``)."""
    rows = LedgerEntry.objects.annotate(confirmed=_confirmed()).select_related(
        "volunteer__home_org"
    )
    try:
        return access_object(rows, user, action, pk=entry_id)
    except Http404:
        if action != VIEW:
            raise
    entry = rows.filter(pk=entry_id).first() if str(entry_id).isdigit() else None
    if entry is None or not may_see_service_history(user, entry.volunteer):
        raise Http404
    return entry


def volunteer_history(*, user: Actor | None, volunteer: Volunteer) -> QuerySet[LedgerEntry]:
    """A volunteer's entries as the viewer may see them, newest first: the whole history,
    whatever unit recorded it, for those who may see it (the volunteer, their current unit's
    managers: 转移接续), else the entries of the units the viewer sees."""
    return (
        _history_rows(user, volunteer)
        .annotate(confirmed=_confirmed())
        .select_related("volunteer")
        .order_by("-recorded_at", "-id")
    )


def _history_rows(user: Actor | None, volunteer: Volunteer) -> QuerySet[LedgerEntry]:
    rows = (
        LedgerEntry.objects.all()
        if may_see_service_history(user, volunteer)
        else visible_to(user, LedgerEntry, VIEW)
    )
    return rows.filter(volunteer_id__in=_same_person(volunteer.pk))


def _confirmed() -> Exists:
    return Exists(LedgerEntry.objects.filter(source=Source.CONFIRMATION, refers_to=OuterRef("pk")))


def _same_person(volunteer_id: int) -> list[int]:
    """The volunteer and the duplicate records merged into them: a merge moves no ledger row
    (rows are never updated), so the history of a duplicate counts for the record kept. A list
    of ids, read first, so the balance's query is a plain range of its covering index."""
    merged = (
        Volunteer.objects.filter(merged_into_id=volunteer_id)
        .order_by()
        .values_list("pk", flat=True)
    )
    return [volunteer_id, *merged]


def entry_effective_minutes(entry: LedgerEntry) -> int:
    """A record's minutes with every correction of it applied."""
    corrections = LedgerEntry.objects.filter(refers_to=entry, source=Source.CORRECTION).aggregate(
        n=Sum("minutes")
    )["n"]
    return entry.minutes + int(corrections or 0)


# --- balances --------------------------------------------------------------------------------


def hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"))


@dataclass
class Balance:
    """Service minutes as the ledger sums them: all entries (recorded) and those the
    organizing unit confirmed, in all, per year, per category and per organization. Always the
    sum of the entries' minutes (corrections included)."""

    total: int = 0
    confirmed: int = 0
    by_year: dict[int, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_organization: dict[int, int] = field(default_factory=dict)
    entries: int = 0

    organization_names: dict[int, str] = field(default_factory=dict)

    @property
    def categories(self) -> list[tuple[str, int]]:
        """(label, minutes) per activity category, for pages."""
        labels = dict(Category.choices)
        return [(str(labels.get(code, code or "—")), n) for code, n in self.by_category.items()]

    @property
    def organizations(self) -> list[tuple[str, int]]:
        return [
            (self.organization_names.get(org_id, str(org_id)), n)
            for org_id, n in self.by_organization.items()
        ]

    @property
    def total_hours(self) -> Decimal:
        return hours(self.total)

    @property
    def confirmed_hours(self) -> Decimal:
        return hours(self.confirmed)


def balance_of(rows: QuerySet[LedgerEntry], *, with_names: bool = False) -> Balance:
    """The balance of ``rows`` (already scoped): one query, grouped in the database (and one
    for the organizations' names ``with_names``).

    A correction counts in the year and organization of the record it corrects, and is
    confirmed when the correction itself is; a confirmation adds the minutes it confirms to
    the confirmed balance (``confirmed_minutes``)."""
    grouped = (
        rows.order_by()
        .values_list("service_year", "category", "organization_id")
        .annotate(n=Sum("minutes"), confirmed=Sum("confirmed_minutes"), count=Count("id"))
    )
    balance = Balance()
    by_year: dict[int, int] = defaultdict(int)
    by_category: dict[str, int] = defaultdict(int)
    by_org: dict[int, int] = defaultdict(int)
    for year, category, org_id, minutes, confirmed, count in grouped:
        minutes = int(minutes or 0)
        balance.total += minutes
        balance.confirmed += int(confirmed or 0)
        balance.entries += int(count or 0)
        by_year[int(year)] += minutes
        by_category[category] += minutes
        by_org[org_id] += minutes
    balance.by_year = dict(sorted(by_year.items(), reverse=True))
    balance.by_category = dict(sorted(by_category.items()))
    balance.by_organization = dict(by_org)
    if with_names and by_org:
        balance.organization_names = dict(
            Organization.objects.filter(pk__in=list(by_org)).values_list("pk", "name")
        )
    return balance


def volunteer_balance(
    *, user: Actor | None, volunteer: Volunteer, with_names: bool = False
) -> Balance:
    """A volunteer's balance over the entries the viewer may see (their own, and their
    current unit's managers: all of them, ``volunteer_history``)."""
    return balance_of(_history_rows(user, volunteer), with_names=with_names)


def volunteers_balance(*, user: Actor | None, volunteers: QuerySet[Volunteer]) -> Balance:
    """The balance of a set of volunteers (a team's members) on the entries the viewer may see."""
    return balance_of(
        visible_to(user, LedgerEntry, VIEW).filter(volunteer_id__in=volunteers.values("pk"))
    )


# --- the chain -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    organization_id: int
    organization_name: str
    entries: int
    broken: BrokenLink | None
    head: str = ""  # the last entry's hash: kept elsewhere, it shows the newest were not cut off

    @property
    def ok(self) -> bool:
        return self.broken is None


def chain_rows(organization_id: int) -> QuerySet[LedgerEntry, dict[str, Any]]:
    rows: QuerySet[LedgerEntry, dict[str, Any]] = (
        LedgerEntry.objects.filter(organization_id=organization_id)
        .order_by("seq")
        .values("id", "prev_hash", "hash", *HASHED_FIELDS)
    )
    return rows


def chain_verify(organization_ids: list[int] | None = None) -> list[ChainReport]:
    """Verify the chain of each organization that has entries (or of those given); not scoped:
    the command's, and the page's after it chose the organizations in scope."""
    ids = organization_ids
    if ids is None:
        ids = list(
            LedgerEntry.objects.order_by("organization_id")
            .values_list("organization_id", flat=True)
            .distinct()
        )
    names = dict(Organization.objects.filter(pk__in=ids).values_list("pk", "name"))
    reports = []
    for org_id in ids:
        count, head = 0, ""

        def counted(rows: Any) -> Any:
            nonlocal count, head
            for row in rows.iterator(chunk_size=2000):
                count += 1
                head = row["hash"]
                yield row

        broken = first_broken(counted(chain_rows(org_id)))
        reports.append(ChainReport(org_id, names.get(org_id, ""), count, broken, head))
    return reports


def chain_verify_for(*, user: Actor | None) -> list[ChainReport]:
    """The chains of the organizations whose entries the user may audit, in full: a chain is
    verified whole or not at all, so only an auditor of every entry of a chain sees its report."""
    audited = visible_to(user, LedgerEntry, AUDIT).order_by()
    seen = dict(audited.values_list("organization_id").annotate(n=Count("id")))
    totals = dict(
        LedgerEntry.objects.filter(organization_id__in=list(seen))
        .order_by()
        .values_list("organization_id")
        .annotate(n=Count("id"))
    )
    return chain_verify(sorted(org for org, n in seen.items() if totals.get(org) == n))


# --- deadlines (办法 Art 11) ------------------------------------------------------------------


@dataclass(frozen=True)
class DueWindow:
    """Which activity ends a deadline list covers: ended on or before ``last_end`` (local
    dates) and, for "due this week", after ``first_end``."""

    today: date
    first_end: date | None
    last_end: date


def due_window(*, today: date, this_week: bool, calendar: WorkCalendar) -> DueWindow:
    """Overdue: the record was due before today. Due this week: due from today to Sunday."""
    overdue_end = last_end_due_before(today, calendar=calendar)
    if not this_week:
        return DueWindow(today=today, first_end=None, last_end=overdue_end)
    monday_next = today + timedelta(days=7 - today.weekday())
    return DueWindow(
        today=today,
        first_end=overdue_end,
        last_end=last_end_due_before(monday_next, calendar=calendar),
    )


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def activities_awaiting_hours(
    *, user: Actor | None, window: DueWindow, action: str = CHANGE
) -> QuerySet[Activity]:
    """Activities the user may record hours for whose end falls in ``window`` and whose hours
    are not yet all recorded and confirmed: a closed stay not in the ledger, confirmed sign-ups
    but nothing in the ledger, or a record or correction not yet confirmed. Oldest end
    first; each with ``unconfirmed`` and ``unrecorded`` flags (no query per row). With
    ``action`` view: those the user may see (a region's dashboard counts them for its
    auditors too)."""
    in_ledger = LedgerEntry.objects.filter(activity=OuterRef("pk"))
    stays_unrecorded = Attendance.objects.filter(
        shift__activity=OuterRef("pk"), out_at__isnull=False
    ).exclude(pk__in=LedgerEntry.objects.filter(source=Source.ATTENDANCE).values("attendance_id"))
    people = SignUp.objects.filter(shift__activity=OuterRef("pk"), state=SignUpState.CONFIRMED)
    unconfirmed = (
        LedgerEntry.objects.filter(activity=OuterRef("pk"))
        .exclude(source=Source.CONFIRMATION)
        .exclude(followers__source=Source.CONFIRMATION)
    )
    qs = visible_to(user, Activity, action).filter(
        ends_at__lt=_local_midnight(window.last_end + timedelta(days=1))
    )
    if window.first_end is not None:
        qs = qs.filter(ends_at__gte=_local_midnight(window.first_end + timedelta(days=1)))
    return (
        qs.exclude(status__in=[ActivityStatus.CANCELLED, ActivityStatus.DRAFT])
        .annotate(
            unrecorded=Exists(stays_unrecorded) | (Exists(people) & ~Exists(in_ledger)),
            unconfirmed=Exists(unconfirmed),
        )
        .filter(Q(unrecorded=True) | Q(unconfirmed=True))
        .select_related("organization")
        .order_by("ends_at", "id")
    )


def hours_due_counts(
    *, user: Actor | None, today: date, most: int | None = None
) -> tuple[int, int]:
    """How many activities have hours overdue, and how many fall due this week (home's work
    queue), each counted up to ``most`` when given: a province's years of past activities
    each test three EXISTS, 170 ms to count exactly at 10× the season on every home view."""
    calendar = WorkCalendar.for_years(range(today.year - 1, today.year + 2))
    counts = []
    for week in (False, True):
        rows = activities_awaiting_hours(
            user=user, window=due_window(today=today, this_week=week, calendar=calendar)
        )
        counts.append(rows.count() if most is None else count_upto(rows, most))
    return counts[0], counts[1]


def workday_rules() -> QuerySet[WorkdayRule]:
    """The rules staff entered, newest day first (a deployment-wide table, not scoped: it
    holds public holidays only)."""
    return WorkdayRule.objects.order_by("-day")


# --- claims ----------------------------------------------------------------------------------


def claim_list(*, user: Actor | None, state: str = "") -> QuerySet[HoursClaim]:
    """The claims the user may see (their own; those of the units they may approve for),
    newest first."""
    qs = visible_to(user, HoursClaim, VIEW)
    if state:
        qs = qs.filter(state=state)
    return qs.select_related("volunteer", "activity__organization").order_by("-created_at", "-id")


def claims_to_decide(*, user: Actor | None) -> QuerySet[HoursClaim]:
    """Pending claims the user may approve: in their change scope, not their own."""
    qs = visible_to(user, HoursClaim, CHANGE).filter(state=ClaimState.PENDING)
    if user is not None and user.pk is not None:
        qs = qs.exclude(recorded_by_id=user.pk)
    return qs


def access_claim(user: Actor | None, claim_id: Any, action: str = VIEW) -> HoursClaim:
    return access_object(
        HoursClaim.objects.select_related(
            "volunteer", "activity__organization", "decided_by", "entry"
        ),
        user,
        action,
        pk=claim_id,
    )


def _claimable(volunteer: Volunteer) -> QuerySet[Activity]:
    ids = SignUp.objects.filter(volunteer=volunteer, state=SignUpState.CONFIRMED).values(
        "shift__activity_id"
    )
    return (
        Activity.objects.filter(
            Q(pk__in=ids) | Q(organization_id=volunteer.home_org_id),
            starts_at__lte=timezone.now(),
        )
        .exclude(status=ActivityStatus.CANCELLED)
        .select_related("organization")
    )


def claimable_activities(*, volunteer: Volunteer, limit: int) -> list[Activity]:
    """Activities a volunteer may claim hours for: those they had a confirmed place on and
    those of their own team (people serve without signing up), which have begun, newest
    first."""
    return list(_claimable(volunteer).order_by("-starts_at", "-id")[:limit])


def claimable_activity(*, volunteer: Volunteer, activity_id: int) -> Activity:
    """One activity the volunteer may claim hours for, or Http404."""
    activity = _claimable(volunteer).filter(pk=activity_id).first()
    if activity is None:
        raise Http404
    return activity
