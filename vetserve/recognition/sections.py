"""What recognition adds to other apps' pages: a volunteer's stars, latest awards and
evaluations (``people.views.volunteer.VOLUNTEER_SECTIONS``, on their page and on one's own) and
a team's honours (``orgs.views.DETAIL_SECTIONS``). A fixed number of queries each."""

from __future__ import annotations

from typing import Any

from vetserve.core.access import Actor, may_honour_team, may_record_recognition
from vetserve.orgs.models import Organization
from vetserve.people.models import Volunteer
from vetserve.recognition.selectors import (
    award_list,
    evaluation_list,
    star_status,
    team_honour_list,
)

SHOWN = 3


def volunteer_recognition(
    *, request: Any, user: Actor | None, volunteer: Volunteer, own: bool
) -> dict[str, Any]:
    return {
        "template": "recognition/_volunteer_section.html",
        "order": 7,
        "stars": star_status(volunteer, with_dates=False),
        "awards": list(award_list(user=user, volunteer=volunteer)[:SHOWN]),
        "evaluations": list(evaluation_list(user=user, volunteer=volunteer)[:SHOWN]),
        "volunteer": volunteer,
        "own": own,
        "may_enter": not own and may_record_recognition(user, volunteer),
    }


def team_honours(*, request: Any, user: Actor | None, org: Organization) -> dict[str, Any]:
    return {
        "template": "recognition/_team_section.html",
        "order": 8,
        "honours": list(team_honour_list(user=user, team=org)[:SHOWN]),
        "org": org,
        "may_enter": may_honour_team(user, org),
    }
