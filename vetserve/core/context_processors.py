from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from vetserve.core.access import AUDIT, CHANGE, can


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    authenticated = bool(user is not None and user.is_authenticated)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "CORPS_NAME": settings.CORPS_NAME,
        "can_audit": authenticated and can(user, AUDIT),
        "can_change": authenticated and can(user, CHANGE),
    }
