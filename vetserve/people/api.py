"""Roster endpoints: volunteers, memberships, the person's own data. Masked by default."""

from datetime import date
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import StringConstraints

from vetserve.core.access import VIEW
from vetserve.core.api import (
    ERRORS,
    Code,
    Day,
    Id,
    Line,
    MappedRows,
    Note,
    Paged,
    PathId,
    Payload,
    QueryId,
    Year,
    one_of,
    user_of,
)
from vetserve.orgs.selectors import access_organization
from vetserve.people import services
from vetserve.people.idnumbers import looks_like_personal_number
from vetserve.people.models import Branch, Gender, Membership, Party, Volunteer
from vetserve.people.models import Status as VolunteerStatus
from vetserve.people.selectors import (
    access_volunteer,
    volunteer_duplicates,
    volunteer_list,
    volunteer_own,
)
from vetserve.regions.selectors import access_region

router = Router(tags=["volunteers"])


class VolunteerOut(Schema):
    id: int
    name: str
    gender: str
    birth_year: int | None = Field(
        description="The year only: the full birth date beside the masked ID number would give "
        "the number back (docs/decisions/0004); the person sees it at /me/data"
    )
    id_number_masked: str = Field(description="e.g. 130722********123X; never the full number")
    phone_masked: str
    residence_region_code: str
    residence_region_name: str
    address: str
    home_org_id: int
    home_org_name: str
    status: str
    skills_note: str
    service_categories: str
    service_branch: str
    enlisted_year: int | None
    discharged_year: int | None
    military_specialty: str
    party: str
    emergency_name: str
    emergency_phone_masked: str


# The lengths of the columns the values go to (the service stores details as given).
PersonName = Annotated[str, StringConstraints(max_length=50)]
Address = Annotated[str, StringConstraints(max_length=200)]
Specialty = Annotated[str, StringConstraints(max_length=50)]
DocNumber = Annotated[str, StringConstraints(max_length=40)]
# The model's choices; an empty text clears an optional one.
GenderChoice = Annotated[Gender, one_of(Gender)]
StatusChoice = Annotated[VolunteerStatus, one_of(VolunteerStatus)]
RoleChoice = Annotated[Membership.Role, one_of(Membership.Role)]
BranchOrBlank = Annotated[Branch | Literal[""], one_of(Branch, blank=True)]
PartyOrBlank = Annotated[Party | Literal[""], one_of(Party, blank=True)]


class VolunteerIn(Payload):
    name: PersonName
    id_number: Code
    phone: Code
    residence_region_code: Code
    home_org_id: Id
    gender: GenderChoice | None = None
    birth_date: Day | None = None
    status: StatusChoice = VolunteerStatus.ACTIVE
    address: Address = ""
    skills_note: Address = ""
    service_categories: Address = ""
    service_branch: BranchOrBlank = ""
    enlisted_year: Year | None = None
    discharged_year: Year | None = None
    military_specialty: Specialty = ""
    discharge_doc: DocNumber = ""
    party: PartyOrBlank = ""
    emergency_name: PersonName = ""
    emergency_phone: Code = ""


class VolunteerPatch(Payload):
    """Only the fields given change; null clears an optional text (name, phone and ID number
    cannot be cleared)."""

    name: PersonName | None = None
    id_number: Code | None = None
    phone: Code | None = None
    residence_region_code: Code | None = None
    home_org_id: Id | None = None
    address: Address | None = None
    skills_note: Address | None = None
    service_categories: Address | None = None
    service_branch: BranchOrBlank | None = None
    enlisted_year: Year | None = None
    discharged_year: Year | None = None
    military_specialty: Specialty | None = None
    discharge_doc: DocNumber | None = None
    party: PartyOrBlank | None = None
    emergency_name: PersonName | None = None
    emergency_phone: Code | None = None


