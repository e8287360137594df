"""Ledger endpoints: the entries in scope, one entry, a leader's entry by hand, a correction, a
confirmation, and one's own balance. Every list and object is scoped like the pages."""

from datetime import date, datetime
from typing import Annotated, Any

from django.http import FileResponse, Http404, HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import StringConstraints

from vetserve.activities.selectors import access_activity
from vetserve.core.access import CHANGE
from vetserve.core.api import (
    ERRORS,
    ID_MAX,
    Day,
    Flag,
    Id,
    MappedRows,
    Paged,
    PathId,
    Payload,
    QueryId,
    one_of,
    user_of,
)
from vetserve.ledger.models import (
    CONTENT_MAX,
    ENTRY_MINUTES,
    EVIDENCE_MAX,
    HAND_MINUTES,
    REASON_MAX,
    ClaimState,
    HoursClaim,
    LedgerEntry,
    Source,
)
from vetserve.ledger.selectors import (
    access_claim,
    access_entry,
    claim_list,
    claimable_activity,
    ledger_list,
    volunteer_balance,
)
from vetserve.ledger.services import (
    hours_claim_decide,
    hours_claim_submit,
    ledger_entry_confirm,
    ledger_entry_correct,
    ledger_entry_record,
)
from vetserve.people.selectors import access_volunteer, volunteer_own

router = Router(tags=["ledger"])


class LedgerEntryOut(Schema):
    id: int
    organization_id: int
    seq: int
    volunteer_id: int
    volunteer_name: str
    activity_id: int | None
    attendance_id: int | None
    refers_to_id: int | None
    source: str
    activity_name: str
    service_date: date
    place: str
    content: str
    organizing_unit: str
    person_in_charge: str
    category: str
    minutes: int
    reason: str
    recorded_by: str
    recorded_at: datetime
    confirmed: bool
    hash: str
    prev_hash: str


def entry_out(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "organization_id": entry.organization_id,
        "seq": entry.seq,
        "volunteer_id": entry.volunteer_id,
        "volunteer_name": entry.volunteer.name,
        "activity_id": entry.activity_id,
        "attendance_id": entry.attendance_id,
        "refers_to_id": entry.refers_to_id,
        "source": entry.source,
        "activity_name": entry.activity_name,
        "service_date": entry.service_date,
        "place": entry.place,
        "content": entry.content,
        "organizing_unit": entry.organizing_unit,
        "person_in_charge": entry.person_in_charge,
        "category": entry.category,
        "minutes": entry.minutes,
        "reason": entry.reason,
        "recorded_by": entry.recorded_by_name,
        "recorded_at": entry.recorded_at,
        "confirmed": bool(getattr(entry, "confirmed", False)),
        "hash": entry.hash,
        "prev_hash": entry.prev_hash,
    }


class LedgerEntryFilter(Schema):
    organization_id: QueryId | None = None
    volunteer_id: QueryId | None = None
    source: Annotated[Source, one_of(Source)] | None = None
    date_from: Day | None = None
    date_to: Day | None = None


