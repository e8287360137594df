"""What the activities app adds to other apps' pages: the activities a team runs and the shifts
its members staff, and a volunteer's upcoming shifts (registered in
``orgs.views.DETAIL_SECTIONS`` and ``people.views.volunteer.VOLUNTEER_SECTIONS``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from vetserve.activities.models import Shift, SignUp, SignUpState
from vetserve.activities.selectors import activity_list
from vetserve.core.access import VIEW, Actor
from vetserve.orgs.models import Organization
from vetserve.people.models import Volunteer
from vetserve.people.selectors import volunteer_list

SHOWN = 8


def team_activities(*, request: Any, user: Actor | None, org: Organization) -> dict[str, Any]:
    """Upcoming and past activities the team (or a sub-team) runs, and the upcoming and past
    shifts its members staff for other organizers, as far as the viewer may see them: six
    queries."""
    now = timezone.now()
    runs = activity_list(user=user, organization=org)
    upcoming = runs.filter(ends_at__gte=now)
    past = runs.filter(ends_at__lt=now)
    members = volunteer_list(user=user, organization=org).values("pk")
    staffed = (
        Shift.objects.visible_to(user, VIEW)
        .filter(
            ends_at__gte=now,
            pk__in=SignUp.objects.filter(state=SignUpState.CONFIRMED, volunteer__in=members).values(
                "shift_id"
            ),
        )
        .exclude(activity__organization__path__startswith=org.path)
        .select_related("activity")
        .order_by("starts_at", "pk")
    )
    return {
        "template": "activities/_team_activities.html",
        "order": 30,
        "org": org,
        "upcoming": list(upcoming.order_by("starts_at", "pk")[:SHOWN]),
        "upcoming_count": upcoming.count(),
        "past": list(past.order_by("-starts_at", "-pk")[:SHOWN]),
        "past_count": past.count(),
        "staffed": list(staffed.filter(ends_at__gte=now).order_by("starts_at", "pk")[:SHOWN]),
        "staffed_past": list(staffed.filter(ends_at__lt=now).order_by("-starts_at", "-pk")[:SHOWN]),
    }


def volunteer_shifts(
    *, request: Any, user: Actor | None, volunteer: Volunteer, own: bool
) -> dict[str, Any]:
    """The volunteer's confirmed places on shifts that have not ended, soonest first."""
    signups = (
        SignUp.objects.visible_to(user, VIEW)
        .filter(
            volunteer=volunteer, state=SignUpState.CONFIRMED, shift__ends_at__gte=timezone.now()
        )
        .select_related("shift__activity")
        .order_by("shift__starts_at", "pk")
    )
    return {
        "template": "activities/_volunteer_shifts.html",
        "order": 20,
        "own": own,
        "signups": list(signups[:SHOWN]),
    }
