"""From a Problem to numpy arrays: who could take which shift, at what cost, and why not.

Everything per (candidate, shift) pair is vectorised: the pairs are the candidates' eligible and
available shifts; each gets a locality tier, a distance (haversine), a cost, and an exclusion
code when the person cannot take the shift at all (too far, busy then, rest limit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from vetserve.dispatch.engine.model import Candidate, Problem, ShiftRequest

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]

EARTH_KM = 6371.0088
# A shift counts as this many hours in the rotation within one proposal (the convex load cost).
LOAD_HOURS = 8

TIER_TOWNSHIP, TIER_COUNTY, TIER_NEIGHBOUR, TIER_ELSEWHERE = 0, 1, 2, 3
TIER_CODES = ("same_township", "same_county", "neighbour_county", "elsewhere")

USABLE, TOO_FAR, BUSY, REST_LIMIT = 0, 1, 2, 3


def haversine_km(lat1: F64, lon1: F64, lat2: F64, lon2: F64) -> F64:
    """Great-circle distance in km, element-wise."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0))), dtype=np.float64)


def epoch_minutes(moment: datetime) -> int:
    return int(moment.timestamp() // 60)


def day_key(moment: datetime) -> int:
    """The calendar day of a moment, in its own time zone."""
    return moment.date().toordinal()


def week_key(moment: datetime) -> int:
    year, week, _ = moment.isocalendar()
    return year * 100 + week


@dataclass
class Prepared:
    """The problem as arrays. Shifts and candidates are in id order (determinism)."""

    problem: Problem
    shifts: tuple[ShiftRequest, ...]
    candidates: tuple[Candidate, ...]
    shift_index: dict[int, int]
    # per shift
    start: I64
    end: I64
    minutes: I64
    day: I64
    week: I64
    minimum: I64
    wanted: I64
    maximum: I64
    seat_min_value: I64
    seat_wanted_value: I64
    # per candidate
    recent_hours: I64
    load_cap: I64
    # per (candidate, day) slot: how many shifts the person could take that day at most
    arc_slot: I64
    slot_cand: I64
    slot_cap: I64
    # per usable pair (arc), sorted by (candidate, shift)
    arc_cand: I64
    arc_shift: I64
    arc_tier: I64
    arc_km: F64
    arc_cost: I64
    arc_rank: I64  # the arc's rank within its shift, cheapest first (cost, then person)
    # all eligible-and-available pairs with their exclusion code (USABLE, TOO_FAR, BUSY, REST_LIMIT)
    pair_shift: I64
    pair_code: I64
    # busy minutes per candidate and day / week, for the rest limits
    busy_day: dict[tuple[int, int], int]
    busy_week: dict[tuple[int, int], int]

    def load_cost(self, cand: int, k: int) -> int:
        """The fairness cost of a person's k-th shift (k = 0, 1, …) in this proposal."""
        return self.problem.weights.fairness * (int(self.recent_hours[cand]) + LOAD_HOURS * k)


def _skill_cost(
    problem: Problem,
    shifts: tuple[ShiftRequest, ...],
    cands: tuple[Candidate, ...],
    arc_cand: I64,
    arc_shift: I64,
) -> I64:
    cost = np.zeros(len(arc_cand), dtype=np.int64)
    weights = problem.weights
    codes = sorted({code for s in shifts for code, _ in s.skill_levels})
    for code in codes:
        wants = np.array([any(c == code for c, _ in s.skill_levels) for s in shifts], dtype=bool)
        level = np.array([dict(c.skills).get(code, 0) for c in cands], dtype=np.int64)
        missing = np.maximum(0, weights.top_skill_level - level)
        mask = wants[arc_shift]
        cost[mask] += weights.skill * missing[arc_cand[mask]]
    return cost


def recent_hours_of(cands: tuple[Candidate, ...]) -> I64:
    return np.array([max(0, c.recent_minutes) // 60 for c in cands], dtype=np.int64)


def prepare(problem: Problem) -> Prepared:
    shifts = tuple(sorted(problem.shifts, key=lambda s: s.id))
    cands = tuple(sorted(problem.candidates, key=lambda c: c.id))
    weights, limits = problem.weights, problem.limits
    shift_ids = np.array([s.id for s in shifts], dtype=np.int64)
    shift_index = {s.id: i for i, s in enumerate(shifts)}
    n_shifts = len(shifts)

    start = np.array([epoch_minutes(s.start) for s in shifts], dtype=np.int64)
    end = np.array([epoch_minutes(s.end) for s in shifts], dtype=np.int64)
    minutes = end - start
    day = np.array([day_key(s.start) for s in shifts], dtype=np.int64)
    week = np.array([week_key(s.start) for s in shifts], dtype=np.int64)
    priority = np.array([s.priority for s in shifts], dtype=np.int64)
    minimum = np.array([s.minimum for s in shifts], dtype=np.int64)
    wanted = np.array([max(s.wanted, s.minimum) for s in shifts], dtype=np.int64)
    maximum = np.array([max(s.maximum, s.wanted, s.minimum) for s in shifts], dtype=np.int64)

    # The pairs: each candidate's eligible and available shifts that are in this problem.
    pair_lists: list[I64] = []
    counts = np.zeros(len(cands), dtype=np.int64)
    for ci, cand in enumerate(cands):
        ids = np.fromiter(cand.eligible & cand.available, dtype=np.int64)
        if len(ids) and n_shifts:
            pos = np.searchsorted(shift_ids, ids)
            pos = np.minimum(pos, n_shifts - 1)
            idx = np.sort(pos[shift_ids[pos] == ids])
        else:
            idx = np.zeros(0, dtype=np.int64)
        pair_lists.append(idx)
        counts[ci] = len(idx)
    pair_shift = np.concatenate(pair_lists) if pair_lists else np.zeros(0, dtype=np.int64)
    pair_cand = np.repeat(np.arange(len(cands), dtype=np.int64), counts)

    # Locality tier and distance.
    towns: dict[str, int] = {}
    counties: dict[str, int] = {}

    def code(table: dict[str, int], value: str) -> int:
        return table.setdefault(value, len(table))

    s_town = np.array([code(towns, s.place.township) for s in shifts], dtype=np.int64)
    s_county = np.array([code(counties, s.place.county) for s in shifts], dtype=np.int64)
    c_town = np.array([code(towns, c.home.township) for c in cands], dtype=np.int64)
    c_county = np.array([code(counties, c.home.county) for c in cands], dtype=np.int64)
    near = np.zeros((len(counties), len(counties)), dtype=bool)
    for county, others in problem.neighbours.items():
        if county in counties:
            for other in others:
                if other in counties:
                    near[counties[county], counties[other]] = True
    tier = np.full(len(pair_cand), TIER_ELSEWHERE, dtype=np.int64)
    pc_county, ps_county = c_county[pair_cand], s_county[pair_shift]
    tier[near[ps_county, pc_county]] = TIER_NEIGHBOUR
    tier[pc_county == ps_county] = TIER_COUNTY
    tier[(c_town[pair_cand] == s_town[pair_shift]) & (pc_county == ps_county)] = TIER_TOWNSHIP
    s_lat = np.array([s.place.lat for s in shifts], dtype=np.float64)
    s_lon = np.array([s.place.lon for s in shifts], dtype=np.float64)
    c_lat = np.array([c.home.lat for c in cands], dtype=np.float64)
    c_lon = np.array([c.home.lon for c in cands], dtype=np.float64)
    km = haversine_km(c_lat[pair_cand], c_lon[pair_cand], s_lat[pair_shift], s_lon[pair_shift])

    # Why a pair cannot be used at all.
    pair_code = np.full(len(pair_cand), USABLE, dtype=np.int64)
    far = np.zeros(len(pair_cand), dtype=bool)
    if not problem.widen:
        far |= tier == TIER_ELSEWHERE
    if limits.max_km is not None:
        far |= km > limits.max_km
    pair_code[far] = TOO_FAR
    too_long = (minutes > limits.max_minutes_per_day) | (minutes > limits.max_minutes_per_week)
    pair_code[(pair_code == USABLE) & too_long[pair_shift]] = REST_LIMIT

    busy_day: dict[tuple[int, int], int] = {}
    busy_week: dict[tuple[int, int], int] = {}
    offsets = np.concatenate([[0], np.cumsum(counts)])
    rest = limits.min_rest_minutes
    for ci, cand in enumerate(cands):
        if not cand.busy:
            continue
        lo, hi = int(offsets[ci]), int(offsets[ci + 1])
        sl = pair_shift[lo:hi]
        overlap = np.zeros(hi - lo, dtype=bool)
        restless = np.zeros(hi - lo, dtype=bool)
        for interval in cand.busy:
            b0, b1 = epoch_minutes(interval.start), epoch_minutes(interval.end)
            bd, bw = (ci, day_key(interval.start)), (ci, week_key(interval.start))
            busy_day[bd] = busy_day.get(bd, 0) + (b1 - b0)
            busy_week[bw] = busy_week.get(bw, 0) + (b1 - b0)
            overlap |= (start[sl] < b1) & (b0 < end[sl])
            restless |= (start[sl] < b1 + rest) & (b0 < end[sl] + rest)
        over_day = (
            np.array([busy_day.get((ci, int(d)), 0) for d in day[sl]], dtype=np.int64) + minutes[sl]
            > limits.max_minutes_per_day
        )
        over_week = (
            np.array([busy_week.get((ci, int(w)), 0) for w in week[sl]], dtype=np.int64)
            + minutes[sl]
            > limits.max_minutes_per_week
        )
        part = pair_code[lo:hi]
        part[(part == USABLE) & overlap] = BUSY
        part[(part == USABLE) & (restless | over_day | over_week)] = REST_LIMIT

    usable = pair_code == USABLE
    arc_cand, arc_shift, arc_tier, arc_km = (
        pair_cand[usable],
        pair_shift[usable],
        tier[usable],
        km[usable],
    )
    tier_cost = np.array(
        [weights.township, weights.county, weights.neighbour, weights.elsewhere], dtype=np.int64
    )
    arc_cost = (
        tier_cost[arc_tier]
        + weights.per_km * np.rint(arc_km).astype(np.int64)
        + _skill_cost(problem, shifts, cands, arc_cand, arc_shift)
    )

    arc_rank = np.zeros(len(arc_cand), dtype=np.int64)
    if len(arc_cand):
        first = arc_cost + weights.fairness * recent_hours_of(cands)[arc_cand]
        order = np.lexsort((arc_cand, first, arc_shift))
        sorted_shift = arc_shift[order]
        starts = np.searchsorted(sorted_shift, np.arange(n_shifts))
        arc_rank[order] = np.arange(len(order)) - starts[sorted_shift]

    # How many shifts a person could take at most: bounded by their shifts, their days and weeks.
    recent_hours = recent_hours_of(cands)
    n_arcs = np.bincount(arc_cand, minlength=len(cands)).astype(np.int64)
    load_cap = n_arcs.copy()
    if len(arc_cand):
        shortest = np.full(len(cands), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(shortest, arc_cand, np.maximum(minutes[arc_shift], 1))
        days = np.unique(arc_cand * 10_000_000 + day[arc_shift]) // 10_000_000
        weeks = np.unique(arc_cand * 10_000_000 + week[arc_shift] % 10_000_000) // 10_000_000
        n_days = np.bincount(days, minlength=len(cands)).astype(np.int64)
        n_weeks = np.bincount(weeks, minlength=len(cands)).astype(np.int64)
        safe = np.where(n_arcs > 0, shortest, 1)
        load_cap = np.minimum(load_cap, n_days * (limits.max_minutes_per_day // safe))
        load_cap = np.minimum(load_cap, n_weeks * (limits.max_minutes_per_week // safe))
        load_cap = np.maximum(load_cap, np.minimum(n_arcs, 1))

    # Per person and day: one shift at most when all of that day's shifts clash pairwise (intervals
    # stretched by the rest: pairwise overlapping intervals share a point), else as the minutes
    # allow. This tightens the flow's relaxation; it stays a relaxation.
    slot_key = arc_cand * 1_000_000 + (day[arc_shift] - (int(day.min()) if len(day) else 0))
    slot_keys, arc_slot = np.unique(slot_key, return_inverse=True)
    arc_slot = arc_slot.astype(np.int64).reshape(-1)
    n_slots = len(slot_keys)
    slot_cand = (slot_keys // 1_000_000).astype(np.int64)
    latest_start = np.full(n_slots, np.iinfo(np.int64).min, dtype=np.int64)
    earliest_free = np.full(n_slots, np.iinfo(np.int64).max, dtype=np.int64)
    slot_short = np.full(n_slots, np.iinfo(np.int64).max, dtype=np.int64)
    np.maximum.at(latest_start, arc_slot, start[arc_shift])
    np.minimum.at(earliest_free, arc_slot, end[arc_shift] + rest)
    np.minimum.at(slot_short, arc_slot, np.maximum(minutes[arc_shift], 1))
    slot_n = np.bincount(arc_slot, minlength=n_slots).astype(np.int64)
    slot_cap = np.where(
        latest_start < earliest_free,
        1,
        np.maximum(1, np.minimum(slot_n, limits.max_minutes_per_day // slot_short)),
    ).astype(np.int64)

    per_day_total = np.bincount(slot_cand, weights=slot_cap, minlength=len(cands))
    load_cap = np.minimum(load_cap, per_day_total.astype(np.int64))

    return Prepared(
        problem=problem,
        shifts=shifts,
        candidates=cands,
        shift_index=shift_index,
        start=start,
        end=end,
        minutes=minutes,
        day=day,
        week=week,
        minimum=minimum,
        wanted=wanted,
        maximum=maximum,
        seat_min_value=weights.minimum_seat * (1 + priority),
        seat_wanted_value=weights.wanted_seat * (1 + priority),
        recent_hours=recent_hours,
        load_cap=load_cap,
        arc_slot=arc_slot,
        slot_cand=slot_cand,
        slot_cap=slot_cap,
        arc_cand=arc_cand,
        arc_shift=arc_shift,
        arc_tier=arc_tier,
        arc_km=arc_km,
        arc_cost=arc_cost,
        arc_rank=arc_rank,
        pair_shift=pair_shift,
        pair_code=pair_code,
        busy_day=busy_day,
        busy_week=busy_week,
    )
