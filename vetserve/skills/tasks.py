"""Background work of the skills app, on Django's tasks API (django-tasks backport)."""

from __future__ import annotations

from datetime import date

from django_tasks import task

from vetserve.audit.services import audit_record
from vetserve.skills.services import qualification_reminders_send


@task()
def expiry_reminders(today: str | None = None) -> int:
    """The daily run: remind of qualifications expiring in 60 / 30 / 7 days. ``today`` is an
    ISO date (task arguments must be JSON), for catching up or testing; default: today."""
    sent = qualification_reminders_send(today=date.fromisoformat(today) if today else None)
    audit_record(
        actor="vetserve expiry-reminders",
        action="qualification.remind",
        changes={"sent": [None, sent]},
    )
    return sent
