"""Telling people things: in the app always, by e-mail and SMS where there is an address."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from vetserve.accounts.models import User
from vetserve.notify.models import BODY_MAX, Notification
from vetserve.notify.sms import sms_sender

logger = logging.getLogger(__name__)


def notification_send(
    *, user: User | None, title: str, body: str, email: str = "", phone: str = ""
) -> Notification | None:
    """Store an in-app notification for ``user`` (if any) and, after the transaction commits,
    e-mail ``email`` and text ``phone`` when given. A failing mail server or SMS gateway is
    logged, never raised: the in-app notification stands either way."""
    note = None
    if user is not None:
        note = Notification.objects.create(user=user, title=title[:200], body=body[:BODY_MAX])

    def deliver() -> None:
        if email:
            try:
                send_mail(title, body, settings.DEFAULT_FROM_EMAIL, [email])
            except Exception:
                logger.exception("e-mail to a user failed")
        if phone:
            try:
                sms_sender().send(phone, f"{title} {body}".strip())
            except Exception:
                logger.exception("SMS failed")

    transaction.on_commit(deliver)
    return note


def notifications_mark_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the user's own notifications read: the given ones, or all unread. Only ever the
    user's own rows, so another user's id changes nothing. Returns how many changed."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
