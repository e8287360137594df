"""Every write to skills, qualifications and training goes through here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.accounts.models import Grant, Role
from vetserve.audit.services import audit_record
from vetserve.core.access import VIEW, may_change_org, may_change_volunteer
from vetserve.notify.services import notification_send
from vetserve.orgs.models import Organization
from vetserve.people.models import Volunteer
from vetserve.people.services import volunteer_reveal_value
from vetserve.skills.models import (
    Course,
    Enrolment,
    MilitarySpecialtyMapping,
    Qualification,
    QualificationType,
    SentReminder,
    Skill,
    Source,
    TrainingSession,
    VolunteerSkill,
)

# Days before expiry at which holder and leader are reminded.
REMINDER_THRESHOLDS = (60, 30, 7)


# --- who may do what --------------------------------------------------------------------------


def _is_self(actor: Any, volunteer: Volunteer) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and volunteer.user_id == actor.pk


def _require_manage(actor: Any, volunteer: Volunteer) -> None:
    if not may_change_volunteer(actor, volunteer):
        raise PermissionDenied(_("You may not manage this volunteer's skills and qualifications."))


def _require_manage_or_self(actor: Any, volunteer: Volunteer) -> None:
    if not (_is_self(actor, volunteer) or may_change_volunteer(actor, volunteer)):
        raise PermissionDenied(_("You may not manage this volunteer's skills and qualifications."))


def _require_organizer(actor: Any, org: Organization) -> None:
    if not may_change_org(actor, org):
        raise PermissionDenied(_("You may not manage training of this organization."))


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _audit_volunteer(actor: Any, action: str, obj: Any, volunteer: Volunteer, **kw: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        region_id=volunteer.region_id,
        organization_id=volunteer.home_org_id,
        **kw,
    )


# --- skills -----------------------------------------------------------------------------------


@transaction.atomic
def volunteer_skill_grant(
    *, actor: Any, volunteer: Volunteer, skill: Skill, level: int = 1
) -> VolunteerSkill:
    """Record a skill: declared by the volunteer themself, or confirmed at once when a manager
    enters it. A self-declaration does not lower a confirmed entry."""
    if not 1 <= level <= 3:
        raise ValidationError({"level": _("The level runs from 1 to 3.")}, code="level")
    manager = may_change_volunteer(actor, volunteer)
    if not manager and not _is_self(actor, volunteer):
        _require_manage(actor, volunteer)
    row = (
        VolunteerSkill.objects.select_for_update().filter(volunteer=volunteer, skill=skill).first()
    )
    before = None if row is None else [row.level, row.source]
    if row is None:
        row = VolunteerSkill(volunteer=volunteer, skill=skill)
    elif not manager and row.source == Source.CONFIRMED:
        raise ValidationError(
            _("This skill has been confirmed; ask your organization to change it."),
            code="confirmed",
        )
    row.level = level
    if manager:
        row.source, row.confirmed_by, row.confirmed_at = (
            Source.CONFIRMED,
            _user(actor),
            timezone.now(),
        )
    else:
        row.source, row.confirmed_by, row.confirmed_at = Source.SELF, None, None
    row.save()
    _audit_volunteer(
        actor,
        "skill.grant",
        row,
        volunteer,
        changes={"skill": [None, skill.code], "level_source": [before, [row.level, row.source]]},
    )
    return row


@transaction.atomic
def volunteer_skill_confirm(
    *, actor: Any, volunteer_skill: VolunteerSkill, level: int | None = None
) -> VolunteerSkill:
    """A manager confirms a declared or derived skill, optionally at another level."""
    volunteer = volunteer_skill.volunteer
    _require_manage(actor, volunteer)
    if level is not None and not 1 <= level <= 3:
        raise ValidationError({"level": _("The level runs from 1 to 3.")}, code="level")
    before = [volunteer_skill.level, volunteer_skill.source]
    volunteer_skill.level = level or volunteer_skill.level
    volunteer_skill.source = Source.CONFIRMED
    volunteer_skill.confirmed_by = _user(actor)
    volunteer_skill.confirmed_at = timezone.now()
    volunteer_skill.save(update_fields=["level", "source", "confirmed_by", "confirmed_at"])
    _audit_volunteer(
        actor,
        "skill.confirm",
        volunteer_skill,
        volunteer,
        changes={"level_source": [before, [volunteer_skill.level, Source.CONFIRMED]]},
    )
    return volunteer_skill


def specialty_skills(specialty: str) -> dict[int, int]:
    """Skill id -> level that a recorded military specialty brings (卫生员 -> 急救, 医疗护理)."""
    text = specialty.strip()
    found: dict[int, int] = {}
    if not text:
        return found
    for mapping in MilitarySpecialtyMapping.objects.all():
        if mapping.specialty in text:
            found[mapping.skill_id] = max(found.get(mapping.skill_id, 0), mapping.level)
    return found


@transaction.atomic
def volunteer_skills_derive(*, actor: Any, volunteer: Volunteer) -> list[VolunteerSkill]:
    """Credit the skills the volunteer's military specialty brings. Existing entries are kept
    (a confirmed or declared level is someone's judgement); only missing skills are added."""
    _require_manage(actor, volunteer)
    wanted = specialty_skills(volunteer.military_specialty)
    have = set(volunteer.skills.values_list("skill_id", flat=True))
    rows = [
        VolunteerSkill(volunteer=volunteer, skill_id=skill_id, level=level, source=Source.SPECIALTY)
        for skill_id, level in sorted(wanted.items())
        if skill_id not in have
    ]
    VolunteerSkill.objects.bulk_create(rows)
    if rows:
        _audit_volunteer(
            actor,
            "skill.derive",
            volunteer,
            volunteer,
            changes={"skills": [None, [r.skill_id for r in rows]]},
        )
    return rows


# --- qualifications ---------------------------------------------------------------------------


def default_expiry(qtype: QualificationType, issued_on: date | None) -> date | None:
    """The last valid day: a 365-day validity from 2022-01-01 runs through 2022-12-31."""
    if qtype.validity_days is None or issued_on is None:
        return None
    return issued_on + timedelta(days=qtype.validity_days - 1)


@transaction.atomic
def qualification_add(
    *,
    actor: Any,
    volunteer: Volunteer,
    type: QualificationType,
    number: str = "",
    issuer: str = "",
    issued_on: date | None = None,
    expires_on: date | None = None,
    scan: File[Any] | None = None,
    verified: bool = False,
    no_expiry: bool = False,
    origin: str = Qualification.Origin.ENTERED,
) -> Qualification:
    """Record a certificate. Without an expiry date it runs for the type's validity from the
    issue date; a type that expires needs one of the two dates. ``no_expiry`` records it as
    valid without end (长期 on the paper) whatever the type's default. Managers may mark it
    verified at once (they hold the original); the volunteer's own entry waits for
    verification."""
    _require_manage_or_self(actor, volunteer)
    if verified:
        _require_manage(actor, volunteer)
    if no_expiry:
        expires_on = None
    elif expires_on is None:
        if type.validity_days is not None and issued_on is None:
            raise ValidationError(
                {"issued_on": _("Give the issue date or the expiry date.")}, code="dates"
            )
        expires_on = default_expiry(type, issued_on)
    if issued_on and expires_on and expires_on < issued_on:
        raise ValidationError(
            {"expires_on": _("The expiry date is before the issue date.")}, code="dates"
        )
    qualification = Qualification(
        volunteer=volunteer,
        type=type,
        number=number.strip(),
        issuer=issuer.strip() or type.issuing_body,
        issued_on=issued_on,
        expires_on=expires_on,
        origin=origin,
    )
    if verified:
        qualification.verified_by, qualification.verified_at = _user(actor), timezone.now()
    if scan is not None:
        qualification.scan = scan
        qualification.full_clean(exclude=["volunteer", "type", "enrolment", "verified_by"])
    qualification.save()
    _audit_volunteer(
        actor,
        "qualification.add",
        qualification,
        volunteer,
        changes={
            "type": [None, type.code],
            "expires_on": [None, str(expires_on) if expires_on else None],
            "verified": [None, verified],
        },
    )
    return qualification


@transaction.atomic
def qualification_update(
    *,
    actor: Any,
    qualification: Qualification,
    issuer: str,
    issued_on: date | None,
    expires_on: date | None,
) -> list[str]:
    """Correct or renew what the paper says: issuer and dates (a renewed certificate keeps its
    number). Returns the names of the fields that changed; an unchanged call writes nothing.
    The number and type stay: another number is another certificate."""
    _require_manage(actor, qualification.volunteer)
    if qualification.is_revoked:
        raise ValidationError(_("This qualification has been revoked."), code="revoked")
    if issued_on and expires_on and expires_on < issued_on:
        raise ValidationError(
            {"expires_on": _("The expiry date is before the issue date.")}, code="dates"
        )
    after = {
        "issuer": issuer.strip() or qualification.type.issuing_body,
        "issued_on": issued_on,
        "expires_on": expires_on,
    }
    changes = {
        name: [str(getattr(qualification, name) or ""), str(value or "")]
        for name, value in after.items()
        if getattr(qualification, name) != value
    }
    if not changes:
        return []
    for name in changes:
        setattr(qualification, name, after[name])
    qualification.save(update_fields=list(changes))
    _audit_volunteer(
        actor, "qualification.update", qualification, qualification.volunteer, changes=changes
    )
    return list(changes)


@transaction.atomic
def qualification_verify(*, actor: Any, qualification: Qualification) -> Qualification:
    """Someone compared the certificate with the original: from now on it counts."""
    _require_manage(actor, qualification.volunteer)
    if qualification.is_revoked:
        raise ValidationError(_("This qualification has been revoked."), code="revoked")
    if qualification.is_verified:
        return qualification
    qualification.verified_by, qualification.verified_at = _user(actor), timezone.now()
    qualification.save(update_fields=["verified_by", "verified_at"])
    _audit_volunteer(
        actor,
        "qualification.verify",
        qualification,
        qualification.volunteer,
        changes={"verified": [False, True]},
    )
    return qualification


@transaction.atomic
def qualification_revoke(*, actor: Any, qualification: Qualification, reason: str) -> Qualification:
    """Stop a qualification counting (entered in error, withdrawn by the issuer). Kept, marked."""
    _require_manage(actor, qualification.volunteer)
    reason = reason.strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why it is revoked.")}, code="reason")
    if qualification.is_revoked:
        return qualification
    qualification.revoked_at, qualification.revoked_reason = timezone.now(), reason[:200]
    qualification.save(update_fields=["revoked_at", "revoked_reason"])
    _audit_volunteer(
        actor,
        "qualification.revoke",
        qualification,
        qualification.volunteer,
        reason=reason,
        changes={"revoked": [False, True]},
    )
    return qualification


# --- training ---------------------------------------------------------------------------------


@transaction.atomic
def course_create(
    *,
    actor: Any,
    organizer: Organization,
    name: str,
    study_hours: Decimal,
    content: str = "",
    grants_type: QualificationType | None = None,
    grants_validity_days: int | None = None,
) -> Course:
    """A course as the training record needs it (办法 Art 8)."""
    _require_organizer(actor, organizer)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("The name is required.")}, code="required")
    if study_hours <= 0:
        raise ValidationError({"study_hours": _("Study hours must be positive.")}, code="hours")
    course = Course.objects.create(
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
    *, actor: Any, course: Course, date: date, place: str, capacity: int, trainer: str = ""
) -> TrainingSession:
    _require_organizer(actor, course.organizer)
    if capacity < 1:
        raise ValidationError({"capacity": _("The capacity must be at least 1.")}, code="capacity")
    session = TrainingSession.objects.create(
        course=course, date=date, place=place.strip(), trainer=trainer.strip(), capacity=capacity
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
def enrolment_add(*, actor: Any, session: TrainingSession, volunteer: Volunteer) -> Enrolment:
    """Enrol a volunteer: the organizer enrols people it may see, or a volunteer enrols
    themself. The session row is locked, so two last-seat enrolments cannot both succeed."""
    organizer = session.course.organizer
    if not _is_self(actor, volunteer):
        _require_organizer(actor, organizer)
        if not Volunteer.objects.visible_to(actor, VIEW).filter(pk=volunteer.pk).exists():
            raise PermissionDenied(_("You may not enrol this volunteer."))
    locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if locked.enrolments.filter(volunteer=volunteer).exists():
        raise ValidationError(_("This volunteer is already enrolled."), code="duplicate")
    if locked.enrolments.count() >= locked.capacity:
        raise ValidationError(_("This session is full."), code="full")
    enrolment = Enrolment.objects.create(session=locked, volunteer=volunteer)
    _audit_volunteer(
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
    *, actor: Any, session: TrainingSession, results: Iterable[EnrolmentResult]
) -> list[Enrolment]:
    """Attendance, pass or fail and score for a whole session in one call. Passing a course
    that grants a qualification creates it, verified (the organizer issued it), valid from the
    session day for the course's validity; changing a pass to a fail revokes it again."""
    course = session.course
    _require_organizer(actor, course.organizer)
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
                    verified_by=_user(actor),
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


# --- expiry reminders -------------------------------------------------------------------------


def _leaders_of(org: Organization) -> list[Any]:
    return [
        g.user
        for g in Grant.objects.filter(role=Role.ORG_LEADER, organization=org).select_related("user")
        if g.user.is_active
    ]


def qualification_reminders_send(*, today: date | None = None) -> int:
    """Remind holders and their organization's leaders of qualifications expiring in 60, 30 or
    7 days. Each (qualification, threshold, expiry date) goes out once — a ``SentReminder`` row
    with a unique constraint — so reruns and overlapping runs send nothing twice. A day the
    task did not run is caught up: the nearest threshold is sent, the ones passed are marked."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(REMINDER_THRESHOLDS))
    due = (
        Qualification.objects.filter(
            revoked_at__isnull=True, expires_on__gte=today, expires_on__lte=horizon
        )
        .select_related("type", "volunteer", "volunteer__home_org", "volunteer__user")
        .order_by("expires_on", "id")
    )
    sent = set(
        SentReminder.objects.filter(expires_on__gte=today, expires_on__lte=horizon).values_list(
            "qualification_id", "threshold_days", "expires_on"
        )
    )
    leaders: dict[int, list[Any]] = {}
    count = 0
    for q in due:
        assert q.expires_on is not None
        days_left = (q.expires_on - today).days
        passed = [t for t in REMINDER_THRESHOLDS if days_left <= t]
        nearest = min(passed)
        if (q.pk, nearest, q.expires_on) in sent:
            continue
        try:
            with transaction.atomic():
                SentReminder.objects.create(
                    qualification=q, threshold_days=nearest, expires_on=q.expires_on
                )
                SentReminder.objects.bulk_create(
                    [
                        SentReminder(qualification=q, threshold_days=t, expires_on=q.expires_on)
                        for t in passed
                        if t != nearest
                    ],
                    ignore_conflicts=True,
                )
                _remind(q, days_left, leaders)
        except IntegrityError:
            continue  # another run sent it
        count += 1
    return count


def _remind(q: Qualification, days_left: int, leaders: dict[int, list[Any]]) -> None:
    volunteer = q.volunteer
    assert q.expires_on is not None
    values = {
        "name": volunteer.name,
        "qualification": q.type.name,
        "date": q.expires_on.isoformat(),
        "days": days_left,
    }
    title = _("%(qualification)s expires on %(date)s") % values
    body = (
        _(
            "%(name)s's %(qualification)s expires on %(date)s (in %(days)s days). Renew it in "
            "time: after that day it no longer counts for tasks that need it."
        )
        % values
    )
    user = volunteer.user if volunteer.user is not None and volunteer.user.is_active else None
    phone = volunteer_reveal_value(volunteer, "phone") if volunteer.phone_enc else ""
    notification_send(
        user=user, title=title, body=body, email=user.email if user else "", phone=phone
    )
    org = volunteer.home_org
    if org.pk not in leaders:
        leaders[org.pk] = _leaders_of(org)
    for leader in leaders[org.pk]:
        if user is not None and leader.pk == user.pk:
            continue
        notification_send(user=leader, title=title, body=body, email=leader.email)


# --- the catalogue ----------------------------------------------------------------------------


def catalogue_may_edit(user: Any) -> bool:
    """The catalogue is city-wide: only a city administrator (or a superuser) edits it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser) or any(g.role == Role.CITY_ADMIN for g in user.active_grants())


