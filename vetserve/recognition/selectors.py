"""Reads of recognition: a volunteer's stars, their awards and evaluations, team honours, the
star settings that apply, and honour rolls.

Stars are read from the ledger's confirmed minutes (``LedgerEntry.confirmed_minutes``, carried
by confirmations): the star itself is one SUM over the ledger's covering balance index, the
dates reached one grouped query per volunteer (``bench/recognition.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from vetserve.activities.models import Campaign
from vetserve.core.access import VIEW, Actor, access_object, visible_to
from vetserve.ledger.models import LedgerEntry, Source
from vetserve.orgs.models import Kind, Organization
from vetserve.people.models import Consent, Volunteer
from vetserve.recognition.models import (
    DEFAULT_THRESHOLDS,
    Award,
    Evaluation,
    StarGrant,
    StarSettings,
    TeamHonour,
)
from vetserve.recognition.stars import StarStatus, reached_dates, star_for
from vetserve.regions.models import Region

# A city's and a province's region ids: the first 4 and 2 digits of the 12 (core.places).
_CITY = 10**8
_PROVINCE = 10**10


@dataclass(frozen=True)
class Rules:
    """The star rules that apply to a volunteer: a federation's, or the defaults."""

    thresholds: tuple[int, ...]
    grant_required: bool
    federation_name: str = ""


DEFAULT_RULES = Rules(thresholds=DEFAULT_THRESHOLDS, grant_required=False)


def rules_for(region_id: int) -> Rules:
    """The rules of the city federation of ``region_id`` if it has settings, else of its
    province's, else the defaults: one query."""
    city, province = region_id // _CITY * _CITY, region_id // _PROVINCE * _PROVINCE
    found = {
        row.region_id: row
        for row in StarSettings.objects.filter(region_id__in={city, province}).select_related(
            "federation"
        )
    }
    row = found.get(city) or found.get(province)
    if row is None:
        return DEFAULT_RULES
    return Rules(row.thresholds, row.grant_required, row.federation.name)


def _person(volunteer: Volunteer) -> Q:
    """The volunteer's entries and those of duplicates merged into them (a merge moves no
    ledger row). The ids are read first (one small query), so the sum is a plain range of the
    ledger's covering balance index: an OR with a subquery made SQLite read every row
    (15 ms for 1,000 rows, bench/recognition.py)."""
    merged = Volunteer.objects.filter(merged_into_id=volunteer.pk).order_by()
    return Q(volunteer_id__in=[volunteer.pk, *merged.values_list("pk", flat=True)])


def confirmed_minutes(volunteer: Volunteer) -> int:
    """All the volunteer's confirmed minutes, in every unit: a star is the person's, the same
    whoever looks. One SUM on the ledger's covering balance index."""
    total = LedgerEntry.objects.filter(_person(volunteer)).aggregate(n=Sum("confirmed_minutes"))
    return int(total["n"] or 0)


def star_status(volunteer: Volunteer, *, with_dates: bool = True) -> StarStatus:
    """The volunteer's stars (the caller has checked they may see the volunteer): the total
    (one query), the rules (one), the grants where required (one) and, ``with_dates``, the
    confirmed minutes per service day for the dates reached (one)."""
    rules = rules_for(volunteer.region_id)
    if with_dates:
        days = list(
            LedgerEntry.objects.filter(_person(volunteer), source=Source.CONFIRMATION)
            .order_by("service_date")
            .values_list("service_date")
            .annotate(n=Sum("confirmed_minutes"))
        )
        total = sum(int(n or 0) for _day, n in days)
        reached = reached_dates(((day, int(n or 0)) for day, n in days), rules.thresholds)
    else:
        total = confirmed_minutes(volunteer)
        reached = {}
    granted: frozenset[int] = frozenset()
    if rules.grant_required and star_for(total, rules.thresholds):
        granted = frozenset(
            StarGrant.objects.filter(volunteer=volunteer).values_list("level", flat=True)
        )
    return StarStatus(
        confirmed_minutes=total,
        thresholds=rules.thresholds,
        grant_required=rules.grant_required,
        reached=reached,
        granted=granted,
    )


def star_grants(volunteer: Volunteer) -> QuerySet[StarGrant]:
    return StarGrant.objects.filter(volunteer=volunteer).order_by("level")


# --- awards, evaluations, team honours --------------------------------------------------------