# Texts a null clears (their columns are never NULL).
CLEARABLE = (
    "address",
    "skills_note",
    "service_categories",
    "service_branch",
    "military_specialty",
    "discharge_doc",
    "party",
    "emergency_name",
    "emergency_phone",
)


class VolunteerStatusIn(Payload):
    to_status: StatusChoice
    reason: Note


class RevealIn(Payload):
    field: Literal["id_number", "phone", "emergency_phone", "discharge_doc"]
    reason: Note


class RevealOut(Schema):
    field: str
    value: str


class VolunteerReasonIn(Payload):
    reason: Note


class MergeIn(Payload):
    keep_id: Id
    drop_id: Id
    reason: Note


class MembershipOut(Schema):
    id: int
    volunteer_id: int
    organization_id: int
    organization_name: str
    role: str
    started_on: date
    ended_on: date | None


class MembershipIn(Payload):
    organization_id: Id
    role: RoleChoice = Membership.Role.MEMBER
    started_on: Day


class MembershipEnd(Payload):
    ended_on: Day


class CorrectionIn(Payload):
    message: Annotated[str, StringConstraints(max_length=2000)]


class VolunteerFilter(Schema):
    q: Line | None = None
    region: Code | None = None
    org: QueryId | None = None
    status: StatusChoice | None = None


class VolunteerSearchIn(Payload):
    q: Line = Field(
        "", description="Name, pinyin initials, badge number, or an exact ID or phone number"
    )
    region: Code | None = None
    org: QueryId | None = None
    status: StatusChoice | None = None


NUMBER_IN_URL = 400


class NumberInUrl(HttpError):
    """An ID or phone number in a query string: refused with its own error code."""

    code = "number_in_url"


def volunteer_out(v: Volunteer) -> dict[str, Any]:
    return {
        "id": v.pk,
        "name": v.name,
        "gender": v.gender,
        "birth_year": v.birth_year,
        "id_number_masked": v.id_number_masked,
        "phone_masked": v.phone_masked,
        "residence_region_code": v.residence_region.code,
        "residence_region_name": v.residence_region.name,
        "address": v.address,
        "home_org_id": v.home_org_id,
        "home_org_name": v.home_org.name,
        "status": v.status,
        "skills_note": v.skills_note,
        "service_categories": v.service_categories,
        "service_branch": v.service_branch,
        "enlisted_year": v.enlisted_year,
        "discharged_year": v.discharged_year,
        "military_specialty": v.military_specialty,
        "party": v.party,
        "emergency_name": v.emergency_name,
        "emergency_phone_masked": v.emergency_phone_masked,
    }


def membership_out(m: Membership) -> dict[str, Any]:
    return {
        "id": m.pk,
        "volunteer_id": m.volunteer_id,
        "organization_id": m.organization_id,
        "organization_name": m.organization.name,
        "role": m.role,
        "started_on": m.started_on,
        "ended_on": m.ended_on,
    }


@router.get(
    "",
    response={200: list[VolunteerOut], **ERRORS},
    summary="Volunteers I may see",
    description="`q`: name, pinyin initials or badge number. An ID or phone number in `q` is "
    "refused (400): a URL lands in logs; search for those with POST /volunteers/search.",
)
@paginate(Paged)
def volunteers_list(request: HttpRequest, filters: Query[VolunteerFilter]) -> Any:
    if looks_like_personal_number(filters.q):
        # Refused, not answered: a URL is kept in access logs, proxies and shell history.
        raise NumberInUrl(
            NUMBER_IN_URL,
            _(
                "ID and phone numbers are not accepted in the query string (it is kept in "
                "logs); search for them with POST /api/v1/volunteers/search."
            ),
        )
    return _volunteers(request, filters.q, filters.region, filters.org, filters.status)


@router.post(
    "/search",
    response={200: list[VolunteerOut], **ERRORS},
    summary="Volunteers I may see, searched by a query in the body (ID or phone numbers too)",
)
@paginate(Paged)
def volunteers_search(request: HttpRequest, payload: VolunteerSearchIn) -> Any:
    return _volunteers(request, payload.q, payload.region, payload.org, payload.status)


