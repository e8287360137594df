"""Training: courses, sessions, enrolments and results (a pass may grant a qualification)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.audit.services import audit_record
from vetserve.core.access import VIEW, Actor
from vetserve.core.bounds import create_checked
from vetserve.orgs.models import Organization
from vetserve.people.models import Volunteer
from vetserve.skills.models import (
    SCORES,
    Course,
    Enrolment,
    Qualification,
    QualificationType,
    TrainingSession,
)
from vetserve.skills.services._access import (
    audit_volunteer,
    is_self,
    require_organizer,
    user_or_none,
)


@transaction.atomic
def course_create(
    *,
    actor: Actor | None,
    organizer: Organization,
    name: str,
    study_hours: Decimal,
    content: str = "",
    grants_type: QualificationType | None = None,
    grants_validity_days: int | None = None,
) -> Course:
    """A course as the training record needs it (办法 Art 8)."""
    require_organizer(actor, organizer)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("The name is required.")}, code="required")
    if study_hours <= 0:
        raise ValidationError({"study_hours": _("Study hours must be positive.")}, code="hours")
    course = create_checked(
        Course,
        organizer=organizer,
        name=name,
        content=content,
        study_hours=study_hours,
        grants_type=grants_type,
        grants_validity_days=grants_validity_days,
    )
    audit_record(
        actor=actor,
        action="course.create",
        obj=course,
        region_id=organizer.region_id,
        organization_id=organizer.pk,
    )
    return course


@transaction.atomic
def session_create(
    *, actor: Actor | None, course: Course, date: date, place: str, capacity: int, trainer: str = ""
) -> TrainingSession:
    require_organizer(actor, course.organizer)
    if capacity < 1:
        raise ValidationError({"capacity": _("The capacity must be at least 1.")}, code="capacity")
    session = create_checked(
        TrainingSession,
        course=course,
        date=date,
        place=place.strip(),
        trainer=trainer.strip(),
        capacity=capacity,
    )
    audit_record(
        actor=actor,
        action="session.create",
        obj=session,
        region_id=course.organizer.region_id,
        organization_id=course.organizer_id,
    )
    return session


@transaction.atomic
def enrolment_add(
    *, actor: Actor | None, session: TrainingSession, volunteer: Volunteer
) -> Enrolment:
    """Enrol a volunteer: the organizer enrols people it may see, or a volunteer enrols
    themself. The session row is locked, so two last-seat enrolments cannot both succeed."""
    organizer = session.course.organizer
    if not is_self(actor, volunteer):
        require_organizer(actor, organizer)
        if not Volunteer.objects.visible_to(actor, VIEW).filter(pk=volunteer.pk).exists():
            raise PermissionDenied(_("You may not enrol this volunteer."))
    locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if locked.enrolments.filter(volunteer=volunteer).exists():
        raise ValidationError(_("This volunteer is already enrolled."), code="duplicate")
    if locked.enrolments.count() >= locked.capacity:
        raise ValidationError(_("This session is full."), code="full")
    enrolment = Enrolment.objects.create(session=locked, volunteer=volunteer)
    audit_volunteer(
        actor, "enrolment.add", enrolment, volunteer, changes={"session": [None, session.pk]}
    )
    return enrolment


@dataclass(frozen=True)
class EnrolmentResult:
    volunteer_id: int
    attended: bool
    passed: bool | None = None
    score: Decimal | None = None


@transaction.atomic
def session_record_results(
    *, actor: Actor | None, session: TrainingSession, results: Iterable[EnrolmentResult]
) -> list[Enrolment]:
    """Attendance, pass or fail and score for a whole session in one call. Passing a course
    that grants a qualification creates it, verified (the organizer issued it), valid from the
    session day for the course's validity; changing a pass to a fail revokes it again."""
    course = session.course
    require_organizer(actor, course.organizer)
    by_volunteer = {
        e.volunteer_id: e
        for e in Enrolment.objects.select_for_update()
        .filter(session=session)
        .select_related("volunteer")
    }
    granted = {
        q.enrolment_id: q
        for q in Qualification.objects.filter(enrolment__session=session, revoked_at__isnull=True)
    }
    errors: list[str] = []
    changed: list[Enrolment] = []
    new_qualifications: list[Qualification] = []
    revoke: list[Qualification] = []
    now = timezone.now()
    qtype = course.grants_type
    for result in results:
        enrolment = by_volunteer.get(result.volunteer_id)
        if enrolment is None:
            errors.append(
                _("Volunteer %(id)s is not enrolled in this session.") % {"id": result.volunteer_id}
            )
            continue
        passed = bool(result.attended and result.passed)
        enrolment.attended = result.attended
        # Not there means not passed; there without a verdict (None) stays undecided.
        enrolment.passed = result.passed if result.attended else False
        enrolment.score = result.score
        if result.score is not None and result.score not in SCORES:
            errors.append(SCORES.message())
            continue
        changed.append(enrolment)
        existing = granted.get(enrolment.pk)
        if qtype is not None and passed and existing is None:
            days = course.grants_validity_days or qtype.validity_days
            new_qualifications.append(
                Qualification(
                    volunteer=enrolment.volunteer,
                    type=qtype,
                    issuer=course.organizer.name,
                    issued_on=session.date,
                    expires_on=session.date + timedelta(days=days - 1) if days else None,
                    origin=Qualification.Origin.TRAINING,
                    enrolment=enrolment,
                    verified_by=user_or_none(actor),
                    verified_at=now,
                )
            )
        elif existing is not None and not passed:
            existing.revoked_at = now
            existing.revoked_reason = _("Result changed to not passed")
            revoke.append(existing)
    if errors:
        raise ValidationError(errors, code="not_enrolled")
    Enrolment.objects.bulk_update(changed, ["attended", "passed", "score"])
    Qualification.objects.bulk_create(new_qualifications)
    Qualification.objects.bulk_update(revoke, ["revoked_at", "revoked_reason"])
    session.results_recorded_at = now
    session.save(update_fields=["results_recorded_at"])
    audit_record(
        actor=actor,
        action="session.results",
        obj=session,
        region_id=course.organizer.region_id,
        organization_id=course.organizer_id,
        changes={
            "recorded": [None, len(changed)],
            "passed": [None, sum(1 for e in changed if e.passed)],
            "qualifications_granted": [None, len(new_qualifications)],
            "qualifications_revoked": [None, len(revoke)],
        },
    )
    return changed
