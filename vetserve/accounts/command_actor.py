"""Who a command acts as: a named user, or the one superuser when nobody is named."""

from __future__ import annotations

from django.core.management.base import CommandError

from vetserve.accounts.models import User


def command_actor(username: str | None) -> User:
    """Scopes and the audit log need a real user. Without --as, the command acts as the only
    active superuser; with several (or none) it asks which."""
    if username:
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user {username!r}.") from None
    superusers = list(User.objects.filter(is_superuser=True, is_active=True)[:2])
    if len(superusers) != 1:
        raise CommandError("Name the acting user with --as USERNAME (scope and audit log).")
    return superusers[0]