def _volunteers(
    request: HttpRequest,
    q: str | None,
    region_code: str | None,
    org_id: int | None,
    status: str | None,
) -> MappedRows:
    user = user_of(request)
    region = access_region(user, region_code) if region_code else None
    org = access_organization(user, org_id) if org_id else None
    qs = volunteer_list(
        user=user,
        search=q or "",
        region=region,
        organization=org,
        status=status or "",
    )
    return MappedRows(qs, volunteer_out)


@router.get(
    "/duplicates",
    response={200: list[list[VolunteerOut]], **ERRORS},
    summary="Likely duplicates (same name and birth date, or same phone)",
)
def volunteers_duplicates(request: HttpRequest) -> list[list[dict[str, Any]]]:
    groups = volunteer_duplicates(user=user_of(request))
    return [[volunteer_out(v) for v in group] for group in groups]


@router.post("/merge", response={200: VolunteerOut, **ERRORS}, summary="Merge two records")
def volunteers_merge(request: HttpRequest, payload: MergeIn) -> dict[str, Any]:
    user = user_of(request)
    keep = access_volunteer(user, payload.keep_id)
    drop = access_volunteer(user, payload.drop_id)
    services.volunteer_merge(actor=user, keep=keep, drop=drop, reason=payload.reason)
    return volunteer_out(access_volunteer(user, keep.pk))


@router.get("/{volunteer_id}", response={200: VolunteerOut, **ERRORS}, summary="One volunteer")
def volunteers_get(request: HttpRequest, volunteer_id: PathId) -> dict[str, Any]:
    return volunteer_out(access_volunteer(user_of(request), volunteer_id))


@router.post("", response={201: VolunteerOut, **ERRORS}, summary="Register a volunteer")
def volunteers_create(request: HttpRequest, payload: VolunteerIn) -> Status[dict[str, Any]]:
    user = user_of(request)
    data = payload.dict()
    region = access_region(user, data.pop("residence_region_code"), VIEW)
    org = access_organization(user, data.pop("home_org_id"), VIEW)
    volunteer = services.volunteer_register(
        actor=user, residence_region=region, home_org=org, **data
    )
    return Status(201, volunteer_out(access_volunteer(user, volunteer.pk)))


@router.patch("/{volunteer_id}", response={200: VolunteerOut, **ERRORS}, summary="Correct")
def volunteers_update(
    request: HttpRequest, volunteer_id: PathId, payload: VolunteerPatch
) -> dict[str, Any]:
    user = user_of(request)
    volunteer = access_volunteer(user, volunteer_id)
    data = payload.dict(exclude_unset=True)
    if "residence_region_code" in data:
        data["residence_region"] = access_region(user, data.pop("residence_region_code"))
    if "home_org_id" in data:
        data["home_org"] = access_organization(user, data.pop("home_org_id"))
    for key in ("name", "phone", "id_number"):
        if key in data and data[key] is None:
            raise ValidationError({key: _("This field cannot be empty.")})
    for key in CLEARABLE:
        if key in data and data[key] is None:
            data[key] = ""
    services.volunteer_update(actor=user, volunteer=volunteer, **data)
    return volunteer_out(access_volunteer(user, volunteer_id))


@router.post(
    "/{volunteer_id}/status",
    response={200: VolunteerOut, **ERRORS},
    summary="Change status (applied, active, suspended, left) with a reason",
)
def volunteers_status(
    request: HttpRequest, volunteer_id: PathId, payload: VolunteerStatusIn
) -> dict[str, Any]:
    user = user_of(request)
    volunteer = access_volunteer(user, volunteer_id)
    services.volunteer_status_change(
        actor=user, volunteer=volunteer, to_status=payload.to_status, reason=payload.reason
    )
    return volunteer_out(volunteer)


