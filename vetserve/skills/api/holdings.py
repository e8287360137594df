"""Skills endpoints for what volunteers hold: their qualifications (add, verify, revoke) and
skills (declare or enter, confirm)."""

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from vetserve.core.api import ERRORS, Day, Flag, MappedRows, Paged, PathId, Payload, user_of
from vetserve.people.selectors import access_volunteer
from vetserve.skills import selectors, services
from vetserve.skills.api.common import CatalogueCode, SkillLevel, by_code
from vetserve.skills.models import Qualification, QualificationType, Skill, VolunteerSkill

router = Router(tags=["skills"])


class QualificationOut(Schema):
    id: int
    volunteer_id: PathId
    type_code: str
    type_name: str
    number: str
    issuer: str
    issued_on: date | None
    expires_on: date | None = Field(description="Last valid day (Asia/Shanghai); empty: none")
    state: str = Field(description="valid, expiring, expired, unverified or revoked")
    verified_at: datetime | None
    revoked_at: datetime | None
    revoked_reason: str
    origin: str
    has_scan: bool


class QualificationIn(Payload):
    type_code: CatalogueCode
    number: Annotated[str, StringConstraints(max_length=60)] = ""
    issuer: Annotated[str, StringConstraints(max_length=100)] = ""
    issued_on: Day | None = None
    expires_on: Day | None = None
    verified: Flag = False


class RevokeIn(Payload):
    reason: Annotated[str, StringConstraints(max_length=200)]


class VolunteerSkillOut(Schema):
    id: int
    volunteer_id: PathId
    skill_code: str
    skill_name: str
    level: int
    source: str
    confirmed_at: datetime | None


class VolunteerSkillIn(Payload):
    skill_code: CatalogueCode
    level: SkillLevel = 1


class ConfirmIn(Payload):
    level: SkillLevel | None = None


def qualification_out(q: Qualification) -> dict[str, Any]:
    return {
        "id": q.pk,
        "volunteer_id": q.volunteer_id,
        "type_code": q.type.code,
        "type_name": q.type.name,
        "number": q.number,
        "issuer": q.issuer,
        "issued_on": q.issued_on,
        "expires_on": q.expires_on,
        "state": selectors.qualification_state(q),
        "verified_at": q.verified_at,
        "revoked_at": q.revoked_at,
        "revoked_reason": q.revoked_reason,
        "origin": q.origin,
        "has_scan": bool(q.scan),
    }


def volunteer_skill_out(s: VolunteerSkill) -> dict[str, Any]:
    return {
        "id": s.pk,
        "volunteer_id": s.volunteer_id,
        "skill_code": s.skill.code,
        "skill_name": s.skill.name,
        "level": s.level,
        "source": s.source,
        "confirmed_at": s.confirmed_at,
    }


# --- what a volunteer holds -------------------------------------------------------------------


@router.get(
    "/volunteers/{volunteer_id}/qualifications",
    response={200: list[QualificationOut], **ERRORS},
    summary="A volunteer's qualifications (revoked ones too)",
)
@paginate(Paged)
def qualifications_list(request: HttpRequest, volunteer_id: PathId) -> Any:
    user = user_of(request)
    volunteer = access_volunteer(user, volunteer_id)
    qs = selectors.qualification_list(user=user, volunteer=volunteer, include_revoked=True)
    return MappedRows(qs, qualification_out)


@router.post(
    "/volunteers/{volunteer_id}/qualifications",
    response={201: QualificationOut, **ERRORS},
    summary="Record a qualification (the scan is uploaded on the page)",
)
def qualifications_add(
    request: HttpRequest, volunteer_id: PathId, payload: QualificationIn
) -> Status[dict[str, Any]]:
    user = user_of(request)
    volunteer = access_volunteer(user, volunteer_id)
    data = payload.dict()
    qtype = by_code(QualificationType, data.pop("type_code"), "type_code")
    q = services.qualification_add(actor=user, volunteer=volunteer, type=qtype, **data)
    return Status(201, qualification_out(selectors.access_qualification(user, q.pk)))


@router.post(
    "/qualifications/{qualification_id}/verify",
    response={200: QualificationOut, **ERRORS},
    summary="Verified against the original",
)
def qualifications_verify(request: HttpRequest, qualification_id: PathId) -> dict[str, Any]:
    user = user_of(request)
    q = selectors.access_qualification(user, qualification_id)
    return qualification_out(services.qualification_verify(actor=user, qualification=q))


@router.post(
    "/qualifications/{qualification_id}/revoke",
    response={200: QualificationOut, **ERRORS},
    summary="Stop it counting, with a reason",
)
def qualifications_revoke(
    request: HttpRequest, qualification_id: PathId, payload: RevokeIn
) -> dict[str, Any]:
    user = user_of(request)
    q = selectors.access_qualification(user, qualification_id)
    q = services.qualification_revoke(actor=user, qualification=q, reason=payload.reason)
    return qualification_out(q)


@router.get(
    "/volunteers/{volunteer_id}/skills",
    response={200: list[VolunteerSkillOut], **ERRORS},
    summary="A volunteer's skills",
)
@paginate(Paged)
def volunteer_skills_list(request: HttpRequest, volunteer_id: PathId) -> Any:
    user = user_of(request)
    volunteer = access_volunteer(user, volunteer_id)
    return MappedRows(
        selectors.volunteer_skill_list(user=user, volunteer=volunteer), volunteer_skill_out
    )


@router.post(
    "/volunteers/{volunteer_id}/skills",
    response={201: VolunteerSkillOut, **ERRORS},
    summary="Declare (the volunteer) or record, confirmed (a manager), a skill",
)
def volunteer_skills_add(
    request: HttpRequest, volunteer_id: PathId, payload: VolunteerSkillIn
) -> Status[dict[str, Any]]:
    user = user_of(request)
    volunteer = access_volunteer(user, volunteer_id)
    row = services.volunteer_skill_grant(
        actor=user,
        volunteer=volunteer,
        skill=by_code(Skill, payload.skill_code, "skill_code"),
        level=payload.level,
    )
    return Status(201, volunteer_skill_out(row))


@router.post(
    "/volunteer-skills/{volunteer_skill_id}/confirm",
    response={200: VolunteerSkillOut, **ERRORS},
    summary="Confirm a declared or derived skill",
)
def volunteer_skills_confirm(
    request: HttpRequest, volunteer_skill_id: PathId, payload: ConfirmIn
) -> dict[str, Any]:
    user = user_of(request)
    row = selectors.access_volunteer_skill(user, volunteer_skill_id)
    row = services.volunteer_skill_confirm(actor=user, volunteer_skill=row, level=payload.level)
    return volunteer_skill_out(row)
