"""Proofs in the API: the proofs in scope, one proof, issuing and revoking, and the public
check of a proof's QR code (no authentication, throttled like the page)."""

from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from vetserve.core.api import (
    ERRORS,
    URL_TOO_LONG,
    Day,
    ErrorOut,
    Id,
    MappedRows,
    Paged,
    PathId,
    Payload,
    QueryId,
    Year,
    one_of,
    user_of,
)
from vetserve.people.selectors import access_volunteer
from vetserve.proofs.keys import ProofKeysMissing
from vetserve.proofs.models import LINES_MAX, REASON_MAX, Proof, Scope
from vetserve.proofs.selectors import access_proof, proof_list, proof_recording_units, proof_verify
from vetserve.proofs.services import proof_download_record, proof_issue, proof_revoke
from vetserve.proofs.views import (
    proof_document,
    proof_verify_throttled_message,
    proof_verify_url,
    proof_verify_wait,
)

router = Router(tags=["proofs"])


class ProofLineOut(Schema):
    activity: str
    minutes: int
    records: int


class ProofOut(Schema):
    id: int
    number: str
    volunteer_id: int
    volunteer_name: str
    badge_number: str
    organization_id: int
    unit_name: str
    person_in_charge: str
    scope: str = Field(description="all, year, range or activities")
    year: int | None
    date_from: date | None
    date_to: date | None
    minutes: int
    confirmed_minutes: int
    entries: int
    lines: list[ProofLineOut]
    content: str
    issued_at: datetime
    revoked_at: datetime | None
    revoke_reason: str
    verify_url: str = Field(description="The address in the proof's QR code")


class ProofIssueIn(Payload):
    volunteer_id: Id
    organization_id: Id = Field(description="The recording unit: one that recorded their hours")
    scope: Annotated[Scope, one_of(Scope)] = Scope.ALL
    year: Year | None = None
    date_from: Day | None = None
    date_to: Day | None = None
    activity_ids: list[Id] = Field(default_factory=list, max_length=200)


class ProofRevokeIn(Payload):
    reason: Annotated[str, StringConstraints(max_length=REASON_MAX)]


class ProofFilter(Schema):
    volunteer: QueryId | None = None
    state: Annotated[str, StringConstraints(pattern="^(valid|revoked)$")] | None = None


class ProofVerifyOut(Schema):
    state: str = Field(description="valid, revoked or not_genuine")
    valid: bool
    number: str
    name: str = Field(description="Masked: 王*国")
    hours: str
    issuer: str
    issued_on: date | None


VerifyCode = Annotated[str, StringConstraints(max_length=1000)]


def proof_out(request: HttpRequest, proof: Proof) -> dict[str, Any]:
    return {
        "id": proof.pk,
        "number": proof.number,
        "volunteer_id": proof.volunteer_id,
        "volunteer_name": proof.volunteer.name,
        "badge_number": proof.badge_number,
        "organization_id": proof.organization_id,
        "unit_name": proof.unit_name,
        "person_in_charge": proof.person_in_charge,
        "scope": proof.scope,
        "year": proof.year,
        "date_from": proof.date_from,
        "date_to": proof.date_to,
        "minutes": proof.minutes,
        "confirmed_minutes": proof.confirmed_minutes,
        "entries": proof.entries,
        "lines": [
            {"activity": name, "minutes": minutes, "records": records}
            for name, minutes, records in proof.lines[:LINES_MAX]
        ],
        "content": proof.content,
        "issued_at": proof.issued_at,
        "revoked_at": proof.revoked_at,
        "revoke_reason": proof.revoke_reason,
        "verify_url": proof_verify_url(request, proof),
    }


