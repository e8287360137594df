"""Every write to proofs goes through here: issuing (frozen totals, audited) and revoking."""

from __future__ import annotations

import base64
import secrets
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.accounts.models import User
from vetserve.activities.models import Activity
from vetserve.audit.services import audit_record
from vetserve.core.access import Actor, may_issue_proof, may_revoke_proof
from vetserve.core.bounds import DATES
from vetserve.orgs.models import Organization
from vetserve.people.models import Volunteer
from vetserve.proofs.models import PROOF_YEARS, REASON_MAX, Proof, Scope
from vetserve.proofs.selectors import proof_badge_number, proof_entries, proof_selection


def proof_number() -> str:
    """16 base32 characters from 80 random bits."""
    return base64.b32encode(secrets.token_bytes(10)).decode()


def _user(actor: Actor | None) -> User | None:
    return actor if isinstance(actor, User) else None


def _check_scope(
    scope: str, year: int | None, date_from: date | None, date_to: date | None, ids: list[int]
) -> None:
    if scope not in Scope.values:
        raise ValidationError({"scope": _("Choose what the proof covers.")}, code="scope")
    if scope == Scope.YEAR and (year is None or year not in PROOF_YEARS):
        raise ValidationError({"year": _("Give a year between 1900 and 2099.")}, code="year")
    if scope == Scope.RANGE:
        if date_from is None or date_to is None:
            raise ValidationError({"date_from": _("Give both dates.")}, code="dates")
        if date_from not in DATES or date_to not in DATES or date_from > date_to:
            raise ValidationError(
                {"date_to": _("The end date must not be before the start date.")}, code="dates"
            )
    if scope == Scope.ACTIVITIES and not ids:
        raise ValidationError({"activities": _("Choose at least one activity.")}, code="activities")


@transaction.atomic
def proof_issue(
    *,
    actor: Actor | None,
    volunteer: Volunteer,
    organization: Organization,
    scope: str = Scope.ALL,
    year: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    activity_ids: list[int] | None = None,
) -> Proof:
    """Issue a proof of the hours ``organization`` recorded for ``volunteer`` in the scope
    chosen; its totals and lines are frozen now. Refused when nothing is to be proved."""
    if not may_issue_proof(actor, volunteer=volunteer, organization=organization):
        raise PermissionDenied(_("You may not issue proofs for this unit."))
    if volunteer.is_erased:
        raise ValidationError(_("This record has been erased."), code="erased")
    ids = sorted(set(activity_ids or []))
    _check_scope(scope, year, date_from, date_to, ids)
    if scope == Scope.ACTIVITIES:
        known = set(
            Activity.objects.filter(pk__in=ids, organization=organization).values_list(
                "pk", flat=True
            )
        )
        if known != set(ids):
            raise ValidationError(
                {"activities": _("Choose activities of the issuing unit.")}, code="activities"
            )
    entries = proof_entries(
        volunteer=volunteer,
        organization=organization,
        scope=scope,
        year=year,
        date_from=date_from,
        date_to=date_to,
        activity_ids=ids,
    )
    selection = proof_selection(entries)
    if selection.entries == 0 or selection.minutes == 0:
        raise ValidationError(
            _("The unit recorded no service hours of this volunteer in the chosen scope."),
            code="nothing",
        )
    user = _user(actor)
    proof = Proof.objects.create(
        number=proof_number(),
        volunteer=volunteer,
        organization=organization,
        region_id=organization.region_id,
        badge_number=proof_badge_number(volunteer),
        unit_name=organization.name,
        person_in_charge=organization.leader_name or selection.person_in_charge,
        scope=scope,
        year=year if scope == Scope.YEAR else None,
        date_from=date_from if scope == Scope.RANGE else None,
        date_to=date_to if scope == Scope.RANGE else None,
        minutes=selection.minutes,
        confirmed_minutes=selection.confirmed_minutes,
        entries=selection.entries,
        lines=selection.lines,
        content=selection.content,
        issued_by=user,
        issued_by_name=user.get_username() if user else "",
        issued_at=timezone.now(),
    )
    if scope == Scope.ACTIVITIES:
        proof.activities.set(ids)
    audit_record(
        actor=actor,
        action="proof.issue",
        obj=proof,
        object_repr=f"{proof.number} {volunteer.name}",
        changes={"minutes": [None, proof.minutes], "scope": [None, scope]},
    )
    return proof


@transaction.atomic
def proof_revoke(*, actor: Actor | None, proof: Proof, reason: str) -> Proof:
    """Withdraw a proof (issued in error, hours corrected since); the public check says so."""
    if not may_revoke_proof(actor, proof):
        raise PermissionDenied(_("You may not revoke proofs of this unit."))
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": _("Give a reason for revoking.")}, code="reason")
    if len(text) > REASON_MAX:
        raise ValidationError(
            {"reason": _("At most %(limit)d characters.") % {"limit": REASON_MAX}}, code="reason"
        )
    fresh = Proof.objects.select_for_update().get(pk=proof.pk)
    if fresh.revoked_at is not None:
        raise ValidationError(_("This proof has already been revoked."), code="revoked")
    proof.revoked_at = timezone.now()
    proof.revoked_by = _user(actor)
    proof.revoke_reason = text
    proof.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        actor=actor,
        action="proof.revoke",
        obj=proof,
        object_repr=f"{proof.number} {proof.volunteer.name}",
        changes={"revoked": [False, True]},
        reason=text,
    )
    return proof


def proof_download_record(*, actor: Actor | None, proof: Proof) -> None:
    """Log each download: the PDF carries a name and a masked ID."""
    audit_record(actor=actor, action="proof.download", obj=proof, object_repr=proof.number)
