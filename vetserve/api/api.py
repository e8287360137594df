"""The JSON API under /api/v1/: the same services, selectors and scoping as the pages."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from vetserve.accounts.models import ApiToken
from vetserve.accounts.services import api_token_create, api_token_revoke
from vetserve.api.auth import AUTH, user_of
from vetserve.api.errors import install_error_handlers
from vetserve.api.pagination import MappedRows
from vetserve.api.people import me_router as people_me_router
from vetserve.api.people import router as people_router
from vetserve.api.schemas import (
    ERRORS,
    AuditOut,
    GrantOut,
    MeOut,
    OrganizationIn,
    OrganizationOut,
    OrganizationPatch,
    RegionIn,
    RegionOut,
    RegionPatch,
    TokenCreated,
    TokenIn,
    TokenOut,
)
from vetserve.api.skills import router as skills_router
from vetserve.audit.models import AuditEntry
from vetserve.core.scoping import AUDIT, VIEW
from vetserve.orgs.models import Organization
from vetserve.orgs.selectors import access_organization, organization_list
from vetserve.orgs.services import organization_create, organization_update
from vetserve.regions.models import Region
from vetserve.regions.selectors import access_region, region_list
from vetserve.regions.services import region_create, region_update


class _API(NinjaAPI):
    """NinjaAPI that builds its OpenAPI document once per path and language: the routes do
    not change while the server runs, and building it took ~0.2 s per request."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        cache: dict[tuple[str, str], Any] = self.__dict__.setdefault("_vetserve_schemas", {})
        key = (path_prefix, translation.get_language() or "")
        if key not in cache:
            cache[key] = super().get_openapi_schema(path_prefix=path_prefix)
        return cache[key]


api = _API(
    title="VetServe API",
    version="1",
    description=(
        "退役军人志愿服务平台 API. Authenticate with `Authorization: Bearer <token>`; "
        "every list and object is scoped exactly like the pages."
    ),
    urls_namespace="api",
    auth=AUTH,
)
install_error_handlers(api)


def region_out(region: Region) -> dict[str, Any]:
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        # The parent's code is derivable from its id without a query.
        "parent_code": _code_of(region.parent_id) if region.parent_id else None,
        "lon": region.lon,
        "lat": region.lat,
    }


def _code_of(region_id: int) -> str:
    text = str(region_id).rjust(12, "0")
    if text.endswith("000000"):
        return text[:6]
    if text.endswith("000"):
        return text[:9]
    return text


def org_out(org: Organization) -> dict[str, Any]:
    return {
        "id": org.pk,
        "name": org.name,
        "kind": org.kind,
        "specialty": org.specialty,
        "region_code": org.region.code,
        "region_name": org.region.name,
        "parent_id": org.parent_id,
        "founded_on": org.founded_on,
        "leader_name": org.leader_name,
        "flag_awarded_on": org.flag_awarded_on,
        "description": org.description,
        "is_active": org.is_active,
    }


# --- me and tokens ---------------------------------------------------------------------------

me_router = Router(tags=["me"])


@me_router.get("/me", response={200: MeOut, **ERRORS}, summary="Who am I and what may I see")
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


@me_router.get("/tokens", response={200: list[TokenOut], **ERRORS}, summary="My API tokens")
def token_list(request: HttpRequest) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user_of(request))


