"""Skills endpoints: the catalogue, what volunteers hold, training, expiry and eligibility.
The same services, selectors and scoping as the pages."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from vetserve.core.access import CHANGE
from vetserve.core.api import ERRORS, MappedRows, user_of
from vetserve.orgs.selectors import access_organization
from vetserve.people.selectors import access_volunteer, volunteer_list
from vetserve.skills import selectors, services
from vetserve.skills.eligibility import Requirement
from vetserve.skills.models import (
    Course,
    Enrolment,
    MilitarySpecialtyMapping,
    Qualification,
    QualificationType,
    Skill,
    TrainingSession,
    VolunteerSkill,
)

# At most this many volunteers in one eligibility call (the page caps its list the same way).
CHECK_LIMIT = 5000

router = Router(tags=["skills"])


# --- schemas ----------------------------------------------------------------------------------


class SkillOut(Schema):
    id: int
    code: str
    name: str
    category: str
    is_active: bool


class SkillIn(Schema):
    code: str
    name: str
    category: str
    is_active: bool = True


class SkillPatch(Schema):
    code: str | None = None
    name: str | None = None
    category: str | None = None
    is_active: bool | None = None


class QualificationTypeOut(Schema):
    id: int
    code: str
    name: str
    issuing_body: str
    validity_days: int | None = Field(description="Empty: does not expire")
    includes: list[str] = Field(description="Codes of the types a holder also satisfies")
    is_insurance: bool
    is_active: bool


class QualificationTypeIn(Schema):
    code: str
    name: str
    issuing_body: str = ""
    validity_days: int | None = None
    includes: list[str] = []
    is_insurance: bool = False
    is_active: bool = True


class QualificationTypePatch(Schema):
    code: str | None = None
    name: str | None = None
    issuing_body: str | None = None
    validity_days: int | None = None
    includes: list[str] | None = None
    is_insurance: bool | None = None
    is_active: bool | None = None


class SpecialtyOut(Schema):
    id: int
    specialty: str
    skill_code: str
    level: int


class SpecialtyIn(Schema):
    specialty: str
    skill_code: str
    level: int = 1


class CatalogueOut(Schema):
    skills: list[SkillOut]
    qualification_types: list[QualificationTypeOut]
    specialty_mappings: list[SpecialtyOut]
    may_edit: bool


class QualificationOut(Schema):
    id: int
    volunteer_id: int
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


class QualificationIn(Schema):
    type_code: str
    number: str = ""
    issuer: str = ""
    issued_on: date | None = None
    expires_on: date | None = None
    verified: bool = False


class RevokeIn(Schema):
    reason: str


class VolunteerSkillOut(Schema):
    id: int
    volunteer_id: int
    skill_code: str
    skill_name: str
    level: int
    source: str
    confirmed_at: datetime | None


class VolunteerSkillIn(Schema):
    skill_code: str
    level: int = 1


class ConfirmIn(Schema):
    level: int | None = None


class CourseOut(Schema):
    id: int
    name: str
    content: str
    study_hours: Decimal
    organizer_id: int
    organizer_name: str
    grants_type_code: str | None
    grants_validity_days: int | None


class CourseIn(Schema):
    name: str
    organizer_id: int
    study_hours: Decimal
    content: str = ""
    grants_type_code: str | None = None
    grants_validity_days: int | None = None


class SessionOut(Schema):
    id: int
    course_id: int
    course_name: str
    date: date
    place: str
    trainer: str
    capacity: int
    results_recorded_at: datetime | None


class SessionIn(Schema):
    date: date
    place: str
    capacity: int
    trainer: str = ""


class EnrolmentOut(Schema):
    id: int
    session_id: int
    volunteer_id: int
    volunteer_name: str
    attended: bool | None
    passed: bool | None
    score: Decimal | None


class EnrolmentIn(Schema):
    volunteer_id: int


class ResultIn(Schema):
    volunteer_id: int
    attended: bool
    passed: bool | None = None
    score: Decimal | None = None


class ResultsIn(Schema):
    results: list[ResultIn]


class ExpiringFilter(Schema):
    within: int = Field(60, ge=0, le=365, description="Days from today, inclusive")
    org: int | None = None


class SkillNeedIn(Schema):
    code: str
    min_level: int = 1


class RequirementIn(Schema):
    skills: list[SkillNeedIn] = []
    qualification_groups: list[list[str]] = Field(
        [], description="Each group is any-of, by type code; every group must be met"
    )
    verified_only: bool = True
    min_age: int | None = None
    max_age: int | None = None
    health_within_days: int | None = None
    insurance_required: bool = False


class CheckIn(Schema):
    volunteer_ids: list[int] | None = None
    org_id: int | None = None
    requirement: RequirementIn
    at: datetime | None = Field(None, description="Default: now")


class DecisionOut(Schema):
    volunteer_id: int
    name: str
    eligible: bool
    reasons: list[str]
    reason_codes: list[str]


class EligibilityCheckOut(Schema):
    at: datetime
    eligible_count: int
    decisions: list[DecisionOut]


# --- mapping ----------------------------------------------------------------------------------


def skill_out(s: Skill) -> dict[str, Any]:
    return {
        "id": s.pk,
        "code": s.code,
        "name": s.name,
        "category": s.category,
        "is_active": s.is_active,
    }


def type_out(t: QualificationType) -> dict[str, Any]:
    return {
        "id": t.pk,
        "code": t.code,
        "name": t.name,
        "issuing_body": t.issuing_body,
        "validity_days": t.validity_days,
        "includes": sorted(i.code for i in t.includes.all()),
        "is_insurance": t.is_insurance,
        "is_active": t.is_active,
    }


def specialty_out(m: MilitarySpecialtyMapping) -> dict[str, Any]:
    return {"id": m.pk, "specialty": m.specialty, "skill_code": m.skill.code, "level": m.level}


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


def course_out(c: Course) -> dict[str, Any]:
    return {
        "id": c.pk,
        "name": c.name,
        "content": c.content,
        "study_hours": c.study_hours,
        "organizer_id": c.organizer_id,
        "organizer_name": c.organizer.name,
        "grants_type_code": c.grants_type.code if c.grants_type else None,
        "grants_validity_days": c.grants_validity_days,
    }


def session_out(s: TrainingSession) -> dict[str, Any]:
    return {
        "id": s.pk,
        "course_id": s.course_id,
        "course_name": s.course.name,
        "date": s.date,
        "place": s.place,
        "trainer": s.trainer,
        "capacity": s.capacity,
        "results_recorded_at": s.results_recorded_at,
    }


def enrolment_out(e: Enrolment) -> dict[str, Any]:
    return {
        "id": e.pk,
        "session_id": e.session_id,
        "volunteer_id": e.volunteer_id,
        "volunteer_name": e.volunteer.name,
        "attended": e.attended,
        "passed": e.passed,
        "score": e.score,
    }


def _by_code(model: Any, code: str, field: str) -> Any:
    row = model.objects.filter(code=code).first()
    if row is None:
        raise ValidationError({field: _("Unknown code: %(code)s") % {"code": code}})
    return row


# --- catalogue --------------------------------------------------------------------------------


@router.get("/catalogue", response={200: CatalogueOut, **ERRORS}, summary="The catalogue")
def catalogue_get(request: HttpRequest) -> dict[str, Any]:
    return {
        "skills": [skill_out(s) for s in selectors.catalogue_skills()],
        "qualification_types": [type_out(t) for t in selectors.catalogue_qualification_types()],
        "specialty_mappings": [specialty_out(m) for m in selectors.catalogue_specialty_mappings()],
        "may_edit": services.catalogue_may_edit(user_of(request)),
    }


@router.post(
    "/catalogue/skills", response={201: SkillOut, **ERRORS}, summary="Add a skill (city admin)"
)
def catalogue_skill_create(request: HttpRequest, payload: SkillIn) -> Status[dict[str, Any]]:
    skill = services.skill_save(actor=user_of(request), **payload.dict())
    return Status(201, skill_out(skill))


@router.patch(
    "/catalogue/skills/{skill_id}",
    response={200: SkillOut, **ERRORS},
    summary="Change a skill (city admin)",
)
def catalogue_skill_update(request: HttpRequest, skill_id: int, payload: SkillPatch) -> Any:
    skill = get_object_or_404(Skill, pk=skill_id)
    data = {f: getattr(skill, f) for f in ("code", "name", "category", "is_active")}
    data.update({k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None})
    return skill_out(services.skill_save(actor=user_of(request), skill=skill, **data))


def _includes(codes: list[str]) -> list[QualificationType]:
    return [_by_code(QualificationType, code, "includes") for code in codes]


@router.post(
    "/catalogue/qualification-types",
    response={201: QualificationTypeOut, **ERRORS},
    summary="Add a qualification type (city admin)",
)
def catalogue_type_create(
    request: HttpRequest, payload: QualificationTypeIn
) -> Status[dict[str, Any]]:
    data = payload.dict()
    data["includes"] = _includes(data["includes"])
    qtype = services.qualification_type_save(actor=user_of(request), **data)
    return Status(201, type_out(qtype))


@router.patch(
    "/catalogue/qualification-types/{type_id}",
    response={200: QualificationTypeOut, **ERRORS},
    summary="Change a qualification type (city admin)",
)
def catalogue_type_update(
    request: HttpRequest, type_id: int, payload: QualificationTypePatch
) -> Any:
    qtype = get_object_or_404(QualificationType, pk=type_id)
    fields = ("code", "name", "issuing_body", "validity_days", "is_insurance", "is_active")
    data: dict[str, Any] = {f: getattr(qtype, f) for f in fields}
    data["includes"] = list(qtype.includes.all())
    given = payload.dict(exclude_unset=True)
    for key, value in given.items():
        if key == "includes":
            data["includes"] = _includes(value or [])
        elif value is not None or key == "validity_days":
            data[key] = value
    return type_out(services.qualification_type_save(actor=user_of(request), qtype=qtype, **data))


@router.post(
    "/catalogue/specialties",
    response={201: SpecialtyOut, **ERRORS},
    summary="Map a military specialty to a skill (city admin)",
)
def catalogue_specialty_create(
    request: HttpRequest, payload: SpecialtyIn
) -> Status[dict[str, Any]]:
    mapping = services.specialty_mapping_save(
        actor=user_of(request),
        specialty=payload.specialty,
        skill=_by_code(Skill, payload.skill_code, "skill_code"),
        level=payload.level,
    )
    return Status(201, specialty_out(mapping))


# --- what a volunteer holds -------------------------------------------------------------------


@router.get(
    "/volunteers/{volunteer_id}/qualifications",
    response={200: list[QualificationOut], **ERRORS},
    summary="A volunteer's qualifications (revoked ones too)",
)
@paginate(LimitOffsetPagination)
def qualifications_list(request: HttpRequest, volunteer_id: int) -> Any:
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
    request: HttpRequest, volunteer_id: int, payload: QualificationIn
) -> Status[dict[str, Any]]:
    user = user_of(request)
    volunteer = access_volunteer(user, volunteer_id)
    data = payload.dict()
    qtype = _by_code(QualificationType, data.pop("type_code"), "type_code")
    q = services.qualification_add(actor=user, volunteer=volunteer, type=qtype, **data)
    return Status(201, qualification_out(selectors.access_qualification(user, q.pk)))


@router.post(
    "/qualifications/{qualification_id}/verify",
    response={200: QualificationOut, **ERRORS},
    summary="Verified against the original",
)
def qualifications_verify(request: HttpRequest, qualification_id: int) -> dict[str, Any]:
    user = user_of(request)
    q = selectors.access_qualification(user, qualification_id)
    return qualification_out(services.qualification_verify(actor=user, qualification=q))


@router.post(
    "/qualifications/{qualification_id}/revoke",
    response={200: QualificationOut, **ERRORS},
    summary="Stop it counting, with a reason",
)
def qualifications_revoke(
    request: HttpRequest, qualification_id: int, payload: RevokeIn
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
@paginate(LimitOffsetPagination)
def volunteer_skills_list(request: HttpRequest, volunteer_id: int) -> Any:
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
    request: HttpRequest, volunteer_id: int, payload: VolunteerSkillIn
) -> Status[dict[str, Any]]:
    user = user_of(request)
    volunteer = access_volunteer(user, volunteer_id)
    row = services.volunteer_skill_grant(
        actor=user,
        volunteer=volunteer,
        skill=_by_code(Skill, payload.skill_code, "skill_code"),
        level=payload.level,
    )
    return Status(201, volunteer_skill_out(row))


@router.post(
    "/volunteer-skills/{volunteer_skill_id}/confirm",
    response={200: VolunteerSkillOut, **ERRORS},
    summary="Confirm a declared or derived skill",
)
def volunteer_skills_confirm(
    request: HttpRequest, volunteer_skill_id: int, payload: ConfirmIn
) -> dict[str, Any]:
    user = user_of(request)
    row = selectors.access_volunteer_skill(user, volunteer_skill_id)
    row = services.volunteer_skill_confirm(actor=user, volunteer_skill=row, level=payload.level)
    return volunteer_skill_out(row)


# --- training ---------------------------------------------------------------------------------


@router.get("/courses", response={200: list[CourseOut], **ERRORS}, summary="Courses I may see")
@paginate(LimitOffsetPagination)
def courses_list(request: HttpRequest) -> Any:
    return MappedRows(selectors.course_list(user=user_of(request)), course_out)


@router.post("/courses", response={201: CourseOut, **ERRORS}, summary="Create a course")
def courses_create(request: HttpRequest, payload: CourseIn) -> Status[dict[str, Any]]:
    user = user_of(request)
    data = payload.dict()
    organizer = access_organization(user, data.pop("organizer_id"))
    code = data.pop("grants_type_code")
    grants = _by_code(QualificationType, code, "grants_type_code") if code else None
    course = services.course_create(actor=user, organizer=organizer, grants_type=grants, **data)
    return Status(201, course_out(course))


@router.get("/courses/{course_id}", response={200: CourseOut, **ERRORS}, summary="One course")
def courses_get(request: HttpRequest, course_id: int) -> dict[str, Any]:
    return course_out(selectors.access_course(user_of(request), course_id))


@router.get(
    "/courses/{course_id}/sessions",
    response={200: list[SessionOut], **ERRORS},
    summary="A course's sessions",
)
@paginate(LimitOffsetPagination)
def sessions_list(request: HttpRequest, course_id: int) -> Any:
    user = user_of(request)
    course = selectors.access_course(user, course_id)
    return MappedRows(selectors.session_list(user=user, course=course), session_out)


@router.post(
    "/courses/{course_id}/sessions",
    response={201: SessionOut, **ERRORS},
    summary="Add a session",
)
def sessions_create(
    request: HttpRequest, course_id: int, payload: SessionIn
) -> Status[dict[str, Any]]:
    user = user_of(request)
    course = selectors.access_course(user, course_id)
    session = services.session_create(actor=user, course=course, **payload.dict())
    return Status(201, session_out(session))


@router.get("/sessions/{session_id}", response={200: SessionOut, **ERRORS}, summary="A session")
def sessions_get(request: HttpRequest, session_id: int) -> dict[str, Any]:
    return session_out(selectors.access_session(user_of(request), session_id))


@router.get(
    "/sessions/{session_id}/enrolments",
    response={200: list[EnrolmentOut], **ERRORS},
    summary="Who is enrolled, attended, passed",
)
@paginate(LimitOffsetPagination)
def enrolments_list(request: HttpRequest, session_id: int) -> Any:
    user = user_of(request)
    session = selectors.access_session(user, session_id)
    qs = selectors.enrolment_list(user=user, session=session).order_by("id")
    return MappedRows(qs, enrolment_out)


@router.post(
    "/sessions/{session_id}/enrolments",
    response={201: EnrolmentOut, **ERRORS},
    summary="Enrol a volunteer (capacity is enforced)",
)
def enrolments_add(
    request: HttpRequest, session_id: int, payload: EnrolmentIn
) -> Status[dict[str, Any]]:
    user = user_of(request)
    session = selectors.access_session(user, session_id)
    volunteer = access_volunteer(user, payload.volunteer_id)
    enrolment = services.enrolment_add(actor=user, session=session, volunteer=volunteer)
    return Status(201, enrolment_out(enrolment))


@router.post(
    "/sessions/{session_id}/results",
    response={200: list[EnrolmentOut], **ERRORS},
    summary="Attendance, pass/fail and score for the whole session at once",
)
def sessions_results(
    request: HttpRequest, session_id: int, payload: ResultsIn
) -> list[dict[str, Any]]:
    user = user_of(request)
    session = selectors.access_session(user, session_id, CHANGE)
    results = [services.EnrolmentResult(**r.dict()) for r in payload.results]
    services.session_record_results(actor=user, session=session, results=results)
    qs = selectors.enrolment_list(user=user, session=session).order_by("id")
    return [enrolment_out(e) for e in qs]


# --- expiry and eligibility -------------------------------------------------------------------


@router.get(
    "/expiring",
    response={200: list[QualificationOut], **ERRORS},
    summary="Valid qualifications expiring within N days, soonest first",
)
@paginate(LimitOffsetPagination)
def expiring_list(request: HttpRequest, filters: Query[ExpiringFilter]) -> Any:
    user = user_of(request)
    org = access_organization(user, filters.org) if filters.org else None
    qs = selectors.qualifications_expiring(user=user, within_days=filters.within, organization=org)
    return MappedRows(qs, qualification_out)


def _requirement(data: RequirementIn) -> Requirement:
    return selectors.requirement_from_codes(
        skills=[(n.code, n.min_level) for n in data.skills],
        qualification_groups=data.qualification_groups,
        verified_only=data.verified_only,
        min_age=data.min_age,
        max_age=data.max_age,
        health_within_days=data.health_within_days,
        insurance_required=data.insurance_required,
    )


@router.post(
    "/eligibility/check",
    response={200: EligibilityCheckOut, **ERRORS},
    summary="May these volunteers do this, at that moment? With the reasons",
)
def eligibility_check(request: HttpRequest, payload: CheckIn) -> dict[str, Any]:
    user = user_of(request)
    if (payload.volunteer_ids is None) == (payload.org_id is None):
        raise ValidationError(_("Give either volunteer_ids or org_id."))
    if payload.at is not None and timezone.is_naive(payload.at):
        raise ValidationError({"at": _("Give the time with its offset, e.g. +08:00.")})
    if payload.org_id is not None:
        volunteers = volunteer_list(
            user=user, organization=access_organization(user, payload.org_id)
        )
    else:
        ids = payload.volunteer_ids or []
        volunteers = volunteer_list(user=user).filter(pk__in=ids)
        # Every id must be one the user may see: the same 404 as for a single volunteer.
        if volunteers.count() != len(set(ids)):
            raise Http404
    if volunteers.count() > CHECK_LIMIT:
        raise ValidationError(
            _("At most %(n)s volunteers per check; narrow it down.") % {"n": CHECK_LIMIT}
        )
    requirement = _requirement(payload.requirement)
    at = payload.at or timezone.now()
    answer = selectors.eligibility_list(volunteers, requirement, at)
    language = get_language() or "zh-hans"
    decisions = []
    for pk, name, _ok in answer.rows:
        decision = answer.decision(pk)
        decisions.append(
            {
                "volunteer_id": pk,
                "name": name,
                "eligible": decision.ok,
                "reasons": decision.texts(language),
                "reason_codes": [r.code for r in decision.reasons],
            }
        )
    return {"at": at, "eligible_count": answer.eligible_count, "decisions": decisions}