@router.get("/proofs", response={200: list[ProofOut], **ERRORS}, summary="Proofs I may see")
@paginate(Paged)
def proofs_list(request: HttpRequest, filters: Query[ProofFilter]) -> list[dict[str, Any]]:
    user = user_of(request)
    volunteer = access_volunteer(user, filters.volunteer) if filters.volunteer else None
    qs = proof_list(user=user, volunteer=volunteer, state=filters.state or "")
    return MappedRows(qs, lambda proof: proof_out(request, proof))  # type: ignore[return-value]


@router.get("/proofs/{proof_id}", response={200: ProofOut, **ERRORS}, summary="One proof")
def proofs_get(request: HttpRequest, proof_id: PathId) -> dict[str, Any]:
    return proof_out(request, access_proof(user_of(request), proof_id))


@router.get(
    "/proofs/{proof_id}/pdf",
    response={200: None, **ERRORS, 503: ErrorOut},
    summary="The proof's signed PDF",
    description="application/pdf, signed (PAdES) with the deployment's key; each download is "
    "audited. A revoked proof (or one of an erased person) answers 409 `revoked`; 503 "
    "`signing_key_missing` until the operator ran `vetserve proof-keys`.",
)
def proofs_pdf(request: HttpRequest, proof_id: PathId) -> Any:
    user = user_of(request)
    proof = access_proof(user, proof_id)
    if not proof.is_valid or proof.volunteer.is_erased:
        return Status(
            409, {"code": "revoked", "message": _("Only a valid proof can be downloaded.")}
        )
    try:
        data = proof_document(request, proof)
    except ProofKeysMissing:
        message = _(
            "The signing key is not set up yet; ask the operator to run “vetserve proof-keys”."
        )
        return Status(503, {"code": "signing_key_missing", "message": message})
    proof_download_record(actor=user, proof=proof)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="proof-{proof.number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@router.post("/proofs", response={201: ProofOut, **ERRORS}, summary="Issue a proof of service")
def proofs_issue(request: HttpRequest, payload: ProofIssueIn) -> Status[dict[str, Any]]:
    user = user_of(request)
    volunteer = access_volunteer(user, payload.volunteer_id)
    unit = proof_recording_units(volunteer).filter(pk=payload.organization_id).first()
    if unit is None:
        raise ValidationError(
            {"organization_id": _("This unit recorded no hours of this volunteer.")}
        )
    proof = proof_issue(
        actor=user,
        volunteer=volunteer,
        organization=unit,
        scope=payload.scope,
        year=payload.year,
        date_from=payload.date_from,
        date_to=payload.date_to,
        activity_ids=list(payload.activity_ids),
    )
    return Status(201, proof_out(request, proof))


@router.post("/proofs/{proof_id}/revoke", response={200: ProofOut, **ERRORS}, summary="Revoke")
def proofs_revoke(request: HttpRequest, proof_id: PathId, payload: ProofRevokeIn) -> dict[str, Any]:
    user = user_of(request)
    proof = proof_revoke(actor=user, proof=access_proof(user, proof_id), reason=payload.reason)
    return proof_out(request, proof)


@router.get(
    "/public/proofs/verify",
    response={200: ProofVerifyOut, 400: ErrorOut, 422: ErrorOut, 429: ErrorOut, **URL_TOO_LONG},
    auth=None,
    summary="Public: check a proof of service's QR code (no authentication)",
    description="`code` is the token from the QR code or the whole scanned address. Forged, "
    "altered and unknown codes all answer `not_genuine`. At most PROOF_VERIFY_PER_MINUTE "
    "checks a minute per address (the page's and the API's together), then 429 `throttled`.",
)
def proofs_verify(request: HttpRequest, code: VerifyCode) -> Any:
    wait = proof_verify_wait(request)
    if wait:
        return Status(429, {"code": "throttled", "message": proof_verify_throttled_message(wait)})
    result = proof_verify(code=code)
    return {
        "state": result.state,
        "valid": result.is_valid,
        "number": result.number,
        "name": result.masked_name,
        "hours": result.hours,
        "issuer": result.issuer,
        "issued_on": result.issued_on,
    }
