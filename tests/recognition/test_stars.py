"""Stars as arithmetic (no database): the star of a running total is monotone and matches the
thresholds; the dates reached follow the running total."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from vetserve.recognition.models import DEFAULT_THRESHOLDS
from vetserve.recognition.stars import StarStatus, reached_dates, star_for

thresholds = st.lists(st.integers(1, 100_000), min_size=5, max_size=5, unique=True).map(
    lambda xs: tuple(sorted(xs))
)
day_minutes = st.lists(st.integers(-600, 24 * 60), max_size=60)


def test_the_default_thresholds_are_those_of_common_practice() -> None:
    assert DEFAULT_THRESHOLDS == (100, 300, 600, 1000, 1500)
    assert [star_for(h * 60, DEFAULT_THRESHOLDS) for h in (99, 100, 299, 300, 1499, 1500)] == [
        0, 1, 1, 2, 4, 5,
    ]  # fmt: skip


@given(thresholds, st.integers(0, 10**8), st.integers(0, 10**8))
def test_the_star_of_a_running_total_is_monotone(limits: tuple[int, ...], a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert star_for(low, limits) <= star_for(high, limits)


@given(thresholds, st.integers(0, 10**8))
def test_the_star_matches_the_thresholds(limits: tuple[int, ...], minutes: int) -> None:
    stars = star_for(minutes, limits)
    assert all(minutes >= limits[n] * 60 for n in range(stars))
    assert stars == 5 or minutes < limits[stars] * 60


@given(thresholds, day_minutes)
def test_each_star_held_now_has_the_day_the_running_total_last_reached_it(
    limits: tuple[int, ...], minutes: list[int]
) -> None:
    days = [(date(2022, 1, 1) + timedelta(days=i), m) for i, m in enumerate(minutes)]
    reached = reached_dates(days, limits)
    totals, total = [], 0
    for _day, m in days:
        total += m
        totals.append(total)
    stars = star_for(total, limits)
    assert [n for n, day in reached.items() if day is not None] == list(range(1, stars + 1))
    for level in range(1, stars + 1):
        index = next(i for i, d in enumerate(days) if d[0] == reached[level])
        # From that day on the total stays at or above the threshold, and the day before not.
        assert all(t >= limits[level - 1] * 60 for t in totals[index:])
        assert index == 0 or totals[index - 1] < limits[level - 1] * 60


@given(st.lists(st.integers(0, 24 * 60), max_size=60))
def test_with_hours_only_added_each_star_is_reached_on_the_first_day_the_total_passes_it(
    minutes: list[int],
) -> None:
    limits = (1, 2, 3, 4, 5)
    days = [(date(2022, 1, 1) + timedelta(days=i), m) for i, m in enumerate(minutes)]
    reached = reached_dates(days, limits)
    total = 0
    first: dict[int, date] = {}
    for day, m in days:
        total += m
        for level, hours in enumerate(limits, start=1):
            if total >= hours * 60:
                first.setdefault(level, day)
    assert {n: d for n, d in reached.items() if d is not None} == first


def test_a_star_needing_a_grant_counts_only_once_granted() -> None:
    status = StarStatus(
        confirmed_minutes=200 * 60, thresholds=DEFAULT_THRESHOLDS, grant_required=True,
        reached={1: date(2022, 2, 1)}, granted=frozenset(),
    )  # fmt: skip
    assert status.level == 1 and status.shown == 0 and status.awaiting_grant == [1]
    granted = StarStatus(**{**status.__dict__, "granted": frozenset({1})})
    assert granted.shown == 1 and granted.awaiting_grant == []
    assert granted.hours_to_next == "100.0"
