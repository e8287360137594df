"""Reads for the dashboards: a region's figures over a period, beside the previous period's.

The ledger's figures (service hours, records, confirmed hours, active volunteers) come from
the summary tables; the rest (organizations, activities, outcomes, training, qualifications,
overdue records, campaigns, shifts) are counted from their own tables, each in one grouped
query over an indexed range. A dashboard costs the same fixed number of queries whatever the
data (a test counts them).

Who sees a region's dashboard: ``core.access.may_see_stats``; the figures are of the whole
region (a dashboard is a region's, not a person's view of it), so nobody without a grant
covering the region reaches them.
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import (
    BigIntegerField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.activities.models import Activity, Campaign, Category, Outcome, Shift, Staffing
from vetserve.activities.models import Status as ActivityStatus
from vetserve.activities.selectors import ProgressLine, campaign_progress, with_counts
from vetserve.core.access import (
    VIEW,
    Actor,
    may_change_somewhere,
    may_see_stats,
    stats_roots,
)
from vetserve.core.paging import count_upto
from vetserve.ledger.selectors import activities_awaiting_hours, due_window
from vetserve.ledger.workdays import WorkCalendar
from vetserve.orgs.models import Kind, Organization
from vetserve.people.models import Volunteer
from vetserve.regions.models import LEVEL_ORDER, Level, Region, code_to_id
from vetserve.skills.models import Enrolment, Qualification
from vetserve.stats.models import ActiveMonth, LedgerMonth, Span

# The id of the unit above at each level is the id rounded down to these (decisions/0001).
DIVISORS = {"province": 10**10, "city": 10**8, "county": 10**6, "township": 10**3}
EXPIRING_DAYS = 60
UPCOMING_DAYS = 7
TOP_ORGANIZATIONS = 10
CAMPAIGNS_SHOWN = 3
OVERDUE_CAP = 999
MAP_FIGURES = ("hours", "records", "active")


@dataclass(frozen=True)
class Period:
    """A calendar year or month (``span`` y or m) beginning on ``start``."""

    span: str
    start: date

    @property
    def end(self) -> date:
        """The first day after the period."""
        if self.span == Span.YEAR:
            return self.start.replace(year=self.start.year + 1)
        days = calendar.monthrange(self.start.year, self.start.month)[1]
        return self.start + timedelta(days=days)

    @property
    def previous(self) -> Period:
        if self.span == Span.YEAR:
            return Period(self.span, self.start.replace(year=self.start.year - 1))
        return Period(self.span, (self.start - timedelta(days=1)).replace(day=1))

    @property
    def key(self) -> str:
        """As in the URL: 2022 or 2022-02."""
        if self.span == Span.YEAR:
            return f"{self.start.year}"
        return f"{self.start:%Y-%m}"

    @property
    def label(self) -> str:
        # Dates read 2022年2月 in both languages (DOMAIN.md, formats).
        if self.span == Span.YEAR:
            return f"{self.start.year}年"
        return f"{self.start.year}年{self.start.month}月"

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def months(self) -> list[date]:
        """The months of the trend: the year's twelve, or the twelve ending with this month."""
        first = self.start if self.span == Span.YEAR else _months_back(self.start, 11)
        return [_months_back(first, -i) for i in range(12)]

    def moments(self) -> tuple[datetime, datetime]:
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end, time.min, tzinfo=zone),
        )


