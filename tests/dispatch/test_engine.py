"""The dispatch engine on hand-made cases whose right answer is obvious. No database."""

from __future__ import annotations

from collections import Counter

from tests.dispatch.engine_cases import (
    CHONGLI_TOWN,
    CHONGLI_VILLAGE,
    NEIGHBOURS,
    YUXIAN,
    ZHANGBEI,
    person,
    shift,
)
from vetserve.dispatch.engine import Limits, Problem, Proposal, Reason, Weights, solve
from vetserve.dispatch.engine.referee import optimum


def sent(proposal: Proposal) -> dict[int, set[int]]:
    """shift id -> the people proposed for it."""
    out: dict[int, set[int]] = {}
    for a in proposal.assignments:
        out.setdefault(a.shift_id, set()).add(a.candidate_id)
    return out


def test_the_certified_person_wins_the_first_aid_seat():
    first_aid = shift(1, skill_levels=(("first_aid", 1),))
    # Only 2 is eligible (the caller's eligibility check); 1 lives closer but is not certified.
    people = (
        person(1, {1}, eligible=set()),
        person(2, {1}, home=CHONGLI_VILLAGE, skills=(("first_aid", 2),)),
    )
    proposal = solve(Problem((first_aid,), people))
    assert sent(proposal) == {1: {2}}
    reasons = proposal.assignments[0].reasons
    assert Reason("eligible") in reasons
    assert Reason("skill_level", ("first_aid", 2)) in reasons


def test_the_higher_skill_level_is_preferred_where_asked():
    first_aid = shift(1, skill_levels=(("first_aid", 1),))
    people = (
        person(1, {1}, skills=(("first_aid", 1),)),
        person(2, {1}, skills=(("first_aid", 3),)),
    )
    assert sent(solve(Problem((first_aid,), people))) == {1: {2}}


def test_the_local_beats_the_distant_one_when_both_are_free():
    people = (
        person(1, {1}, home=ZHANGBEI),
        person(2, {1}, home=CHONGLI_VILLAGE),
        person(3, {1}, home=CHONGLI_TOWN),
    )
    proposal = solve(Problem((shift(1),), people, neighbours=NEIGHBOURS, reserve_size=2))
    assert sent(proposal) == {1: {3}}
    assert proposal.assignments[0].reasons[0] == Reason("same_township")
    # The reserves in the order of escalation: own county, then the neighbouring county.
    assert [(r.candidate_id, r.rank) for r in proposal.reserves] == [(2, 1), (1, 2)]
    assert proposal.reserves[0].reasons[0] == Reason("same_county")
    assert proposal.reserves[1].reasons[0] == Reason("neighbour_county")


def test_an_overloaded_person_is_rested():
    people = (
        person(1, {1}, recent_minutes=60 * 60),
        person(2, {1}, recent_minutes=4 * 60),
    )
    proposal = solve(Problem((shift(1),), people))
    assert sent(proposal) == {1: {2}}
    assert Reason("recent_hours", 4) in proposal.assignments[0].reasons


def test_two_overlapping_shifts_never_go_to_one_person():
    shifts = (shift(1, hours=(0, 4)), shift(2, hours=(2, 6)))
    people = (person(1, {1, 2}), person(2, {1, 2}, home=YUXIAN))
    proposal = solve(Problem(shifts, people))
    assert sent(proposal) == {1: {1}, 2: {2}} or sent(proposal) == {1: {2}, 2: {1}}
    assert proposal.status == "optimal"
    assert proposal.objective == optimum(Problem(shifts, people))


def test_rest_between_shifts_holds_and_is_the_reason_when_it_binds():
    # Shift 2 starts 2 h after shift 1 ends; 8 h of rest are required.
    shifts = (shift(1, hours=(0, 4)), shift(2, hours=(6, 10)))
    proposal = solve(Problem(shifts, (person(1, {1, 2}),)))
    assert len(proposal.assignments) == 1
    assert [u.shift_id for u in proposal.unfilled] == [2] or [
        u.shift_id for u in proposal.unfilled
    ] == [1]
    assert proposal.unfilled[0].reasons == (Reason("assigned_elsewhere", 1),)
    # With a 1 h rest the same person takes both.
    relaxed = solve(Problem(shifts, (person(1, {1, 2}),), limits=Limits(min_rest_minutes=60)))
    assert sent(relaxed) == {1: {1}, 2: {1}}


def test_a_busy_person_is_not_sent_and_the_count_says_why():
    people = (
        person(1, {1}, busy=((1, 3),)),  # overlaps
        person(2, {1}, busy=((-5, -2),)),  # ended 2 h before: rest limit
        person(3, set(), eligible={1}),  # eligible, not available
        person(4, {1}, eligible=set()),  # not eligible
        person(5, {1}, home=YUXIAN),  # beyond county and neighbours, no widening
    )
    proposal = solve(Problem((shift(1, seats=(2, 2, 2)),), people, widen=False))
    assert proposal.assignments == ()
    assert proposal.status == "infeasible"
    (unfilled,) = proposal.unfilled
    assert unfilled.missing == 2
    assert set(unfilled.reasons) == {
        Reason("not_eligible", 1),
        Reason("not_available", 1),
        Reason("too_far", 1),
        Reason("busy", 1),
        Reason("rest_limit", 1),
    }


def test_minutes_per_day_hold():
    shifts = (shift(1, hours=(0, 5)), shift(2, hours=(6, 11)))
    limits = Limits(max_minutes_per_day=8 * 60, min_rest_minutes=0)
    proposal = solve(Problem(shifts, (person(1, {1, 2}),), limits=limits))
    assert len(proposal.assignments) == 1
    assert (
        solve(Problem(shifts, (person(1, {1, 2}),), limits=Limits(min_rest_minutes=0))).objective
        < proposal.objective
    )


