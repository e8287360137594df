"""Working days and the record deadline: hours are due within 10 working days after the
activity ends (办法 Art 11).

Working days follow China's statutory holidays and make-up workdays: from the
``chinesecalendar`` package for the years it knows (to 2026 in version 1.11), and from the
``WorkdayRule`` table staff fill from the State Council's notice for later years. A year
neither knows is counted by weekends alone and every deadline reaching into it is marked
estimated ("估算（仅按周末）"): never silently wrong.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import chinese_calendar
from django.utils import timezone

from vetserve.ledger.models import WorkdayRule

# 办法 Art 11: records within ten working days after the activity ends.
DUE_WORKDAYS = 10


@functools.cache
def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@dataclass
class WorkCalendar:
    """Working days for a span of years, read once: the rule table's rows of those years in
    one query, so a page computing many deadlines reads the table once."""

    rules: dict[date, bool] = field(default_factory=dict)
    ruled_years: set[int] = field(default_factory=set)
    # Days already decided: a page asks about the same few weeks again and again.
    _seen: dict[date, bool] = field(default_factory=dict, repr=False)

    @classmethod
    def for_years(cls, years: Iterable[int]) -> WorkCalendar:
        wanted = sorted(set(years))
        calendar = cls()
        if not wanted:
            return calendar
        rows = WorkdayRule.objects.filter(
            day__gte=date(wanted[0], 1, 1), day__lte=date(wanted[-1], 12, 31)
        ).values_list("day", "is_workday")
        for day, is_workday in rows:
            calendar.rules[day] = is_workday
            calendar.ruled_years.add(day.year)
        return calendar

    def known(self, year: int) -> bool:
        """Whether the year's holidays are known (the table or the package)."""
        return year in self.ruled_years or _package_knows(year)

    def is_workday(self, day: date) -> bool:
        known = self._seen.get(day)
        if known is None:
            known = self._seen[day] = self._decide(day)
        return known

    def _decide(self, day: date) -> bool:
        if day in self.rules:
            return self.rules[day]
        if day.year not in self.ruled_years and _package_knows(day.year):
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5

    def add_workdays(self, start: date, n: int) -> tuple[date, bool]:
        """The ``n``-th working day after ``start``, and whether it is estimated (a day on
        the way lies in a year whose holidays are not known)."""
        day, counted, estimated = start, 0, False
        while counted < n:
            day += timedelta(days=1)
            estimated = estimated or not self.known(day.year)
            if self.is_workday(day):
                counted += 1
        return day, estimated


def _as_date(moment: date | datetime) -> date:
    if isinstance(moment, datetime):
        return timezone.localdate(moment)
    return moment


def due_date(
    activity_end: date | datetime, *, calendar: WorkCalendar | None = None
) -> tuple[date, bool]:
    """The day a record of an activity ending at ``activity_end`` is due: the tenth working
    day after it (办法 Art 11), and whether that is estimated from weekends alone."""
    end = _as_date(activity_end)
    if calendar is None:
        calendar = WorkCalendar.for_years(range(end.year, end.year + 2))
    return calendar.add_workdays(end, DUE_WORKDAYS)


def last_end_due_before(day: date, *, calendar: WorkCalendar) -> date:
    """The latest activity end date whose record is due before ``day`` (the deadline only
    grows with the end date, so "overdue" is "ended on or before this")."""
    end = day - timedelta(days=DUE_WORKDAYS)
    while calendar.add_workdays(end, DUE_WORKDAYS)[0] >= day:
        end -= timedelta(days=1)
    while calendar.add_workdays(end + timedelta(days=1), DUE_WORKDAYS)[0] < day:
        end += timedelta(days=1)
    return end


def known_years(this_year: int) -> list[tuple[int, str]]:
    """This year and the next two, each with where its holidays come from: "package",
    "rules" or "" (unknown: deadlines estimated from weekends)."""
    years = range(this_year, this_year + 3)
    calendar = WorkCalendar.for_years(years)
    return [
        (
            year,
            "rules"
            if year in calendar.ruled_years
            else ("package" if _package_knows(year) else ""),
        )
        for year in years
    ]
