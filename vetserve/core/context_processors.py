from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from vetserve.core.access import (
    AUDIT,
    CHANGE,
    can,
    may_change_somewhere,
    may_see_rosters,
)


def _has_own_record(user: Any) -> bool:
    """Whether the user is a registered volunteer (has their own check-in and record pages).
    Read through the user's reverse one-to-one, so core names no app; one query, and only on
    a page that shows the menu."""
    try:
        record = user.volunteer
    except ObjectDoesNotExist:
        return False
    return getattr(record, "erased_at", None) is None


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    authenticated = bool(user is not None and user.is_authenticated)
    # What the main menu offers: exactly the pages that would open for the viewer (the
    # predicates of core.access), not a guess from role names (issue 13).
    nav = {
        "manage": authenticated and may_change_somewhere(user),
        "rosters": authenticated and may_see_rosters(user),
        "own": SimpleLazyObject(lambda: authenticated and _has_own_record(user)),
    }
    return {
        "SITE_NAME": settings.SITE_NAME,
        "CORPS_NAME": settings.CORPS_NAME,
        "can_audit": authenticated and can(user, AUDIT),
        "can_change": authenticated and can(user, CHANGE),
        "nav": nav,
    }
