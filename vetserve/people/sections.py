"""What the people app adds to other apps' pages: a team's members (registered in
``orgs.views.DETAIL_SECTIONS`` when the apps are ready)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator

from vetserve.core.access import Actor
from vetserve.orgs.models import Organization
from vetserve.people.selectors import volunteer_list

MEMBERS_PER_PAGE = 25


def team_members(*, request: Any, user: Actor | None, org: Organization) -> dict[str, Any]:
    """The team's members the viewer may see (its own and its sub-teams' people, and those
    serving in it), paged, numbers masked as on the roster: full numbers only by a logged
    reveal on the person's page."""
    members = volunteer_list(user=user, organization=org).order_by("name", "pk")
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "template": "people/_team_members.html",
        "order": 10,
        "page_obj": page,
        "members": page.object_list,
    }
