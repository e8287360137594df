from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from vetserve.audit.models import AuditEntry
from vetserve.core.context import current_client


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    region_id: int | None = None,
    organization_id: int | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Append one entry. Placement defaults to the object's own region and organization."""
    if obj is not None:
        if region_id is None:
            region_id = getattr(obj, "region_id", None)
        if organization_id is None:
            organization_id = getattr(obj, "organization_id", None)
            if organization_id is None and obj._meta.label == "orgs.Organization":
                organization_id = obj.pk
    client = current_client()
    user = actor if getattr(actor, "is_authenticated", False) else None
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


def audit_purge(*, now: Any = None) -> int:
    """Delete entries older than the retention period (at least six months, 网络安全法 Art 21)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    # A queryset delete bypasses the per-row guard on purpose: only retention removes rows.
    deleted, _ = AuditEntry.objects.filter(at__lt=cutoff).delete()
    return deleted
