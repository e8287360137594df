"""Service time from check-in and check-out: pure functions, no database.

Service time is the actual time on post, travel excluded (办法 Art 7): only the part of a stay
inside the shift's window counts, in whole minutes. Arriving early to wait, or staying on after
the end without a new shift, is not service time.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta


def served_minutes_between(
    *, checked_in_at: datetime, checked_out_at: datetime, starts_at: datetime, ends_at: datetime
) -> int:
    """Whole minutes of the stay [in, out] that lie inside the shift [starts, ends]."""
    start = max(checked_in_at, starts_at)
    end = min(checked_out_at, ends_at)
    if end <= start:
        return 0
    return int((end - start).total_seconds() // 60)


def auto_close_due(*, ends_at: datetime, now: datetime, late: timedelta) -> bool:
    """An open stay is closed automatically once no check-out can arrive in time any more."""
    return now >= ends_at + late


def scan_time_problem(
    *, scanned_at: datetime, now: datetime, max_age: timedelta, skew: timedelta
) -> str | None:
    """Why a scan time cannot be believed, or None. Times are the phone's scan times, not the
    upload times, so they are bounded: never in the future, never older than ``max_age``."""
    if scanned_at > now + skew:
        return "future"
    if scanned_at < now - max_age:
        return "too_old"
    return None


def window_problem(
    *,
    kind: str,
    scanned_at: datetime,
    starts_at: datetime,
    ends_at: datetime,
    early: timedelta,
    late: timedelta,
) -> str | None:
    """Why a check-in ("in") or check-out ("out") at this time is outside the shift's limits."""
    if scanned_at < starts_at - early:
        return "too_early"
    if kind == "in" and scanned_at >= ends_at:
        return "shift_over"
    if kind == "out" and scanned_at > ends_at + late:
        return "too_late"
    return None


def distance_meters(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), good to a metre at geofence sizes."""
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))