def _require_catalogue_editor(actor: Any) -> None:
    if not catalogue_may_edit(actor):
        raise PermissionDenied(_("Only city administrators may edit the catalogue."))


def _catalogue_changes(row: Any, before: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    changes = {}
    for name in fields:
        after = getattr(row, name)
        if before.get(name) != after:
            changes[name] = [before.get(name), after]
    return changes


@transaction.atomic
def skill_save(
    *,
    actor: Any,
    skill: Skill | None = None,
    code: str,
    name: str,
    category: str,
    is_active: bool = True,
) -> Skill:
    """Add a skill to the catalogue (``skill`` None) or change one; audited either way."""
    _require_catalogue_editor(actor)
    row = skill or Skill()
    fields = ("code", "name", "category", "is_active")
    before = {f: getattr(row, f) for f in fields} if skill else {}
    row.code, row.name, row.category, row.is_active = (
        code.strip(),
        " ".join(name.split()),
        category,
        is_active,
    )
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="skill_catalogue.update" if skill else "skill_catalogue.create",
        obj=row,
        changes=_catalogue_changes(row, before, fields),
    )
    return row


@transaction.atomic
def qualification_type_save(
    *,
    actor: Any,
    qtype: QualificationType | None = None,
    code: str,
    name: str,
    issuing_body: str = "",
    validity_days: int | None = None,
    is_insurance: bool = False,
    is_active: bool = True,
    includes: Iterable[QualificationType] = (),
) -> QualificationType:
    """Add or change a qualification type, with the types it includes (never itself)."""
    _require_catalogue_editor(actor)
    row = qtype or QualificationType()
    fields = ("code", "name", "issuing_body", "validity_days", "is_insurance", "is_active")
    before: dict[str, Any] = {f: getattr(row, f) for f in fields} if qtype else {}
    if qtype is not None:
        before["includes"] = sorted(qtype.includes.values_list("code", flat=True))
    if validity_days is not None and validity_days < 1:
        raise ValidationError(
            {"validity_days": _("The validity must be at least one day.")}, code="validity"
        )
    row.code, row.name, row.issuing_body = code.strip(), " ".join(name.split()), issuing_body
    row.validity_days, row.is_insurance, row.is_active = validity_days, is_insurance, is_active
    row.full_clean()
    row.save()
    included = [t for t in includes if t.pk != row.pk]
    row.includes.set(included)
    changes = _catalogue_changes(row, before, fields)
    after_includes = sorted(t.code for t in included)
    if before.get("includes", []) != after_includes:
        changes["includes"] = [before.get("includes"), after_includes]
    audit_record(
        actor=actor,
        action="qualification_type.update" if qtype else "qualification_type.create",
        obj=row,
        changes=changes,
    )
    return row


