"""A volunteer's status (active, suspended, left …, along ``STATUS_FLOW``, with a reason and
the status hooks) and their memberships of organizations."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vetserve.audit.services import audit_record
from vetserve.core.access import Actor
from vetserve.core.bounds import check_bounds, create_checked
from vetserve.orgs.models import Organization
from vetserve.people.models import STATUS_FLOW, Membership, Status, StatusChange, Volunteer
from vetserve.people.services._access import _require_change_org, _user
from vetserve.people.services.hooks import STATUS_HOOKS


@transaction.atomic
def volunteer_status_change(
    *, actor: Actor | None, volunteer: Volunteer, to_status: str, reason: str
) -> Volunteer:
    _require_change_org(actor, volunteer.home_org)
    if to_status not in STATUS_FLOW.get(volunteer.status, frozenset()):
        raise ValidationError(
            {
                "status": _("A volunteer cannot go from %(from)s to %(to)s.")
                % {"from": volunteer.get_status_display(), "to": Status(to_status).label}
            },
            code="invalid_transition",
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the change.")}, code="reason")
    StatusChange.objects.create(
        volunteer=volunteer,
        from_status=volunteer.status,
        to_status=to_status,
        reason=reason,
        actor=_user(actor),
    )
    old = volunteer.status
    volunteer.status = to_status
    volunteer.save(update_fields=["status", "updated_at"])
    for hook in STATUS_HOOKS:
        hook(actor=actor, volunteer=volunteer, old=old, new=to_status, reason=reason)
    audit_record(
        actor=actor,
        action="volunteer.status",
        obj=volunteer,
        reason=reason,
        changes={"status": [old, to_status]},
    )
    return volunteer


@transaction.atomic
def membership_add(
    *,
    actor: Actor | None,
    volunteer: Volunteer,
    organization: Organization,
    role: str,
    started_on: date,
) -> Membership:
    _require_change_org(actor, organization)
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if Membership.objects.filter(
        volunteer=volunteer, organization=organization, ended_on__isnull=True
    ).exists():
        raise ValidationError(
            {"organization": _("The volunteer is already a member of this organization.")},
            code="duplicate",
        )
    membership = create_checked(
        Membership, volunteer=volunteer, organization=organization, role=role, started_on=started_on
    )
    audit_record(
        actor=actor,
        action="membership.add",
        obj=volunteer,
        organization_id=organization.pk,
        changes={"organization": [None, organization.name], "role": [None, role]},
    )
    return membership


@transaction.atomic
def membership_end(*, actor: Actor | None, membership: Membership, ended_on: date) -> Membership:
    _require_change_org(actor, membership.organization)
    if ended_on < membership.started_on:
        raise ValidationError({"ended_on": _("The end cannot be before the start.")})
    membership.ended_on = ended_on
    check_bounds(membership)
    membership.save(update_fields=["ended_on"])
    audit_record(
        actor=actor,
        action="membership.end",
        obj=membership.volunteer,
        organization_id=membership.organization_id,
        changes={"organization": [membership.organization.name, None]},
    )
    return membership
