"""Activities endpoints: campaigns, activities, shifts (one or a recurring series), outcome
figures, sign-up and withdraw, my shifts. The same services, selectors and scoping as the pages.

Writes find their objects with the VIEW scope (404 for what the user may not see, exactly as
for what does not exist) and leave the right to change to the service (403)."""

from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import ConfigDict, StringConstraints

from vetserve.activities import selectors, services
from vetserve.activities.models import (
    Activity,
    Campaign,
    Category,
    Outcome,
    OutcomeType,
    Shift,
    SignUp,
)
from vetserve.core.api import ERRORS, user_of
from vetserve.orgs.selectors import access_organization
from vetserve.people.selectors import volunteer_own
from vetserve.regions.selectors import access_region

router = Router(tags=["activities"])


# Text that must not be empty once trimmed, and the limits of the columns it goes to.
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Place = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Quantity = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]
Target = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Coordinate = Annotated[Decimal, Field(max_digits=9, decimal_places=6)]
NonNegative = Annotated[int, Field(ge=0)]


class TargetOut(Schema):
    outcome_type: str = Field(description="Outcome type code, e.g. snow_cleared_m2")
    name: str
    unit: str
    quantity: Decimal


class CampaignOut(Schema):
    id: int
    name: str
    organization_id: int
    starts_on: date
    ends_on: date
    description: str
    target_activities: int
    target_volunteers: int
    target_hours: int
    targets: list[TargetOut] = Field(description="Targets for outcome figures")

    @staticmethod
    def resolve_targets(obj: Campaign) -> list[dict[str, Any]]:
        return [
            {
                "outcome_type": t.outcome_type.code,
                "name": t.outcome_type.name,
                "unit": t.outcome_type.unit,
                "quantity": t.quantity,
            }
            for t in obj.targets.all()
        ]


TARGETS_HELP = (
    'Outcome figure targets by outcome type code, e.g. {"snow_cleared_m2": 60000}; '
    "replaces all targets, a quantity of 0 drops one; absent or null: unchanged"
)


class CampaignIn(Schema):
    name: Name
    organization_id: int
    starts_on: date
    ends_on: date
    description: str = ""
    target_activities: NonNegative = 0
    target_volunteers: NonNegative = 0
    target_hours: NonNegative = 0
    targets: dict[str, Target] = Field(default_factory=dict, description=TARGETS_HELP)


