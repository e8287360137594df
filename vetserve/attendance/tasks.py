"""Background work of attendance, on Django's tasks API (django-tasks backport)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django_tasks import task

from vetserve.attendance.services import attendance_auto_close
from vetserve.audit.services import audit_record

# What follows a closing run: apps above attendance register here (the hours ledger turns the
# closed stays into entries), so closing attendance needs no knowledge of them.
AFTER_CLOSE: list[Callable[[], Any]] = []


@task()
def close_attendance() -> int:
    """Close missed check-outs at their shift's end, flagged for the exceptions list, then
    run what follows a close (``AFTER_CLOSE``)."""
    closed = attendance_auto_close()
    if closed:
        audit_record(
            actor="vetserve close-attendance",
            action="attendance.auto_close",
            changes={"closed": [None, closed]},
        )
    for after in AFTER_CLOSE:
        after()
    return closed
