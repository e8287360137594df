"""The windows of a recurring series of shifts: weekly on given weekdays, or a round-the-clock
rotation. Pure computation: no database, no models (only the settings for the cap and the
local time zone); ``services.shifts`` creates the shifts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.activities import conf

# A shift's time window: aware start and end.
Window = tuple[datetime, datetime]


@dataclass(frozen=True)
class ShiftTemplate:
    """What every shift of a recurring series shares."""

    post: str
    min_people: int = 1
    wanted_people: int = 1
    max_people: int = 1
    requirements: Any = None
    notes: str = ""


def weekly_windows(
    *, weekdays: Iterable[int], first_day: date, last_day: date, start: time, end: time
) -> list[Window]:
    """Every given weekday (0 = Monday) from ``first_day`` to ``last_day``, start to end local
    time; an end at or before the start runs into the next day (a night shift)."""
    days = set(weekdays)
    if not days or not days <= set(range(7)):
        raise ValidationError({"weekdays": _("Choose at least one weekday.")}, code="weekdays")
    if last_day < first_day:
        raise ValidationError({"last_day": _("The end lies before the start.")}, code="period")
    tz = timezone.get_current_timezone()
    windows: list[Window] = []
    day = first_day
    # One window past the limit is enough for shift_series_create to refuse: a last day in
    # the year 9999 must not make the server walk three million days first.
    while day <= last_day and len(windows) <= conf.max_series_shifts():
        if day.weekday() in days:
            begin = datetime.combine(day, start, tz)
            finish = datetime.combine(day, end, tz)
            if finish <= begin:
                finish += timedelta(days=1)
            windows.append((begin, finish))
        day += timedelta(days=1)
    return windows


def rotation_windows(*, first_start: datetime, shifts_per_day: int, days: int) -> list[Window]:
    """A round-the-clock rotation: ``shifts_per_day`` equal shifts a day (3 → 3×8 h) for
    ``days`` days from ``first_start``, each starting where the last ended."""
    if shifts_per_day < 1 or 24 * 60 % shifts_per_day:
        raise ValidationError(
            {"shifts_per_day": _("Shifts per day must divide the day evenly (1, 2, 3, 4, 6…).")},
            code="rotation",
        )
    if days < 1:
        raise ValidationError({"days": _("At least one day.")}, code="days")
    if shifts_per_day * days > conf.max_series_shifts():
        # Refused before the list is built, however many days were asked for.
        raise ValidationError(
            _("At most %(n)d shifts in one step.") % {"n": conf.max_series_shifts()},
            code="too_many",
        )
    length = timedelta(minutes=24 * 60 // shifts_per_day)
    return [
        (first_start + length * i, first_start + length * (i + 1))
        for i in range(shifts_per_day * days)
    ]


def series_windows(
    *,
    kind: str,
    first_day: date,
    start: time,
    weekdays: Iterable[int] = (),
    last_day: date | None = None,
    end: time | None = None,
    shifts_per_day: int | None = None,
    days: int | None = None,
) -> list[Window]:
    """The windows of a recurring step as the page and the API describe it: ``weekly`` (the
    given weekdays from ``first_day`` to ``last_day``, ``start`` to ``end``) or ``rotation``
    (``shifts_per_day`` shifts, 3 unless given, for ``days`` days from ``first_day`` at
    ``start``). Local (Asia/Shanghai) times."""
    if kind == "weekly":
        if last_day is None or end is None:
            raise ValidationError(
                _("A weekly series needs a last day and an end time."), code="weekly"
            )
        return weekly_windows(
            weekdays=weekdays, first_day=first_day, last_day=last_day, start=start, end=end
        )
    if kind == "rotation":
        return rotation_windows(
            first_start=datetime.combine(first_day, start, timezone.get_current_timezone()),
            shifts_per_day=shifts_per_day or 3,
            days=days or 1,
        )
    raise ValidationError({"kind": _("Choose weekly or round the clock.")}, code="kind")
