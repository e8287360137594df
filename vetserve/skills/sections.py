"""What the skills app adds to other apps' pages: the qualifications summary of a team's
members, and a volunteer's qualifications, skills and training (registered in
``orgs.views.DETAIL_SECTIONS`` and ``people.views.volunteer.VOLUNTEER_SECTIONS``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from vetserve.core.access import Actor
from vetserve.orgs.models import Organization
from vetserve.people.models import Volunteer
from vetserve.people.selectors import volunteer_list
from vetserve.skills import selectors

TRAINING_SHOWN = 10


def team_qualifications(*, request: Any, user: Actor | None, org: Organization) -> dict[str, Any]:
    """How many of the members the viewer may see hold each qualification type (valid today,
    Asia/Shanghai, through the expiry day), and how many of those expire within
    ``EXPIRES_SOON_DAYS``: one query whatever the number of members or types."""
    today = timezone.localdate()
    soon = today + timedelta(days=selectors.EXPIRES_SOON_DAYS)
    valid = Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    rows = (
        selectors.qualification_list(user=user)
        .filter(volunteer__in=volunteer_list(user=user, organization=org).values("pk"))
        .filter(valid)
        .order_by()
        .values("type_id", "type__name")
        .annotate(
            holders=Count("volunteer", distinct=True),
            expiring=Count("volunteer", distinct=True, filter=Q(expires_on__lte=soon)),
        )
        .order_by("-holders", "type__name")
    )
    return {
        "template": "skills/_team_qualifications.html",
        "order": 20,
        "rows": list(rows),
        "soon_days": selectors.EXPIRES_SOON_DAYS,
    }


def volunteer_holdings(
    *, request: Any, user: Actor | None, volunteer: Volunteer, own: bool
) -> dict[str, Any]:
    """A volunteer's qualifications (with their state today), skills and latest training."""
    today = timezone.localdate()
    return {
        "template": "skills/_volunteer_holdings.html",
        "order": 30,
        "volunteer": volunteer,
        "qualifications": [
            (q, selectors.qualification_state(q, today))
            for q in selectors.qualification_list(user=user, volunteer=volunteer)
        ],
        "skills": list(selectors.volunteer_skill_list(user=user, volunteer=volunteer)),
        "training": list(
            selectors.enrolment_list(user=user, volunteer=volunteer)
            .select_related("session__course__organizer")
            .order_by("-session__date", "-pk")[:TRAINING_SHOWN]
        ),
        "training_hours": selectors.training_hours(volunteer),
    }
