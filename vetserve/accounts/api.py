"""Account endpoints: who the caller is, and their API tokens."""

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from vetserve.accounts.models import ApiToken
from vetserve.accounts.services import api_token_create, api_token_revoke
from vetserve.core.api import ERRORS, Line, PathId, Payload, user_of

router = Router(tags=["me"])


class GrantOut(Schema):
    role: str
    region_code: str | None
    organization_id: int | None
    scope_name: str


class MeOut(Schema):
    username: str
    display_name: str
    is_superuser: bool
    grants: list[GrantOut]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The clear token: shown this once, store it safely")


class TokenIn(Payload):
    name: Line


@router.get("/me", response={200: MeOut, **ERRORS}, summary="Who am I and what may I see")
def me(request: HttpRequest) -> dict[str, Any]:
    user = user_of(request)
    return {
        "username": user.username,
        "display_name": user.display_name,
        "is_superuser": user.is_superuser,
        "grants": [
            GrantOut(
                role=g.role,
                region_code=g.region.code if g.region else None,
                organization_id=g.organization_id,
                scope_name=g.scope_name,
            )
            for g in user.active_grants()
        ],
    }


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, summary="My API tokens")
def token_list(request: HttpRequest) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user_of(request))


@router.post("/tokens", response={201: TokenCreated, **ERRORS}, summary="Create a token")
def token_create(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    token, raw = api_token_create(user=user_of(request), name=payload.name)
    return Status(201, {**TokenOut.model_validate(token).model_dump(), "token": raw})


@router.delete("/tokens/{token_id}", response={200: TokenOut, **ERRORS}, summary="Revoke")
def token_revoke(request: HttpRequest, token_id: PathId) -> ApiToken:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    try:
        return api_token_revoke(user=user_of(request), token_id=token_id)
    except PermissionDenied:
        raise Http404 from None
