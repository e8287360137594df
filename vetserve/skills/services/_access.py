"""Who may do what, as the skills services ask it: the decisions live in ``core.access``;
these turn a "no" into the PermissionDenied every write raises, and place the audit record
of a change to a volunteer's skills or qualifications."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from vetserve.accounts.models import User
from vetserve.audit.services import audit_record
from vetserve.core.access import Actor, may_change_org, may_change_volunteer
from vetserve.orgs.models import Organization
from vetserve.people.models import Volunteer


def is_self(actor: Actor | None, volunteer: Volunteer) -> bool:
    """The volunteer acting on their own record."""
    return actor is not None and actor.is_authenticated and volunteer.user_id == actor.pk


def require_manage(actor: Actor | None, volunteer: Volunteer) -> None:
    if not may_change_volunteer(actor, volunteer):
        raise PermissionDenied(_("You may not manage this volunteer's skills and qualifications."))


def require_manage_or_self(actor: Actor | None, volunteer: Volunteer) -> None:
    if not (is_self(actor, volunteer) or may_change_volunteer(actor, volunteer)):
        raise PermissionDenied(_("You may not manage this volunteer's skills and qualifications."))


def require_organizer(actor: Actor | None, org: Organization) -> None:
    if not may_change_org(actor, org):
        raise PermissionDenied(_("You may not manage training of this organization."))


def user_or_none(actor: Actor | None) -> User | None:
    """The user to name as confirmer or verifier: nobody for the system or an anonymous actor."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def audit_volunteer(
    actor: Actor | None, action: str, obj: models.Model, volunteer: Volunteer, **kw: Any
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        region_id=volunteer.region_id,
        organization_id=volunteer.home_org_id,
        **kw,
    )
