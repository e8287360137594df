from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from vetserve.core.scoping import AUDIT, CHANGE


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    authenticated = bool(user is not None and user.is_authenticated)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "CORPS_NAME": settings.CORPS_NAME,
        "can_audit": authenticated and user.can(AUDIT),  # type: ignore[union-attr]
        "can_change": authenticated and user.can(CHANGE),  # type: ignore[union-attr]
    }
