"""Background work of attendance, on Django's tasks API (django-tasks backport)."""

from __future__ import annotations

from django_tasks import task

from vetserve.attendance.services import attendance_auto_close
from vetserve.audit.services import audit_record


@task()
def close_attendance() -> int:
    """Close missed check-outs at their shift's end, flagged for the exceptions list."""
    closed = attendance_auto_close()
    if closed:
        audit_record(
            actor="vetserve close-attendance",
            action="attendance.auto_close",
            changes={"closed": [None, closed]},
        )
    return closed
