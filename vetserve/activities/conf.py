"""Staffing limits, read from Django settings with defaults (override in settings.py or tests).

- ``ACTIVITY_MAX_HOURS_PER_DAY`` (12): most hours on post one volunteer may be signed up for on
  one calendar day (Asia/Shanghai), against overwork.
- ``ACTIVITY_MIN_REST_HOURS`` (8): least rest between the end of one shift and the start of the
  next, so a 3×8 h checkpoint rotation cannot put one person on two shifts back to back.
- ``ACTIVITY_WITHDRAW_CUTOFF_HOURS`` (2): a volunteer may withdraw up to this long before the
  shift starts; later only a leader can take them off (with a reason).
- ``ACTIVITY_MAX_SERIES_SHIFTS`` (1000): most shifts one recurring step may create.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def max_hours_per_day() -> int:
    return int(getattr(settings, "ACTIVITY_MAX_HOURS_PER_DAY", 12))


def min_rest() -> timedelta:
    return timedelta(hours=float(getattr(settings, "ACTIVITY_MIN_REST_HOURS", 8)))


def withdraw_cutoff() -> timedelta:
    return timedelta(hours=float(getattr(settings, "ACTIVITY_WITHDRAW_CUTOFF_HOURS", 2)))


def max_series_shifts() -> int:
    return int(getattr(settings, "ACTIVITY_MAX_SERIES_SHIFTS", 1000))
