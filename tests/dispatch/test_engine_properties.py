"""The engine against an independent referee (HiGHS MIP) on random small instances. No database."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.dispatch.engine_cases import (
    CHONGLI_TOWN,
    CHONGLI_VILLAGE,
    MORNING,
    NEIGHBOURS,
    YUXIAN,
    ZHANGBEI,
)
from vetserve.dispatch.engine import (
    Candidate,
    Interval,
    Limits,
    Problem,
    ShiftRequest,
    solve,
)
from vetserve.dispatch.engine.referee import optimum, usable_cost

PLACES = (CHONGLI_TOWN, CHONGLI_VILLAGE, ZHANGBEI, YUXIAN)


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    n_shifts = draw(st.integers(1, 4))
    shifts = []
    for sid in range(1, n_shifts + 1):
        start = draw(st.integers(0, 40))  # hours after 06:00 on day one
        length = draw(st.integers(1, 10))
        minimum = draw(st.integers(0, 2))
        wanted = minimum + draw(st.integers(0, 2))
        shifts.append(
            ShiftRequest(
                id=sid,
                start=MORNING + timedelta(hours=start),
                end=MORNING + timedelta(hours=start + length),
                place=draw(st.sampled_from(PLACES)),
                minimum=minimum,
                wanted=wanted,
                maximum=wanted + draw(st.integers(0, 1)),
                priority=draw(st.integers(0, 2)),
                skill_levels=draw(st.sampled_from(((), (("first_aid", 1),)))),
                keep_teams_together=draw(st.booleans()),
            )
        )
    ids = st.frozensets(st.integers(1, n_shifts))
    people = []
    for cid in range(1, draw(st.integers(0, 6)) + 1):
        busy = []
        if draw(st.booleans()):
            b = draw(st.integers(-10, 40))
            busy.append(Interval(MORNING + timedelta(hours=b), MORNING + timedelta(hours=b + 4)))
        people.append(
            Candidate(
                id=cid,
                home=draw(st.sampled_from(PLACES)),
                eligible=draw(ids),
                available=draw(ids),
                busy=tuple(busy),
                recent_minutes=draw(st.integers(0, 60 * 80)),
                team=draw(st.sampled_from((None, 1, 2))),
                skills=draw(st.sampled_from(((), (("first_aid", 1),), (("first_aid", 3),)))),
            )
        )
    return Problem(
        shifts=tuple(shifts),
        candidates=tuple(people),
        neighbours=NEIGHBOURS,
        limits=Limits(
            max_minutes_per_day=draw(st.sampled_from((480, 600, 900))),
            max_minutes_per_week=draw(st.sampled_from((600, 2400))),
            min_rest_minutes=draw(st.sampled_from((0, 120, 480))),
            max_km=draw(st.sampled_from((None, 100.0))),
        ),
        widen=draw(st.booleans()),
        time_limit_s=30.0,
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_proposal_is_workable_and_optimal(problem: Problem):
    proposal = solve(problem)
    shifts = {s.id: s for s in problem.shifts}
    people = {c.id: c for c in problem.candidates}
    per_shift: dict[int, int] = defaultdict(int)
    per_person: dict[int, list[ShiftRequest]] = defaultdict(list)
    for a in proposal.assignments:
        shift, cand = shifts[a.shift_id], people[a.candidate_id]
        # eligible, available, near enough, free and rested, by the referee's own reckoning
        assert usable_cost(problem, cand, shift) is not None
        per_shift[a.shift_id] += 1
        per_person[a.candidate_id].append(shift)
    for sid, n in per_shift.items():
        assert n <= shifts[sid].wanted
    rest = timedelta(minutes=problem.limits.min_rest_minutes)
    for taken in per_person.values():
        for i, a in enumerate(taken):
            for b in taken[i + 1 :]:
                assert a.end + rest <= b.start or b.end + rest <= a.start
    for u in proposal.unfilled:
        assert u.missing == shifts[u.shift_id].minimum - per_shift[u.shift_id]
        assert (
            sum(int(r.value or 0) for r in u.reasons)
            == len(problem.candidates) - per_shift[u.shift_id]
            or u.reasons[0].code == "no_candidates"
        )
    assert proposal.status in ("optimal", "infeasible")
    assert proposal.bound <= proposal.objective
    best = optimum(problem)
    assert proposal.objective == best
    assert sum(a.cost for a in proposal.assignments) >= 0
