"""Every write of recognition: star settings and grants, awards, evaluations, team honours.

Each is one transaction, asks the access module, checks its bounds before the database would
and leaves an audit entry (``recognition.*``)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import FileExtensionValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.accounts.models import User
from vetserve.audit.services import audit_record
from vetserve.core.access import (
    Actor,
    may_grant_star,
    may_honour_team,
    may_record_recognition,
    may_set_star_rules,
)
from vetserve.core.bounds import check_bounds
from vetserve.orgs.models import Kind, Organization
from vetserve.people.models import Volunteer
from vetserve.recognition.models import (
    DOCUMENT_EXTENSIONS,
    STAR_HOURS,
    STAR_LEVELS,
    Award,
    Evaluation,
    Grade,
    HonourKind,
    HonourLevel,
    StarGrant,
    StarSettings,
    TeamHonour,
    validate_document,
)
from vetserve.recognition.selectors import rules_for, star_status


def _user(actor: Actor | None) -> User | None:
    return actor if isinstance(actor, User) else None


def _name(actor: Actor | None) -> str:
    user = _user(actor)
    return user.get_username() if user else ""


def _check_document(document: Any) -> None:
    if document is None:
        return
    try:
        FileExtensionValidator(list(DOCUMENT_EXTENSIONS))(document)
        validate_document(document)
    except ValidationError as error:
        raise ValidationError({"document": error.messages}, code="document") from None


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message}, code="required")
    return value


# --- stars ----------------------------------------------------------------------------------


@transaction.atomic
def star_settings_save(
    *,
    actor: Actor | None,
    federation: Organization,
    thresholds: Sequence[int],
    grant_required: bool,
) -> StarSettings:
    """Set a city or province federation's star thresholds (whole hours, each above the one
    below) and whether stars need an administrator's grant."""
    if not may_set_star_rules(actor, federation):
        raise PermissionDenied(_("You may not set the star rules of this federation."))
    if federation.kind != Kind.FEDERATION or federation.region.level not in ("city", "province"):
        raise ValidationError(
            _("Star rules belong to a city or province federation."), code="federation"
        )
    values = [int(n) for n in thresholds]
    if len(values) != len(STAR_LEVELS_RANGE):
        raise ValidationError(_("Give the hours of each of the five stars."), code="thresholds")
    for n, hours in enumerate(values, start=1):
        if hours not in STAR_HOURS:
            raise ValidationError({f"star{n}_hours": STAR_HOURS.message()}, code="range")
    if any(low >= high for low, high in itertools.pairwise(values)):
        raise ValidationError(
            _("Each star needs more hours than the star below it."), code="increasing"
        )
    row = StarSettings.objects.select_for_update().filter(federation=federation).first()
    before = (*row.thresholds, row.grant_required) if row else None
    if row is None:
        row = StarSettings(federation=federation, region_id=federation.region_id)
    (row.star1_hours, row.star2_hours, row.star3_hours, row.star4_hours, row.star5_hours) = values
    row.grant_required = grant_required
    row.updated_by = _user(actor)
    row.updated_at = timezone.now()
    check_bounds(row)
    row.save()
    audit_record(
        actor=actor,
        action="recognition.star_settings",
        obj=federation,
        changes={
            "thresholds": [list(before[:5]) if before else None, values],
            "grant_required": [before[5] if before else None, grant_required],
        },
    )
    return row


STAR_LEVELS_RANGE = range(STAR_LEVELS.low, STAR_LEVELS.high + 1)


@transaction.atomic
def star_grant(*, actor: Actor | None, volunteer: Volunteer, level: int) -> StarGrant:
    """An administrator grants a star the volunteer's confirmed hours reached, where the
    federation requires a grant; the date it was reached is recorded as computed now."""
    if not may_grant_star(actor, volunteer):
        raise PermissionDenied(_("You may not grant stars to this volunteer."))
    if level not in STAR_LEVELS:
        raise ValidationError({"level": STAR_LEVELS.message()}, code="range")
    # One grant at a time per person: a second click waits here and then finds the first.
    Volunteer.objects.select_for_update(of=("self",)).filter(pk=volunteer.pk).first()
    if not rules_for(volunteer.region_id).grant_required:
        raise ValidationError(
            _("Stars count here as soon as they are reached; no grant is needed."),
            code="automatic",
        )
    status = star_status(volunteer)
    reached_on = status.reached.get(level)
    if level > status.level or reached_on is None:
        raise ValidationError(
            _("The confirmed hours have not reached this star."), code="not_reached"
        )
    if StarGrant.objects.filter(volunteer=volunteer, level=level).exists():
        raise ValidationError(_("This star was already granted."), code="granted")
    grant = StarGrant.objects.create(
        volunteer=volunteer,
        level=level,
        reached_on=reached_on,
        granted_by=_user(actor),
        granted_by_name=_name(actor),
        granted_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="recognition.star_grant",
        obj=volunteer,
        changes={"stars": [None, level]},
    )
    return grant


