"""Dispatch in the API, under /api/v1/dispatch/: call-outs in scope, one call-out's board,
creating one (new shifts or existing ones), running the engine, editing its proposal, sending
invitations, closing; one's own availability and invitations, and answering one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from vetserve.activities.models import PEOPLE_PER_SHIFT, Category
from vetserve.activities.selectors import access_shift
from vetserve.core.access import CHANGE, VIEW
from vetserve.core.api import (
    ERRORS,
    Flag,
    Id,
    Latitude,
    Longitude,
    MappedRows,
    Moment,
    Paged,
    PathId,
    Payload,
    one_of,
    user_of,
)
from vetserve.dispatch.models import (
    ANSWER_MINUTES,
    NOTE_MAX,
    TITLE_MAX,
    WEEKLY_MASK,
    CallOut,
    Invitation,
    ProposalLine,
)
from vetserve.dispatch.selectors import (
    access_callout,
    access_line,
    access_my_invitation,
    availability_of,
    callout_board,
    callout_list,
    my_invitations,
)
from vetserve.dispatch.services import (
    ShiftSpec,
    availability_set,
    callout_close,
    callout_create,
    callout_from_shifts,
    invitation_answer,
    invitations_send,
    line_promote,
    line_remove,
    proposal_run,
    unavailability_add,
)
from vetserve.dispatch.wording import reason_words
from vetserve.orgs.selectors import access_organization
from vetserve.people.selectors import access_volunteer, volunteer_own
from vetserve.regions.selectors import access_region

router = Router(tags=["dispatch"])

People = Annotated[int, Field(ge=PEOPLE_PER_SHIFT.low, le=PEOPLE_PER_SHIFT.high, strict=True)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=TITLE_MAX)]
Post = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Place = Annotated[str, StringConstraints(min_length=1, max_length=200)]
DispatchNote = Annotated[str, StringConstraints(max_length=NOTE_MAX)]
AnswerMinutes = Annotated[int, Field(ge=ANSWER_MINUTES.low, le=ANSWER_MINUTES.high, strict=True)]
Mask = Annotated[int, Field(ge=WEEKLY_MASK.low, le=WEEKLY_MASK.high, strict=True)]


class CallOutOut(Schema):
    id: int
    title: str
    region_id: int
    organization_id: int
    activity_id: int
    emergency: bool
    widen: bool
    answer_minutes: int
    state: str


class ProposalLineOut(Schema):
    id: int
    shift_id: int
    volunteer_id: int | None
    volunteer_name: str
    kind: str = Field(description="assigned, reserve, unfilled or removed")
    rank: int
    missing: int
    reasons: list[str] = Field(description="The engine's reasons, in words")


class InvitationOut(Schema):
    id: int
    callout_id: int
    shift_id: int
    volunteer_id: int
    volunteer_name: str
    state: str
    sms_state: str
    sms_error: str
    sent_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    note: str


class CallOutShiftOut(Schema):
    shift_id: int
    post: str
    starts_at: datetime
    ends_at: datetime
    min_people: int
    wanted_people: int
    max_people: int
    confirmed: int


class CallOutBoardOut(Schema):
    callout: CallOutOut
    proposal_id: int | None
    proposal_status: str
    solve_ms: int | None
    shifts: list[CallOutShiftOut]
    lines: list[ProposalLineOut]
    invitations: list[InvitationOut]


class CallOutShiftIn(Payload):
    post: Post
    starts_at: Moment
    ends_at: Moment
    min_people: People
    wanted_people: People
    max_people: People
    requirements: dict[str, Any] | None = Field(
        None, description="As a shift's requirements in the activities API"
    )


class CallOutIn(Payload):
    title: Title
    organization_id: Id
    region_code: Annotated[str, StringConstraints(pattern=r"^\d{6,12}$")] = Field(
        description="The region's official code (6 or 9 digits: county or township)"
    )
    place: Place
    category: Annotated[Category, one_of(Category)] = Category.OTHER
    lat: Latitude | None = None
    lon: Longitude | None = None
    emergency: Flag = False
    widen: Flag = True
    answer_minutes: AnswerMinutes | None = None
    shifts: list[CallOutShiftIn] = Field(default_factory=list, max_length=200)
    shift_ids: list[Id] = Field(
        default_factory=list, max_length=200, description="Existing shifts instead of new ones"
    )


class ProposalLineIn(Payload):
    line_id: Id
    action: Annotated[str, StringConstraints(pattern="^(remove|add)$")]


class InvitationAnswerIn(Payload):
    accept: Flag


class AvailabilityOut(Schema):
    weekly_mask: int = Field(
        description="Bit weekday*4+part: Monday=0; night, morning, afternoon, evening"
    )
    emergency_reachable: bool
    declared: bool


class AvailabilityIn(Payload):
    weekly_mask: Mask
    emergency_reachable: Flag


class UnavailabilityIn(Payload):
    starts_at: Moment
    ends_at: Moment
    note: DispatchNote = ""


def callout_out(callout: CallOut) -> dict[str, Any]:
    return {
        "id": callout.pk,
        "title": callout.title,
        "region_id": callout.region_id,
        "organization_id": callout.organization_id,
        "activity_id": callout.activity_id,
        "emergency": callout.emergency,
        "widen": callout.widen,
        "answer_minutes": callout.answer_minutes,
        "state": callout.state,
    }


def line_out(line: ProposalLine) -> dict[str, Any]:
    return {
        "id": line.pk,
        "shift_id": line.shift_id,
        "volunteer_id": line.volunteer_id,
        "volunteer_name": line.volunteer.name if line.volunteer else "",
        "kind": line.kind,
        "rank": line.rank,
        "missing": line.missing,
        "reasons": reason_words(line.reasons),
    }


def invitation_out(i: Invitation) -> dict[str, Any]:
    return {
        "id": i.pk,
        "callout_id": i.callout_id,
        "shift_id": i.shift_id,
        "volunteer_id": i.volunteer_id,
        "volunteer_name": i.volunteer.name,
        "state": i.state,
        "sms_state": i.sms_state,
        "sms_error": i.sms_error,
        "sent_at": i.sent_at,
        "expires_at": i.expires_at,
        "answered_at": i.answered_at,
        "note": i.note,
    }


def board_out(callout: CallOut) -> dict[str, Any]:
    board = callout_board(callout)
    lines = [
        line for s in board.shifts for line in (*s.unfilled, *s.assigned, *s.reserves, *s.removed)
    ]
    return {
        "callout": callout_out(callout),
        "proposal_id": board.proposal.pk if board.proposal else None,
        "proposal_status": board.proposal.status if board.proposal else "",
        "solve_ms": board.proposal.solve_ms if board.proposal else None,
        "shifts": [
            {
                "shift_id": s.shift.pk,
                "post": s.shift.post,
                "starts_at": s.shift.starts_at,
                "ends_at": s.shift.ends_at,
                "min_people": s.shift.min_people,
                "wanted_people": s.shift.wanted_people,
                "max_people": s.shift.max_people,
                "confirmed": s.confirmed,
            }
            for s in board.shifts
        ],
        "lines": [line_out(line) for line in lines],
        "invitations": [invitation_out(i) for s in board.shifts for i in s.invitations],
    }


@router.get("/callouts", response={200: list[CallOutOut], **ERRORS}, summary="Call-outs I may see")
@paginate(Paged)
def callouts_list(request: HttpRequest) -> list[dict[str, Any]]:
    return MappedRows(callout_list(user=user_of(request)), callout_out)  # type: ignore[return-value]


@router.get(
    "/callouts/{callout_id}",
    response={200: CallOutBoardOut, **ERRORS},
    summary="One call-out: its newest proposal with reasons, invitations and roster",
)
def callouts_get(request: HttpRequest, callout_id: PathId) -> dict[str, Any]:
    return board_out(access_callout(user_of(request), callout_id))


@router.post(
    "/callouts",
    response={201: CallOutOut, **ERRORS},
    summary="Create a call-out: new shifts, or existing shifts of one activity",
)
def callouts_create(request: HttpRequest, payload: CallOutIn) -> Status[dict[str, Any]]:
    user = user_of(request)
    if payload.shift_ids:
        shifts = [access_shift(user, pk) for pk in payload.shift_ids]
        callout = callout_from_shifts(
            actor=user,
            shifts=shifts,
            title=payload.title,
            emergency=payload.emergency,
            widen=payload.widen,
            answer_minutes=payload.answer_minutes,
        )
    else:
        callout = callout_create(
            actor=user,
            organization=access_organization(user, payload.organization_id, CHANGE),
            region=access_region(user, payload.region_code, CHANGE),
            title=payload.title,
            place=payload.place,
            category=payload.category,
            lat=payload.lat,
            lon=payload.lon,
            emergency=payload.emergency,
            widen=payload.widen,
            answer_minutes=payload.answer_minutes,
            shifts=[
                ShiftSpec(
                    post=s.post,
                    starts_at=s.starts_at,
                    ends_at=s.ends_at,
                    min_people=s.min_people,
                    wanted_people=s.wanted_people,
                    max_people=s.max_people,
                    requirements=s.requirements,
                )
                for s in payload.shifts
            ],
        )
    return Status(201, callout_out(callout))


@router.post(
    "/callouts/{callout_id}/propose",
    response={200: CallOutBoardOut, **ERRORS},
    summary="Run the engine and save its proposal with reasons",
)
def callouts_propose(request: HttpRequest, callout_id: PathId) -> dict[str, Any]:
    user = user_of(request)
    callout = access_callout(user, callout_id)
    proposal_run(actor=user, callout=callout)
    return board_out(callout)


@router.post(
    "/callouts/{callout_id}/lines",
    response={200: CallOutBoardOut, **ERRORS},
    summary="Edit the proposal: take a person off (remove) or add one from the reserve (add)",
)
def callouts_edit(
    request: HttpRequest, callout_id: PathId, payload: ProposalLineIn
) -> dict[str, Any]:
    user = user_of(request)
    callout = access_callout(user, callout_id)
    line = access_line(user, payload.line_id)
    if line.proposal.callout_id != callout.pk:
        from django.http import Http404

        raise Http404
    if payload.action == "remove":
        line_remove(actor=user, line=line)
    else:
        line_promote(actor=user, line=line)
    return board_out(callout)


@router.post(
    "/callouts/{callout_id}/invite",
    response={200: CallOutBoardOut, **ERRORS},
    summary="Invite everyone proposed (in the app and by SMS)",
)
def callouts_invite(request: HttpRequest, callout_id: PathId) -> dict[str, Any]:
    user = user_of(request)
    callout = access_callout(user, callout_id)
    invitations_send(actor=user, callout=callout)
    return board_out(callout)


@router.post(
    "/callouts/{callout_id}/close",
    response={200: CallOutOut, **ERRORS},
    summary="Close the call-out: waiting invitations are withdrawn",
)
def callouts_close(request: HttpRequest, callout_id: PathId) -> dict[str, Any]:
    user = user_of(request)
    return callout_out(callout_close(actor=user, callout=access_callout(user, callout_id)))


@router.get(
    "/me/invitations",
    response={200: list[InvitationOut], **ERRORS},
    summary="My call-out invitations",
)
@paginate(Paged)
def invitations_mine(request: HttpRequest) -> list[dict[str, Any]]:
    rows = my_invitations(user=user_of(request)).select_related("volunteer")
    return MappedRows(rows, invitation_out)  # type: ignore[return-value]


@router.post(
    "/me/invitations/{invitation_id}/answer",
    response={200: InvitationOut, **ERRORS},
    summary="Accept or decline one of my invitations (declining costs nothing)",
)
def invitations_answer(
    request: HttpRequest, invitation_id: PathId, payload: InvitationAnswerIn
) -> dict[str, Any]:
    user = user_of(request)
    answer = invitation_answer(
        invitation=access_my_invitation(user, invitation_id), accept=payload.accept, actor=user
    )
    return invitation_out(answer.invitation)


def _volunteer(request: HttpRequest, volunteer_id: int | None) -> Any:
    user = user_of(request)
    if volunteer_id is None:
        own = volunteer_own(user=user)
        if own is None:
            from django.http import Http404

            raise Http404
        return own
    return access_volunteer(user, volunteer_id, VIEW)


def _availability_out(volunteer: Any) -> dict[str, Any]:
    current = availability_of(volunteer)
    return {
        "weekly_mask": current.weekly_mask,
        "emergency_reachable": current.emergency_reachable,
        "declared": current.declared,
    }


@router.get(
    "/me/availability", response={200: AvailabilityOut, **ERRORS}, summary="When I can serve"
)
def availability_mine(request: HttpRequest) -> dict[str, Any]:
    return _availability_out(_volunteer(request, None))


@router.put(
    "/me/availability",
    response={200: AvailabilityOut, **ERRORS},
    summary="Declare when I can serve",
)
def availability_mine_set(request: HttpRequest, payload: AvailabilityIn) -> dict[str, Any]:
    volunteer = _volunteer(request, None)
    availability_set(
        actor=user_of(request),
        volunteer=volunteer,
        weekly_mask=payload.weekly_mask,
        emergency_reachable=payload.emergency_reachable,
    )
    return _availability_out(volunteer)


@router.put(
    "/volunteers/{volunteer_id}/availability",
    response={200: AvailabilityOut, **ERRORS},
    summary="Declare when a volunteer I manage can serve",
)
def availability_set_for(
    request: HttpRequest, volunteer_id: PathId, payload: AvailabilityIn
) -> dict[str, Any]:
    volunteer = _volunteer(request, volunteer_id)
    availability_set(
        actor=user_of(request),
        volunteer=volunteer,
        weekly_mask=payload.weekly_mask,
        emergency_reachable=payload.emergency_reachable,
    )
    return _availability_out(volunteer)


@router.post(
    "/me/unavailability",
    response={201: AvailabilityOut, **ERRORS},
    summary="Add a period when I cannot serve",
)
def unavailability_mine_add(
    request: HttpRequest, payload: UnavailabilityIn
) -> Status[dict[str, Any]]:
    volunteer = _volunteer(request, None)
    unavailability_add(
        actor=user_of(request),
        volunteer=volunteer,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        note=payload.note,
    )
    return Status(201, _availability_out(volunteer))


__all__ = ["_", "router"]
