"""solve(problem): the best staffing, exactly, with reasons (docs/decisions/0010).

1. Min-cost flow (OR-Tools) over source → shift seats → person → sink. Seats are negative costs
   (minimum, then wanted, by priority); a person's arc to the sink is split into one arc per shift
   they take, each dearer than the last (fair rotation, convex). The flow ignores who can take two
   shifts together, so its optimum is a lower bound; when it needs no one in two clashing shifts
   and splits no team, it is also the answer, proven optimal.
2. Otherwise CP-SAT (OR-Tools) on the same costs with the side constraints (no overlap, rest
   between shifts, minutes per day and week, teams together), warm-started from the flow's
   staffing repaired, under the time limit; the flow's bound keeps the reported gap honest.

Deterministic: shifts and people are taken in id order, the flow is exact, CP-SAT runs one
worker with a fixed seed and a deterministic time limit.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from vetserve.dispatch.engine.model import (
    Assignment,
    Problem,
    Proposal,
    Reason,
    Reserve,
    Unfilled,
)
from vetserve.dispatch.engine.prepare import (
    BUSY,
    I64,
    LOAD_HOURS,
    REST_LIMIT,
    TIER_CODES,
    TIER_ELSEWHERE,
    TOO_FAR,
    USABLE,
    B,
    Prepared,
    prepare,
)

# CP-SAT looks at this many of the cheapest people per seat of a shift (plus everyone in the
# warm start and every member of a team); fewer people, a smaller model, the same answer in
# nearly every case, and the flow's bound says when it might not be.
POOL_PER_SEAT = 3
POOL_EXTRA = 10
# The priced flow starts from this many of the cheapest people per wanted seat of each shift.
PRICE_PER_SEAT = 4
# Up to this many (person, shift) pairs, CP-SAT gets the whole problem and can prove it optimal.
FULL_MODEL_ARCS = 20_000


def _seat_caps(prep: Prepared) -> tuple[I64, I64, I64]:
    extra = prep.maximum - prep.wanted if prep.problem.weights.extra_seat > 0 else 0 * prep.maximum
    return prep.minimum.copy(), prep.wanted - prep.minimum, extra


def _flow(
    prep: Prepared,
    arc_mask: B,
    caps: tuple[I64, I64, I64],
    load_cap: I64,
    priced: bool = False,
) -> B:
    """The min-cost flow over the arcs in ``arc_mask``; returns the chosen arcs.

    ``priced``: start from the cheapest arcs of each shift, then add every left-out arc whose
    reduced cost (from the node potentials of the optimum, by Bellman-Ford on the residual graph)
    is negative, until none is: the result is then optimal over all arcs of ``arc_mask``, proven
    by those potentials, at a fraction of the arcs.
    """
    if priced:
        inside = arc_mask & (prep.arc_rank < PRICE_PER_SEAT * prep.wanted[prep.arc_shift] + 20)
        while True:
            chosen, potential = _flow_once(prep, inside, caps, load_cap)
            rest = np.flatnonzero(arc_mask & ~inside)
            n_s, n_c = len(prep.shifts), len(prep.candidates)
            reduced = (
                prep.arc_cost[rest]
                + potential[2 + prep.arc_shift[rest]]
                - potential[2 + n_s + n_c + prep.arc_slot[rest]]
            )
            entering = rest[reduced < 0]
            if not len(entering):
                return chosen
            inside[entering] = True
    chosen, _ = _flow_once(prep, arc_mask, caps, load_cap)
    return chosen


def _potentials(tails: I64, heads: I64, cost: I64, n_nodes: int) -> npt.NDArray[np.int64]:
    """Shortest distances from a virtual root in a residual graph (Bellman-Ford, vectorised)."""
    d = np.zeros(n_nodes, dtype=np.int64)
    if not len(heads):
        return d
    order = np.argsort(heads, kind="stable")
    t, h, c = tails[order], heads[order], cost[order]
    starts = np.flatnonzero(np.concatenate(([True], h[1:] != h[:-1])))
    targets = h[starts]
    for _ in range(n_nodes + 1):
        best = np.minimum.reduceat(d[t] + c, starts)
        better = best < d[targets]
        if not better.any():
            return d
        d[targets[better]] = best[better]
    raise RuntimeError("negative cycle in an optimal residual graph")  # pragma: no cover


def _flow_once(
    prep: Prepared,
    arc_mask: B,
    caps: tuple[I64, I64, I64],
    load_cap: I64,
) -> tuple[B, npt.NDArray[np.int64]]:
    n_s, n_c, n_d = len(prep.shifts), len(prep.candidates), len(prep.slot_cand)
    source, sink = 0, 1
    shift_node = 2 + np.arange(n_s, dtype=np.int64)
    cand_node = 2 + n_s + np.arange(n_c, dtype=np.int64)
    slot_node = 2 + n_s + n_c + np.arange(n_d, dtype=np.int64)
    weights = prep.problem.weights
    min_cap, want_cap, extra_cap = caps
    tails, heads, capacity, cost = [], [], [], []

    def add(t: I64, h: I64, cap: I64, c: I64) -> None:
        keep = cap > 0
        tails.append(t[keep])
        heads.append(h[keep])
        capacity.append(cap[keep])
        cost.append(c[keep])

    src = np.full(n_s, source, dtype=np.int64)
    add(src, shift_node, min_cap, -prep.seat_min_value)
    add(src, shift_node, want_cap, -prep.seat_wanted_value)
    add(src, shift_node, extra_cap, np.full(n_s, -weights.extra_seat, dtype=np.int64))
    first_arc = sum(len(t) for t in tails)
    idx = np.flatnonzero(arc_mask)
    add(
        shift_node[prep.arc_shift[idx]],
        slot_node[prep.arc_slot[idx]],
        np.ones(len(idx), dtype=np.int64),
        prep.arc_cost[idx],
    )
    # A person's day: as many shifts as that day allows (one when they all clash).
    add(slot_node, cand_node[prep.slot_cand], prep.slot_cap, np.zeros(n_d, dtype=np.int64))
    # One arc to the sink per shift a person may take, each dearer than the last (convex).
    owner = np.repeat(np.arange(n_c, dtype=np.int64), load_cap)
    k = np.arange(len(owner), dtype=np.int64) - np.repeat(np.cumsum(load_cap) - load_cap, load_cap)
    load_cost = weights.fairness * (prep.recent_hours[owner] + LOAD_HOURS * k)
    add(
        cand_node[owner],
        np.full(len(owner), sink, dtype=np.int64),
        np.ones(len(owner), np.int64),
        load_cost,
    )
    total = int(min_cap.sum() + want_cap.sum() + extra_cap.sum())
    # Seats may stay empty: the bypass carries the flow no one can take.
    add(np.array([source]), np.array([sink]), np.array([total]), np.array([0]))

    all_tails, all_heads = np.concatenate(tails), np.concatenate(heads)
    all_caps, all_costs = np.concatenate(capacity), np.concatenate(cost)
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(all_tails, all_heads, all_caps, all_costs)
    smcf.set_node_supply(source, total)
    smcf.set_node_supply(sink, -total)
    status = smcf.solve()
    if status != smcf.OPTIMAL:  # pragma: no cover - the bypass makes every instance feasible
        raise RuntimeError(f"min-cost flow failed: {status}")
    every = smcf.flows(np.arange(len(all_tails), dtype=np.int64))
    flows = every[first_arc : first_arc + len(idx)]
    chosen = np.zeros(len(prep.arc_cand), dtype=bool)
    chosen[idx[flows > 0]] = True
    forward, backward = every < all_caps, every > 0
    potential = _potentials(
        np.concatenate((all_tails[forward], all_heads[backward])),
        np.concatenate((all_heads[forward], all_tails[backward])),
        np.concatenate((all_costs[forward], -all_costs[backward])),
        2 + n_s + n_c + n_d,
    )
    return chosen, potential


def person_ok(prep: Prepared, cand: int, shifts: list[int]) -> bool:
    """May one person take all these shifts together (overlap, rest, minutes per day/week)?"""
    limits = prep.problem.limits
    order = sorted(shifts, key=lambda s: (int(prep.start[s]), s))
    for i, a in enumerate(order):
        for b in order[i + 1 :]:
            if prep.start[b] < prep.end[a] + limits.min_rest_minutes and (
                prep.start[a] < prep.end[b] + limits.min_rest_minutes
            ):
                return False
    per_day: dict[int, int] = defaultdict(int)
    per_week: dict[int, int] = defaultdict(int)
    for s in order:
        per_day[int(prep.day[s])] += int(prep.minutes[s])
        per_week[int(prep.week[s])] += int(prep.minutes[s])
    for d, m in per_day.items():
        if m + prep.busy_day.get((cand, d), 0) > limits.max_minutes_per_day:
            return False
    for w, m in per_week.items():
        if m + prep.busy_week.get((cand, w), 0) > limits.max_minutes_per_week:
            return False
    return True


def _by_person(prep: Prepared, chosen: B) -> dict[int, list[int]]:
    taken: dict[int, list[int]] = defaultdict(list)
    for a in np.flatnonzero(chosen):
        taken[int(prep.arc_cand[a])].append(int(a))
    return taken


def _clashing(prep: Prepared, chosen: B) -> list[int]:
    """People given shifts they cannot take together."""
    return [
        c
        for c, arcs in sorted(_by_person(prep, chosen).items())
        if len(arcs) > 1 and not person_ok(prep, c, [int(prep.arc_shift[a]) for a in arcs])
    ]


def _team_members(prep: Prepared) -> dict[tuple[int, int], list[int]]:
    """(shift, team) -> the usable arcs of its members, for shifts that keep teams together."""
    keep = np.array([s.keep_teams_together for s in prep.shifts], dtype=bool)
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    if not keep.any():
        return {}
    for a in np.flatnonzero(keep[prep.arc_shift]):
        team = prep.candidates[int(prep.arc_cand[a])].team
        if team is not None:
            groups[(int(prep.arc_shift[a]), team)].append(int(a))
    return {key: arcs for key, arcs in groups.items() if len(arcs) > 1}


def _team_penalty(prep: Prepared, chosen: B, teams: dict[tuple[int, int], list[int]]) -> int:
    penalty = 0
    for arcs in teams.values():
        sent = int(chosen[arcs].sum())
        if sent:
            penalty += prep.problem.weights.team * (len(arcs) - sent)
    return penalty


def evaluate(prep: Prepared, chosen: B) -> int:
    """The objective of a staffing: seats (negative), people's costs, rotation, split teams."""
    weights = prep.problem.weights
    filled = np.bincount(prep.arc_shift[chosen], minlength=len(prep.shifts)).astype(np.int64)
    at_min = np.minimum(filled, prep.minimum)
    at_want = np.minimum(filled, prep.wanted) - at_min
    extra = filled - at_min - at_want
    load = np.bincount(prep.arc_cand[chosen], minlength=len(prep.candidates)).astype(np.int64)
    rotation = weights.fairness * (load * prep.recent_hours + LOAD_HOURS * load * (load - 1) // 2)
    return int(
        -(prep.seat_min_value * at_min).sum()
        - (prep.seat_wanted_value * at_want).sum()
        - weights.extra_seat * int(extra.sum())
        + int(prep.arc_cost[chosen].sum())
        + int(rotation.sum())
        + _team_penalty(prep, chosen, _team_members(prep))
    )


def _repair(prep: Prepared, chosen: B) -> B:
    """A staffing anyone can actually work: clashes dropped, their seats refilled by idle people."""
    fixed = chosen.copy()
    taken = _by_person(prep, chosen)
    for c in _clashing(prep, chosen):
        arcs = sorted(
            taken[c],
            key=lambda a: (int(prep.arc_cost[a]), int(prep.arc_shift[a])),
        )
        kept: list[int] = []
        for a in arcs:
            if person_ok(
                prep, c, [int(prep.arc_shift[b]) for b in kept] + [int(prep.arc_shift[a])]
            ):
                kept.append(a)
            else:
                fixed[a] = False
    filled = np.bincount(prep.arc_shift[fixed], minlength=len(prep.shifts)).astype(np.int64)
    min_cap, want_cap, extra_cap = _seat_caps(prep)
    left_min = np.maximum(0, min_cap - filled)
    over = np.maximum(0, filled - min_cap)
    left_want = np.maximum(0, want_cap - over)
    left_extra = np.maximum(0, extra_cap - np.maximum(0, over - want_cap))
    idle = np.bincount(prep.arc_cand[fixed], minlength=len(prep.candidates)) == 0
    mask = idle[prep.arc_cand] & ((left_min + left_want + left_extra) > 0)[prep.arc_shift]
    if mask.any():
        fixed |= _flow(
            prep,
            mask,
            (left_min, left_want, left_extra),
            np.ones(len(prep.candidates), dtype=np.int64),
        )
    return fixed


def _pool(prep: Prepared, warm: B, teams: dict[tuple[int, int], list[int]]) -> B:
    seats = prep.maximum if prep.problem.weights.extra_seat > 0 else prep.wanted
    pool = prep.arc_rank < POOL_PER_SEAT * seats[prep.arc_shift] + POOL_EXTRA
    pool |= warm
    for arcs in teams.values():
        pool[arcs] = True
    return pool


def _cpsat(
    prep: Prepared,
    warm: B,
    teams: dict[tuple[int, int], list[int]],
    time_limit: float,
    lower_bound: int,
    touched: B,
) -> tuple[B, float | None, bool]:
    """CP-SAT with the side constraints: (staffing, proven bound or None, proven optimal).

    Small problems go in whole. Large ones only with the ``touched`` shifts (where the flow's
    relaxation clashed or split a team) and their cheapest people; every other shift keeps its
    warm-start staffing, which the model respects (those people's load, rest and minutes).
    """
    weights, limits = prep.problem.weights, prep.problem.limits
    full = len(prep.arc_cand) <= FULL_MODEL_ARCS
    free = np.ones(len(prep.shifts), dtype=bool) if full else touched
    pool = np.ones(len(prep.arc_cand), dtype=bool) if full else _pool(prep, warm, teams)
    pool &= free[prep.arc_shift]
    fixed = _by_person(prep, warm & ~free[prep.arc_shift])
    fixed_shifts = {c: [int(prep.arc_shift[a]) for a in arcs] for c, arcs in fixed.items()}
    if fixed_shifts:
        for a in map(int, np.flatnonzero(pool)):
            c = int(prep.arc_cand[a])
            if c in fixed_shifts and not person_ok(
                prep, c, [*fixed_shifts[c], int(prep.arc_shift[a])]
            ):
                pool[a] = False
    arcs = [int(a) for a in np.flatnonzero(pool)]
    m = cp_model.CpModel()
    x = {int(a): m.new_bool_var(f"x{a}") for a in arcs}
    objective: list[Any] = []
    min_cap, want_cap, extra_cap = _seat_caps(prep)
    by_shift: dict[int, list[int]] = defaultdict(list)
    warm_filled = np.bincount(prep.arc_shift[warm], minlength=len(prep.shifts))
    by_person: dict[int, list[int]] = defaultdict(list)
    for a in arcs:
        by_shift[int(prep.arc_shift[a])].append(int(a))
        by_person[int(prep.arc_cand[a])].append(int(a))
        objective.append(int(prep.arc_cost[a]) * x[int(a)])
    for s, s_arcs in sorted(by_shift.items()):
        parts: list[cp_model.IntVar] = []
        hinted = 0
        for cap, value in (
            (int(min_cap[s]), int(prep.seat_min_value[s])),
            (int(want_cap[s]), int(prep.seat_wanted_value[s])),
            (int(extra_cap[s]), weights.extra_seat),
        ):
            if cap <= 0:
                continue
            f = m.new_int_var(0, cap, f"f{s}_{len(parts)}")
            m.add_hint(f, min(cap, int(warm_filled[s]) - hinted))
            hinted += min(cap, int(warm_filled[s]) - hinted)
            parts.append(f)
            objective.append(-value * f)
        m.add(sum(x[a] for a in s_arcs) == sum(parts))
        if not full and warm_filled[s] == int(min_cap[s] + want_cap[s] + extra_cap[s]):
            # Every seat is filled in the warm start: keep it so, and the search need not weigh
            # seats (worth more than any person) against people's costs at all (a heuristic
            # that may miss the optimum, so only where none is claimed: in the partial model).
            m.add(sum(x[a] for a in s_arcs) == int(warm_filled[s]))
    for c, c_arcs in sorted(by_person.items()):
        already = fixed_shifts.get(c, [])
        cap = max(0, min(int(prep.load_cap[c]) - len(already), len(c_arcs)))
        z = [m.new_bool_var(f"z{c}_{k}") for k in range(cap)]
        load = int(warm[c_arcs].sum())
        for k, var in enumerate(z):
            m.add_hint(var, k < load)
        for k in range(cap):
            objective.append(prep.load_cost(c, len(already) + k) * z[k])
            if k:
                m.add_implication(z[k], z[k - 1])
        m.add(sum(x[a] for a in c_arcs) == sum(z))
        if len(c_arcs) < 2:
            continue
        shifts = [int(prep.arc_shift[a]) for a in c_arcs]
        for i, a in enumerate(c_arcs):
            for j in range(i + 1, len(c_arcs)):
                if not person_ok(prep, c, [*already, shifts[i], shifts[j]]):
                    m.add_bool_or([x[a].Not(), x[c_arcs[j]].Not()])
        for key_arr, limit, busy in (
            (prep.day, limits.max_minutes_per_day, prep.busy_day),
            (prep.week, limits.max_minutes_per_week, prep.busy_week),
        ):
            groups: dict[int, list[int]] = defaultdict(list)
            for a, s in zip(c_arcs, shifts, strict=True):
                groups[int(key_arr[s])].append(a)
            for g, g_arcs in groups.items():
                total = sum(int(prep.minutes[prep.arc_shift[a]]) for a in g_arcs)
                room = (
                    limit
                    - busy.get((c, g), 0)
                    - sum(int(prep.minutes[f]) for f in already if int(key_arr[f]) == g)
                )
                if total > room:
                    m.add(sum(int(prep.minutes[prep.arc_shift[a]]) * x[a] for a in g_arcs) <= room)
    for (s, team), t_arcs in sorted(teams.items()):
        if not free[s]:
            continue
        y = m.new_bool_var(f"y{s}_{team}")
        m.add_hint(y, bool(warm[t_arcs].any()))
        for a in t_arcs:
            m.add_implication(x[a], y)
        objective.append(weights.team * len(t_arcs) * y)
        objective.extend(-weights.team * x[a] for a in t_arcs)
    total = sum(objective)
    if full:
        # No staffing beats the flow's bound: once one reaches it, the search may stop.
        m.add(total >= lower_bound)
    m.minimize(total)
    for a in arcs:
        m.add_hint(x[int(a)], bool(warm[a]))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = max(0.1, time_limit)
    solver.parameters.max_time_in_seconds = max(0.1, time_limit)
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return warm, None, False
    chosen = warm & ~free[prep.arc_shift]
    for a, var in x.items():
        if solver.boolean_value(var):
            chosen[a] = True
    if not full:
        return chosen, None, False
    reached = round(solver.objective_value) <= lower_bound
    return chosen, solver.best_objective_bound, reached or status == cp_model.OPTIMAL


def _person_reasons(prep: Prepared, a: int) -> list[Reason]:
    c, s = int(prep.arc_cand[a]), int(prep.arc_shift[a])
    cand, shift = prep.candidates[c], prep.shifts[s]
    reasons = [
        Reason(TIER_CODES[int(prep.arc_tier[a])]),
        Reason("distance_km", round(float(prep.arc_km[a]), 1)),
        Reason("eligible"),
        Reason("recent_hours", int(prep.recent_hours[c])),
    ]
    levels = dict(cand.skills)
    for code, _ in shift.skill_levels:
        reasons.append(Reason("skill_level", (code, int(levels.get(code, 0)))))
    return reasons


def _explain(
    prep: Prepared, chosen: B, teams: dict[tuple[int, int], list[int]]
) -> tuple[tuple[Assignment, ...], tuple[Reserve, ...], tuple[Unfilled, ...], tuple[int, ...]]:
    taken = _by_person(prep, chosen)
    together = {
        a for arcs in teams.values() if int(chosen[arcs].sum()) > 1 for a in arcs if chosen[a]
    }
    assignments = []
    for c, arcs in sorted(taken.items()):
        in_time = sorted(arcs, key=lambda a: (int(prep.start[prep.arc_shift[a]]), int(a)))
        for k, a in enumerate(in_time):
            reasons = _person_reasons(prep, a)
            if a in together:
                reasons.append(Reason("team_together", prep.candidates[c].team))
            assignments.append(
                Assignment(
                    shift_id=prep.shifts[int(prep.arc_shift[a])].id,
                    candidate_id=prep.candidates[c].id,
                    reasons=tuple(reasons),
                    cost=int(prep.arc_cost[a]) + prep.load_cost(c, k),
                )
            )
    assignments.sort(key=lambda x: (x.shift_id, x.cost, x.candidate_id))

    # Reserves: the cheapest people not sent there who could still go, in order.
    load = np.bincount(prep.arc_cand[chosen], minlength=len(prep.candidates)).astype(np.int64)
    key = prep.arc_cost + prep.problem.weights.fairness * (
        prep.recent_hours[prep.arc_cand] + LOAD_HOURS * load[prep.arc_cand]
    )
    # Looked for among the cheapest few of each shift (a reserve list, not a census).
    near = np.flatnonzero(
        prep.arc_rank < 3 * (prep.wanted[prep.arc_shift] + prep.problem.reserve_size) + 10
    )
    order = near[np.lexsort((prep.arc_cand[near], key[near], prep.arc_shift[near]))]
    bounds = np.searchsorted(prep.arc_shift[order], np.arange(len(prep.shifts) + 1))
    reserves = []
    for s in range(len(prep.shifts)):
        rank = 0
        for a in order[bounds[s] : bounds[s + 1]]:
            if rank >= prep.problem.reserve_size:
                break
            c = int(prep.arc_cand[a])
            if chosen[a]:
                continue
            others = [int(prep.arc_shift[b]) for b in taken.get(c, [])]
            if others and not person_ok(prep, c, [*others, s]):
                continue
            rank += 1
            reasons = _person_reasons(prep, int(a))
            if others:
                reasons.append(Reason("assigned_elsewhere", len(others)))
            reserves.append(
                Reserve(
                    shift_id=prep.shifts[s].id,
                    candidate_id=prep.candidates[c].id,
                    rank=rank,
                    reasons=tuple(reasons),
                )
            )

    filled = np.bincount(prep.arc_shift[chosen], minlength=len(prep.shifts))
    usable = np.bincount(prep.arc_shift, minlength=len(prep.shifts))
    unfilled = []
    for s in map(int, np.flatnonzero(filled < prep.minimum)):
        shift = prep.shifts[s]
        n = len(prep.candidates)
        if n == 0:
            unfilled.append(
                Unfilled(shift.id, int(prep.minimum[s] - filled[s]), (Reason("no_candidates", 0),))
            )
            continue
        eligible = sum(1 for c in prep.candidates if shift.id in c.eligible)
        codes = np.bincount(prep.pair_code[prep.pair_shift == s], minlength=4)
        counts = (
            ("not_eligible", n - eligible),
            ("not_available", eligible - int(codes.sum())),
            ("too_far", int(codes[TOO_FAR])),
            ("busy", int(codes[BUSY])),
            ("rest_limit", int(codes[REST_LIMIT])),
            ("assigned_elsewhere", int(usable[s]) - int(filled[s])),
        )
        assert int(codes[USABLE]) == int(usable[s])
        unfilled.append(
            Unfilled(
                shift_id=shift.id,
                missing=int(prep.minimum[s] - filled[s]),
                reasons=tuple(Reason(code, count) for code, count in counts if count),
            )
        )
    far = np.unique(prep.arc_shift[chosen & (prep.arc_tier == TIER_ELSEWHERE)])
    widened = tuple(sorted(prep.shifts[int(s)].id for s in far))
    return tuple(assignments), tuple(reserves), tuple(unfilled), widened


def solve(problem: Problem) -> Proposal:
    """The best staffing of the problem's shifts, with reasons, reserves and what stays unfilled."""
    began = time.perf_counter()
    prep = prepare(problem)
    everything = np.ones(len(prep.arc_cand), dtype=bool)
    chosen = _flow(prep, everything, _seat_caps(prep), prep.load_cap, priced=True)
    bound = evaluate(prep, chosen)  # the flow's optimum, before team penalties: a lower bound
    teams = _team_members(prep)
    status = "optimal"
    clashing = _clashing(prep, chosen)
    if clashing or _team_penalty(prep, chosen, teams):
        bound -= _team_penalty(prep, chosen, teams)
        warm = _repair(prep, chosen)
        touched = np.zeros(len(prep.shifts), dtype=bool)
        touched[prep.arc_shift[chosen ^ warm]] = True
        touched[prep.arc_shift[chosen & np.isin(prep.arc_cand, clashing)]] = True
        for (s, _), arcs in teams.items():
            touched[s] |= 0 < int(chosen[arcs].sum()) < len(arcs)
        left = problem.time_limit_s - (time.perf_counter() - began)
        better, cp_bound, proven = _cpsat(prep, warm, teams, left, bound, touched)
        chosen = better if evaluate(prep, better) <= evaluate(prep, warm) else warm
        if cp_bound is not None:
            bound = max(bound, math.ceil(cp_bound - 1e-6))
        objective = evaluate(prep, chosen)
        if proven:
            bound = objective
        status = "optimal" if objective == bound else "feasible"
    objective = evaluate(prep, chosen)
    assignments, reserves, unfilled, widened = _explain(prep, chosen, teams)
    if not assignments and int(prep.minimum.sum()) > 0:
        status = "infeasible"
    return Proposal(
        assignments=assignments,
        reserves=reserves,
        unfilled=unfilled,
        objective=objective,
        bound=min(bound, objective),
        status=status,
        widened=widened,
        solve_ms=int((time.perf_counter() - began) * 1000),
    )
