"""Reads of notifications: always the user's own."""

from __future__ import annotations

from django.db.models import QuerySet

from vetserve.accounts.models import User
from vetserve.core.access import Actor
from vetserve.notify.models import Notification


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def notifications_unread_count(*, user: Actor | None) -> int:
    if not isinstance(user, User):  # the anonymous user has none
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
