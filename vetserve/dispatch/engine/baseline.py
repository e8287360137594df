"""A greedy baseline, for the benchmark only: what a careful person with a sorted list would do.

Shift by shift (higher priority first, then earlier), fill the seats up to ``wanted`` with the
cheapest person still free for it. The benchmark prints how far this is from the engine's
optimum, so the value of optimising shows.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from vetserve.dispatch.engine.model import Problem
from vetserve.dispatch.engine.prepare import prepare
from vetserve.dispatch.engine.solver import evaluate, person_ok


def greedy_objective(problem: Problem) -> int:
    prep = prepare(problem)
    chosen = np.zeros(len(prep.arc_cand), dtype=bool)
    taken: dict[int, list[int]] = defaultdict(list)
    order = np.lexsort((prep.arc_cand, prep.arc_cost, prep.arc_shift))
    bounds = np.searchsorted(prep.arc_shift[order], np.arange(len(prep.shifts) + 1))
    shifts = sorted(
        range(len(prep.shifts)),
        key=lambda s: (-prep.shifts[s].priority, int(prep.start[s]), s),
    )
    for s in shifts:
        arcs = order[bounds[s] : bounds[s + 1]]
        # The cheapest by cost and rotation as things stand.
        ranked = sorted(
            (int(a) for a in arcs),
            key=lambda a: (
                int(prep.arc_cost[a])
                + prep.load_cost(int(prep.arc_cand[a]), len(taken[int(prep.arc_cand[a])])),
                int(prep.arc_cand[a]),
            ),
        )
        need = int(prep.wanted[s])
        for a in ranked:
            if need == 0:
                break
            c = int(prep.arc_cand[a])
            if person_ok(prep, c, [*taken[c], s]):
                taken[c].append(s)
                chosen[a] = True
                need -= 1
    return evaluate(prep, chosen)
