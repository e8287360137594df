"""What the ledger adds to other apps' pages: ledger hours of a team's members and of one
volunteer, beside attendance's (``orgs.views.DETAIL_SECTIONS``,
``people.views.volunteer.VOLUNTEER_SECTIONS``). One query each, whatever the number of entries."""

from __future__ import annotations

from typing import Any

from vetserve.core.access import Actor
from vetserve.ledger.selectors import volunteer_balance, volunteers_balance
from vetserve.orgs.models import Organization
from vetserve.people.models import Volunteer
from vetserve.people.selectors import volunteer_list


def team_ledger_hours(*, request: Any, user: Actor | None, org: Organization) -> dict[str, Any]:
    return {
        "template": "ledger/_balance.html",
        "order": 6,
        "balance": volunteers_balance(
            user=user, volunteers=volunteer_list(user=user, organization=org)
        ),
        "team": True,
        "org": org,
    }


def volunteer_ledger_hours(
    *, request: Any, user: Actor | None, volunteer: Volunteer, own: bool
) -> dict[str, Any]:
    return {
        "template": "ledger/_balance.html",
        "order": 6,
        "balance": volunteer_balance(user=user, volunteer=volunteer),
        "team": False,
        "volunteer": volunteer,
        "own": own,
    }