# --- awards and evaluations ------------------------------------------------------------------


def _honour_fields(
    *, kind: str, kinds: Sequence[str], name: str, awarded_on: date, granting_unit: str,
    level: str, document: Any,
) -> dict[str, Any]:  # fmt: skip
    if kind not in kinds:
        raise ValidationError({"kind": _("Choose the kind of honour.")}, code="kind")
    if level not in HonourLevel.values:
        raise ValidationError({"level": _("Choose the level.")}, code="level")
    _check_document(document)
    return {
        "kind": kind,
        "name": _text(name, "name", _("Give the name of the honour.")),
        "awarded_on": awarded_on,
        "granting_unit": _text(granting_unit, "granting_unit", _("Give the granting unit.")),
        "level": level,
        "document": document or "",
    }


@transaction.atomic
def award_record(
    *,
    actor: Actor | None,
    volunteer: Volunteer,
    kind: str,
    name: str,
    awarded_on: date,
    granting_unit: str,
    level: str,
    document: Any = None,
) -> Award:
    """An award or commendation on a volunteer's record (办法 Art 9)."""
    if not may_record_recognition(actor, volunteer):
        raise PermissionDenied(_("You may not record honours for this volunteer."))
    if volunteer.is_erased:
        raise ValidationError(_("This record has been erased."), code="erased")
    fields = _honour_fields(
        kind=kind,
        kinds=(HonourKind.AWARD, HonourKind.COMMENDATION),
        name=name,
        awarded_on=awarded_on,
        granting_unit=granting_unit,
        level=level,
        document=document,
    )
    award = Award(
        volunteer=volunteer,
        recorded_by=_user(actor),
        recorded_by_name=_name(actor),
        recorded_at=timezone.now(),
        **fields,
    )
    check_bounds(award)
    award.save(force_insert=True)
    audit_record(
        actor=actor,
        action="recognition.award",
        obj=volunteer,
        changes={"award": [None, award.name]},
    )
    return award


@transaction.atomic
def evaluation_record(
    *,
    actor: Actor | None,
    volunteer: Volunteer,
    evaluated_on: date,
    rating: int | None = None,
    grade: str = "",
    comment: str = "",
) -> Evaluation:
    """An evaluation of a volunteer's service (办法 Art 10): a rating of one to five or a grade."""
    if not may_record_recognition(actor, volunteer):
        raise PermissionDenied(_("You may not evaluate this volunteer."))
    if volunteer.is_erased:
        raise ValidationError(_("This record has been erased."), code="erased")
    if (rating is None) == (not grade):
        raise ValidationError(
            {"rating": _("Give either a rating of one to five or a grade, not both.")},
            code="rating_or_grade",
        )
    if grade and grade not in Grade.values:
        raise ValidationError({"grade": _("Choose a grade.")}, code="grade")
    evaluation = Evaluation(
        volunteer=volunteer,
        evaluated_on=evaluated_on,
        rating=rating,
        grade=grade,
        comment=(comment or "").strip(),
        evaluator=_user(actor),
        evaluator_name=_name(actor),
        recorded_at=timezone.now(),
    )
    check_bounds(evaluation)
    evaluation.save(force_insert=True)
    audit_record(
        actor=actor,
        action="recognition.evaluation",
        obj=volunteer,
        changes={"evaluation": [None, str(rating) if rating is not None else grade]},
    )
    return evaluation


@transaction.atomic
def team_honour_record(
    *,
    actor: Actor | None,
    team: Organization,
    kind: str,
    name: str,
    awarded_on: date,
    granting_unit: str,
    level: str,
    document: Any = None,
) -> TeamHonour:
    """A flag presented to a team, or an award or commendation of the team."""
    if not may_honour_team(actor, team):
        raise PermissionDenied(_("You may not record honours for this team."))
    fields = _honour_fields(
        kind=kind,
        kinds=HonourKind.values,
        name=name,
        awarded_on=awarded_on,
        granting_unit=granting_unit,
        level=level,
        document=document,
    )
    honour = TeamHonour(
        team=team,
        region_id=team.region_id,
        recorded_by=_user(actor),
        recorded_by_name=_name(actor),
        recorded_at=timezone.now(),
        **fields,
    )
    check_bounds(honour)
    honour.save(force_insert=True)
    audit_record(
        actor=actor,
        action="recognition.team_honour",
        obj=team,
        changes={"honour": [None, honour.name]},
    )
    return honour