@router.post(
    "/{volunteer_id}/reveal",
    response={200: RevealOut, **ERRORS},
    summary="Full value of a protected field; needs the reveal permission; logged",
)
def volunteers_reveal(
    request: HttpRequest, volunteer_id: PathId, payload: RevealIn
) -> dict[str, Any]:
    user = user_of(request)
    volunteer = access_volunteer(user, volunteer_id)
    if payload.field not in services.REVEALABLE:
        raise ValidationError({"field": _("This field cannot be revealed.")})
    value = services.volunteer_reveal(
        actor=user, volunteer=volunteer, field=payload.field, reason=payload.reason
    )
    return {"field": payload.field, "value": value}


@router.post(
    "/{volunteer_id}/erase",
    response={200: dict, **ERRORS},
    summary="Erase the person's data; hours stay as anonymous figures",
)
def volunteers_erase(
    request: HttpRequest, volunteer_id: PathId, payload: VolunteerReasonIn
) -> dict[str, Any]:
    user = user_of(request)
    volunteer = access_volunteer(user, volunteer_id)
    services.volunteer_erase(actor=user, volunteer=volunteer, reason=payload.reason)
    return {"id": volunteer_id, "erased": True}


@router.get(
    "/{volunteer_id}/memberships",
    response={200: list[MembershipOut], **ERRORS},
    summary="Teams the volunteer serves in",
)
def memberships_list(request: HttpRequest, volunteer_id: PathId) -> list[dict[str, Any]]:
    volunteer = access_volunteer(user_of(request), volunteer_id)
    return [membership_out(m) for m in volunteer.memberships.select_related("organization")]


@router.post(
    "/{volunteer_id}/memberships",
    response={201: MembershipOut, **ERRORS},
    summary="Add the volunteer to a team",
)
def memberships_add(
    request: HttpRequest, volunteer_id: PathId, payload: MembershipIn
) -> Status[dict[str, Any]]:
    user = user_of(request)
    volunteer = access_volunteer(user, volunteer_id)
    org = access_organization(user, payload.organization_id)
    membership = services.membership_add(
        actor=user,
        volunteer=volunteer,
        organization=org,
        role=payload.role,
        started_on=payload.started_on,
    )
    return Status(201, membership_out(membership))


@router.post(
    "/{volunteer_id}/memberships/{membership_id}/end",
    response={200: MembershipOut, **ERRORS},
    summary="End a membership",
)
def memberships_end(
    request: HttpRequest, volunteer_id: PathId, membership_id: PathId, payload: MembershipEnd
) -> dict[str, Any]:
    user = user_of(request)
    volunteer = access_volunteer(user, volunteer_id)
    membership = (
        volunteer.memberships.select_related("organization").filter(pk=membership_id).first()
    )
    if membership is None:
        raise Http404
    services.membership_end(actor=user, membership=membership, ended_on=payload.ended_on)
    return membership_out(membership)


me_router = Router(tags=["me"])


def _own_volunteer(request: HttpRequest) -> Volunteer:
    volunteer = volunteer_own(user=user_of(request))
    if volunteer is None:
        raise Http404
    return volunteer


@me_router.get(
    "/me/data", response={200: dict, **ERRORS}, summary="Everything held about me (PIPL Art 45)"
)
def me_data(request: HttpRequest) -> services.VolunteerData:
    volunteer = _own_volunteer(request)
    return services.volunteer_self_export(actor=user_of(request), volunteer=volunteer)


@me_router.post(
    "/me/corrections", response={201: dict, **ERRORS}, summary="Ask for a correction of my data"
)
def me_correction(request: HttpRequest, payload: CorrectionIn) -> Status[dict[str, Any]]:
    volunteer = _own_volunteer(request)
    correction = services.correction_request_create(volunteer=volunteer, message=payload.message)
    return Status(201, {"id": correction.pk, "state": correction.state})
