"""The page everyone lands on after logging in: the work of each of their roles, one tap from
it; and the list of upcoming shifts its leaders' and offices' sections count."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from vetserve.attendance.views import duration
from vetserve.core.access import (
    AUDIT,
    can,
    dispatches_somewhere,
    may_change_somewhere,
    may_publish_somewhere,
)
from vetserve.core.views import AuthedRequest, paginate, query_without_page
from vetserve.home.selectors import (
    UPCOMING_DAYS,
    home_sections,
    unstaffed_shifts,
    upcoming_shifts,
)
from vetserve.regions.selectors import region_home_list
from vetserve.reports.selectors import may_open_story


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    sections = home_sections(user=user)
    volunteer = sections.get("volunteer")
    context = {
        **sections,
        "grants": user.active_grants(),
        "roots": region_home_list(user=user),
        "hours_this_year": duration(volunteer.minutes_this_year) if volunteer else "",
        "may_change": may_change_somewhere(user),
        "may_audit": can(user, AUDIT),
        "may_dispatch": dispatches_somewhere(user),
        # The public site's editor (vetserve/public): region administrators.
        "may_publish": may_publish_somewhere(user),
    }
    # Only administrators and auditors can see a whole city: ask nobody else's home.
    context["may_see_story"] = (context["may_change"] or context["may_audit"]) and may_open_story(
        user=user
    )
    return render(request, "home/home.html", context)


@login_required
@require_GET
def shift_list_page(request: AuthedRequest) -> HttpResponse:
    """Upcoming shifts the viewer may lead, with staffing and each one's check-in station;
    ?need=short keeps those short of people in the coming fortnight."""
    user = request.user
    if not may_change_somewhere(user):
        raise Http404
    short = request.GET.get("need") == "short"
    shifts = unstaffed_shifts(user=user) if short else upcoming_shifts(user=user)
    page = paginate(request, shifts)
    context = {
        "page_obj": page,
        "shifts": page.object_list,
        "short": short,
        "days": UPCOMING_DAYS,
        "query": query_without_page(request),
    }
    return render(request, "home/shifts.html", context)
