"""Activities endpoints: campaigns, activities, shifts, sign-up and withdraw, my shifts.
The same services, selectors and scoping as the pages."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from vetserve.activities import selectors, services
from vetserve.activities.models import Activity, Campaign, Shift, SignUp
from vetserve.api.auth import user_of
from vetserve.api.schemas import ErrorOut

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

router = Router(tags=["activities"])


class CampaignOut(Schema):
    id: int
    name: str
    organization_id: int
    starts_on: date
    ends_on: date
    target_activities: int
    target_volunteers: int
    target_hours: int


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


class CheckOut(Schema):
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


@router.get("/campaigns", response={200: list[CampaignOut], **ERRORS})
@paginate(LimitOffsetPagination)
def campaigns(request: HttpRequest) -> Any:
    return selectors.campaign_list(user=user_of(request)).order_by("id")


@router.get("/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS})
def campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    return selectors.access_campaign(user_of(request), campaign_id)


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


@router.get("/{activity_id}/shifts", response={200: list[ShiftOut], **ERRORS})
def shifts(request: HttpRequest, activity_id: int) -> Any:
    found = selectors.access_activity(user_of(request), activity_id)
    return [shift_out(s) for s in selectors.shift_list(user=user_of(request), activity=found)]


@router.get("/shifts/{shift_id}", response={200: ShiftOut, **ERRORS})
def shift(request: HttpRequest, shift_id: int) -> Any:
    return shift_out(selectors.access_shift(user_of(request), shift_id))


@router.get("/shifts/{shift_id}/check", response={200: CheckOut, **ERRORS})
def shift_check(request: HttpRequest, shift_id: int) -> Any:
    """May I sign up? With every reason when not."""
    found = selectors.access_shift(user_of(request), shift_id)
    own = services._actor_volunteer(user_of(request))
    if own is None:
        raise PermissionDenied
    result = services.signup_check(found, own)
    return {"ok": result.ok, "reasons": result.reasons}


@router.post("/shifts/{shift_id}/signup", response={201: SignUpOut, **ERRORS})
def shift_signup(request: HttpRequest, shift_id: int) -> Any:
    found = selectors.access_shift(user_of(request), shift_id)
    own = services._actor_volunteer(user_of(request))
    if own is None:
        raise PermissionDenied
    return Status(201, services.signup_create(actor=user_of(request), shift=found, volunteer=own))


@router.post("/signups/{signup_id}/withdraw", response={200: SignUpOut, **ERRORS})
def signup_withdraw(request: HttpRequest, signup_id: int, payload: WithdrawIn) -> SignUp:
    found = selectors.access_signup(user_of(request), signup_id)
    return services.signup_withdraw(actor=user_of(request), signup=found, reason=payload.reason)