def award_list(*, user: Actor | None, volunteer: Volunteer | None = None) -> QuerySet[Award]:
    qs = visible_to(user, Award, VIEW).select_related("volunteer")
    if volunteer is not None:
        qs = qs.filter(volunteer=volunteer)
    return qs.order_by("-awarded_on", "-id")


def access_award(user: Actor | None, award_id: Any, action: str = VIEW) -> Award:
    return access_object(Award.objects.select_related("volunteer"), user, action, pk=award_id)


def evaluation_list(
    *, user: Actor | None, volunteer: Volunteer | None = None
) -> QuerySet[Evaluation]:
    qs = visible_to(user, Evaluation, VIEW).select_related("volunteer")
    if volunteer is not None:
        qs = qs.filter(volunteer=volunteer)
    return qs.order_by("-evaluated_on", "-id")


def team_honour_list(
    *, user: Actor | None, team: Organization | None = None, kind: str = ""
) -> QuerySet[TeamHonour]:
    qs = visible_to(user, TeamHonour, VIEW).select_related("team")
    if team is not None:
        qs = qs.filter(team=team)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-awarded_on", "-id")


def access_team_honour(user: Actor | None, honour_id: Any, action: str = VIEW) -> TeamHonour:
    return access_object(TeamHonour.objects.select_related("team"), user, action, pk=honour_id)


def star_settings_list(*, user: Actor | None) -> QuerySet[StarSettings]:
    return visible_to(user, StarSettings, VIEW).select_related("federation").order_by("region_id")


def federation_choices(*, user: Actor | None) -> QuerySet[Organization]:
    """Federations of a city or a province the user may change: those that may have settings."""
    return (
        visible_to(user, Organization, "change")
        .filter(kind=Kind.FEDERATION, region__level__in=["city", "province"])
        .order_by("region_id", "id")
    )


# --- honour rolls -------------------------------------------------------------------------------

ROLL_SIZE = 20


@dataclass(frozen=True)
class RollLine:
    rank: int
    volunteer_id: int
    name: str
    team: str
    minutes: int
    stars: int

    @property
    def hours(self) -> str:
        return f"{self.minutes / 60:.1f}"


@dataclass(frozen=True)
class HonourRoll:
    title: str
    lines: list[RollLine]


