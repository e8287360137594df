"""Posts and quotas filled exactly: who of the ranked candidates takes which post.

Pure computation (numpy and scipy, nothing of Django), so it is tested without a database.

The candidates come ranked, best first (score, then the tie rule). A person takes one post,
and only one they are eligible for. Among all ways to fill the posts we want the one that fills
the most seats and, among those, prefers better-ranked people. The sets of people that can be
seated together form a transversal matroid, so the best seating for any weights that follow
the ranking is the same; we give rank r (0-based, of n) the weight n − r and solve the
assignment of seats to people as a linear sum assignment (scipy's exact solver). Each seat also
has an "empty" column of weight 0, so a post that too few people qualify for is reported short
rather than making the problem infeasible.

Only the best ``total seats`` eligible people of each post can appear in an optimum (if a worse
one sat on post p, one of p's better eligible people would be free, and swapping them in is
better), so the matrix holds at most posts × seats candidate columns whatever the pool's size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment


@dataclass(frozen=True)
class Assignment:
    """``post_of[i]`` is the post index of ranked candidate ``i``, or absent; ``filled[p]`` how
    many seats of post ``p`` were filled."""

    post_of: dict[int, int]
    filled: tuple[int, ...]
    objective: int


def assign(eligible: Sequence[frozenset[int]], quotas: Sequence[int]) -> Assignment:
    """``eligible[i]``: the post indexes ranked candidate ``i`` may take; ``quotas[p]``: the
    seats of post ``p``. Deterministic: the same input gives the same seating."""
    n = len(eligible)
    seats = sum(quotas)
    if n == 0 or seats == 0:
        return Assignment({}, tuple(0 for _q in quotas), 0)
    # The columns worth considering: each post's best `seats` eligible candidates.
    keep: set[int] = set()
    for post in range(len(quotas)):
        taken = 0
        for i, posts in enumerate(eligible):
            if post in posts:
                keep.add(i)
                taken += 1
                if taken >= seats:
                    break
    columns = sorted(keep)
    seat_post = np.repeat(np.arange(len(quotas)), quotas)
    # Benefit of a seat for a candidate: n − rank where eligible, −1 (never better than the
    # empty column) where not; then one empty column per seat.
    benefit = np.full((seats, len(columns) + seats), -1.0)
    for j, i in enumerate(columns):
        for post in eligible[i]:
            if 0 <= post < len(quotas):
                benefit[seat_post == post, j] = float(n - i)
    benefit[:, len(columns) :] = 0.0
    rows, cols = linear_sum_assignment(benefit, maximize=True)
    post_of: dict[int, int] = {}
    filled = [0] * len(quotas)
    objective = 0
    for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
        if col >= len(columns) or benefit[row, col] <= 0:
            continue
        post = int(seat_post[row])
        post_of[columns[col]] = post
        filled[post] += 1
        objective += n - columns[col]
    return Assignment(post_of, tuple(filled), objective)
