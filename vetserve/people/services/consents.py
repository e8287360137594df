"""Separate consents (health data, publication, sharing) and their withdrawal, the health
declaration that needs one, and a person's requests to correct their data."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.audit.services import audit_record
from vetserve.core import crypto
from vetserve.core.access import Actor
from vetserve.core.bounds import check_bounds, create_checked
from vetserve.people.models import Consent, CorrectionRequest, Volunteer
from vetserve.people.services._access import _require_change_org, _user
from vetserve.people.services.hooks import CONSENT_HOOKS
from vetserve.people.services.keys import HEALTH_CONTEXT


@transaction.atomic
def consent_record(
    *, actor: Actor | None, volunteer: Volunteer, purpose: str, granted: bool, text_version: str
) -> Consent:
    """Record a separate consent (health data, publication, sharing) or its withdrawal."""
    user = _user(actor)
    if user is not None and getattr(volunteer, "user_id", None) != user.pk:
        _require_change_org(actor, volunteer.home_org)
    consent = Consent.objects.create(
        volunteer=volunteer,
        purpose=purpose,
        granted=granted,
        text_version=text_version,
        recorded_by=_user(actor),
    )
    if purpose == Consent.Purpose.HEALTH and not granted:
        # Without consent, health data is not kept (PIPL Art 29).
        volunteer.health_enc = ""
        volunteer.health_declared_on = None
        volunteer.save(update_fields=["health_enc", "health_declared_on", "updated_at"])
    audit_record(
        actor=actor,
        action="consent.grant" if granted else "consent.withdraw",
        obj=volunteer,
        changes={"purpose": [None, purpose]},
    )
    for hook in CONSENT_HOOKS:
        hook(volunteer=volunteer, purpose=purpose, granted=granted)
    return consent


def has_consent(volunteer: Volunteer, purpose: str) -> bool:
    latest = volunteer.consents.filter(purpose=purpose).order_by("-at", "-id").first()
    return bool(latest and latest.granted)


@transaction.atomic
def health_declare(
    *, actor: Actor | None, volunteer: Volunteer, text: str, declared_on: date
) -> None:
    if not has_consent(volunteer, Consent.Purpose.HEALTH):
        raise ValidationError(
            _("Health data needs the volunteer's separate consent first."), code="no_consent"
        )
    if getattr(volunteer, "user_id", None) != (actor.pk if actor is not None else None):
        _require_change_org(actor, volunteer.home_org)
    volunteer.health_enc = crypto.encrypt(text.strip(), context=HEALTH_CONTEXT)
    volunteer.health_declared_on = declared_on
    check_bounds(volunteer)
    volunteer.save(update_fields=["health_enc", "health_declared_on", "updated_at"])
    audit_record(actor=actor, action="volunteer.health", obj=volunteer)


@transaction.atomic
def correction_request_create(*, volunteer: Volunteer, message: str) -> CorrectionRequest:
    message = message.strip()
    if not message:
        raise ValidationError({"message": _("Say what is wrong and what it should be.")})
    request = create_checked(CorrectionRequest, volunteer=volunteer, message=message)
    audit_record(actor=volunteer.user, action="correction.request", obj=volunteer)
    return request


@transaction.atomic
def correction_request_resolve(
    *, actor: Actor | None, request: CorrectionRequest, done: bool, resolution: str
) -> CorrectionRequest:
    _require_change_org(actor, request.volunteer.home_org)
    request.state = CorrectionRequest.State.DONE if done else CorrectionRequest.State.REJECTED
    request.resolution = resolution.strip()
    request.resolved_by = _user(actor)
    request.resolved_at = timezone.now()
    request.save()
    audit_record(
        actor=actor,
        action="correction.resolve",
        obj=request.volunteer,
        changes={"state": ["open", request.state]},
    )
    return request