def test_minimum_comes_before_wanted():
    # One person, two shifts at the same time: the shift whose minimum is unmet gets them.
    shifts = (shift(1, seats=(0, 1, 1)), shift(2, seats=(1, 1, 1), place=CHONGLI_VILLAGE))
    proposal = solve(Problem(shifts, (person(1, {1, 2}),)))
    assert sent(proposal) == {2: {1}}
    assert proposal.unfilled == ()


def test_priority_decides_between_minimums():
    shifts = (shift(1), shift(2, place=CHONGLI_VILLAGE, priority=3))
    proposal = solve(Problem(shifts, (person(1, {1, 2}),)))
    assert sent(proposal) == {2: {1}}
    assert [(u.shift_id, u.missing) for u in proposal.unfilled] == [(1, 1)]


def test_wanted_seats_are_filled_and_no_more_by_default():
    people = tuple(person(i, {1}) for i in range(1, 6))
    proposal = solve(Problem((shift(1, seats=(1, 3, 5)),), people))
    assert len(proposal.assignments) == 3
    assert len(proposal.reserves) == 2


def test_teams_are_kept_together_when_the_shift_asks():
    # Team 7 (two people in the village) or two unrelated locals: together wins when asked.
    people = (
        person(1, {1}, team=7, home=CHONGLI_VILLAGE),
        person(2, {1}, team=7, home=CHONGLI_VILLAGE),
        person(3, {1}, team=8),
        person(4, {1}, team=9),
    )
    apart = solve(Problem((shift(1, seats=(1, 1, 1)),), people))
    assert sent(apart) == {1: {3}} or sent(apart) == {1: {4}}
    together = solve(Problem((shift(1, seats=(2, 2, 2), keep_teams_together=True),), people))
    assert sent(together) in ({1: {1, 2}}, {1: {3, 4}})
    # Three seats: by default leaving one member behind (50) is cheaper than a second person from
    # the village (200 + 4 per km); when the team weighs more, the team goes whole.
    split = Problem((shift(1, seats=(3, 3, 3), keep_teams_together=True),), people)
    assert len(sent(solve(split))[1] & {1, 2}) == 1
    assert solve(split).objective == optimum(split)
    problem = Problem(
        (shift(1, seats=(3, 3, 3), keep_teams_together=True),), people, weights=Weights(team=1000)
    )
    whole = solve(problem)
    assert {1, 2} <= sent(whole)[1]
    assert any(Reason("team_together", 7) in a.reasons for a in whole.assignments)
    assert whole.objective == optimum(problem)


def test_widening_is_reported_and_only_when_allowed():
    people = (person(1, {1}, home=YUXIAN),)
    widened = solve(Problem((shift(1),), people, neighbours=NEIGHBOURS))
    assert sent(widened) == {1: {1}}
    assert widened.widened == (1,)
    assert widened.assignments[0].reasons[0] == Reason("elsewhere")
    kept_home = solve(Problem((shift(1),), people, neighbours=NEIGHBOURS, widen=False))
    assert kept_home.assignments == ()
    assert kept_home.widened == ()
    assert kept_home.unfilled[0].reasons == (Reason("too_far", 1),)


def test_a_neighbour_is_not_widening():
    proposal = solve(Problem((shift(1),), (person(1, {1}, home=ZHANGBEI),), neighbours=NEIGHBOURS))
    assert proposal.widened == ()
    assert proposal.assignments[0].reasons[0] == Reason("neighbour_county")


def test_fair_rotation_spreads_shifts():
    # Two days, two people with equal records: one shift each, not both to one.
    shifts = (shift(1, hours=(0, 4)), shift(2, hours=(24, 28)))
    people = (person(1, {1, 2}), person(2, {1, 2}))
    proposal = solve(Problem(shifts, people))
    assert Counter(a.candidate_id for a in proposal.assignments) == {1: 1, 2: 1}


def test_costs_add_up_to_the_objective():
    shifts = (shift(1, seats=(1, 2, 2)), shift(2, hours=(30, 34), place=ZHANGBEI))
    people = (person(1, {1, 2}, recent_minutes=600), person(2, {1}), person(3, {2}, home=ZHANGBEI))
    problem = Problem(shifts, people, neighbours=NEIGHBOURS)
    proposal = solve(problem)
    seats = 10_000_000 * 2 + 100_000 * 1
    assert proposal.objective == sum(a.cost for a in proposal.assignments) - seats
    assert proposal.objective == proposal.bound == optimum(problem)


def test_the_same_input_gives_the_same_output():
    shifts = tuple(shift(i, hours=(i % 5, i % 5 + 3), seats=(1, 2, 3)) for i in range(1, 9))
    people = tuple(
        person(i, {s for s in range(1, 9) if (i + s) % 3}, home=(CHONGLI_TOWN, ZHANGBEI)[i % 2])
        for i in range(1, 13)
    )
    first = solve(Problem(shifts, people, neighbours=NEIGHBOURS))
    again = solve(Problem(tuple(reversed(shifts)), tuple(reversed(people)), neighbours=NEIGHBOURS))
    assert first.assignments == again.assignments
    assert first.reserves == again.reserves
    assert first.objective == again.objective


def test_nobody_at_all_is_reported():
    proposal = solve(Problem((shift(1, seats=(2, 2, 2)),), ()))
    assert proposal.unfilled[0].reasons == (Reason("no_candidates", 0),)
    assert proposal.unfilled[0].missing == 2
