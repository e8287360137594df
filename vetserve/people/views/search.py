"""Matches for a searchable select of volunteers (core/widgets.py SearchSelect)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_POST

from vetserve.core.access import CHANGE, VIEW
from vetserve.core.views import AuthedRequest, search_param, search_response, search_text
from vetserve.core.widgets import SEARCH_LIMIT, SearchRow
from vetserve.people.selectors import volunteer_choices


@login_required
@require_POST
def volunteer_search(request: AuthedRequest) -> HttpResponse:
    """POST only: the text may be an ID, phone or badge number, which must not travel in a
    URL (search_handles.py). Only volunteers the user may see, or with ``action=change``
    change; at most SEARCH_LIMIT of them, named with their team (never their numbers)."""
    query = search_text(request)
    action = CHANGE if search_param(request, "action") == CHANGE else VIEW
    volunteers = volunteer_choices(
        user=request.user, search=query, action=action, limit=SEARCH_LIMIT + 1
    )
    rows = [SearchRow(v.pk, v.name, v.home_org.name if v.home_org else "") for v in volunteers]
    return search_response(request, rows, query=query)
