"""From the database to the engine's Problem: shifts, candidates, neighbours.

Everything is read in a fixed number of queries, whatever the number of people: the pool of
volunteers, their residence's county centre, eligibility (``skills.selectors.eligibility_many``,
the one check), availability, the shifts they already hold and their recent service minutes
(the ledger). Homes are known to the township; the divisions data gives coordinates only to
county centres, so distances are from county centre to the shift's place.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, Sum
from django.utils import timezone

from vetserve.activities.models import LIVE_STATES, Shift, SignUp, SignUpState
from vetserve.activities.services import shift_requirement
from vetserve.core.access import VIEW, Actor
from vetserve.dispatch import pattern
from vetserve.dispatch.engine import Candidate, Interval, Limits, Place, Problem, ShiftRequest
from vetserve.dispatch.models import Availability, CallOut, Unavailability
from vetserve.ledger.models import LedgerEntry
from vetserve.people.models import Status, Volunteer
from vetserve.regions.locator import distance_km
from vetserve.regions.models import Level, Region
from vetserve.skills.selectors import eligibility_many

# Counties whose centres lie this close are neighbours (Zhangjiakou: 崇礼 borders 张北, 赤城,
# 宣化, 桥东, 万全 and 沽源, whose centres are 17–60 km from its own; 蔚县 and 康保 are not).
NEIGHBOUR_KM = 62.0
# The fairness window: service in the last 30 days counts against being asked again.
RECENT_DAYS = 30
# Shifts held nearer than this to the call-out's shifts count for overlaps and rest.
BUSY_MARGIN = timedelta(days=8)


@dataclass(frozen=True)
class Built:
    problem: Problem
    names: dict[int, str]


def county_centres() -> dict[str, tuple[float, float]]:
    """County code → (lon, lat) of its centre, for the counties the divisions data places."""
    return {
        code: (float(lon), float(lat))
        for code, lon, lat in Region.objects.filter(
            level=Level.COUNTY, lon__isnull=False, lat__isnull=False
        ).values_list("code", "lon", "lat")
        if lon is not None and lat is not None
    }


def county_neighbours(centres: dict[str, tuple[float, float]]) -> dict[str, frozenset[str]]:
    """Counties within NEIGHBOUR_KM of each other, centre to centre: symmetric by construction."""
    result: dict[str, set[str]] = {code: set() for code in centres}
    items = sorted(centres.items())
    for i, (a, (lon_a, lat_a)) in enumerate(items):
        for b, (lon_b, lat_b) in items[i + 1 :]:
            if distance_km(lon_a, lat_a, lon_b, lat_b) <= NEIGHBOUR_KM:
                result[a].add(b)
                result[b].add(a)
    return {code: frozenset(near) for code, near in result.items()}


def _county_of(code: str) -> str:
    return code[:6]


def _township_of(code: str) -> str:
    return code[:9] if len(code) >= 9 else ""


def _place(
    code: str, lon: float | None, lat: float | None, centres: dict[str, tuple[float, float]]
) -> Place:
    county = _county_of(code)
    if lon is None or lat is None:
        lon, lat = centres.get(county, (0.0, 0.0))
    return Place(lat=float(lat), lon=float(lon), township=_township_of(code), county=county)


def callout_shifts(callout: CallOut) -> list[Shift]:
    return list(callout.shifts.select_related("activity__region").order_by("starts_at", "id"))


def living_in(counties: set[str]) -> Q:
    """Volunteers whose residence lies in one of ``counties`` (region ids are padded codes,
    so a county is one id range)."""
    q = Q(pk__in=[])
    for county in sorted(counties):
        low = int(county.ljust(12, "0"))
        q |= Q(residence_region_id__gte=low, residence_region_id__lte=low + 999_999)
    return q


def build_problem(
    *, actor: Actor | None, callout: CallOut, shifts: list[Shift], now: datetime | None = None
) -> Built:
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    centres = county_centres()
    neighbours = county_neighbours(centres)
    shift_counties = {_county_of(s.activity.region.code) for s in shifts}
    near = set(shift_counties)
    for county in shift_counties:
        near |= neighbours.get(county, frozenset())
    visible = Volunteer.objects.visible_to(actor, VIEW).values("pk")
    # The dispatcher's own area; widening, also the people living in the shifts' counties and
    # their neighbours, whom the federation above may ask too (区域化调度). They only get an
    # invitation: nobody is forced (条例 Art 25).
    reach = Q(pk__in=visible) | living_in(near) if callout.widen else Q(pk__in=visible)
    pool = Volunteer.objects.filter(reach, status=Status.ACTIVE, erased_at__isnull=True)
    rows = list(
        pool.order_by("pk").values_list("pk", "name", "home_org_id", "residence_region__code")
    )
    start = min(s.starts_at for s in shifts)
    end = max(s.ends_at for s in shifts)
    shift_ids = {s.pk for s in shifts}

    result = eligibility_many(pool, [shift_requirement(s) for s in shifts], at=start)
    eligible: dict[int, set[int]] = defaultdict(set)
    for s in shifts:
        for pk in result.eligible[s.pk]:
            eligible[pk].add(s.pk)

    masks = dict(
        Availability.objects.filter(volunteer_id__in=pool.values("pk")).values_list(
            "volunteer_id", "weekly_mask"
        )
    )
    reachable = set(
        Availability.objects.filter(
            volunteer_id__in=pool.values("pk"), emergency_reachable=True
        ).values_list("volunteer_id", flat=True)
    )
    away: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for pk, a, b in Unavailability.objects.filter(
        volunteer_id__in=pool.values("pk"), starts_at__lt=end, ends_at__gt=start
    ).values_list("volunteer_id", "starts_at", "ends_at"):
        away[pk].append((a, b))

    busy: dict[int, list[Interval]] = defaultdict(list)
    on_shift: dict[int, set[int]] = defaultdict(set)
    for pk, shift_id, a, b in SignUp.objects.filter(
        volunteer_id__in=pool.values("pk"),
        state__in=LIVE_STATES,
        shift__starts_at__lt=end + BUSY_MARGIN,
        shift__ends_at__gt=start - BUSY_MARGIN,
    ).values_list("volunteer_id", "shift_id", "shift__starts_at", "shift__ends_at"):
        if shift_id in shift_ids:
            on_shift[pk].add(shift_id)
        else:
            busy[pk].append(Interval(a, b))

    recent = dict(
        LedgerEntry.objects.filter(
            volunteer_id__in=pool.values("pk"),
            service_date__gte=(now - timedelta(days=RECENT_DAYS)).date(),
        )
        .values("volunteer_id")
        .annotate(m=Sum("minutes"))
        .values_list("volunteer_id", "m")
    )

    requests: list[ShiftRequest] = []
    confirmed = _confirmed_counts(shift_ids)
    shift_bits = {s.pk: pattern.shift_mask(s.starts_at, s.ends_at, tz) for s in shifts}
    for s in shifts:
        have = confirmed.get(s.pk, 0)
        activity = s.activity
        lon = float(activity.lon) if activity.lon is not None else None
        lat = float(activity.lat) if activity.lat is not None else None
        requests.append(
            ShiftRequest(
                id=s.pk,
                start=s.starts_at,
                end=s.ends_at,
                place=_place(activity.region.code, lon, lat, centres),
                minimum=max(0, s.min_people - have),
                wanted=max(0, s.wanted_people - have),
                maximum=max(0, s.max_people - have),
                label=s.post,
            )
        )

    # Which shifts a weekly pattern leaves free is the same for everyone with that pattern:
    # computed once per distinct pattern (most people have one of a few), then only the few
    # with an absence or a place on one of these shifts are looked at one by one. A loop over
    # every person and shift took 90 s for a city's 10,000 × 1,000.
    by_pattern: dict[tuple[int, bool], frozenset[int]] = {}
    by_id = {s.pk: s for s in shifts}

    def free_for(mask: int, any_hour: bool) -> frozenset[int]:
        key = (mask, any_hour)
        if key not in by_pattern:
            by_pattern[key] = frozenset(
                pk for pk, bits in shift_bits.items() if any_hour or mask & bits == bits
            )
        return by_pattern[key]

    candidates: list[Candidate] = []
    names: dict[int, str] = {}
    for pk, name, org_id, code in rows:
        names[pk] = name
        free = free_for(masks.get(pk, pattern.ALL_WEEK), callout.emergency and pk in reachable)
        if pk in on_shift or pk in away:
            taken, periods = on_shift.get(pk, set()), away.get(pk, [])
            free = frozenset(
                sid
                for sid in free
                if sid not in taken
                and not any(a < by_id[sid].ends_at and b > by_id[sid].starts_at for a, b in periods)
            )
        candidates.append(
            Candidate(
                id=pk,
                home=_place(code or "", None, None, centres),
                eligible=frozenset(eligible.get(pk, ())),
                available=free,
                busy=tuple(busy.get(pk, ())),
                recent_minutes=max(0, int(recent.get(pk) or 0)),
                team=org_id,
                label=name,
            )
        )
    problem = Problem(
        shifts=tuple(requests),
        candidates=tuple(candidates),
        neighbours=neighbours,
        limits=Limits(),
        widen=callout.widen,
    )
    return Built(problem=problem, names=names)


def _confirmed_counts(shift_ids: set[int]) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for shift_id in SignUp.objects.filter(
        shift_id__in=shift_ids, state=SignUpState.CONFIRMED
    ).values_list("shift_id", flat=True):
        counts[shift_id] += 1
    return counts
