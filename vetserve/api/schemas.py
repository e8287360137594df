from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class ErrorOut(Schema):
    code: str = Field(description="Machine-readable: not_found, forbidden, invalid, …")
    message: str
    errors: dict[str, list[str]] | None = None


# The error answers every authenticated endpoint documents (see errors.py).
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


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


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None
    lon: Decimal | None
    lat: Decimal | None


class RegionIn(Schema):
    parent_code: str = Field(description="Code of the unit above, e.g. a township's 9 digits")
    code: str = Field(description="Official code: 12 digits for a village")
    name: str
    lon: Decimal | None = None
    lat: Decimal | None = None


class RegionPatch(Schema):
    name: str | None = None
    lon: Decimal | None = None
    lat: Decimal | None = None


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


class OrganizationIn(Schema):
    name: str
    kind: str
    region_code: str
    parent_id: int | None = None
    specialty: str = "general"
    founded_on: date | None = None
    leader_name: str = ""
    flag_awarded_on: date | None = None
    description: str = ""


class OrganizationPatch(Schema):
    name: str | None = None
    kind: str | None = None
    specialty: str | None = None
    region_code: str | None = None
    parent_id: int | None = None
    founded_on: date | None = None
    leader_name: str | None = None
    flag_awarded_on: date | None = None
    description: str | None = None
    is_active: bool | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The clear token: shown this once, store it safely")


class TokenIn(Schema):
    name: str


class AuditOut(Schema):
    id: int
    at: datetime
    actor_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    region_code: str | None
    changes: dict
    reason: str
    ip: str | None
    via: str
