"""Activity endpoints: list (and my sign-ups), read, plan, change and move an activity along
its statuses, and its outcome figures."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from vetserve.activities import selectors, services
from vetserve.activities.api.common import (
    Name,
    Place,
    Quantity,
    aware,
    blank_for_none,
    not_empty,
)
from vetserve.activities.api.shifts import SignUpOut
from vetserve.activities.models import Activity, Category, Outcome, OutcomeType
from vetserve.activities.models import Status as ActivityStatus
from vetserve.core.access import Actor
from vetserve.core.api import (
    ERRORS,
    Code,
    Flag,
    Id,
    Latitude,
    Line,
    Longitude,
    Moment,
    Paged,
    PathId,
    Payload,
    Text,
    one_of,
    user_of,
)
from vetserve.orgs.selectors import access_organization
from vetserve.regions.selectors import access_region

router = Router(tags=["activities"])


class ActivityOut(Schema):
    id: int
    title: str
    category: str
    status: str
    organization_id: int
    region_id: int
    campaign_id: int | None
    place: str
    lat: float | None
    lon: float | None
    starts_at: datetime
    ends_at: datetime
    risk_disclosure: str
    insurance_required: bool


class ActivityIn(Payload):
    title: Name
    category: Category
    organization_id: Id = Field(description="The organizing organization")
    place: Place
    starts_at: Moment = Field(description="With its offset, e.g. 2031-01-10T06:00+08:00")
    ends_at: Moment
    region_code: Code | None = Field(None, description="Where; default the organization's region")
    campaign_id: Id | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    description: Text = ""
    risk_disclosure: Text = Field("", description="Required when insurance is required")
    insurance_required: Flag = False
    contact_name: Annotated[str, Field(max_length=50)] = ""


class ActivityPatch(Payload):
    """Only the fields given change; the organizing organization stays. ``campaign_id``,
    ``lat`` and ``lon`` may be set to null."""

    model_config = ConfigDict(extra="forbid")

    title: Name | None = None
    category: Category | None = None
    place: Place | None = None
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    region_code: Code | None = None
    campaign_id: Id | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    description: Text | None = None
    risk_disclosure: Text | None = None
    insurance_required: Flag | None = None
    contact_name: Annotated[str, Field(max_length=50)] | None = None


class ActivityStatusIn(Payload):
    to_status: Annotated[ActivityStatus, one_of(ActivityStatus)] = Field(
        description="draft → published → under_way → finished; cancelled from any open status"
    )
    reason: Annotated[str, Field(max_length=500)] = Field(
        "", description="Required for cancelled: everyone signed up is told"
    )


class OutcomeTypeOut(Schema):
    code: str
    name: str
    unit: str
    categories: list[str] = Field(description="Activity categories it is offered for; empty: all")


class OutcomeOut(Schema):
    id: int
    activity_id: PathId
    shift_id: int | None
    outcome_type: str = Field(description="Outcome type code")
    name: str
    unit: str
    quantity: Decimal
    note: str
    recorded_at: datetime


class OutcomeIn(Payload):
    outcome_type: Code = Field(description="Outcome type code, one offered for the category")
    quantity: Quantity
    shift_id: Id | None = Field(None, description="For one shift of the activity; default all")
    note: Annotated[str, Field(max_length=200)] = ""


def _outcome_type(code: str) -> OutcomeType:
    found = OutcomeType.objects.filter(code=code).first()
    if found is None:
        raise ValidationError({"outcome_type": _("Unknown code: %(code)s") % {"code": code}})
    return found


def outcome_out(outcome: Outcome) -> dict[str, Any]:
    return {
        "id": outcome.pk,
        "activity_id": outcome.activity_id,
        "shift_id": outcome.shift_id,
        "outcome_type": outcome.outcome_type.code,
        "name": outcome.outcome_type.name,
        "unit": outcome.outcome_type.unit,
        "quantity": outcome.quantity,
        "note": outcome.note,
        "recorded_at": outcome.recorded_at,
    }


@router.get(
    "/outcome-types",
    response={200: list[OutcomeTypeOut], **ERRORS},
    summary="Outcome figures and their units, optionally those offered for one category",
)
def outcome_types(request: HttpRequest, category: Code = "") -> list[OutcomeType]:
    return [
        t
        for t in OutcomeType.objects.all()
        if not category or not t.categories or category in t.categories
    ]


@router.get("", response={200: list[ActivityOut], **ERRORS})
@paginate(Paged)
def activities(request: HttpRequest, status: Code = "", category: Code = "", q: Line = "") -> Any:
    return selectors.activity_list(
        user=user_of(request), status=status, category=category, search=q
    ).order_by("starts_at", "id")


@router.get("/mine", response={200: list[SignUpOut], **ERRORS})
def mine(request: HttpRequest) -> Any:
    return list(selectors.my_signups(user=user_of(request)))


@router.get("/{activity_id}", response={200: ActivityOut, **ERRORS})
def activity(request: HttpRequest, activity_id: PathId) -> Activity:
    return selectors.access_activity(user_of(request), activity_id)


def _placement(user: Actor | None, data: dict[str, Any]) -> None:
    """``region_code`` and ``campaign_id`` to objects the user may see (else 404)."""
    if "region_code" in data:
        code = data.pop("region_code")
        if code is not None:
            data["region"] = access_region(user, code)
    if "campaign_id" in data:
        campaign_id = data.pop("campaign_id")
        data["campaign"] = (
            selectors.access_campaign(user, campaign_id) if campaign_id is not None else None
        )


@router.post("", response={201: ActivityOut, **ERRORS}, summary="Plan an activity (a draft)")
def activity_create(request: HttpRequest, payload: ActivityIn) -> Status[Activity]:
    user = user_of(request)
    data = payload.dict()
    aware(starts_at=payload.starts_at, ends_at=payload.ends_at)
    organization = access_organization(user, data.pop("organization_id"))
    data["category"] = Category(data["category"]).value
    _placement(user, data)
    activity = services.activity_create(actor=user, organization=organization, **data)
    return Status(201, activity)


@router.patch("/{activity_id}", response={200: ActivityOut, **ERRORS}, summary="Change fields")
def activity_update(request: HttpRequest, activity_id: PathId, payload: ActivityPatch) -> Activity:
    user = user_of(request)
    activity = selectors.access_activity(user, activity_id)
    data = payload.dict(exclude_unset=True)
    not_empty(
        data,
        "title",
        "category",
        "place",
        "starts_at",
        "ends_at",
        "region_code",
        "insurance_required",
    )
    blank_for_none(data, "description", "risk_disclosure", "contact_name")
    aware(starts_at=data.get("starts_at"), ends_at=data.get("ends_at"))
    if "category" in data:
        data["category"] = Category(data["category"]).value
    _placement(user, data)
    return services.activity_update(actor=user, activity=activity, **data)


@router.post(
    "/{activity_id}/status",
    response={200: ActivityOut, **ERRORS},
    summary="Publish, start, finish or cancel (cancelling needs a reason)",
)
def activity_status(
    request: HttpRequest, activity_id: PathId, payload: ActivityStatusIn
) -> Activity:
    user = user_of(request)
    activity = selectors.access_activity(user, activity_id)
    return services.activity_status_change(
        actor=user, activity=activity, to_status=payload.to_status, reason=payload.reason
    )


@router.get(
    "/{activity_id}/outcomes",
    response={200: list[OutcomeOut], **ERRORS},
    summary="Outcome figures recorded for the activity, oldest first",
)
def outcomes(request: HttpRequest, activity_id: PathId) -> list[dict[str, Any]]:
    user = user_of(request)
    found = selectors.access_activity(user, activity_id)
    return [outcome_out(o) for o in selectors.outcome_list(user=user, activity=found)]


@router.post(
    "/{activity_id}/outcomes",
    response={201: OutcomeOut, **ERRORS},
    summary="Record an outcome figure for the activity or one of its shifts",
)
def outcome_record(
    request: HttpRequest, activity_id: PathId, payload: OutcomeIn
) -> Status[dict[str, Any]]:
    user = user_of(request)
    activity = selectors.access_activity(user, activity_id)
    shift = None
    if payload.shift_id is not None:
        shift = activity.shifts.filter(pk=payload.shift_id).first()
        if shift is None:
            raise ValidationError({"shift_id": _("That shift belongs to another activity.")})
    outcome = services.outcome_record(
        actor=user,
        activity=activity,
        outcome_type=_outcome_type(payload.outcome_type),
        quantity=payload.quantity,
        shift=shift,
        note=payload.note,
    )
    return Status(201, outcome_out(outcome))
