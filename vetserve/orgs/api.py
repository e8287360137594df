"""Organization endpoints: the teams the user may see, creating and changing them."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from vetserve.core.access import VIEW, Actor
from vetserve.core.api import (
    ERRORS,
    Code,
    Day,
    Flag,
    Id,
    Line,
    MappedRows,
    Paged,
    PathId,
    Payload,
    QueryId,
    Text,
    user_of,
)
from vetserve.orgs.models import Organization
from vetserve.orgs.selectors import access_organization, organization_list
from vetserve.orgs.services import organization_create, organization_update
from vetserve.regions.selectors import access_region

router = Router(tags=["organizations"])


class OrganizationOut(Schema):
    id: int
    name: str
    kind: str
    specialty: str
    region_code: str
    region_name: str
    parent_id: int | None
    founded_on: date | None
    leader_name: str
    flag_awarded_on: date | None
    description: str
    is_active: bool


class OrganizationIn(Payload):
    name: Line
    kind: Code
    region_code: Code
    parent_id: Id | None = None
    specialty: Code = "general"
    founded_on: Day | None = None
    leader_name: Line = ""
    flag_awarded_on: Day | None = None
    description: Text = ""


class OrganizationPatch(Payload):
    name: Line | None = None
    kind: Code | None = None
    specialty: Code | None = None
    region_code: Code | None = None
    parent_id: Id | None = None
    founded_on: Day | None = None
    leader_name: Line | None = None
    flag_awarded_on: Day | None = None
    description: Text | None = None
    is_active: Flag | None = None


class OrgFilter(Schema):
    q: Line | None = None
    kind: Code | None = None
    region: Code | None = None
    parent: QueryId | None = None


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


@router.get("", response={200: list[OrganizationOut], **ERRORS}, summary="Organizations I may see")
@paginate(Paged)
def orgs_list(request: HttpRequest, filters: Query[OrgFilter]) -> list[dict[str, Any]]:
    user = user_of(request)
    region = access_region(user, filters.region) if filters.region else None
    parent = access_organization(user, filters.parent) if filters.parent else None
    qs = organization_list(
        user=user, search=filters.q or "", kind=filters.kind or "", region=region, parent=parent
    )
    return MappedRows(qs, org_out)  # type: ignore[return-value]


@router.get("/{org_id}", response={200: OrganizationOut, **ERRORS}, summary="One organization")
def orgs_get(request: HttpRequest, org_id: PathId) -> dict[str, Any]:
    return org_out(access_organization(user_of(request), org_id))


def _placement(
    user: Actor | None, region_code: str | None, parent_id: int | None
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if region_code is not None:
        values["region"] = access_region(user, region_code, VIEW)
    if parent_id is not None:
        values["parent"] = access_organization(user, parent_id, VIEW)
    return values


@router.post("", response={201: OrganizationOut, **ERRORS}, summary="Create an organization")
def orgs_create(request: HttpRequest, payload: OrganizationIn) -> Status[dict[str, Any]]:
    user = user_of(request)
    data = payload.dict()
    placement = _placement(user, data.pop("region_code"), data.pop("parent_id"))
    org = organization_create(actor=user, **data, **placement)
    return Status(201, org_out(org))


@router.patch("/{org_id}", response={200: OrganizationOut, **ERRORS}, summary="Change fields")
def orgs_update(request: HttpRequest, org_id: PathId, payload: OrganizationPatch) -> dict[str, Any]:
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
