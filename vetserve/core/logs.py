"""Logs carry no personal numbers (issue 12, item 7).

A filter on every handler masks what looks like an ID number (18 characters) or a mobile number
(11 digits) in the finished message and in a traceback's text, as the roster masks them: a
number that reaches an exception message or a logged path still reaches no log file.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

# Not inside a longer run of digits: order numbers, timestamps and ids stay as they are.
_ID_NUMBER = re.compile(r"(?<![\dA-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![\dA-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def redact(text: str) -> str:
    text = _ID_NUMBER.sub(r"\1********\2", text)
    return _MOBILE.sub(r"\1****\2", text)


class RedactPersonalNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class RequestContext(logging.Filter):
    """Adds the request id (``-`` outside a request) to every record, for the log format."""

    def filter(self, record: logging.LogRecord) -> bool:
        from vetserve.core.context import current_client

        record.request_id = current_client().request_id
        return True


class UTCFormatter(logging.Formatter):
    """Times in UTC with their offset (2026-12-07T01:02:03.456+00:00), as proxies and log
    collectors write theirs, whatever VETSERVE_TIME_ZONE the pages use."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = datetime.fromtimestamp(record.created, tz=UTC)
        return moment.isoformat(timespec="milliseconds")
