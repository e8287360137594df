"""Who may change what, as the services ask it: the decisions live in ``core.access``;
these turn a "no" into the PermissionDenied every write raises."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from vetserve.activities.models import Activity
from vetserve.core.access import may_change_activity, may_change_org
from vetserve.orgs.models import Organization


def require_change_org(actor: Any, org: Organization) -> None:
    if not may_change_org(actor, org):
        raise PermissionDenied(_("You may not plan activities for this organization."))


def require_change_activity(actor: Any, activity: Activity) -> None:
    if not may_change_activity(actor, activity):
        raise PermissionDenied(_("You may not change this activity."))