def _months_back(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def period_parse(text: str, *, default: Period) -> Period:
    """``2022`` or ``2022-02`` from the URL; anything else (or out of range) is the default."""
    try:
        if len(text) == 4:
            year = int(text)
            if 2000 <= year <= 2099:
                return Period(Span.YEAR, date(year, 1, 1))
        elif len(text) == 7 and text[4] == "-":
            year, month = int(text[:4]), int(text[5:])
            if 2000 <= year <= 2099 and 1 <= month <= 12:
                return Period(Span.MONTH, date(year, month, 1))
    except ValueError:
        pass
    return default


def stats_region(actor: Actor | None, code: str | None = None) -> Region:
    """The region whose dashboard the actor asked for by its official code (else their first
    granted unit; a superuser's the first city), or Http404 alike for "not theirs" and "no
    such region", as every access_ helper answers."""
    if code:
        if not (code.isdigit() and len(code) in (6, 9)):
            raise Http404
        region_id = code_to_id(code)
    else:
        # The first granted unit; with none, the first city, which only someone who sees
        # everything may open (may_see_stats below decides, as for a code asked for).
        roots = stats_roots(actor)
        first_city = (
            Region.objects.filter(level=Level.CITY).order_by("id").values_list("pk", flat=True)
        )
        start = roots[0] if roots else first_city.first()
        if start is None:
            raise Http404
        region_id = start
    if not may_see_stats(actor, region_id):
        raise Http404
    region = Region.objects.filter(pk=region_id).first()
    if region is None or region.level == Level.VILLAGE:
        raise Http404
    return region


def default_period(region: Region, today: date | None = None) -> Period:
    """The year of the region's latest service month, not after today's (the demo's season
    lies in the past), else this year."""
    today = today or timezone.localdate()
    low, high = region.id_range
    latest = (
        LedgerMonth.objects.filter(month__lte=today, region_id__gte=low, region_id__lte=high)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    year = latest.year if latest else today.year
    return Period(Span.YEAR, date(year, 1, 1))


# --- the figures --------------------------------------------------------------------------


@dataclass
class Figure:
    """One headline figure: this period's value beside the previous period's."""

    key: str
    label: str
    value: Decimal | int
    previous: Decimal | int | None
    unit: str = ""
    url: str = ""

    @property
    def change(self) -> Decimal | int | None:
        if self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_percent(self) -> int | None:
        if not self.previous:
            return None
        return round((self.value - self.previous) * 100 / self.previous)


@dataclass
class Row:
    """One line of a breakdown (a month, a category, an organization, a unit below)."""

    key: Any
    label: str
    hours: Decimal = Decimal(0)
    records: int = 0
    active: int = 0
    url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class CampaignLine:
    campaign: Campaign
    lines: list[ProgressLine]


@dataclass
class Dashboard:
    region: Region
    period: Period
    ancestors: list[tuple[Region, bool]]
    children: list[Region]
    ledger: dict[str, Figure]
    headline: list[Figure]
    trend: list[Row]
    categories: list[Row]
    organizations: list[Row]
    units: list[Row]
    outcomes: list[Figure]
    campaigns: list[CampaignLine]
    staffing: list[Row]
    # The shifts' and overdue lists open for those who manage them, not for auditors.
    manages: bool = False
    expiring_days: int = EXPIRING_DAYS
    upcoming_days: int = UPCOMING_DAYS


def hours_of(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.1"))


def _child_level(region: Region) -> str | None:
    index = LEVEL_ORDER.index(region.level)
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) - 1 else None


def _in(region: Region, column: str = "region_id") -> Q:
    low, high = region.id_range
    return Q(**{f"{column}__gte": low, f"{column}__lte": high})


def dashboard(*, actor: Actor | None, region: Region, period: Period) -> Dashboard:
    """Everything a region's dashboard shows for ``period``; the caller has the region from
    ``stats_region`` (which asked the access module)."""
    if not may_see_stats(actor, region.pk):
        raise Http404
    prev = period.previous
    ledger = _ledger_figures(region, period)
    children = list(
        Region.objects.filter(parent=region).exclude(level=Level.VILLAGE).order_by("id")
    )
    headline = _headline(actor, region, period, prev)
    return Dashboard(
        region=region,
        period=period,
        # The units above, each with whether the viewer may open its dashboard (a county's
        # administrator sees the city's name in the path, not its figures).
        ancestors=[
            (unit, may_see_stats(actor, unit.pk))
            for unit in Region.objects.filter(pk__in=region.ancestor_ids).order_by("id")
        ],
        children=children,
        ledger=ledger,
        headline=headline,
        trend=_trend(region, period),
        categories=_categories(region, period),
        organizations=_organizations(region, period),
        units=_units(region, period, children),
        outcomes=_outcomes(region, period, prev),
        campaigns=_campaigns(actor, region, period),
        staffing=_staffing(region),
        manages=may_change_somewhere(actor),
    )


def _ledger_figures(region: Region, period: Period) -> dict[str, Figure]:
    prev = period.previous
    now_q = Q(month__gte=period.start, month__lt=period.end)
    prev_q = Q(month__gte=prev.start, month__lt=prev.end)
    rows = LedgerMonth.objects.filter(_in(region), month__gte=prev.start, month__lt=period.end)
    sums = rows.aggregate(
        n_minutes=Sum("minutes", filter=now_q),
        p_minutes=Sum("minutes", filter=prev_q),
        n_confirmed=Sum("confirmed_minutes", filter=now_q),
        p_confirmed=Sum("confirmed_minutes", filter=prev_q),
        n_records=Sum("records", filter=now_q),
        p_records=Sum("records", filter=prev_q),
    )
    active = dict(
        ActiveMonth.objects.filter(
            region=region, span=period.span, month__in=[period.start, prev.start]
        ).values_list("month", "volunteers")
    )
    url = _ledger_url(region, period)
    return {
        "hours": Figure("hours", _("Service hours"), hours_of(sums["n_minutes"]),
                        hours_of(sums["p_minutes"]), _("h"), url),
        "confirmed": Figure("confirmed", _("Confirmed service hours"),
                            hours_of(sums["n_confirmed"]), hours_of(sums["p_confirmed"]), _("h"),
                            url),
        "records": Figure("records", _("Service records"), int(sums["n_records"] or 0),
                          int(sums["p_records"] or 0), url=url),
        "active": Figure("active", _("Active volunteers"), int(active.get(period.start, 0)),
                         int(active.get(prev.start, 0)), url=url),
    }  # fmt: skip


def _headline(actor: Actor | None, region: Region, period: Period, prev: Period) -> list[Figure]:
    """The figures counted from their own tables."""
    begin, end = period.moments()
    prev_begin, _prev_end = prev.moments()
    volunteers = Volunteer.objects.filter(_in(region), merged_into__isnull=True).aggregate(
        total=Count("id"),
        new=Count("id", filter=Q(created_at__gte=begin, created_at__lt=end)),
        new_prev=Count("id", filter=Q(created_at__gte=prev_begin, created_at__lt=begin)),
    )
    orgs = Organization.objects.filter(_in(region)).aggregate(
        federations=Count("id", filter=Q(kind=Kind.FEDERATION)),
        teams=Count("id", filter=~Q(kind=Kind.FEDERATION)),
    )
    activities = (
        Activity.objects.filter(_in(region), starts_at__gte=prev_begin, starts_at__lt=end)
        .exclude(status__in=[ActivityStatus.CANCELLED, ActivityStatus.DRAFT])
        .aggregate(
            now=Count("id", filter=Q(starts_at__gte=begin)),
            prev=Count("id", filter=Q(starts_at__lt=begin)),
        )
    )
    training = Enrolment.objects.filter(
        _in(region, "session__course__organizer__region_id"),
        attended=True,
        session__date__gte=prev.start,
        session__date__lt=period.end,
    ).aggregate(
        now=Sum("session__course__study_hours", filter=Q(session__date__gte=period.start)),
        prev=Sum("session__course__study_hours", filter=Q(session__date__lt=period.start)),
    )
    today = timezone.localdate()
    expiring = Qualification.objects.filter(
        _in(region, "volunteer__region_id"),
        expires_on__gte=today,
        expires_on__lte=today + timedelta(days=EXPIRING_DAYS),
    ).count()
    overdue = _overdue(actor, region, today)
    code = region.code
    return [
        Figure("volunteers", _("Registered volunteers"), volunteers["total"], None,
               url=_url("people:list", region=code)),
        Figure("new", _("New volunteers"), volunteers["new"], volunteers["new_prev"],
               url=_url("people:list", region=code)),
        Figure("federations", _("Federations"), orgs["federations"], None,
               url=_url("orgs:list", region=code, kind=Kind.FEDERATION)),
        Figure("teams", _("Organizations and teams"), orgs["teams"], None,
               url=_url("orgs:list", region=code)),
        Figure("activities", _("Activities"), activities["now"], activities["prev"],
               url=_url("activities:list", when="all", region=code)),
        Figure("training", _("Training hours"), Decimal(training["now"] or 0),
               Decimal(training["prev"] or 0), _("h"), url=_url("skills:courses")),
        Figure("expiring", _("Qualifications expiring within %(days)d days")
               % {"days": EXPIRING_DAYS}, expiring, None,
               url=_url("skills:expiring", within=EXPIRING_DAYS)),
        Figure("overdue", _("Activities with hours overdue"), overdue, None,
               url=_url("ledger:overdue") if may_change_somewhere(actor) else ""),
    ]  # fmt: skip


def _overdue(actor: Actor | None, region: Region, today: date) -> int:
    """Activities of the region whose hours are past due (办法 Art 11), counted up to 999+1."""
    calendar_ = WorkCalendar.for_years(range(today.year - 1, today.year + 2))
    window = due_window(today=today, this_week=False, calendar=calendar_)
    rows = activities_awaiting_hours(user=actor, window=window, action=VIEW).filter(_in(region))
    return count_upto(rows, OVERDUE_CAP + 1)


def _trend(region: Region, period: Period) -> list[Row]:
    months = period.months()
    sums = {
        row["month"]: row
        for row in LedgerMonth.objects.filter(
            _in(region), month__gte=months[0], month__lte=months[-1]
        )
        .order_by()
        .values("month")
        .annotate(s_minutes=Sum("minutes"), s_records=Sum("records"))
    }
    active = dict(
        ActiveMonth.objects.filter(
            region=region, span=Span.MONTH, month__gte=months[0], month__lte=months[-1]
        ).values_list("month", "volunteers")
    )
    rows = []
    for month in months:
        s: dict[str, Any] = dict(sums.get(month, {}))
        rows.append(
            Row(
                key=f"{month:%Y-%m}",
                label=f"{month.year}年{month.month}月",
                hours=hours_of(s.get("s_minutes")),
                records=int(s.get("s_records") or 0),
                active=int(active.get(month, 0)),
                url=_url("stats:dashboard", region=region.code, period=f"{month:%Y-%m}"),
            )
        )
    return rows


def _ledger_rows(region: Region, period: Period) -> QuerySet[LedgerMonth]:
    return LedgerMonth.objects.filter(
        _in(region), month__gte=period.start, month__lt=period.end
    ).order_by()


def _categories(region: Region, period: Period) -> list[Row]:
    labels = dict(Category.choices)
    rows = [
        Row(
            key=r["category"],
            label=str(labels.get(r["category"], r["category"] or _("Other service"))),
            hours=hours_of(r["s_minutes"]),
            records=int(r["s_records"] or 0),
            url=_ledger_url(region, period, category=r["category"]),
        )
        for r in _ledger_rows(region, period)
        .values("category")
        .annotate(s_minutes=Sum("minutes"), s_records=Sum("records"))
    ]
    return sorted(rows, key=lambda row: (-row.hours, row.label))


def _organizations(region: Region, period: Period) -> list[Row]:
    """The organizing units with the most service hours in the period (top ten)."""
    top = (
        _ledger_rows(region, period)
        .values("organization_id", "organization__name")
        .annotate(s_minutes=Sum("minutes"), s_records=Sum("records"))
        .order_by("-s_minutes", "organization_id")[:TOP_ORGANIZATIONS]
    )
    return [
        Row(
            key=r["organization_id"],
            label=r["organization__name"],
            hours=hours_of(r["s_minutes"]),
            records=int(r["s_records"] or 0),
            url=_ledger_url(region, period, organization=r["organization_id"]),
        )
        for r in top
    ]


def _units(region: Region, period: Period, children: list[Region]) -> list[Row]:
    """The units one level down (a city's counties, a county's townships) with their figures;
    entries of the region's own organizations (placed at the region itself) are not in any."""
    level = _child_level(region)
    if level is None or not children:
        return []
    divisor = DIVISORS[level]
    unit = ExpressionWrapper(F("region_id") / Value(divisor) * Value(divisor),
                             output_field=BigIntegerField())  # fmt: skip
    sums = {
        r["unit"]: r
        for r in _ledger_rows(region, period)
        .annotate(unit=unit)
        .values("unit")
        .annotate(s_minutes=Sum("minutes"), s_records=Sum("records"))
    }
    active = dict(
        ActiveMonth.objects.filter(
            region__in=[c.pk for c in children], span=period.span, month=period.start
        ).values_list("region_id", "volunteers")
    )
    rows = []
    for child in children:
        s: dict[str, Any] = dict(sums.get(child.pk, {}))
        rows.append(
            Row(
                key=child.pk,
                label=child.name,
                hours=hours_of(s.get("s_minutes")),
                records=int(s.get("s_records") or 0),
                active=int(active.get(child.pk, 0)),
                url=_url("stats:dashboard", region=child.code, period=period.key),
                extra={"lon": child.lon, "lat": child.lat, "code": child.code},
            )
        )
    return rows


def _ledger_url(region: Region, period: Period, **filters: Any) -> str:
    """The ledger list behind a figure: the entries of the region in the period."""
    return _url(
        "ledger:list",
        region=region.code,
        date_from=period.start.isoformat(),
        date_to=period.last_day.isoformat(),
        **filters,
    )


def _url(name: str, **query: Any) -> str:
    url = _path(name)
    return f"{url}?{urlencode(query)}" if query else url


@functools.cache
def _path(name: str) -> str:
    # A dashboard links ~40 times to seven pages: reverse() each once per process (the URL
    # conf does not change while the server runs; reversing cost ~5 ms a dashboard).
    return reverse(name)


def _outcomes(region: Region, period: Period, prev: Period) -> list[Figure]:
    begin, end = period.moments()
    prev_begin, _ = prev.moments()
    rows = (
        Outcome.objects.filter(
            _in(region, "activity__region_id"),
            activity__starts_at__gte=prev_begin,
            activity__starts_at__lt=end,
        )
        .order_by()
        .values("outcome_type_id", "outcome_type__name", "outcome_type__unit")
        .annotate(
            now=Coalesce(Sum("quantity", filter=Q(activity__starts_at__gte=begin)), Decimal(0),
                         output_field=DecimalField()),
            prev=Coalesce(Sum("quantity", filter=Q(activity__starts_at__lt=begin)), Decimal(0),
                          output_field=DecimalField()),
        )
    )  # fmt: skip
    return sorted(
        (
            Figure(
                f"outcome-{r['outcome_type_id']}",
                r["outcome_type__name"],
                r["now"],
                r["prev"],
                r["outcome_type__unit"],
                url=_url("activities:list", when="all", region=region.code),
            )
            for r in rows
        ),
        key=lambda f: f.label,
    )


def _campaigns(actor: Actor | None, region: Region, period: Period) -> list[CampaignLine]:
    """Campaigns placed in the region (or above it and seen by the viewer) with activities in
    the period, the latest first: targets against what the region's activities did."""
    begin, end = period.moments()
    low, high = region.id_range
    campaigns = (
        Campaign.objects.visible_to(actor)
        .filter(
            activities__region_id__gte=low,
            activities__region_id__lte=high,
            activities__starts_at__gte=begin,
            activities__starts_at__lt=end,
        )
        .distinct()
        .order_by("-pk")[:CAMPAIGNS_SHOWN]
    )
    lines = []
    for campaign in campaigns:
        progress = campaign_progress(
            campaign, campaign.activities.filter(region_id__gte=low, region_id__lte=high)
        )
        shown = [progress["activities"], progress["volunteers"], progress["hours"]]
        lines.append(CampaignLine(campaign, shown + list(progress["figures"])))
    return lines


def _staffing(region: Region) -> list[Row]:
    """Upcoming shifts of the region (the next seven days) by staffing status."""
    now = timezone.now()
    shifts = with_counts(
        Shift.objects.filter(
            _in(region, "activity__region_id"),
            starts_at__gte=now,
            starts_at__lt=now + timedelta(days=UPCOMING_DAYS),
        ).exclude(activity__status=ActivityStatus.CANCELLED)
    ).values_list("min_people", "max_people", "confirmed_count")  # type: ignore[misc]
    counts = dict.fromkeys(Staffing.values, 0)
    for low, high, confirmed in shifts:
        counts[_staffing_of(confirmed, low, high)] += 1
    labels = dict(Staffing.choices)
    return [Row(key=k, label=str(labels[k]), records=n) for k, n in counts.items()]


def _staffing_of(confirmed: int, low: int, high: int) -> str:
    # Shift.staffing_for, on values (no model per row).
    return Shift(min_people=low, max_people=high).staffing_for(confirmed)


def figure_value(row: Row, figure: str) -> Decimal | int:
    """The figure a map is shaded by, of one unit."""
    if figure == "records":
        return row.records
    if figure == "active":
        return row.active
    return row.hours
