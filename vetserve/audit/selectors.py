from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from vetserve.audit.models import AuditEntry
from vetserve.core.access import AUDIT, Actor, can


def audit_entries_for_object(
    *, user: Actor | None, obj: models.Model, limit: int = 10
) -> list[AuditEntry]:
    """The latest entries about ``obj`` that the user may audit; none without the audit right."""
    if not can(user, AUDIT):
        return []
    entries = AuditEntry.objects.visible_to(user, AUDIT).filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    )
    return list(entries[:limit])


def audit_entry_list(
    *,
    user: Actor | None,
    action: str = "",
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """The entries the user may audit, newest first, narrowed by each filter given (empty:
    any). ``actor`` matches part of the name; the dates are days in Asia/Shanghai, both
    included. The page and the API filter here."""
    entries = AuditEntry.objects.visible_to(user, AUDIT).select_related(
        "region", "organization", "actor"
    )
    if action:
        entries = entries.filter(action=action)
    if actor:
        # By login name (as recorded) or by the person's name, as the page shows it.
        text = actor.strip()
        entries = entries.filter(
            Q(actor_name__icontains=text) | Q(actor__display_name__icontains=text)
        )
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    if date_from:
        entries = entries.filter(at__gte=_start_of(date_from))
    if date_to:
        entries = entries.filter(at__lt=_start_of(date_to + timedelta(days=1)))
    return entries


def _start_of(day: date) -> datetime:
    """Midnight of ``day`` where the users are (Asia/Shanghai), as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))
