"""Dispatch settings, read from Django settings with defaults (override in settings.py or tests).

- ``DISPATCH_INVITE_MINUTES`` (240): how long an invitation waits for an answer before it goes
  to the next person on the reserve list; a call-out may set its own.
- ``DISPATCH_EMERGENCY_MINUTES`` (15): the same in emergency mode (snow at night: minutes).
- ``DISPATCH_SMS_GATEWAY`` ("log"): ``log`` (the notify app's sender, nothing leaves the
  machine), ``aliyun`` or ``tencent`` (their official SDKs, ``vetserve/dispatch/sms.py``).
- ``DISPATCH_LINK_BASE_URL`` (""): the public address put before the short link in an SMS.
"""

from __future__ import annotations

from django.conf import settings


def invite_minutes() -> int:
    return int(getattr(settings, "DISPATCH_INVITE_MINUTES", 240))


def emergency_minutes() -> int:
    return int(getattr(settings, "DISPATCH_EMERGENCY_MINUTES", 15))


def sms_gateway() -> str:
    return str(getattr(settings, "DISPATCH_SMS_GATEWAY", "log"))


def link_base_url() -> str:
    return str(getattr(settings, "DISPATCH_LINK_BASE_URL", ""))
