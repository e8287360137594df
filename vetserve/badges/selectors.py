from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.crypto import constant_time_compare

from vetserve.badges.models import Badge, Status
from vetserve.badges.services import badge_token_read
from vetserve.core.access import VIEW, Actor, access_object
from vetserve.core.paging import SortedWhenFew
from vetserve.people.models import Volunteer

# PREFIX-COUNTY-SEQUENCE, as badge_number() writes it.
NUMBER_RE = re.compile(r"^[A-Z0-9]{1,8}-\d{6}-\d{5,}$")


def badge_list(
    *,
    user: Actor | None,
    status: str = "",
    volunteer: Volunteer | None = None,
    search: str = "",
    action: str = VIEW,
) -> QuerySet[Badge]:
    qs = Badge.objects.visible_to(user, action)
    if status:
        qs = qs.filter(status=status)
    if volunteer is not None:
        qs = qs.filter(volunteer=volunteer)
    text = search.strip()
    if text:
        qs = qs.filter(Q(number__contains=text.upper()) | Q(volunteer__name__startswith=text))
    return qs.select_related("volunteer", "volunteer__home_org", "replaces")


def badge_rows(badges: QuerySet[Badge]) -> SortedWhenFew:
    """``badge_list`` for a page or an API list: a large scope pages along the
    ``(issued_on, id)`` index, a scope of at most 10,000 badges is sorted (core/paging.py,
    ``SortedWhenFew``). ``Coalesce(issued_on, issued_on)`` is ``issued_on`` (never null) in a
    form no index gives."""
    return SortedWhenFew(badges, [Coalesce(F("issued_on"), F("issued_on")).desc(), "-id"])


def access_badge(user: Actor | None, badge_id: Any, action: str = VIEW) -> Badge:
    return access_object(
        Badge.objects.select_related(
            "volunteer", "volunteer__home_org", "volunteer__region", "replaces"
        ),
        user,
        action,
        pk=badge_id,
    )


def badge_search_q(text: str) -> Q | None:
    """Roster search hook: an exact badge number finds its holder (any of their badges)."""
    number = text.strip().upper()
    if not NUMBER_RE.match(number):
        return None
    return Q(pk__in=Badge.objects.filter(number=number).values("volunteer_id"))


# --- the public check --------------------------------------------------------------------------

NOT_GENUINE = "not_genuine"


@dataclass(frozen=True)
class Verification:
    """What the public learns from a scan, and nothing more: the state, a masked name and
    the organization. No number, no ID, no phone, no list of other badges."""

    state: str  # one of Status, or NOT_GENUINE
    masked_name: str = ""
    organization: str = ""

    @property
    def is_valid(self) -> bool:
        return self.state == Status.ACTIVE


def mask_name(name: str) -> str:
    """王建国 -> 王*国, 李强 -> 李*: enough to match a face, not enough to identify."""
    name = name.strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def token_from_code(code: str) -> str:
    """Accept the token itself or the whole scanned URL (…/v/<token>)."""
    code = code.strip()
    if "/" in code:
        path = urlsplit(code).path.rstrip("/")
        code = path.rsplit("/", 1)[-1]
    return code


def badge_verify(*, code: str) -> Verification:
    """The answer to a scanned QR code. Forged, altered and unknown codes get the same
    "not genuine" answer, so nobody can probe which numbers exist."""
    parsed = badge_token_read(token_from_code(code))
    if parsed is None:
        return Verification(NOT_GENUINE)
    number, nonce = parsed
    badge = (
        Badge.objects.select_related("volunteer", "volunteer__home_org").filter(nonce=nonce).first()
    )
    if badge is None or not constant_time_compare(badge.number, number):
        return Verification(NOT_GENUINE)
    volunteer = badge.volunteer
    if volunteer.is_erased:
        # The person's data is gone (PIPL Art 47): the badge is void and says no more.
        return Verification(Status.REVOKED)
    return Verification(
        state=badge.status,
        masked_name=mask_name(volunteer.name),
        organization=volunteer.home_org.name,
    )


def badge_numbers(*, user: Actor | None, volunteer_ids: list[int]) -> dict[int, str]:
    """The valid badge number of each of ``volunteer_ids`` that holds one: one query."""
    rows = (
        Badge.objects.visible_to(user, VIEW)
        .filter(volunteer_id__in=volunteer_ids, status=Status.ACTIVE)
        .order_by("issued_on", "pk")
        .values_list("volunteer_id", "number")
    )
    return dict(rows)