def publishable_volunteers() -> QuerySet[Volunteer]:
    """Volunteers whose latest publication consent grants it (not withdrawn; PIPL Art 25),
    not erased nor merged. "Latest" is a granted row with no later row for the same purpose
    (NOT EXISTS): PostgreSQL runs it as one anti-join, where a per-volunteer ``ORDER BY …
    LIMIT 1`` subquery took a second for 5,173 people (bench/recognition.py)."""
    later = Consent.objects.filter(
        volunteer_id=OuterRef("volunteer_id"), purpose=Consent.Purpose.PUBLICATION
    ).filter(Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk")))
    granted = Consent.objects.filter(purpose=Consent.Purpose.PUBLICATION, granted=True).filter(
        ~Exists(later)
    )
    return Volunteer.objects.filter(
        pk__in=granted.values("volunteer_id"), erased_at__isnull=True, merged_into__isnull=True
    )


def honour_roll(
    *,
    region: Region | None = None,
    year: int | None = None,
    campaign: Campaign | None = None,
    limit: int = ROLL_SIZE,
) -> HonourRoll:
    """The top volunteers by confirmed hours — of a region (a county, the city), in a year, of
    a campaign, or any combination — showing only people who consented to publication, by
    name and team. Not scoped: the pages check ``may_see_honour_roll`` first, and the public
    face shows the same roll. Two queries, whatever the size of the ledger's scope: the
    grouped sum, then the names, teams and star rules of the lines shown."""
    entries = LedgerEntry.objects.filter(source=Source.CONFIRMATION)
    if year is not None:
        entries = entries.filter(service_year=year)
    if campaign is not None:
        entries = entries.filter(activity__campaign=campaign)
    people = publishable_volunteers()
    if region is not None:
        low, high = region.id_range
        people = people.filter(region_id__gte=low, region_id__lte=high)
    grouped = list(
        entries.filter(volunteer_id__in=people.values("pk"))
        .order_by()
        .values("volunteer_id")
        .annotate(n=Sum("confirmed_minutes"))
        .filter(n__gt=0)
        .order_by("-n", "volunteer_id")[:limit]
    )
    shown = {
        v.pk: v
        for v in Volunteer.objects.filter(pk__in=[row["volunteer_id"] for row in grouped])
        .select_related("home_org")
        .only("pk", "name", "region_id", "home_org__name")
    }
    totals = _totals({row["volunteer_id"] for row in grouped})
    rules = _rules_by_region({v.region_id for v in shown.values()})
    lines: list[RollLine] = []
    rank, previous = 0, None
    for position, row in enumerate(grouped, start=1):
        volunteer = shown[row["volunteer_id"]]
        minutes = int(row["n"])
        if minutes != previous:
            rank, previous = position, minutes
        thresholds = rules.get(volunteer.region_id, DEFAULT_RULES).thresholds
        lines.append(
            RollLine(
                rank=rank,
                volunteer_id=volunteer.pk,
                name=volunteer.name,
                team=volunteer.home_org.name,
                minutes=minutes,
                stars=star_for(totals.get(volunteer.pk, 0), thresholds),
            )
        )
    return HonourRoll(title=roll_title(region=region, year=year, campaign=campaign), lines=lines)


def _totals(volunteer_ids: set[int]) -> dict[int, int]:
    """All-time confirmed minutes of a few volunteers (for their stars): one grouped query."""
    if not volunteer_ids:
        return {}
    rows = (
        LedgerEntry.objects.filter(volunteer_id__in=volunteer_ids)
        .order_by()
        .values_list("volunteer_id")
        .annotate(n=Sum("confirmed_minutes"))
    )
    return {pk: int(n or 0) for pk, n in rows}


def _rules_by_region(region_ids: set[int]) -> dict[int, Rules]:
    """``rules_for`` of several regions in one query."""
    if not region_ids:
        return {}
    wanted = {r // _CITY * _CITY for r in region_ids} | {
        r // _PROVINCE * _PROVINCE for r in region_ids
    }
    found = {
        row.region_id: Rules(row.thresholds, row.grant_required, row.federation.name)
        for row in StarSettings.objects.filter(region_id__in=wanted).select_related("federation")
    }
    return {
        r: found.get(r // _CITY * _CITY) or found.get(r // _PROVINCE * _PROVINCE) or DEFAULT_RULES
        for r in region_ids
    }


def roll_title(
    *, region: Region | None = None, year: int | None = None, campaign: Campaign | None = None
) -> str:
    parts = []
    if region is not None:
        parts.append(region.name)
    if campaign is not None:
        parts.append(campaign.name)
    if year is not None:
        parts.append(_("Year %(year)s") % {"year": year})
    return " · ".join(parts) or _("All")


def campaign_choices(*, user: Actor | None) -> QuerySet[Campaign]:
    return visible_to(user, Campaign, VIEW).order_by("-starts_on", "-id")


def volunteers_with_stars(*, user: Actor | None, region: Region | None = None) -> QuerySet[Any]:
    """The volunteers in the user's scope with confirmed hours, most first (the stars page):
    a grouped queryset the pager counts and slices; names are read per page."""
    visible = visible_to(user, Volunteer, VIEW).filter(erased_at__isnull=True)
    if region is not None:
        low, high = region.id_range
        visible = visible.filter(region_id__gte=low, region_id__lte=high)
    return (
        LedgerEntry.objects.filter(volunteer_id__in=visible.values("pk"))
        .order_by()
        .values("volunteer_id")
        .annotate(n=Sum("confirmed_minutes"))
        .filter(n__gt=0)
        .order_by("-n", "volunteer_id")
    )


def star_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page of ``volunteers_with_stars`` with names, teams and stars (two queries)."""
    ids = [row["volunteer_id"] for row in rows]
    people = {
        v.pk: v
        for v in Volunteer.objects.filter(pk__in=ids)
        .select_related("home_org")
        .only("pk", "name", "region_id", "user_id", "home_org__name")
    }
    rules = _rules_by_region({v.region_id for v in people.values()})
    out = []
    for row in rows:
        volunteer = people[row["volunteer_id"]]
        minutes = int(row["n"])
        thresholds = rules.get(volunteer.region_id, DEFAULT_RULES).thresholds
        out.append(
            {
                "volunteer": volunteer,
                "hours": f"{minutes / 60:.1f}",
                "stars": star_for(minutes, thresholds),
            }
        )
    return out


def has_award() -> Exists:
    """For an annotation or filter on volunteers (selection by criteria): whether the
    volunteer's record holds an award or commendation."""
    return Exists(Award.objects.filter(volunteer=OuterRef("pk")))
