"""Stars from confirmed hours: pure arithmetic, no Django (tested without a database).

A star is reached when the confirmed total reaches its threshold (whole hours, compared in
minutes). The date a star was reached is the service date on which the running total of the
confirmed entries, day by day in service-date order, reached the threshold for the last time:
a correction that takes hours back below a threshold takes the star back too, and the star is
reached again on the day the total climbs past it once more.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

LEVELS = (1, 2, 3, 4, 5)


def star_for(minutes: int, thresholds: Sequence[int]) -> int:
    """The number of stars a confirmed total of ``minutes`` reaches (0 to 5)."""
    return sum(1 for hours in thresholds if minutes >= hours * 60)


def reached_dates(
    days: Iterable[tuple[date, int]], thresholds: Sequence[int]
) -> dict[int, date | None]:
    """For each star, the day the running total last reached it (None: not reached now).

    ``days`` are (service date, confirmed minutes of that day) in date order."""
    reached: dict[int, date | None] = dict.fromkeys(range(1, len(thresholds) + 1))
    total = 0
    for day, minutes in days:
        total += minutes
        for level, hours in enumerate(thresholds, start=1):
            if total >= hours * 60:
                if reached[level] is None:
                    reached[level] = day
            else:
                reached[level] = None
    return reached


@dataclass(frozen=True)
class StarStatus:
    """A volunteer's stars: what the confirmed hours reach, what was granted where the
    federation requires a grant, and what is shown."""

    confirmed_minutes: int
    thresholds: tuple[int, ...]
    grant_required: bool
    reached: dict[int, date | None]
    granted: frozenset[int]

    @property
    def level(self) -> int:
        """Stars the confirmed hours reach."""
        return star_for(self.confirmed_minutes, self.thresholds)

    @property
    def shown(self) -> int:
        """Stars that count: reached, and granted where a grant is required."""
        if not self.grant_required:
            return self.level
        return max((n for n in self.granted if n <= self.level), default=0)

    @property
    def awaiting_grant(self) -> list[int]:
        """Reached stars still waiting for an administrator's grant."""
        if not self.grant_required:
            return []
        return [n for n in range(1, self.level + 1) if n not in self.granted]

    @property
    def confirmed_hours(self) -> str:
        return f"{self.confirmed_minutes / 60:.1f}"

    @property
    def next_threshold(self) -> int | None:
        level = self.level
        return self.thresholds[level] if level < len(self.thresholds) else None

    @property
    def hours_to_next(self) -> str:
        target = self.next_threshold
        if target is None:
            return ""
        return f"{max(target * 60 - self.confirmed_minutes, 0) / 60:.1f}"

    @property
    def rows(self) -> list[tuple[int, int, date | None, bool]]:
        """(stars, hours needed, reached on, granted) per level, for pages."""
        return [
            (n, self.thresholds[n - 1], self.reached.get(n), n in self.granted)
            for n in range(1, len(self.thresholds) + 1)
        ]
