"""The seating of ranked people on posts, without a database: against brute force on small
random cases, and on cases whose answer is obvious."""

from __future__ import annotations

import itertools
import random

from vetserve.selection.assign import assign


def brute_force(eligible: list[frozenset[int]], quotas: list[int]) -> tuple[int, int]:
    """(seats filled, rank weight) of the best seating, by trying every one."""
    n = len(eligible)
    best = (0, 0)
    options = [[None, *sorted(posts)] for posts in eligible]
    for choice in itertools.product(*options):
        used = [0] * len(quotas)
        ok = True
        for post in choice:
            if post is not None:
                used[post] += 1
                if used[post] > quotas[post]:
                    ok = False
                    break
        if not ok:
            continue
        filled = sum(1 for p in choice if p is not None)
        weight = sum(n - i for i, p in enumerate(choice) if p is not None)
        best = max(best, (filled, weight))
    return best


def test_the_seating_is_optimal_on_small_random_cases():
    rng = random.Random(16)
    for _ in range(300):
        n = rng.randint(1, 7)
        posts = rng.randint(1, 3)
        quotas = [rng.randint(1, 3) for _ in range(posts)]
        eligible = [frozenset(p for p in range(posts) if rng.random() < 0.5) for _ in range(n)]
        result = assign(eligible, quotas)
        filled = len(result.post_of)
        for i, post in result.post_of.items():
            assert post in eligible[i]
        assert all(result.filled[p] <= quotas[p] for p in range(posts))
        assert (filled, result.objective) == brute_force(eligible, quotas)


def test_the_best_ranked_person_yields_a_post_only_one_other_can_fill():
    # 0 may take either post, 1 only post 0: both are seated.
    result = assign([frozenset({0, 1}), frozenset({0})], [1, 1])
    assert result.post_of == {0: 1, 1: 0}


def test_a_person_counts_for_one_post():
    result = assign([frozenset({0, 1})], [1, 1])
    assert len(result.post_of) == 1 and result.filled in ((1, 0), (0, 1))


def test_the_same_input_gives_the_same_seating():
    rng = random.Random(7)
    eligible = [frozenset(p for p in range(4) if rng.random() < 0.4) for _ in range(300)]
    quotas = [15, 25, 5, 10]
    assert assign(eligible, quotas) == assign(eligible, quotas)


def test_nobody_and_no_seats_give_an_empty_seating():
    assert assign([], [3]).post_of == {}
    assert assign([frozenset({0})], [0]).filled == (0,)


def test_the_seating_stays_optimal_when_only_the_best_of_each_post_are_considered():
    # Few seats, many people: the solver keeps each post's best `seats` eligible people only.
    rng = random.Random(40)
    for _ in range(40):
        quotas = [1, rng.randint(1, 2)]
        eligible = [frozenset(p for p in range(2) if rng.random() < 0.6) for _ in range(9)]
        result = assign(eligible, quotas)
        assert (len(result.post_of), result.objective) == brute_force(eligible, quotas)
