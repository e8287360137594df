from __future__ import annotations

from typing import Any

from django import template

from vetserve.notify.selectors import notifications_unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: Any) -> int:
    """How many unread notifications the logged-in user has (one query per page)."""
    request = context.get("request")
    return notifications_unread_count(user=getattr(request, "user", None))
