"""An independent referee for the engine: the same problem as a MIP, plainly, solved by HiGHS.

Nothing here is shared with ``prepare``/``solver``: eligibility, distances, rest limits and costs
are recomputed with plain Python loops from the definitions in ``model.py``, so a mistake in the
engine's vectorised code or in its flow/CP-SAT modelling shows as a different optimum. For tests
and benchmarks on small instances only (highspy is a development dependency).
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from vetserve.dispatch.engine.model import Candidate, Problem, ShiftRequest

EARTH_KM = 6371.0088


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(math.sqrt(min(a, 1.0)))


def _minutes(shift_or_interval: Any) -> tuple[int, int]:
    return (
        int(shift_or_interval.start.timestamp() // 60),
        int(shift_or_interval.end.timestamp() // 60),
    )


def _clash(a: tuple[int, int], b: tuple[int, int], rest: int) -> bool:
    return a[0] < b[1] + rest and b[0] < a[1] + rest


def usable_cost(problem: Problem, cand: Candidate, shift: ShiftRequest) -> int | None:
    """What sending ``cand`` to ``shift`` costs (before rotation), or None if they cannot go."""
    limits, w = problem.limits, problem.weights
    if shift.id not in cand.eligible or shift.id not in cand.available:
        return None
    if cand.home.county == shift.place.county:
        tier = w.township if cand.home.township == shift.place.township else w.county
    elif cand.home.county in problem.neighbours.get(shift.place.county, frozenset()):
        tier = w.neighbour
    else:
        if not problem.widen:
            return None
        tier = w.elsewhere
    km = _km(cand.home.lat, cand.home.lon, shift.place.lat, shift.place.lon)
    if limits.max_km is not None and km > limits.max_km:
        return None
    span = _minutes(shift)
    length = span[1] - span[0]
    day, week = shift.start.date(), shift.start.isocalendar()[:2]
    busy_day = sum(_minutes(b)[1] - _minutes(b)[0] for b in cand.busy if b.start.date() == day)
    busy_week = sum(
        _minutes(b)[1] - _minutes(b)[0] for b in cand.busy if b.start.isocalendar()[:2] == week
    )
    if any(_clash(span, _minutes(b), limits.min_rest_minutes) for b in cand.busy):
        return None
    if length + busy_day > limits.max_minutes_per_day:
        return None
    if length + busy_week > limits.max_minutes_per_week:
        return None
    levels = dict(cand.skills)
    skill = sum(
        w.skill * max(0, w.top_skill_level - levels.get(code, 0)) for code, _ in shift.skill_levels
    )
    return tier + w.per_km * round(km) + skill


def optimum(problem: Problem, time_limit_s: float = 60.0) -> int:
    """The optimal objective of the problem, by HiGHS's MIP solver."""
    import highspy

    w, limits = problem.weights, problem.limits
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", time_limit_s)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.0)
    n_vars = 0
    costs: list[float] = []
    integral: list[int] = []

    def var(lo: float, hi: float, cost: float) -> int:
        nonlocal n_vars
        h.addVar(lo, hi)
        costs.append(cost)
        integral.append(n_vars)
        n_vars += 1
        return n_vars - 1

    def row(lo: float, hi: float, terms: list[tuple[int, float]]) -> None:
        h.addRow(lo, hi, len(terms), [i for i, _ in terms], [v for _, v in terms])

    x: dict[tuple[int, int], int] = {}
    for shift in problem.shifts:
        for cand in problem.candidates:
            cost = usable_cost(problem, cand, shift)
            if cost is not None:
                x[(cand.id, shift.id)] = var(0, 1, cost)
    for shift in problem.shifts:
        minimum = shift.minimum
        wanted = max(shift.wanted, minimum)
        maximum = max(shift.maximum, wanted)
        seats = [
            var(0, minimum, -w.minimum_seat * (1 + shift.priority)),
            var(0, wanted - minimum, -w.wanted_seat * (1 + shift.priority)),
        ]
        if w.extra_seat > 0:
            seats.append(var(0, maximum - wanted, -w.extra_seat))
        terms = [(x[(c.id, shift.id)], 1.0) for c in problem.candidates if (c.id, shift.id) in x]
        row(0, 0, terms + [(f, -1.0) for f in seats])
    shifts = {s.id: s for s in problem.shifts}
    for cand in problem.candidates:
        mine = sorted(sid for cid, sid in x if cid == cand.id)
        loads = [
            var(0, 1, w.fairness * (max(0, cand.recent_minutes) // 60 + 8 * k))
            for k in range(len(mine))
        ]
        row(0, 0, [(x[(cand.id, s)], 1.0) for s in mine] + [(z, -1.0) for z in loads])
        for i, a in enumerate(mine):
            for b in mine[i + 1 :]:
                if _clash(_minutes(shifts[a]), _minutes(shifts[b]), limits.min_rest_minutes):
                    row(-math.inf, 1, [(x[(cand.id, a)], 1.0), (x[(cand.id, b)], 1.0)])
        per_day: dict[Any, list[int]] = defaultdict(list)
        per_week: dict[Any, list[int]] = defaultdict(list)
        for s in mine:
            per_day[shifts[s].start.date()].append(s)
            per_week[shifts[s].start.isocalendar()[:2]].append(s)
        for groups, limit, same in (
            (per_day, limits.max_minutes_per_day, lambda b, key: b.start.date() == key),
            (
                per_week,
                limits.max_minutes_per_week,
                lambda b, key: b.start.isocalendar()[:2] == key,
            ),
        ):
            for key, members in groups.items():
                busy = sum(_minutes(b)[1] - _minutes(b)[0] for b in cand.busy if same(b, key))
                terms = []
                for s in members:
                    start, end = _minutes(shifts[int(s)])
                    terms.append((x[(cand.id, int(s))], float(end - start)))
                row(-math.inf, limit - busy, terms)
    for shift in problem.shifts:
        if not shift.keep_teams_together:
            continue
        teams: dict[int, list[int]] = defaultdict(list)
        for cand in problem.candidates:
            if cand.team is not None and (cand.id, shift.id) in x:
                teams[cand.team].append(x[(cand.id, shift.id)])
        for members in teams.values():
            if len(members) < 2:
                continue
            y = var(0, 1, w.team * len(members))
            for m in members:
                costs[m] -= w.team
                row(-math.inf, 0, [(m, 1.0), (y, -1.0)])
    for i, unit in enumerate(costs):
        h.changeColCost(i, unit)
    for i in integral:
        h.changeColIntegrality(i, highspy.HighsVarType.kInteger)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(
            f"HiGHS did not prove an optimum: {h.modelStatusToString(h.getModelStatus())}"
        )
    return round(h.getInfo().objective_function_value)