@me_router.post("/tokens", response={201: TokenCreated, **ERRORS}, summary="Create a token")
def token_create(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    token, raw = api_token_create(user=user_of(request), name=payload.name)
    return Status(201, {**TokenOut.model_validate(token).model_dump(), "token": raw})


@me_router.delete("/tokens/{token_id}", response={200: TokenOut, **ERRORS}, summary="Revoke")
def token_revoke(request: HttpRequest, token_id: int) -> ApiToken:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    try:
        return api_token_revoke(user=user_of(request), token_id=token_id)
    except PermissionDenied:
        raise Http404 from None


# --- regions ---------------------------------------------------------------------------------

regions = Router(tags=["regions"])


class RegionFilter(Schema):
    parent: str | None = None
    level: str | None = None
    q: str | None = None


@regions.get("", response={200: list[RegionOut], **ERRORS}, summary="Regions I may see")
@paginate(LimitOffsetPagination)
def regions_list(request: HttpRequest, filters: Query[RegionFilter]) -> list[dict[str, Any]]:
    user = user_of(request)
    parent = access_region(user, filters.parent) if filters.parent else None
    qs = region_list(user=user, parent=parent, level=filters.level, search=filters.q or "")
    return MappedRows(qs, region_out)  # type: ignore[return-value]


@regions.get("/{code}", response={200: RegionOut, **ERRORS}, summary="One region")
def regions_get(request: HttpRequest, code: str) -> dict[str, Any]:
    return region_out(access_region(user_of(request), code))


@regions.post("", response={201: RegionOut, **ERRORS}, summary="Add a unit (e.g. a village)")
def regions_create(request: HttpRequest, payload: RegionIn) -> Status[dict[str, Any]]:
    user = user_of(request)
    parent = access_region(user, payload.parent_code)
    region = region_create(
        actor=user,
        parent=parent,
        code=payload.code,
        name=payload.name,
        lon=payload.lon,
        lat=payload.lat,
    )
    return Status(201, region_out(region))


@regions.patch("/{code}", response={200: RegionOut, **ERRORS}, summary="Rename or re-centre")
def regions_update(request: HttpRequest, code: str, payload: RegionPatch) -> dict[str, Any]:
    user = user_of(request)
    region = access_region(user, code)
    region = region_update(
        actor=user, region=region, name=payload.name, lon=payload.lon, lat=payload.lat
    )
    return region_out(region)


# --- organizations ---------------------------------------------------------------------------

orgs = Router(tags=["organizations"])


class OrgFilter(Schema):
    q: str | None = None
    kind: str | None = None
    region: str | None = None
    parent: int | None = None


@orgs.get("", response={200: list[OrganizationOut], **ERRORS}, summary="Organizations I may see")
@paginate(LimitOffsetPagination)
def orgs_list(request: HttpRequest, filters: Query[OrgFilter]) -> list[dict[str, Any]]:
    user = user_of(request)
    region = access_region(user, filters.region) if filters.region else None
    parent = access_organization(user, filters.parent) if filters.parent else None
    qs = organization_list(
        user=user, search=filters.q or "", kind=filters.kind or "", region=region, parent=parent
    )
    return MappedRows(qs, org_out)  # type: ignore[return-value]


@orgs.get("/{org_id}", response={200: OrganizationOut, **ERRORS}, summary="One organization")
def orgs_get(request: HttpRequest, org_id: int) -> dict[str, Any]:
    return org_out(access_organization(user_of(request), org_id))


def _placement(user: Any, region_code: str | None, parent_id: int | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if region_code is not None:
        values["region"] = access_region(user, region_code, VIEW)
    if parent_id is not None:
        values["parent"] = access_organization(user, parent_id, VIEW)
    return values


@orgs.post("", response={201: OrganizationOut, **ERRORS}, summary="Create an organization")
def orgs_create(request: HttpRequest, payload: OrganizationIn) -> Status[dict[str, Any]]:
    user = user_of(request)
    data = payload.dict()
    placement = _placement(user, data.pop("region_code"), data.pop("parent_id"))
    org = organization_create(actor=user, **data, **placement)
    return Status(201, org_out(org))


@orgs.patch("/{org_id}", response={200: OrganizationOut, **ERRORS}, summary="Change fields")
def orgs_update(request: HttpRequest, org_id: int, payload: OrganizationPatch) -> dict[str, Any]:
    user = user_of(request)
    org = access_organization(user, org_id)
    data = payload.dict(exclude_unset=True)
    for key in ("name", "kind", "specialty", "is_active"):
        if key in data and data[key] is None:
            raise ValidationError({key: _("This field cannot be empty.")})
    region_code = data.pop("region_code", None)
    parent_given = "parent_id" in data
    parent_id = data.pop("parent_id", None)
    data.update(_placement(user, region_code, parent_id))
    if parent_given and parent_id is None:
        data["parent"] = None
    for key in ("leader_name", "description"):
        if key in data and data[key] is None:
            data[key] = ""
    org = organization_update(actor=user, org=org, **data)
    return org_out(org)


# --- audit -----------------------------------------------------------------------------------

audit = Router(tags=["audit"])


class AuditFilter(Schema):
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None


@audit.get("", response={200: list[AuditOut], **ERRORS}, summary="Audit entries I may audit")
@paginate(LimitOffsetPagination)
def audit_list(request: HttpRequest, filters: Query[AuditFilter]) -> list[dict[str, Any]]:
    qs = AuditEntry.objects.visible_to(user_of(request), AUDIT).select_related("region")
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id)

    def out(entry: AuditEntry) -> dict[str, Any]:
        return {
            **{f: getattr(entry, f) for f in AuditOut.model_fields if hasattr(entry, f)},
            "region_code": entry.region.code if entry.region else None,
        }

    return MappedRows(qs, out)  # type: ignore[return-value]


# First: Django tries the API's routes in order, and 5,000 phones checking in at once should
# not wait on every other route's pattern (docs/benchmarks.md, check-in burst).
api.add_router("/attendance", "vetserve.api.attendance.router")
api.add_router("/", me_router)
api.add_router("/regions", regions)
api.add_router("/orgs", orgs)
api.add_router("/audit", audit)
api.add_router("/volunteers", people_router)
api.add_router("/", people_me_router)
api.add_router("/", "vetserve.api.badges.router")
api.add_router("/skills", skills_router)
api.add_router("/activities", "vetserve.api.activities.router")