@router.get(
    "/entries", response={200: list[LedgerEntryOut], **ERRORS}, summary="Ledger entries I may see"
)
@paginate(Paged)
def entries_get(request: HttpRequest, filters: Query[LedgerEntryFilter]) -> list[dict[str, Any]]:
    qs = ledger_list(
        user=user_of(request),
        organization_id=filters.organization_id,
        volunteer_id=filters.volunteer_id,
        source=filters.source or "",
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    return MappedRows(qs, entry_out)  # type: ignore[return-value]


@router.get("/entries/{entry_id}", response={200: LedgerEntryOut, **ERRORS}, summary="One entry")
def entry_get(request: HttpRequest, entry_id: PathId) -> dict[str, Any]:
    return entry_out(access_entry(user_of(request), entry_id))


class LedgerEntryIn(Payload):
    volunteer_id: Id
    activity_id: Id
    service_date: Day
    minutes: int = Field(..., ge=HAND_MINUTES.low, le=HAND_MINUTES.high, strict=True)
    content: Annotated[str, StringConstraints(max_length=CONTENT_MAX)] = ""
    back_entry: Flag = False
    reason: Annotated[str, StringConstraints(max_length=REASON_MAX)] = ""


@router.post(
    "/entries",
    response={201: LedgerEntryOut, **ERRORS},
    summary="Record hours by hand (a leader); waits for confirmation by someone else",
)
def entries_post(request: HttpRequest, payload: LedgerEntryIn) -> Status[dict[str, Any]]:
    user = user_of(request)
    entry = ledger_entry_record(
        actor=user,
        volunteer=access_volunteer(user, payload.volunteer_id),
        activity=access_activity(user, payload.activity_id, CHANGE),
        service_date=payload.service_date,
        minutes=payload.minutes,
        content=payload.content,
        back_entry=payload.back_entry,
        reason=payload.reason,
    )
    return Status(201, entry_out(access_entry(user, entry.pk)))


class LedgerCorrectionIn(Payload):
    minutes: int = Field(
        ..., ge=0, le=ENTRY_MINUTES.high, strict=True, description="The record's minutes in all"
    )
    reason: Annotated[str, StringConstraints(min_length=1, max_length=REASON_MAX)]


@router.post(
    "/entries/{entry_id}/corrections",
    response={201: LedgerEntryOut, **ERRORS},
    summary="Correct a record: a new entry with the difference and a reason",
)
def entry_correct(
    request: HttpRequest, entry_id: PathId, payload: LedgerCorrectionIn
) -> Status[dict[str, Any]]:
    user = user_of(request)
    correction = ledger_entry_correct(
        actor=user,
        entry=access_entry(user, entry_id, CHANGE),
        minutes=payload.minutes,
        reason=payload.reason,
    )
    return Status(201, entry_out(access_entry(user, correction.pk)))


@router.post(
    "/entries/{entry_id}/confirmation",
    response={201: LedgerEntryOut, **ERRORS},
    summary="Confirm an entry for the organizing unit (never by its recorder)",
)
def entry_confirm(request: HttpRequest, entry_id: PathId) -> Status[dict[str, Any]]:
    user = user_of(request)
    # Seen but not theirs to confirm: 403 from the service; not seen: 404.
    confirmation = ledger_entry_confirm(actor=user, entry=access_entry(user, entry_id))
    return Status(201, entry_out(access_entry(user, confirmation.pk)))


class LedgerBalanceOut(Schema):
    volunteer_id: int
    total_minutes: int
    confirmed_minutes: int
    entries: int
    by_year: dict[int, int]
    by_category: dict[str, int]
    by_organization: dict[int, int]


@router.get("/me/balance", response={200: LedgerBalanceOut, **ERRORS}, summary="My service hours")
def my_balance(request: HttpRequest) -> dict[str, Any]:
    user = user_of(request)
    volunteer = volunteer_own(user=user)
    if volunteer is None:
        raise Http404
    balance = volunteer_balance(user=user, volunteer=volunteer)
    return {
        "volunteer_id": volunteer.pk,
        "total_minutes": balance.total,
        "confirmed_minutes": balance.confirmed,
        "entries": balance.entries,
        "by_year": balance.by_year,
        "by_category": balance.by_category,
        "by_organization": balance.by_organization,
    }


# --- claims of missed hours --------------------------------------------------------------------


class HoursClaimOut(Schema):
    id: int
    volunteer_id: int
    volunteer_name: str
    activity_id: int
    activity_title: str
    organization_id: int
    service_date: date
    minutes: int
    evidence: str
    state: str
    created_at: datetime
    decided_at: datetime | None
    decision_note: str
    entry_id: int | None
    has_photo: bool = Field(description="A photo is attached: GET /claims/{id}/photo")


def claim_out(claim: HoursClaim) -> dict[str, Any]:
    return {
        "id": claim.pk,
        "volunteer_id": claim.volunteer_id,
        "volunteer_name": claim.volunteer.name,
        "activity_id": claim.activity_id,
        "activity_title": claim.activity.title,
        "organization_id": claim.organization_id,
        "service_date": claim.service_date,
        "minutes": claim.minutes,
        "evidence": claim.evidence,
        "state": claim.state,
        "created_at": claim.created_at,
        "decided_at": claim.decided_at,
        "decision_note": claim.decision_note,
        "entry_id": claim.entry_id,
        "has_photo": bool(claim.photo),
    }


class HoursClaimFilter(Schema):
    state: Annotated[ClaimState, one_of(ClaimState)] | None = None


@router.get(
    "/claims", response={200: list[HoursClaimOut], **ERRORS}, summary="Hours claims I may see"
)
@paginate(Paged)
def claims_get(request: HttpRequest, filters: Query[HoursClaimFilter]) -> list[dict[str, Any]]:
    qs = claim_list(user=user_of(request), state=filters.state or "")
    return MappedRows(qs, claim_out)  # type: ignore[return-value]


@router.get("/claims/{claim_id}", response={200: HoursClaimOut, **ERRORS}, summary="One claim")
def claim_get(request: HttpRequest, claim_id: PathId) -> dict[str, Any]:
    return claim_out(access_claim(user_of(request), claim_id))


class HoursClaimIn(Payload):
    activity_id: Id
    service_date: Day
    minutes: int = Field(..., ge=HAND_MINUTES.low, le=HAND_MINUTES.high, strict=True)
    evidence: Annotated[str, StringConstraints(min_length=1, max_length=EVIDENCE_MAX)]


@router.post(
    "/me/claims",
    response={201: HoursClaimOut, **ERRORS},
    summary="Claim missed hours (a volunteer); waits for the organizing unit",
)
def claims_post(request: HttpRequest, payload: HoursClaimIn) -> Status[dict[str, Any]]:
    user = user_of(request)
    volunteer = volunteer_own(user=user)
    if volunteer is None:
        raise Http404
    claim = hours_claim_submit(
        actor=user,
        volunteer=volunteer,
        activity=claimable_activity(volunteer=volunteer, activity_id=payload.activity_id),
        service_date=payload.service_date,
        minutes=payload.minutes,
        evidence=payload.evidence,
    )
    return Status(201, claim_out(access_claim(user, claim.pk)))


class HoursClaimFormIn(Schema):
    """The same claim as a multipart form, for a photo beside it (as the claim page takes).
    Form fields arrive as text: numbers by their bounds, not the strict body types."""

    activity_id: int = Field(..., ge=1, le=ID_MAX)
    service_date: Day
    minutes: int = Field(..., ge=HAND_MINUTES.low, le=HAND_MINUTES.high)
    evidence: Annotated[str, StringConstraints(min_length=1, max_length=EVIDENCE_MAX)]


@router.post(
    "/me/claims/with-photo",
    response={201: HoursClaimOut, **ERRORS},
    summary="Claim missed hours with a photo as evidence (multipart: the fields and photo)",
)
def claims_post_with_photo(
    request: HttpRequest,
    payload: Form[HoursClaimFormIn],
    photo: File[UploadedFile],
) -> Status[dict[str, Any]]:
    user = user_of(request)
    volunteer = volunteer_own(user=user)
    if volunteer is None:
        raise Http404
    claim = hours_claim_submit(
        actor=user,
        volunteer=volunteer,
        activity=claimable_activity(volunteer=volunteer, activity_id=payload.activity_id),
        service_date=payload.service_date,
        minutes=payload.minutes,
        evidence=payload.evidence,
        photo=photo,
    )
    return Status(201, claim_out(access_claim(user, claim.pk)))


@router.get(
    "/claims/{claim_id}/photo",
    response={200: None, **ERRORS},
    summary="A claim's photo, to those who may see the claim",
)
def claim_photo_get(request: HttpRequest, claim_id: PathId) -> FileResponse:
    claim = access_claim(user_of(request), claim_id)
    if not claim.photo:
        raise Http404
    name = (claim.photo.name or "photo").rsplit("/", 1)[-1]
    return FileResponse(claim.photo.open("rb"), filename=name)


class ClaimDecisionIn(Payload):
    approve: Flag
    note: Annotated[str, StringConstraints(max_length=REASON_MAX)] = ""


@router.post(
    "/claims/{claim_id}/decision",
    response={200: HoursClaimOut, **ERRORS},
    summary="Approve or reject a claim for the organizing unit (never by the claimant)",
)
def claim_decide(
    request: HttpRequest, claim_id: PathId, payload: ClaimDecisionIn
) -> dict[str, Any]:
    user = user_of(request)
    # Seen but not theirs to decide: 403 from the service; not seen: 404.
    claim = hours_claim_decide(
        actor=user, claim=access_claim(user, claim_id), approve=payload.approve, note=payload.note
    )
    return claim_out(access_claim(user, claim.pk))
