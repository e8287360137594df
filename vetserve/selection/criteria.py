"""The weighted criteria of a selection, as a registry: each reads one figure per person for
the whole pool in one query, says whether more is better, and is weighted 0–100 by the
selection. Adding a criterion (stars, awards, evaluations once the recognition app holds them)
is one ``Criterion`` appended to ``CRITERIA``; the form, the API, the scoring and the shortlist's
breakdown pick it up from here.

Figures are read as of the run, and frozen into the result then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vetserve.activities.models import SignUp, SignUpState
from vetserve.attendance.models import Attendance
from vetserve.core.places import ancestor_ids
from vetserve.ledger.models import LedgerEntry
from vetserve.people.models import Party, Volunteer
from vetserve.regions.locator import distance_km
from vetserve.regions.models import Region
from vetserve.skills.models import Enrolment


@dataclass(frozen=True)
class Context:
    """What loaders may need beyond the pool: the moment of the run and the place distances
    are measured to (its coordinates, or those of the nearest unit above it that has them)."""

    at: datetime
    place: tuple[float, float] | None = None


Loader = Callable[[QuerySet[Volunteer], Context], dict[int, float]]


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str | Promise
    unit: str | Promise
    higher_is_better: bool
    load: Loader
    explanation: str | Promise = ""
    needs_place: bool = False
    # The weight a new selection starts with.
    default_weight: int = 0


def _confirmed_hours(pool: QuerySet[Volunteer], _ctx: Context) -> dict[int, float]:
    rows = (
        LedgerEntry.objects.filter(volunteer__in=pool.values("pk"))
        .order_by()
        .values_list("volunteer_id")
        .annotate(m=Sum("confirmed_minutes"))
    )
    found = {vid: round(int(m or 0) / 60, 1) for vid, m in rows}
    return {vid: found.get(vid, 0.0) for vid in pool.values_list("pk", flat=True)}


def _training_hours(pool: QuerySet[Volunteer], _ctx: Context) -> dict[int, float]:
    rows = (
        Enrolment.objects.filter(volunteer__in=pool.values("pk"), attended=True)
        .order_by()
        .values_list("volunteer_id")
        .annotate(h=Sum("session__course__study_hours"))
    )
    found = {vid: float(h or 0) for vid, h in rows}
    return {vid: found.get(vid, 0.0) for vid in pool.values_list("pk", flat=True)}


def _no_shows(pool: QuerySet[Volunteer], ctx: Context) -> dict[int, float]:
    # A confirmed place on a shift that has ended with no check-in at all.
    rows = (
        SignUp.objects.filter(
            volunteer__in=pool.values("pk"),
            state=SignUpState.CONFIRMED,
            shift__ends_at__lt=ctx.at,
        )
        .filter(~Exists(Attendance.objects.filter(signup=OuterRef("pk"))))
        .order_by()
        .values_list("volunteer_id")
        .annotate(n=Count("id"))
    )
    counts = {vid: float(n) for vid, n in rows}
    return {vid: counts.get(vid, 0.0) for vid in pool.values_list("pk", flat=True)}


PARTY_MEMBERS = (Party.MEMBER, Party.PROBATIONARY)


def _party(pool: QuerySet[Volunteer], _ctx: Context) -> dict[int, float]:
    return {
        vid: 1.0 if party in PARTY_MEMBERS else 0.0
        for vid, party in pool.values_list("pk", "party")
    }


def region_points() -> dict[int, tuple[float, float]]:
    """Every region that has coordinates (the county centres and those entered by hand)."""
    rows = (
        Region.objects.filter(lon__isnull=False, lat__isnull=False)
        .order_by()
        .values_list("pk", "lon", "lat")
    )
    return {
        pk: (float(lon), float(lat)) for pk, lon, lat in rows if lon is not None and lat is not None
    }


def point_of(
    region_id: int, code: str, level: str, points: dict[int, tuple[float, float]]
) -> tuple[float, float] | None:
    """A region's own coordinates, else those of the nearest unit above it."""
    if region_id in points:
        return points[region_id]
    for above in reversed(ancestor_ids(code, level)):
        if above in points:
            return points[above]
    return None


def _distance(pool: QuerySet[Volunteer], ctx: Context) -> dict[int, float]:
    if ctx.place is None:
        return {}
    points = region_points()
    # Per residence area, not per person: a city's thousands live in a few hundred areas.
    km: dict[int, float | None] = {}
    result: dict[int, float] = {}
    for vid, rid, code, level in pool.values_list(
        "pk", "residence_region_id", "residence_region__code", "residence_region__level"
    ):
        if rid not in km:
            point = point_of(rid, code, level, points)
            km[rid] = (
                None if point is None else round(distance_km(ctx.place[0], ctx.place[1], *point), 1)
            )
        value = km[rid]
        if value is not None:
            result[vid] = value
    return result


CRITERIA: list[Criterion] = [
    Criterion(
        "hours",
        _("Confirmed service hours"),
        _("h"),
        True,
        _confirmed_hours,
        _("Hours in the ledger confirmed by the organizing unit."),
        default_weight=40,
    ),
    Criterion(
        "training",
        _("Training completed"),
        _("study h"),
        True,
        _training_hours,
        _("Study hours of training sessions attended."),
        default_weight=20,
    ),
    Criterion(
        "no_shows",
        _("No-shows"),
        _("times"),
        False,
        _no_shows,
        _("Confirmed places on past shifts with no check-in: fewer is better."),
        default_weight=20,
    ),
    Criterion(
        "party",
        _("Party membership"),
        "",
        True,
        _party,
        _("CPC member or probationary member, as the roster holds it."),
        default_weight=10,
    ),
    Criterion(
        "distance",
        _("Distance to the place"),
        _("km"),
        False,
        _distance,
        _("From the residence area to the place: nearer is better; unknown counts as farthest."),
        needs_place=True,
        default_weight=10,
    ),
]


def criteria_by_code() -> dict[str, Criterion]:
    return {c.code: c for c in CRITERIA}


def describe(code: str) -> dict[str, Any]:
    criterion = criteria_by_code().get(code)
    if criterion is None:
        return {"code": code, "label": code, "unit": "", "higher_is_better": True}
    return {
        "code": code,
        "label": str(criterion.label),
        "unit": str(criterion.unit),
        "higher_is_better": criterion.higher_is_better,
    }
