from __future__ import annotations

from typing import Any

from django import template

from vetserve.audit import display
from vetserve.audit.models import AuditEntry

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return display.action_label(action)


@register.filter
def object_type_label(label: str) -> str:
    return display.object_type_label(label)


@register.filter
def change_rows(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    return display.change_rows(entry)


@register.filter
def audit_value(value: Any) -> str:
    return display.value_text(value)


@register.filter
def via_label(via: str) -> str:
    return display.via_label(via)


@register.filter
def actor_text(entry: AuditEntry) -> str:
    return display.actor_text(entry)
