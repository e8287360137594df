"""Region endpoints: the administrative tree the user may see, and adding or changing units."""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from vetserve.core.api import (
    ERRORS,
    Code,
    Latitude,
    Line,
    Longitude,
    MappedRows,
    Paged,
    Payload,
    user_of,
)
from vetserve.regions.models import Region
from vetserve.regions.selectors import access_region, region_list
from vetserve.regions.services import region_create, region_update

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None
    lon: Decimal | None
    lat: Decimal | None


class RegionIn(Payload):
    parent_code: Code = Field(description="Code of the unit above, e.g. a township's 9 digits")
    code: Code = Field(description="Official code: 12 digits for a village")
    name: Line
    lon: Longitude | None = None
    lat: Latitude | None = None


class RegionPatch(Payload):
    name: Line | None = None
    lon: Longitude | None = None
    lat: Latitude | None = None


class RegionFilter(Schema):
    parent: Code | None = None
    level: Code | None = None
    q: Line | None = None


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


@router.get("", response={200: list[RegionOut], **ERRORS}, summary="Regions I may see")
@paginate(Paged)
def regions_list(request: HttpRequest, filters: Query[RegionFilter]) -> list[dict[str, Any]]:
    user = user_of(request)
    parent = access_region(user, filters.parent) if filters.parent else None
    qs = region_list(user=user, parent=parent, level=filters.level, search=filters.q or "")
    return MappedRows(qs, region_out)  # type: ignore[return-value]


@router.get("/{code}", response={200: RegionOut, **ERRORS}, summary="One region")
def regions_get(request: HttpRequest, code: Code) -> dict[str, Any]:
    return region_out(access_region(user_of(request), code))


@router.post("", response={201: RegionOut, **ERRORS}, summary="Add a unit (e.g. a village)")
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


@router.patch("/{code}", response={200: RegionOut, **ERRORS}, summary="Rename or re-centre")
def regions_update(request: HttpRequest, code: Code, payload: RegionPatch) -> dict[str, Any]:
    user = user_of(request)
    region = access_region(user, code)
    region = region_update(
        actor=user, region=region, name=payload.name, lon=payload.lon, lat=payload.lat
    )
    return region_out(region)
