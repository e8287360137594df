from __future__ import annotations

from typing import Any

from django.db import models

from vetserve.audit.models import AuditEntry
from vetserve.core.access import AUDIT, can


def audit_entries_for_object(*, user: Any, obj: models.Model, limit: int = 10) -> list[AuditEntry]:
    """The latest entries about ``obj`` that the user may audit; none without the audit right."""
    if not can(user, AUDIT):
        return []
    entries = AuditEntry.objects.visible_to(user, AUDIT).filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    )
    return list(entries[:limit])
