"""Reads of the reports: the news report's figures next to the database's own counts.

Every count is computed from the rows when asked (ledger sums, outcome sums, counts of
activities, teams and people), inside the city the report is about; nothing is stored. One
query per figure, however large the season (``tests/reports``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import F, Max, Sum
from django.http import Http404

from vetserve.activities.models import Activity, Outcome, Status
from vetserve.core.access import Actor, may_see_story_figures
from vetserve.ledger.models import LedgerEntry, Source
from vetserve.orgs.models import Kind, Organization
from vetserve.people.models import Volunteer
from vetserve.regions.models import Region
from vetserve.reports.story import (
    CAMPAIGN,
    CHECKPOINT_HOURS,
    CHECKPOINT_TEAM,
    CHONGLI_CODE,
    CITY_CODE,
    CITY_FEDERATION,
    CONVOY,
    FIGURES,
    FIRST_AID_TEAM,
    ROAD_CATEGORIES,
    ROAD_TEAMS,
    StoryFigure,
)

# Django's week_day: 1 is Sunday, 7 Saturday, on every database.
WEEKEND = (1, 7)


@dataclass(frozen=True)
class FigureRow:
    """A figure of the report and the database's own count of it."""

    figure: StoryFigure
    ours: int

    @property
    def reaches(self) -> bool:
        return self.ours >= self.figure.report


def _whole(value: Decimal | int | None) -> int:
    return int(value or 0)


def _in(low: int, high: int, field: str) -> dict[str, int]:
    return {f"{field}__gte": low, f"{field}__lte": high}


def story_counts(city: Region) -> dict[str, int]:
    """Each figure's count in ``city`` (its region subtree), by figure key."""
    low, high = city.id_range
    activities = Activity.objects.filter(**_in(low, high, "region_id"))
    outcomes = Outcome.objects.filter(**_in(low, high, "activity__region_id"))
    confirmed = LedgerEntry.objects.filter(
        source=Source.CONFIRMATION, **_in(low, high, "region_id")
    )
    chongli = Region.objects.filter(code=CHONGLI_CODE).first()
    c_low, c_high = chongli.id_range if chongli is not None else (0, -1)

    def outcome_sum(team: str, code: str) -> int:
        return _whole(
            outcomes.filter(activity__organization__name=team, outcome_type__code=code).aggregate(
                n=Sum("quantity")
            )["n"]
        )

    def people(qs: object) -> int:
        return qs.values("volunteer_id").distinct().count()  # type: ignore[attr-defined]

    snow_days = (
        outcomes.filter(
            outcome_type__code="snow_cleared_m2",
            activity__ends_at__lte=F("activity__starts_at") + timedelta(days=1),
        )
        .values("activity_id")
        .annotate(n=Sum("quantity"))
        .aggregate(most=Max("n"))
    )
    checkpoint_hours = (
        confirmed.filter(organization__name=CHECKPOINT_TEAM)
        .values("volunteer_id")
        .annotate(minutes=Sum("confirmed_minutes"))
        .filter(minutes__gt=CHECKPOINT_HOURS * 60)
    )
    return {
        "volunteers": Volunteer.objects.filter(**_in(low, high, "region_id")).count(),
        "grassroots_teams": Organization.objects.filter(
            kind=Kind.GRASSROOTS, **_in(low, high, "region_id")
        ).count(),
        "flags": Organization.objects.filter(
            flag_awarded_on__isnull=False, **_in(low, high, "region_id")
        ).count(),
        "chongli_volunteers": Volunteer.objects.filter(**_in(c_low, c_high, "region_id")).count(),
        "activities": activities.filter(campaign__name=CAMPAIGN, status=Status.FINISHED).count(),
        "snow_one_day": _whole(snow_days["most"]),
        "city_volunteers": people(confirmed.filter(organization__name=CITY_FEDERATION)),
        "medics": people(confirmed.filter(organization__name=FIRST_AID_TEAM)),
        "events_covered": outcome_sum(FIRST_AID_TEAM, "events_covered"),
        "weekend_volunteers": people(
            confirmed.filter(category="civility", service_date__week_day__in=WEEKEND)
        ),
        "road_jobs": activities.filter(
            organization__name__in=ROAD_TEAMS,
            category__in=ROAD_CATEGORIES,
            status=Status.FINISHED,
        ).count(),
        "disinfected": outcome_sum(CONVOY, "disinfected_m2"),
        "checkpoint_volunteers": checkpoint_hours.count(),
        "vehicles_checked": outcome_sum(CHECKPOINT_TEAM, "vehicles_checked"),
        "people_checked": outcome_sum(CHECKPOINT_TEAM, "people_checked"),
    }


def story_rows(city: Region) -> list[FigureRow]:
    counts = story_counts(city)
    return [FigureRow(figure, counts[figure.key]) for figure in FIGURES]


def story_city() -> Region | None:
    """The city the report is about, when this deployment holds it."""
    return Region.objects.filter(code=CITY_CODE).first()


def may_open_story(*, user: Actor | None) -> bool:
    """Whether the figures page opens for the user (a home page links to it only then)."""
    city = story_city()
    return city is not None and may_see_story_figures(user, city)


def story_figures(*, user: Actor | None) -> list[FigureRow]:
    """The report's figures next to the city's own, for whoever sees the whole city: its
    administrators and auditors (the counts span every county and team of it)."""
    city = story_city()
    if city is None or not may_see_story_figures(user, city):
        raise Http404
    return story_rows(city)
