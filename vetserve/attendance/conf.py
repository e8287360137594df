"""Check-in limits, read from Django settings with defaults (override in settings.py or tests).

- ``ATTENDANCE_POST_QR_SECONDS`` (60): how long one post QR code is current. The code of the
  window before is accepted too, so a scan at a window's edge still works, but a photo of the
  code sent to a friend stops working within two windows.
- ``ATTENDANCE_EARLY_MINUTES`` (60): how long before a shift starts check-in opens.
- ``ATTENDANCE_LATE_MINUTES`` (120): how long after a shift ends a check-out is still taken;
  after that an open stay is closed automatically at the shift's end, with a flag.
- ``ATTENDANCE_LATE_GRACE_MINUTES`` (10): after the start plus this, someone on the roster who
  has not checked in is shown as late.
- ``ATTENDANCE_MAX_SCAN_AGE_DAYS`` (3): offline scans older than this are refused.
- ``ATTENDANCE_CLOCK_SKEW_SECONDS`` (120): how far in the future a phone's clock may run.
- ``ATTENDANCE_GEOFENCE_METERS`` (0, off): when set and the activity has coordinates, a post QR
  scan that sends a location farther than this from the place is refused.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def _number(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def post_qr_window() -> int:
    return max(10, int(_number("ATTENDANCE_POST_QR_SECONDS", 60)))


def early() -> timedelta:
    return timedelta(minutes=_number("ATTENDANCE_EARLY_MINUTES", 60))


def late() -> timedelta:
    return timedelta(minutes=_number("ATTENDANCE_LATE_MINUTES", 120))


def late_grace() -> timedelta:
    return timedelta(minutes=_number("ATTENDANCE_LATE_GRACE_MINUTES", 10))


def max_scan_age() -> timedelta:
    return timedelta(days=_number("ATTENDANCE_MAX_SCAN_AGE_DAYS", 3))


def clock_skew() -> timedelta:
    return timedelta(seconds=_number("ATTENDANCE_CLOCK_SKEW_SECONDS", 120))


def geofence_meters() -> float:
    return _number("ATTENDANCE_GEOFENCE_METERS", 0)
