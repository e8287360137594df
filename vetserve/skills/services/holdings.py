"""What volunteers hold: their skills (declared, confirmed, derived from the military
specialty) and qualifications (added, corrected, verified, revoked)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.core.access import Actor, may_change_volunteer
from vetserve.core.bounds import check_bounds
from vetserve.people.models import Volunteer
from vetserve.skills.models import (
    MilitarySpecialtyMapping,
    Qualification,
    QualificationType,
    Skill,
    Source,
    VolunteerSkill,
)
from vetserve.skills.services._access import (
    audit_volunteer,
    is_self,
    require_manage,
    require_manage_or_self,
    user_or_none,
)

# --- skills -----------------------------------------------------------------------------------


@transaction.atomic
def volunteer_skill_grant(
    *, actor: Actor | None, volunteer: Volunteer, skill: Skill, level: int = 1
) -> VolunteerSkill:
    """Record a skill: declared by the volunteer themself, or confirmed at once when a manager
    enters it. A self-declaration does not lower a confirmed entry."""
    if not 1 <= level <= 3:
        raise ValidationError({"level": _("The level runs from 1 to 3.")}, code="level")
    manager = may_change_volunteer(actor, volunteer)
    if not manager and not is_self(actor, volunteer):
        require_manage(actor, volunteer)
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
            user_or_none(actor),
            timezone.now(),
        )
    else:
        row.source, row.confirmed_by, row.confirmed_at = Source.SELF, None, None
    row.save()
    audit_volunteer(
        actor,
        "skill.grant",
        row,
        volunteer,
        changes={"skill": [None, skill.code], "level_source": [before, [row.level, row.source]]},
    )
    return row


@transaction.atomic
def volunteer_skill_confirm(
    *, actor: Actor | None, volunteer_skill: VolunteerSkill, level: int | None = None
) -> VolunteerSkill:
    """A manager confirms a declared or derived skill, optionally at another level."""
    volunteer = volunteer_skill.volunteer
    require_manage(actor, volunteer)
    if level is not None and not 1 <= level <= 3:
        raise ValidationError({"level": _("The level runs from 1 to 3.")}, code="level")
    before = [volunteer_skill.level, volunteer_skill.source]
    volunteer_skill.level = level or volunteer_skill.level
    volunteer_skill.source = Source.CONFIRMED
    volunteer_skill.confirmed_by = user_or_none(actor)
    volunteer_skill.confirmed_at = timezone.now()
    volunteer_skill.save(update_fields=["level", "source", "confirmed_by", "confirmed_at"])
    audit_volunteer(
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
def volunteer_skills_derive(*, actor: Actor | None, volunteer: Volunteer) -> list[VolunteerSkill]:
    """Credit the skills the volunteer's military specialty brings. Existing entries are kept
    (a confirmed or declared level is someone's judgement); only missing skills are added."""
    require_manage(actor, volunteer)
    wanted = specialty_skills(volunteer.military_specialty)
    have = set(volunteer.skills.values_list("skill_id", flat=True))
    rows = [
        VolunteerSkill(volunteer=volunteer, skill_id=skill_id, level=level, source=Source.SPECIALTY)
        for skill_id, level in sorted(wanted.items())
        if skill_id not in have
    ]
    VolunteerSkill.objects.bulk_create(rows)
    if rows:
        audit_volunteer(
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
    actor: Actor | None,
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
    require_manage_or_self(actor, volunteer)
    if verified:
        require_manage(actor, volunteer)
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
        qualification.verified_by, qualification.verified_at = user_or_none(actor), timezone.now()
    if scan is not None:
        qualification.scan = scan
        qualification.full_clean(exclude=["volunteer", "type", "enrolment", "verified_by"])
    qualification.save()
    audit_volunteer(
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
    actor: Actor | None,
    qualification: Qualification,
    issuer: str,
    issued_on: date | None,
    expires_on: date | None,
) -> list[str]:
    """Correct or renew what the paper says: issuer and dates (a renewed certificate keeps its
    number). Returns the names of the fields that changed; an unchanged call writes nothing.
    The number and type stay: another number is another certificate."""
    require_manage(actor, qualification.volunteer)
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
    check_bounds(qualification)
    qualification.save(update_fields=list(changes))
    audit_volunteer(
        actor, "qualification.update", qualification, qualification.volunteer, changes=changes
    )
    return list(changes)


@transaction.atomic
def qualification_verify(*, actor: Actor | None, qualification: Qualification) -> Qualification:
    """Someone compared the certificate with the original: from now on it counts."""
    require_manage(actor, qualification.volunteer)
    if qualification.is_revoked:
        raise ValidationError(_("This qualification has been revoked."), code="revoked")
    if qualification.is_verified:
        return qualification
    qualification.verified_by, qualification.verified_at = user_or_none(actor), timezone.now()
    qualification.save(update_fields=["verified_by", "verified_at"])
    audit_volunteer(
        actor,
        "qualification.verify",
        qualification,
        qualification.volunteer,
        changes={"verified": [False, True]},
    )
    return qualification


@transaction.atomic
def qualification_revoke(
    *, actor: Actor | None, qualification: Qualification, reason: str
) -> Qualification:
    """Stop a qualification counting (entered in error, withdrawn by the issuer). Kept, marked."""
    require_manage(actor, qualification.volunteer)
    reason = reason.strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why it is revoked.")}, code="reason")
    if qualification.is_revoked:
        return qualification
    qualification.revoked_at, qualification.revoked_reason = timezone.now(), reason[:200]
    qualification.save(update_fields=["revoked_at", "revoked_reason"])
    audit_volunteer(
        actor,
        "qualification.revoke",
        qualification,
        qualification.volunteer,
        reason=reason,
        changes={"revoked": [False, True]},
    )
    return qualification
