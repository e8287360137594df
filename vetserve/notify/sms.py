"""SMS senders. ``VETSERVE_SMS_SENDER`` names a class with ``send(phone, text)``; the default
writes to the log, so nothing leaves the machine until a deployment plugs in its gateway."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("vetserve.sms")


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LoggingSmsSender:
    """Logs the message with the number masked; sends nothing."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s****%s: %s", phone[:3], phone[-4:], text)


@lru_cache(maxsize=4)
def _sender(path: str) -> SmsSender:
    sender: SmsSender = import_string(path)()
    return sender


def sms_sender() -> SmsSender:
    return _sender(settings.SMS_SENDER)
