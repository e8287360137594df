from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils import timezone

from vetserve.audit.models import AuditEntry
from vetserve.core.access import Actor
from vetserve.core.context import current_client


def audit_record(
    *,
    actor: Actor | str | None,
    action: str,
    obj: models.Model | None = None,
    region_id: int | None = None,
    organization_id: int | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Append one entry. Placement defaults to the object's own region and organization.

    ``actor`` is who acted: a user, the anonymous user, None (the system) or the name of a
    process (``"vetserve audit-purge"``), kept as the entry's name."""
    if obj is not None:
        if region_id is None:
            region_id = getattr(obj, "region_id", None)
        if organization_id is None:
            organization_id = getattr(obj, "organization_id", None)
            if organization_id is None and obj._meta.label == "orgs.Organization":
                organization_id = obj.pk
    client = current_client()
    # audit sits below accounts: the user model is looked up, not imported.
    user = actor if isinstance(actor, get_user_model()) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_name=(user.get_username() if user else str(actor or ""))[:150],
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        region_id=region_id,
        organization_id=organization_id,
        changes=changes or {},
        reason=reason[:500],
        ip=client.ip,
        user_agent=client.user_agent,
        via=client.via,
    )


def diff_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed, as JSON-safe strings."""
    return {
        key: [_plain(before.get(key)), _plain(value)]
        for key, value in after.items()
        if before.get(key) != value
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value)


REDACTED = "（已删除）"
# Keys of a person's entries that say what was done, not who the person is: which field a
# reveal showed stays in the access log.
_FACTS = frozenset({"field"})


def audit_redact_person(*, subject: models.Model, related: dict[str, list[str]], name: str) -> int:
    """Take an erased person out of the log's text (PIPL Art 47), keeping its facts.

    The one change the log allows besides the retention purge: entries about ``subject`` (the
    person's record) lose their label and the values of their changes, which held the person's
    name and masked numbers; entries about the person's other rows (``related``: object type →
    ids, e.g. sign-ups and badges) lose the name from their label. Who did what, when, from
    where and why stays. Returns the number of entries rewritten."""
    own = AuditEntry.objects.filter(
        object_type=subject._meta.label_lower, object_id=str(subject.pk)
    )
    rewritten = 0
    # A queryset update bypasses the per-row guard on purpose, like the purge.
    for pk, changes in own.values_list("pk", "changes"):
        redacted = {
            field: values if field in _FACTS else [REDACTED, REDACTED]
            for field, values in (changes or {}).items()
        }
        AuditEntry.objects.filter(pk=pk).update(object_repr=f"#{subject.pk}", changes=redacted)
        rewritten += 1
    if name:
        for object_type, ids in related.items():
            for at in range(0, len(ids), 500):  # within every backend's parameter limit
                rewritten += AuditEntry.objects.filter(
                    object_type=object_type,
                    object_id__in=ids[at : at + 500],
                    object_repr__contains=name,
                ).update(object_repr=Replace("object_repr", Value(name), Value(REDACTED)))
    return rewritten


def audit_purge(*, now: datetime | None = None) -> int:
    """Delete entries older than the retention period (at least six months, 网络安全法 Art 21)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    # A queryset delete bypasses the per-row guard on purpose: only retention removes rows.
    deleted, _ = AuditEntry.objects.filter(at__lt=cutoff).delete()
    return deleted
