"""What every roster write checks first: may the actor change volunteers of the
organization (the rule lives in ``core.access``), and which user row records who acted."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from vetserve.accounts.models import User
from vetserve.core.access import Actor, may_change_org
from vetserve.orgs.models import Organization


def _require_change_org(actor: Actor | None, org: Organization) -> None:
    if not may_change_org(actor, org):
        raise PermissionDenied(_("You may not manage volunteers of this organization."))


def _user(actor: Actor | None) -> User | None:
    """The acting user's row, for the foreign keys that record who did it; the anonymous
    user and the system are nobody."""
    return actor if isinstance(actor, User) else None
