"""Duration arithmetic for the staffing limits (hours of service per calendar day, rest between
shifts): plain datetimes in, numbers and days out. No database and nothing of Django, so it is
tested on its own; ``services.signups`` applies it to a volunteer's shifts."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from vetserve.skills.eligibility import shanghai_day


def hours_text(value: float) -> str:
    """Hours as people write them: 8, 1.5, never 8.0."""
    return f"{value:g}"


def days_touched(starts_at: datetime, ends_at: datetime) -> list[date]:
    """The Asia/Shanghai calendar days a window lies on; one ending at midnight does not touch
    the next day."""
    first = shanghai_day(starts_at)
    last = shanghai_day(ends_at - timedelta(microseconds=1))
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def minutes_on(day: date, starts_at: datetime, ends_at: datetime, tz: tzinfo) -> float:
    """How many minutes of the window lie on ``day`` (midnight to midnight in ``tz``)."""
    begin = datetime.combine(day, time.min, tz)
    finish = begin + timedelta(days=1)
    overlap = min(ends_at, finish) - max(starts_at, begin)
    return max(overlap.total_seconds() / 60, 0)
