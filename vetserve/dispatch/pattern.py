"""The weekly pattern as bits: weekday × part of the day, and whether a shift falls inside it.

Pure arithmetic on aware datetimes (no database): bit ``weekday * 4 + part`` is set when the
volunteer is usually free in that part of that weekday (Monday = 0; parts: night 0–6,
morning 6–12, afternoon 12–18, evening 18–24, local time).
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

PARTS_PER_DAY = 4
HOURS_PER_PART = 24 // PARTS_PER_DAY
ALL_WEEK = (1 << (7 * PARTS_PER_DAY)) - 1


def bit(weekday: int, part: int) -> int:
    return 1 << (weekday * PARTS_PER_DAY + part)


def bits_of(mask: int) -> list[tuple[int, int]]:
    """The (weekday, part) pairs set in ``mask``."""
    return [(d, p) for d in range(7) for p in range(PARTS_PER_DAY) if mask & bit(d, p)]


def mask_of(pairs: list[tuple[int, int]]) -> int:
    mask = 0
    for weekday, part in pairs:
        if 0 <= weekday < 7 and 0 <= part < PARTS_PER_DAY:
            mask |= bit(weekday, part)
    return mask


def shift_mask(start: datetime, end: datetime, tz: tzinfo) -> int:
    """The bits a shift touches, in local time; a shift of a week or more touches them all."""
    if end - start >= timedelta(days=7):
        return ALL_WEEK
    local = start.astimezone(tz)
    cursor = local.replace(minute=0, second=0, microsecond=0)
    cursor = cursor.replace(hour=cursor.hour - cursor.hour % HOURS_PER_PART)
    stop = end.astimezone(tz)
    mask = 0
    while cursor < stop:
        mask |= bit(cursor.weekday(), cursor.hour // HOURS_PER_PART)
        cursor += timedelta(hours=HOURS_PER_PART)
    return mask


def covers(pattern: int, start: datetime, end: datetime, tz: tzinfo) -> bool:
    """Whether the pattern holds every part of the day the shift touches."""
    needed = shift_mask(start, end, tz)
    return pattern & needed == needed
