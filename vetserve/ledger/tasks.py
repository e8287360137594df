"""Background work of the ledger, on Django's tasks API (django-tasks backport)."""

from __future__ import annotations

from django_tasks import task

from vetserve.audit.services import audit_record
from vetserve.ledger.services import SYSTEM_NAME, ledger_from_attendance


@task()
def record_attendance() -> int:
    """Turn closed stays into ledger entries, once each (safe to run twice or at once)."""
    made = ledger_from_attendance()
    if made:
        audit_record(
            actor=SYSTEM_NAME, action="ledger.from_attendance", changes={"made": [None, made]}
        )
    return made


def record_attendance_after_close() -> int:
    """Run by ``close-attendance`` after closing (``attendance.tasks.AFTER_CLOSE``)."""
    return int(record_attendance.call())
