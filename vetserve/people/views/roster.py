"""The roster: the volunteers the user may see, searched and filtered, a page at a time
(htmx swaps the results); the organization comes by a second query (bench/roster_list.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Prefetch
from django.db.models.functions import Collate
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from vetserve.core.access import (
    AUDIT,
    CHANGE,
    can,
)
from vetserve.core.paging import Sort, sort_rows
from vetserve.core.views import AuthedRequest, is_htmx, paginate
from vetserve.orgs.models import Organization
from vetserve.people.forms import (
    VolunteerFilterForm,
)
from vetserve.people.idnumbers import looks_like_personal_number
from vetserve.people.models import (
    Volunteer,
)
from vetserve.people.search_handles import NUMBER_IN_URL, params_for_url, params_with_query
from vetserve.people.selectors import (
    ROSTER_FILTERS,
    volunteer_badges_prefetched,
    volunteer_own,
    volunteer_roster,
)
from vetserve.regions.models import Region

# The roster's sorts. Names in code-point order on PostgreSQL as on SQLite, served by the
# name index (migration 0002); ids rise with registration, so "registered" needs no column.
ROSTER_SORTS = {
    "name": Sort(
        gettext_lazy("name"),
        (Collate("name", "C"),) if connection.vendor == "postgresql" else ("name",),
    ),
    "born": Sort(gettext_lazy("year of birth"), ("birth_year",)),
    "registered": Sort(gettext_lazy("registration"), ()),
}

LIST_COLUMNS = (
    "id",
    "name",
    "gender",
    "birth_year",
    "id_number_masked",
    "phone_masked",
    "home_org_id",
    "status",
)


@dataclass(frozen=True)
class Row:
    volunteer: Volunteer
    badge_number: str


def _rows(volunteers: Iterable[Volunteer]) -> list[Row]:
    # Beside the masked ID number only the year of birth, never the date or an exact age:
    # with the date the number is whole again (docs/decisions/0004).
    rows = []
    for v in volunteers:
        badges = getattr(v, "prefetched_badges", ())
        number = next((b.number for b in badges if b.status == "active"), "")
        rows.append(Row(v, number))
    return rows


# --- the roster --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_list_page(request: AuthedRequest) -> HttpResponse:
    """GET shows the roster for the filters in the URL; the search form POSTs, so a typed ID or
    phone number never becomes part of a URL (views/_search.py): a POST answers with the
    results under the clean address (htmx) or redirects to it."""
    if request.method == "POST":
        clean = params_for_url(request, request.POST)
        url = reverse("people:list") + (f"?{clean.urlencode()}" if clean else "")
        if not is_htmx(request):
            return redirect(url)
        resolved, _fresh = params_with_query(request, clean)
        response = _roster(request, resolved, clean)
        response["HX-Push-Url"] = url
        return response
    if looks_like_personal_number(request.GET.get("q", "")):
        # A bookmark or a hand-made link: the number is already in some log, but it goes no
        # further (no results, no export link), and the form says how to search instead.
        return _roster(
            request,
            QueryDict(mutable=True),
            QueryDict(),
            status=400,
            refused=True,
            notice=str(NUMBER_IN_URL),
        )
    resolved, fresh = params_with_query(request, request.GET)
    clean = request.GET.copy()
    clean.pop("page", None)
    notice = (
        "" if fresh else _("This search has expired (after 30 minutes); type the number again.")
    )
    return _roster(request, resolved, clean, notice=notice)


def _roster(
    request: AuthedRequest,
    params: QueryDict,
    clean: QueryDict,
    *,
    status: int = 200,
    notice: str = "",
    refused: bool = False,
) -> HttpResponse:
    """The roster for ``params`` (the filters, the query in clear); ``clean`` is what links
    may carry (the query as a handle)."""
    user = request.user
    filters = VolunteerFilterForm(params, user=user)
    valid = filters.is_valid()
    # A region or organization the user cannot see filters to nothing, like a missing one.
    unknown = bool(filters.errors) and set(filters.errors) <= {"org", "region"}
    data: dict[str, Any] = filters.cleaned_data if valid or unknown else {}
    region: Region | None = data.get("region")
    org: Organization | None = data.get("org")
    volunteers = volunteer_roster(
        user=user,
        search=data.get("q", ""),
        region=region,
        organization=org,
        status=data.get("status", ""),
    )
    for key, extra in ROSTER_FILTERS.items():
        if data.get(key):
            volunteers = volunteers.filter(extra.q(data[key]))
    if unknown or refused:
        volunteers = volunteers.none()
    # The columns shown, and the organization by a second query instead of a join: with a join
    # SQLite stopped walking the name index and sorted all 100,000 rows (bench/roster_list.py).
    volunteers = (
        volunteers.select_related(None)
        .only(*LIST_COLUMNS)
        .prefetch_related(Prefetch("home_org", Organization.objects.only("id", "name")))
    )
    if region is not None and clean.get("region"):
        # Links (pages, sorts, the export) name the region by its official code, as the region
        # page's links do, whether the filter was typed, picked (an id) or linked.
        clean = clean.copy()
        clean["region"] = region.code
    query = clean.urlencode()
    volunteers, sorting = sort_rows(volunteers, params, ROSTER_SORTS, "name", query)
    page = paginate(request, volunteer_badges_prefetched(volunteers))
    context: dict[str, Any] = {
        "page_obj": page,
        "rows": _rows(page.object_list),
        "filters": filters,
        "region": region,
        "org": org,
        # For the pagination and export links: a searched number only as its handle.
        "query": query,
        "sorting": sorting,
        "notice": notice,
        "filtered": any(
            data.get(key) for key in ("q", "region", "org", "status", "skill", "qualification")
        ),
        "show_badges": apps.is_installed("vetserve.badges"),
        # Rows carry a check box for the badge actions (issue to, print for the selection).
        "may_select": apps.is_installed("vetserve.badges") and can(user, CHANGE),
    }
    if is_htmx(request):
        response = render(request, "people/_results.html", context, status=status)
    else:
        context.update(
            **{f"{key}_options": extra.options() for key, extra in ROSTER_FILTERS.items()},
            may_register=can(user, CHANGE),
            may_export=can(user, CHANGE) or can(user, AUDIT),
            own=volunteer_own(user=user),
        )
        response = render(request, "people/list.html", context, status=status)
    response["Vary"] = "HX-Request"
    # Personal data, and after a search by number the number itself in the search box: kept
    # by no browser cache or disk on a shared office computer.
    patch_cache_control(response, private=True, no_store=True)
    return response