class CampaignPatch(Schema):
    """Only the fields given change; the organizing organization stays."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    description: str | None = None
    target_activities: NonNegative | None = None
    target_volunteers: NonNegative | None = None
    target_hours: NonNegative | None = None
    targets: dict[str, Target] | None = Field(None, description=TARGETS_HELP)


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


class ActivityIn(Schema):
    title: Name
    category: Category
    organization_id: int = Field(description="The organizing organization")
    place: Place
    starts_at: datetime = Field(description="With its offset, e.g. 2031-01-10T06:00+08:00")
    ends_at: datetime
    region_code: str | None = Field(None, description="Where; default the organization's region")
    campaign_id: int | None = None
    lat: Coordinate | None = None
    lon: Coordinate | None = None
    description: str = ""
    risk_disclosure: str = Field("", description="Required when insurance is required")
    insurance_required: bool = False
    contact_name: Annotated[str, Field(max_length=50)] = ""


class ActivityPatch(Schema):
    """Only the fields given change; the organizing organization stays. ``campaign_id``,
    ``lat`` and ``lon`` may be set to null."""

    model_config = ConfigDict(extra="forbid")

    title: Name | None = None
    category: Category | None = None
    place: Place | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    region_code: str | None = None
    campaign_id: int | None = None
    lat: Coordinate | None = None
    lon: Coordinate | None = None
    description: str | None = None
    risk_disclosure: str | None = None
    insurance_required: bool | None = None
    contact_name: Annotated[str, Field(max_length=50)] | None = None


class ActivityStatusIn(Schema):
    to_status: str = Field(
        description="draft → published → under_way → finished; cancelled from any open status"
    )
    reason: Annotated[str, Field(max_length=500)] = Field(
        "", description="Required for cancelled: everyone signed up is told"
    )


class RequirementsIn(Schema):
    """Who may take the shift; checked by the one eligibility function at sign-up."""

    model_config = ConfigDict(extra="forbid")

    skills: list[list[int]] = Field([], description="[skill_id, min_level] pairs")
    qualification_groups: list[list[int]] = Field(
        [], description="Groups of qualification type ids; one of each group is needed"
    )
    verified_only: bool | None = Field(None, description="Only verified qualifications count")
    min_age: int | None = None
    max_age: int | None = None
    health_within_days: int | None = None
    insurance_required: bool | None = None


def _requirements(data: RequirementsIn | None) -> dict[str, Any] | None:
    return None if data is None else data.dict(exclude_none=True)


class ShiftIn(Schema):
    post: Name
    starts_at: datetime = Field(description="With its offset, e.g. 2031-01-10T08:00+08:00")
    ends_at: datetime
    min_people: NonNegative = 1
    wanted_people: NonNegative = 1
    max_people: NonNegative = 1
    requirements: RequirementsIn | None = None
    notes: Annotated[str, Field(max_length=300)] = ""


class SeriesIn(Schema):
    """As the page's recurring shifts: ``weekly`` on the given weekdays from ``first_day`` to
    ``last_day``, ``start`` to ``end`` (an end before the start runs into the next day), or
    ``rotation``: ``shifts_per_day`` equal shifts round the clock for ``days`` days from
    ``first_day`` at ``start``. Dates and times are local (Asia/Shanghai)."""

    kind: Literal["weekly", "rotation"]
    post: Name
    first_day: date
    start: time
    weekdays: list[int] = Field([], description="weekly: 0 = Monday … 6 = Sunday")
    last_day: date | None = Field(None, description="weekly")
    end: time | None = Field(None, description="weekly")
    # Bounded so that a typo cannot make millions of windows before the service's own cap.
    shifts_per_day: int | None = Field(None, ge=1, le=48, description="rotation: 1, 2, 3, 4, 6 …")
    days: int | None = Field(None, ge=1, le=1000, description="rotation")
    min_people: NonNegative = 1
    wanted_people: NonNegative = 1
    max_people: NonNegative = 1
    requirements: RequirementsIn | None = None
    notes: Annotated[str, Field(max_length=300)] = ""


class ShiftPatch(Schema):
    """Only the fields given change. The time window stays: people planned around it."""

    model_config = ConfigDict(extra="forbid")

    post: Name | None = None
    min_people: NonNegative | None = None
    wanted_people: NonNegative | None = None
    max_people: NonNegative | None = None
    requirements: RequirementsIn | None = Field(None, description="null clears them")
    notes: Annotated[str, Field(max_length=300)] | None = None


class OutcomeTypeOut(Schema):
    code: str
    name: str
    unit: str
    categories: list[str] = Field(description="Activity categories it is offered for; empty: all")


class OutcomeOut(Schema):
    id: int
    activity_id: int
    shift_id: int | None
    outcome_type: str = Field(description="Outcome type code")
    name: str
    unit: str
    quantity: Decimal
    note: str
    recorded_at: datetime


class OutcomeIn(Schema):
    outcome_type: str = Field(description="Outcome type code, one offered for the category")
    quantity: Quantity
    shift_id: int | None = Field(None, description="For one shift of the activity; default all")
    note: Annotated[str, Field(max_length=200)] = ""


class ShiftOut(Schema):
    id: int
    activity_id: int
    post: str
    starts_at: datetime
    ends_at: datetime
    min_people: int
    wanted_people: int
    max_people: int
    confirmed: int
    waitlisted: int
    staffing: str
    requirements: dict[str, Any]


class SignUpOut(Schema):
    id: int
    shift_id: int
    volunteer_id: int
    state: str
    waitlist_position: int | None


class SignUpCheckOut(Schema):
    ok: bool
    reasons: list[str]


class WithdrawIn(Schema):
    reason: str = ""


def shift_out(shift: Shift) -> dict[str, Any]:
    confirmed = getattr(shift, "confirmed_count", 0)
    return {
        "id": shift.pk,
        "activity_id": shift.activity_id,
        "post": shift.post,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "min_people": shift.min_people,
        "wanted_people": shift.wanted_people,
        "max_people": shift.max_people,
        "confirmed": confirmed,
        "waitlisted": getattr(shift, "waitlist_count", 0),
        "staffing": shift.staffing_for(confirmed),
        "requirements": shift.requirements,
    }


# --- helpers ----------------------------------------------------------------------------------


def _aware(**moments: datetime | None) -> None:
    """A time without its offset is ambiguous for a script: refuse it rather than guess."""
    for field, moment in moments.items():
        if moment is not None and timezone.is_naive(moment):
            raise ValidationError({field: _("Give the time with its offset, e.g. +08:00.")})


def _not_empty(data: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if key in data and data[key] is None:
            raise ValidationError({key: _("This field cannot be empty.")})


def _blank_for_none(data: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if key in data and data[key] is None:
            data[key] = ""


def _outcome_type(code: str) -> OutcomeType:
    found = OutcomeType.objects.filter(code=code).first()
    if found is None:
        raise ValidationError({"outcome_type": _("Unknown code: %(code)s") % {"code": code}})
    return found


def _targets(by_code: dict[str, Decimal] | None) -> dict[int, Decimal] | None:
    if by_code is None:
        return None
    ids = dict(OutcomeType.objects.filter(code__in=list(by_code)).values_list("code", "pk"))
    unknown = sorted(set(by_code) - set(ids))
    if unknown:
        raise ValidationError(
            {"targets": _("Unknown code: %(code)s") % {"code": ", ".join(unknown)}}
        )
    return {ids[code]: quantity for code, quantity in by_code.items()}


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


# --- campaigns --------------------------------------------------------------------------------


@router.get("/campaigns", response={200: list[CampaignOut], **ERRORS})
@paginate(LimitOffsetPagination)
def campaigns(request: HttpRequest) -> Any:
    qs = selectors.campaign_list(user=user_of(request))
    return qs.prefetch_related("targets__outcome_type").order_by("id")


@router.get("/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS})
def campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    return selectors.access_campaign(user_of(request), campaign_id)


@router.post("/campaigns", response={201: CampaignOut, **ERRORS}, summary="Start a campaign")
def campaign_create(request: HttpRequest, payload: CampaignIn) -> Status[Campaign]:
    user = user_of(request)
    data = payload.dict()
    organization = access_organization(user, data.pop("organization_id"))
    targets = _targets(data.pop("targets"))
    campaign = services.campaign_create(
        actor=user, organization=organization, targets=targets, **data
    )
    return Status(201, campaign)


@router.patch(
    "/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS}, summary="Change a campaign"
)
def campaign_update(request: HttpRequest, campaign_id: int, payload: CampaignPatch) -> Campaign:
    user = user_of(request)
    campaign = selectors.access_campaign(user, campaign_id)
    data = payload.dict(exclude_unset=True)
    _not_empty(
        data,
        "name",
        "starts_on",
        "ends_on",
        "target_activities",
        "target_volunteers",
        "target_hours",
    )
    _blank_for_none(data, "description")
    targets = _targets(data.pop("targets", None))
    return services.campaign_update(actor=user, campaign=campaign, targets=targets, **data)


# --- activities -------------------------------------------------------------------------------


@router.get(
    "/outcome-types",
    response={200: list[OutcomeTypeOut], **ERRORS},
    summary="Outcome figures and their units, optionally those offered for one category",
)
def outcome_types(request: HttpRequest, category: str = "") -> list[OutcomeType]:
    return [
        t
        for t in OutcomeType.objects.all()
        if not category or not t.categories or category in t.categories
    ]


@router.get("", response={200: list[ActivityOut], **ERRORS})
@paginate(LimitOffsetPagination)
def activities(request: HttpRequest, status: str = "", category: str = "", q: str = "") -> Any:
    return selectors.activity_list(
        user=user_of(request), status=status, category=category, search=q
    ).order_by("starts_at", "id")


@router.get("/mine", response={200: list[SignUpOut], **ERRORS})
def mine(request: HttpRequest) -> Any:
    return list(selectors.my_signups(user=user_of(request)))


@router.get("/{activity_id}", response={200: ActivityOut, **ERRORS})
def activity(request: HttpRequest, activity_id: int) -> Activity:
    return selectors.access_activity(user_of(request), activity_id)


def _placement(user: Any, data: dict[str, Any]) -> None:
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
    _aware(starts_at=payload.starts_at, ends_at=payload.ends_at)
    organization = access_organization(user, data.pop("organization_id"))
    data["category"] = Category(data["category"]).value
    _placement(user, data)
    activity = services.activity_create(actor=user, organization=organization, **data)
    return Status(201, activity)


@router.patch("/{activity_id}", response={200: ActivityOut, **ERRORS}, summary="Change fields")
def activity_update(request: HttpRequest, activity_id: int, payload: ActivityPatch) -> Activity:
    user = user_of(request)
    activity = selectors.access_activity(user, activity_id)
    data = payload.dict(exclude_unset=True)
    _not_empty(
        data,
        "title",
        "category",
        "place",
        "starts_at",
        "ends_at",
        "region_code",
        "insurance_required",
    )
    _blank_for_none(data, "description", "risk_disclosure", "contact_name")
    _aware(starts_at=data.get("starts_at"), ends_at=data.get("ends_at"))
    if "category" in data:
        data["category"] = Category(data["category"]).value
    _placement(user, data)
    return services.activity_update(actor=user, activity=activity, **data)


@router.post(
    "/{activity_id}/status",
    response={200: ActivityOut, **ERRORS},
    summary="Publish, start, finish or cancel (cancelling needs a reason)",
)
def activity_status(request: HttpRequest, activity_id: int, payload: ActivityStatusIn) -> Activity:
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
def outcomes(request: HttpRequest, activity_id: int) -> list[dict[str, Any]]:
    user = user_of(request)
    found = selectors.access_activity(user, activity_id)
    return [outcome_out(o) for o in selectors.outcome_list(user=user, activity=found)]


@router.post(
    "/{activity_id}/outcomes",
    response={201: OutcomeOut, **ERRORS},
    summary="Record an outcome figure for the activity or one of its shifts",
)
def outcome_record(
    request: HttpRequest, activity_id: int, payload: OutcomeIn
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


# --- shifts -----------------------------------------------------------------------------------


@router.get("/{activity_id}/shifts", response={200: list[ShiftOut], **ERRORS})
def shifts(request: HttpRequest, activity_id: int) -> Any:
    found = selectors.access_activity(user_of(request), activity_id)
    return [shift_out(s) for s in selectors.shift_list(user=user_of(request), activity=found)]


@router.post("/{activity_id}/shifts", response={201: ShiftOut, **ERRORS}, summary="Add a shift")
def shift_create(request: HttpRequest, activity_id: int, payload: ShiftIn) -> Status[Any]:
    user = user_of(request)
    activity = selectors.access_activity(user, activity_id)
    _aware(starts_at=payload.starts_at, ends_at=payload.ends_at)
    shift = services.shift_create(
        actor=user,
        activity=activity,
        post=payload.post,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        min_people=payload.min_people,
        wanted_people=payload.wanted_people,
        max_people=payload.max_people,
        requirements=_requirements(payload.requirements),
        notes=payload.notes,
    )
    return Status(201, shift_out(shift))


@router.post(
    "/{activity_id}/shifts/series",
    response={201: list[ShiftOut], **ERRORS},
    summary="Add recurring shifts: weekly, or a round-the-clock rotation",
)
def shift_series_create(request: HttpRequest, activity_id: int, payload: SeriesIn) -> Status[Any]:
    user = user_of(request)
    activity = selectors.access_activity(user, activity_id)
    windows = services.series_windows(
        kind=payload.kind,
        first_day=payload.first_day,
        start=payload.start,
        weekdays=payload.weekdays,
        last_day=payload.last_day,
        end=payload.end,
        shifts_per_day=payload.shifts_per_day,
        days=payload.days,
    )
    shifts = services.shift_series_create(
        actor=user,
        activity=activity,
        template=services.ShiftTemplate(
            post=payload.post,
            min_people=payload.min_people,
            wanted_people=payload.wanted_people,
            max_people=payload.max_people,
            requirements=_requirements(payload.requirements),
            notes=payload.notes,
        ),
        windows=windows,
    )
    return Status(201, [shift_out(s) for s in shifts])


@router.get("/shifts/{shift_id}", response={200: ShiftOut, **ERRORS})
def shift(request: HttpRequest, shift_id: int) -> Any:
    return shift_out(selectors.access_shift(user_of(request), shift_id))


@router.patch(
    "/shifts/{shift_id}",
    response={200: ShiftOut, **ERRORS},
    summary="Change post, people, requirements or notes (the time stays)",
)
def shift_update(request: HttpRequest, shift_id: int, payload: ShiftPatch) -> Any:
    user = user_of(request)
    shift = selectors.access_shift(user, shift_id)
    data = payload.dict(exclude_unset=True)
    _not_empty(data, "post", "min_people", "wanted_people", "max_people")
    _blank_for_none(data, "notes")
    if "requirements" in data:
        data["requirements"] = _requirements(payload.requirements) or {}
    services.shift_update(actor=user, shift=shift, **data)
    return shift_out(selectors.access_shift(user, shift_id))


@router.get("/shifts/{shift_id}/check", response={200: SignUpCheckOut, **ERRORS})
def shift_check(request: HttpRequest, shift_id: int) -> Any:
    """May I sign up? With every reason when not."""
    found = selectors.access_shift(user_of(request), shift_id)
    own = volunteer_own(user=user_of(request))
    if own is None:
        raise PermissionDenied
    result = services.signup_check(found, own)
    return {"ok": result.ok, "reasons": result.reasons}


@router.post("/shifts/{shift_id}/signup", response={201: SignUpOut, **ERRORS})
def shift_signup(request: HttpRequest, shift_id: int) -> Any:
    found = selectors.access_shift(user_of(request), shift_id)
    own = volunteer_own(user=user_of(request))
    if own is None:
        raise PermissionDenied
    return Status(201, services.signup_create(actor=user_of(request), shift=found, volunteer=own))


@router.post("/signups/{signup_id}/withdraw", response={200: SignUpOut, **ERRORS})
def signup_withdraw(request: HttpRequest, signup_id: int, payload: WithdrawIn) -> SignUp:
    found = selectors.access_signup(user_of(request), signup_id)
    return services.signup_withdraw(actor=user_of(request), signup=found, reason=payload.reason)