@transaction.atomic
def specialty_mapping_save(
    *,
    actor: Any,
    mapping: MilitarySpecialtyMapping | None = None,
    specialty: str,
    skill: Skill,
    level: int = 1,
) -> MilitarySpecialtyMapping:
    """Add or change what a military specialty brings (卫生员 → 急救 level 2)."""
    _require_catalogue_editor(actor)
    row = mapping or MilitarySpecialtyMapping()
    before = (
        {"specialty": row.specialty, "skill": row.skill.code, "level": row.level} if mapping else {}
    )
    row.specialty, row.skill, row.level = specialty.strip(), skill, level
    row.full_clean()
    row.save()
    after = {"specialty": row.specialty, "skill": skill.code, "level": level}
    audit_record(
        actor=actor,
        action="specialty_mapping.update" if mapping else "specialty_mapping.create",
        obj=row,
        changes={k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
    )
    return row


@transaction.atomic
def specialty_mapping_delete(*, actor: Any, mapping: MilitarySpecialtyMapping) -> None:
    """Remove a mapping; skills already credited through it stay (someone may rely on them)."""
    _require_catalogue_editor(actor)
    audit_record(
        actor=actor,
        action="specialty_mapping.delete",
        obj=mapping,
        changes={"specialty": [mapping.specialty, None], "skill": [mapping.skill.code, None]},
    )
    mapping.delete()
