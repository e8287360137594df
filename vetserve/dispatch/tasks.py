"""Background work of dispatch, on Django's tasks API (django-tasks backport)."""

from __future__ import annotations

from django_tasks import task

from vetserve.dispatch.services import invitations_expire


@task()
def expire_invitations() -> int:
    """Invitations past their time go to the next reserve; safe to run twice or at once."""
    return invitations_expire()
