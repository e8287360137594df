"""Skills endpoints for training: courses, sessions, enrolments and results."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from vetserve.core.access import CHANGE
from vetserve.core.api import (
    ERRORS,
    LIST_MAX,
    Count,
    Day,
    Days,
    Flag,
    Id,
    MappedRows,
    Paged,
    PathId,
    Payload,
    Text,
    decimal_schema,
    decimal_text,
    user_of,
)
from vetserve.orgs.selectors import access_organization
from vetserve.people.selectors import access_volunteer
from vetserve.skills import selectors, services
from vetserve.skills.api.common import CatalogueCode, by_code
from vetserve.skills.models import Course, Enrolment, QualificationType, TrainingSession

router = Router(tags=["skills"])


class CourseOut(Schema):
    id: int
    name: str
    content: str
    study_hours: Decimal
    organizer_id: int
    organizer_name: str
    grants_type_code: str | None
    grants_validity_days: int | None


# The columns' lengths and digits.
Title = Annotated[str, StringConstraints(max_length=100)]
Trainer = Annotated[str, StringConstraints(max_length=50)]
Hours = Annotated[
    Decimal,
    Field(ge=0, max_digits=6, decimal_places=1),
    decimal_schema(0, 99999.9, 6),
    decimal_text(6),
]
Score = Annotated[
    Decimal,
    Field(ge=0, max_digits=5, decimal_places=1),
    decimal_schema(0, 9999.9, 5),
    decimal_text(5),
]


class CourseIn(Payload):
    name: Title
    organizer_id: Id
    study_hours: Hours
    content: Text = ""
    grants_type_code: CatalogueCode | None = None
    grants_validity_days: Days | None = None


class SessionOut(Schema):
    id: int
    course_id: PathId
    course_name: str
    date: date
    place: str
    trainer: str
    capacity: int
    results_recorded_at: datetime | None


class SessionIn(Payload):
    date: Day
    place: Title
    capacity: Count
    trainer: Trainer = ""


class EnrolmentOut(Schema):
    id: int
    session_id: PathId
    volunteer_id: int
    volunteer_name: str
    attended: bool | None
    passed: bool | None
    score: Decimal | None


class EnrolmentIn(Payload):
    volunteer_id: Id


class ResultIn(Payload):
    volunteer_id: Id
    attended: Flag
    passed: Flag | None = None
    score: Score | None = None


class ResultsIn(Payload):
    results: list[ResultIn] = Field(max_length=LIST_MAX)


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


# --- training ---------------------------------------------------------------------------------


@router.get("/courses", response={200: list[CourseOut], **ERRORS}, summary="Courses I may see")
@paginate(Paged)
def courses_list(request: HttpRequest) -> Any:
    return MappedRows(selectors.course_list(user=user_of(request)), course_out)


@router.post("/courses", response={201: CourseOut, **ERRORS}, summary="Create a course")
def courses_create(request: HttpRequest, payload: CourseIn) -> Status[dict[str, Any]]:
    user = user_of(request)
    data = payload.dict()
    organizer = access_organization(user, data.pop("organizer_id"))
    code = data.pop("grants_type_code")
    grants = by_code(QualificationType, code, "grants_type_code") if code else None
    course = services.course_create(actor=user, organizer=organizer, grants_type=grants, **data)
    return Status(201, course_out(course))


@router.get("/courses/{course_id}", response={200: CourseOut, **ERRORS}, summary="One course")
def courses_get(request: HttpRequest, course_id: PathId) -> dict[str, Any]:
    return course_out(selectors.access_course(user_of(request), course_id))


@router.get(
    "/courses/{course_id}/sessions",
    response={200: list[SessionOut], **ERRORS},
    summary="A course's sessions",
)
@paginate(Paged)
def sessions_list(request: HttpRequest, course_id: PathId) -> Any:
    user = user_of(request)
    course = selectors.access_course(user, course_id)
    return MappedRows(selectors.session_list(user=user, course=course), session_out)


@router.post(
    "/courses/{course_id}/sessions",
    response={201: SessionOut, **ERRORS},
    summary="Add a session",
)
def sessions_create(
    request: HttpRequest, course_id: PathId, payload: SessionIn
) -> Status[dict[str, Any]]:
    user = user_of(request)
    course = selectors.access_course(user, course_id)
    session = services.session_create(actor=user, course=course, **payload.dict())
    return Status(201, session_out(session))


@router.get("/sessions/{session_id}", response={200: SessionOut, **ERRORS}, summary="A session")
def sessions_get(request: HttpRequest, session_id: PathId) -> dict[str, Any]:
    return session_out(selectors.access_session(user_of(request), session_id))


@router.get(
    "/sessions/{session_id}/enrolments",
    response={200: list[EnrolmentOut], **ERRORS},
    summary="Who is enrolled, attended, passed",
)
@paginate(Paged)
def enrolments_list(request: HttpRequest, session_id: PathId) -> Any:
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
    request: HttpRequest, session_id: PathId, payload: EnrolmentIn
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
    request: HttpRequest, session_id: PathId, payload: ResultsIn
) -> list[dict[str, Any]]:
    user = user_of(request)
    session = selectors.access_session(user, session_id, CHANGE)
    results = [services.EnrolmentResult(**r.dict()) for r in payload.results]
    services.session_record_results(actor=user, session=session, results=results)
    qs = selectors.enrolment_list(user=user, session=session).order_by("id")
    return [enrolment_out(e) for e in qs]
