"""Shift and sign-up endpoints: an activity's shifts, one shift or a recurring series, change a
shift, may-I-sign-up, sign up and withdraw."""

from datetime import datetime, time
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from vetserve.activities import selectors, services
from vetserve.activities.api.common import Name, NonNegative, aware, blank_for_none, not_empty
from vetserve.activities.models import Shift, SignUp
from vetserve.core.api import (
    ERRORS,
    Age,
    Day,
    Days,
    Flag,
    Id,
    Moment,
    Note,
    PathId,
    Payload,
    user_of,
)
from vetserve.people.selectors import volunteer_own

router = Router(tags=["activities"])

# A skill id with its minimum level; a group of qualification type ids; a day of the week.
SkillPair = Annotated[list[Id], Field(min_length=2, max_length=2)]
IdGroup = Annotated[list[Id], Field(max_length=100)]
Weekday = Annotated[int, Field(ge=0, le=6, strict=True)]


class RequirementsIn(Payload):
    """Who may take the shift; checked by the one eligibility function at sign-up."""

    model_config = ConfigDict(extra="forbid")

    skills: Annotated[list[SkillPair], Field(max_length=100)] = Field(
        [], description="[skill_id, min_level] pairs"
    )
    qualification_groups: Annotated[list[IdGroup], Field(max_length=100)] = Field(
        [], description="Groups of qualification type ids; one of each group is needed"
    )
    verified_only: Flag | None = Field(None, description="Only verified qualifications count")
    min_age: Age | None = None
    max_age: Age | None = None
    health_within_days: Days | None = None
    insurance_required: Flag | None = None


def _requirements(data: RequirementsIn | None) -> dict[str, Any] | None:
    return None if data is None else data.dict(exclude_none=True)


class ShiftIn(Payload):
    post: Name
    starts_at: Moment = Field(description="With its offset, e.g. 2031-01-10T08:00+08:00")
    ends_at: Moment
    min_people: NonNegative = 1
    wanted_people: NonNegative = 1
    max_people: NonNegative = 1
    requirements: RequirementsIn | None = None
    notes: Annotated[str, Field(max_length=300)] = ""


class SeriesIn(Payload):
    """As the page's recurring shifts: ``weekly`` on the given weekdays from ``first_day`` to
    ``last_day``, ``start`` to ``end`` (an end before the start runs into the next day), or
    ``rotation``: ``shifts_per_day`` equal shifts round the clock for ``days`` days from
    ``first_day`` at ``start``. Dates and times are local (Asia/Shanghai)."""

    kind: Literal["weekly", "rotation"]
    post: Name
    first_day: Day
    start: time
    weekdays: Annotated[list[Weekday], Field(max_length=7)] = Field(
        [], description="weekly: 0 = Monday … 6 = Sunday"
    )
    last_day: Day | None = Field(None, description="weekly")
    end: time | None = Field(None, description="weekly")
    # Bounded so that a typo cannot make millions of windows before the service's own cap.
    shifts_per_day: int | None = Field(None, ge=1, le=48, description="rotation: 1, 2, 3, 4, 6 …")
    days: int | None = Field(None, ge=1, le=1000, description="rotation")
    min_people: NonNegative = 1
    wanted_people: NonNegative = 1
    max_people: NonNegative = 1
    requirements: RequirementsIn | None = None
    notes: Annotated[str, Field(max_length=300)] = ""


class ShiftPatch(Payload):
    """Only the fields given change. The time window stays: people planned around it."""

    model_config = ConfigDict(extra="forbid")

    post: Name | None = None
    min_people: NonNegative | None = None
    wanted_people: NonNegative | None = None
    max_people: NonNegative | None = None
    requirements: RequirementsIn | None = Field(None, description="null clears them")
    notes: Annotated[str, Field(max_length=300)] | None = None


class ShiftOut(Schema):
    id: int
    activity_id: PathId
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
    shift_id: PathId
    volunteer_id: int
    state: str
    waitlist_position: int | None


class SignUpCheckOut(Schema):
    ok: bool
    reasons: list[str]


class WithdrawIn(Payload):
    reason: Note = ""


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


@router.get("/{activity_id}/shifts", response={200: list[ShiftOut], **ERRORS})
def shifts(request: HttpRequest, activity_id: PathId) -> Any:
    found = selectors.access_activity(user_of(request), activity_id)
    return [shift_out(s) for s in selectors.shift_list(user=user_of(request), activity=found)]


@router.post("/{activity_id}/shifts", response={201: ShiftOut, **ERRORS}, summary="Add a shift")
def shift_create(request: HttpRequest, activity_id: PathId, payload: ShiftIn) -> Status[Any]:
    user = user_of(request)
    activity = selectors.access_activity(user, activity_id)
    aware(starts_at=payload.starts_at, ends_at=payload.ends_at)
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
def shift_series_create(
    request: HttpRequest, activity_id: PathId, payload: SeriesIn
) -> Status[Any]:
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
def shift(request: HttpRequest, shift_id: PathId) -> Any:
    return shift_out(selectors.access_shift(user_of(request), shift_id))


@router.patch(
    "/shifts/{shift_id}",
    response={200: ShiftOut, **ERRORS},
    summary="Change post, people, requirements or notes (the time stays)",
)
def shift_update(request: HttpRequest, shift_id: PathId, payload: ShiftPatch) -> Any:
    user = user_of(request)
    shift = selectors.access_shift(user, shift_id)
    data = payload.dict(exclude_unset=True)
    not_empty(data, "post", "min_people", "wanted_people", "max_people")
    blank_for_none(data, "notes")
    if "requirements" in data:
        data["requirements"] = _requirements(payload.requirements) or {}
    services.shift_update(actor=user, shift=shift, **data)
    return shift_out(selectors.access_shift(user, shift_id))


@router.get("/shifts/{shift_id}/check", response={200: SignUpCheckOut, **ERRORS})
def shift_check(request: HttpRequest, shift_id: PathId) -> Any:
    """May I sign up? With every reason when not."""
    found = selectors.access_shift(user_of(request), shift_id)
    own = volunteer_own(user=user_of(request))
    if own is None:
        raise PermissionDenied
    result = services.signup_check(found, own)
    return {"ok": result.ok, "reasons": result.reasons}


@router.post("/shifts/{shift_id}/signup", response={201: SignUpOut, **ERRORS})
def shift_signup(request: HttpRequest, shift_id: PathId) -> Any:
    found = selectors.access_shift(user_of(request), shift_id)
    own = volunteer_own(user=user_of(request))
    if own is None:
        raise PermissionDenied
    return Status(201, services.signup_create(actor=user_of(request), shift=found, volunteer=own))


@router.post("/signups/{signup_id}/withdraw", response={200: SignUpOut, **ERRORS})
def signup_withdraw(request: HttpRequest, signup_id: PathId, payload: WithdrawIn) -> SignUp:
    found = selectors.access_signup(user_of(request), signup_id)
    return services.signup_withdraw(actor=user_of(request), signup=found, reason=payload.reason)
