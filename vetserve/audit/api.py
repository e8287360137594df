"""Audit endpoint: the entries of the log the user may audit."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from vetserve.audit.models import AuditEntry
from vetserve.audit.selectors import audit_entry_list
from vetserve.core.api import ERRORS, Code, Line, MappedRows, Paged, user_of

router = Router(tags=["audit"])


class AuditOut(Schema):
    id: int
    at: datetime
    actor_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    region_code: str | None
    changes: dict
    reason: str
    ip: str | None
    via: str


class AuditFilter(Schema):
    action: Code | None = None
    object_type: Code | None = None
    object_id: Line | None = None


@router.get("", response={200: list[AuditOut], **ERRORS}, summary="Audit entries I may audit")
@paginate(Paged)
def audit_list(request: HttpRequest, filters: Query[AuditFilter]) -> list[dict[str, Any]]:
    qs = audit_entry_list(
        user=user_of(request),
        action=filters.action or "",
        object_type=filters.object_type or "",
        object_id=filters.object_id or "",
    )

    def out(entry: AuditEntry) -> dict[str, Any]:
        return {
            **{f: getattr(entry, f) for f in AuditOut.model_fields if hasattr(entry, f)},
            "region_code": entry.region.code if entry.region else None,
        }

    return MappedRows(qs, out)  # type: ignore[return-value]
