"""Badges in the API: the register, scoped exactly like volunteers, and the public check."""

from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from vetserve.badges.models import Badge
from vetserve.badges.models import Status as BadgeStatus
from vetserve.badges.selectors import access_badge, badge_list, badge_rows, badge_verify
from vetserve.badges.services import (
    badge_issue,
    badge_reissue,
    badge_report_lost,
    badge_revoke,
)
from vetserve.badges.views import (
    badge_verify_throttled_message,
    badge_verify_url,
    badge_verify_wait,
)
from vetserve.core.api import (
    ERRORS,
    URL_TOO_LONG,
    Day,
    ErrorOut,
    Flag,
    Id,
    Line,
    MappedRows,
    Note,
    Paged,
    PathId,
    Payload,
    QueryId,
    one_of,
    user_of,
)
from vetserve.people.selectors import access_volunteer

router = Router(tags=["badges"])


class BadgeOut(Schema):
    id: int
    number: str
    status: str = Field(description="active, lost, revoked or replaced")
    issued_on: date
    volunteer_id: int
    volunteer_name: str
    organization_id: int
    organization_name: str
    replaces_id: int | None
    verify_url: str = Field(description="The address in the badge's QR code")


class BadgeEventOut(Schema):
    at: datetime
    from_status: str
    to_status: str
    reason: str
    actor: str | None


class BadgeDetailOut(BadgeOut):
    replaced_by_id: int | None
    history: list[BadgeEventOut]


class BadgeIssueIn(Payload):
    volunteer_id: Id
    issued_on: Day | None = Field(None, description="Default: today")


class BadgeReasonIn(Payload):
    reason: Note = ""


class ReissueIn(Payload):
    reason: Note = ""
    lost: Flag = Field(False, description="The old badge was lost (it will verify as lost)")
    issued_on: Day | None = None


class VerifyOut(Schema):
    state: str = Field(description="active, lost, revoked, replaced or not_genuine")
    valid: bool
    name: str = Field(description="Masked: 王*国")
    organization: str


class BadgeFilter(Schema):
    status: Annotated[BadgeStatus, one_of(BadgeStatus)] | None = None
    volunteer: QueryId | None = None
    q: Line | None = None


# A scanned code or the whole address in it: far shorter than this.
VerifyCode = Annotated[str, StringConstraints(max_length=1000)]


def badge_out(request: HttpRequest, badge: Badge) -> dict[str, Any]:
    volunteer = badge.volunteer
    return {
        "id": badge.pk,
        "number": badge.number,
        "status": badge.status,
        "issued_on": badge.issued_on,
        "volunteer_id": volunteer.pk,
        "volunteer_name": volunteer.name,
        "organization_id": volunteer.home_org_id,
        "organization_name": volunteer.home_org.name,
        "replaces_id": badge.replaces_id,
        "verify_url": badge_verify_url(request, badge),
    }


def badge_detail_out(request: HttpRequest, badge: Badge) -> dict[str, Any]:
    replaced_by = Badge.objects.filter(replaces=badge).values_list("pk", flat=True).first()
    return {
        **badge_out(request, badge),
        "replaced_by_id": replaced_by,
        "history": [
            {
                "at": e.at,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "reason": e.reason,
                "actor": e.actor.get_username() if e.actor else None,
            }
            for e in badge.events.select_related("actor")
        ],
    }


@router.get("/badges", response={200: list[BadgeOut], **ERRORS}, summary="Badges I may see")
@paginate(Paged)
def badges_list(request: HttpRequest, filters: Query[BadgeFilter]) -> list[dict[str, Any]]:
    user = user_of(request)
    if filters.status and filters.status not in BadgeStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    volunteer = access_volunteer(user, filters.volunteer) if filters.volunteer else None
    qs = badge_list(
        user=user, status=filters.status or "", volunteer=volunteer, search=filters.q or ""
    )
    return MappedRows(badge_rows(qs), lambda badge: badge_out(request, badge))  # type: ignore[return-value]


@router.get("/badges/{badge_id}", response={200: BadgeDetailOut, **ERRORS}, summary="One badge")
def badges_get(request: HttpRequest, badge_id: PathId) -> dict[str, Any]:
    return badge_detail_out(request, access_badge(user_of(request), badge_id))


@router.post("/badges", response={201: BadgeDetailOut, **ERRORS}, summary="Issue a badge")
def badges_issue(request: HttpRequest, payload: BadgeIssueIn) -> Status[dict[str, Any]]:
    user = user_of(request)
    volunteer = access_volunteer(user, payload.volunteer_id)
    badge = badge_issue(actor=user, volunteer=volunteer, issued_on=payload.issued_on)
    return Status(201, badge_detail_out(request, badge))


@router.post(
    "/badges/{badge_id}/lost", response={200: BadgeDetailOut, **ERRORS}, summary="Report lost"
)
def badges_report_lost(
    request: HttpRequest, badge_id: PathId, payload: BadgeReasonIn
) -> dict[str, Any]:
    user = user_of(request)
    badge = badge_report_lost(actor=user, badge=access_badge(user, badge_id), reason=payload.reason)
    return badge_detail_out(request, badge)


@router.post(
    "/badges/{badge_id}/revoke", response={200: BadgeDetailOut, **ERRORS}, summary="Revoke"
)
def badges_revoke(request: HttpRequest, badge_id: PathId, payload: BadgeReasonIn) -> dict[str, Any]:
    user = user_of(request)
    badge = badge_revoke(actor=user, badge=access_badge(user, badge_id), reason=payload.reason)
    return badge_detail_out(request, badge)


@router.post(
    "/badges/{badge_id}/reissue",
    response={201: BadgeDetailOut, **ERRORS},
    summary="Reissue: a new badge replaces this one",
)
def badges_reissue(
    request: HttpRequest, badge_id: PathId, payload: ReissueIn
) -> Status[dict[str, Any]]:
    user = user_of(request)
    new = badge_reissue(
        actor=user,
        badge=access_badge(user, badge_id),
        reason=payload.reason,
        lost=payload.lost,
        issued_on=payload.issued_on,
    )
    return Status(201, badge_detail_out(request, new))


@router.get(
    "/public/badges/verify",
    response={200: VerifyOut, 400: ErrorOut, 422: ErrorOut, 429: ErrorOut, **URL_TOO_LONG},
    auth=None,
    summary="Public: check a badge's QR code (no authentication)",
    description="`code` is the token from the QR code or the whole scanned address. Forged, "
    "altered and unknown codes all answer `not_genuine`. At most BADGE_VERIFY_PER_MINUTE "
    "checks a minute per address (the page's and the API's together), then 429 `throttled`.",
)
def badges_verify(request: HttpRequest, code: VerifyCode) -> Any:
    wait = badge_verify_wait(request)
    if wait:
        return Status(429, {"code": "throttled", "message": badge_verify_throttled_message(wait)})
    result = badge_verify(code=code)
    return {
        "state": result.state,
        "valid": result.is_valid,
        "name": result.masked_name,
        "organization": result.organization,
    }
