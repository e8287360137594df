"""Background work of spreadsheets, on Django's tasks API (django-tasks backport)."""

from __future__ import annotations

from django_tasks import task

from vetserve.spreadsheets.uploads import purge_expired


@task()
def purge_uploads() -> int:
    """Remove uploads nobody committed within the hour (docs/operations.md, retention)."""
    return purge_expired()
