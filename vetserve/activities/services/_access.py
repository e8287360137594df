"""Who may change what, as the services ask it: the decisions live in ``core.access``;
these turn a "no" into the PermissionDenied every write raises."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from vetserve.accounts.models import User
from vetserve.activities.models import Activity
from vetserve.core.access import Actor, may_change_activity, may_change_org
from vetserve.orgs.models import Organization


def user_or_none(actor: Actor | None) -> User | None:
    """The user to record as creator or recorder: nobody for the system or an anonymous actor."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def require_change_org(actor: Actor | None, org: Organization) -> None:
    if not may_change_org(actor, org):
        raise PermissionDenied(_("You may not plan activities for this organization."))


def require_change_activity(actor: Actor | None, activity: Activity) -> None:
    if not may_change_activity(actor, activity):
        raise PermissionDenied(_("You may not change this activity."))
