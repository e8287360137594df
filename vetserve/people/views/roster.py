"""The roster: the volunteers the user may see, searched and filtered, a page at a time
(htmx swaps the results); the organization comes by a second query (bench/roster_list.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from vetserve.core.access import (
    AUDIT,
    CHANGE,
    can,
)
from vetserve.core.views import AuthedRequest, is_htmx, paginate, query_without_page
from vetserve.orgs.forms import INDENT, region_option_label
from vetserve.orgs.models import Organization
from vetserve.orgs.selectors import organization_list
from vetserve.people.forms import (
    VolunteerFilterForm,
)
from vetserve.people.models import (
    Volunteer,
)
from vetserve.people.selectors import (
    ROSTER_FILTERS,
    volunteer_badges_prefetched,
    volunteer_own,
    volunteer_roster,
)
from vetserve.people.views._shared import age_on
from vetserve.regions.models import Region
from vetserve.regions.selectors import region_list

# Levels offered in the region filter, as on the organization list.
FILTER_LEVELS = ("city", "county", "township")
LIST_COLUMNS = (
    "id",
    "name",
    "gender",
    "birth_date",
    "id_number_masked",
    "phone_masked",
    "home_org_id",
    "status",
)


@dataclass(frozen=True)
class Row:
    volunteer: Volunteer
    age: int | None
    badge_number: str


def _rows(volunteers: Iterable[Volunteer]) -> list[Row]:
    today = timezone.localdate()
    rows = []
    for v in volunteers:
        badges = getattr(v, "prefetched_badges", ())
        number = next((b.number for b in badges if b.status == "active"), "")
        rows.append(Row(v, age_on(v.birth_date, today), number))
    return rows


def _looks_like_a_number(text: str) -> bool:
    digits = sum(ch.isdigit() for ch in text)
    return digits >= 7


# --- the roster --------------------------------------------------------------------------------


@login_required
@require_GET
def volunteer_list_page(request: AuthedRequest) -> HttpResponse:
    user = request.user
    filters = VolunteerFilterForm(request.GET)
    data: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {}
    region: Region | None = None
    org: Organization | None = None
    # A region or organization the user cannot see filters to nothing, like a missing one.
    unknown = False
    if data.get("region"):
        region = region_list(user=user).filter(code=data["region"]).first()
        unknown = region is None
    if data.get("org"):
        org = organization_list(user=user).filter(pk=data["org"]).first()
        unknown = unknown or org is None
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
    if unknown:
        volunteers = volunteers.none()
    # The columns shown, and the organization by a second query instead of a join: with a join
    # SQLite stopped walking the name index and sorted all 100,000 rows (bench/roster_list.py).
    volunteers = (
        volunteers.select_related(None)
        .only(*LIST_COLUMNS)
        .prefetch_related(Prefetch("home_org", Organization.objects.only("id", "name")))
    )
    page = paginate(request, volunteer_badges_prefetched(volunteers))
    context: dict[str, Any] = {
        "page_obj": page,
        "rows": _rows(page.object_list),
        "filters": filters,
        "region": region,
        "org": org,
        "query": query_without_page(request),
        "filtered": any(
            data.get(key) for key in ("q", "region", "org", "status", "skill", "qualification")
        ),
        "show_badges": apps.is_installed("vetserve.badges"),
    }
    if is_htmx(request):
        response = render(request, "people/_results.html", context)
        if _looks_like_a_number(data.get("q", "")):
            # A full ID or phone number must not land in the browser's history.
            response["HX-Push-Url"] = "false"
    else:
        regions = list(region_list(user=user).filter(level__in=FILTER_LEVELS).order_by("id"))
        if region is not None and region not in regions:
            regions.append(region)
        orgs = organization_list(user=user).select_related(None).order_by("path")
        orgs = orgs.only("id", "name", "path")
        context.update(
            region_options=[(r.code, region_option_label(r)) for r in regions],
            org_options=[(o.pk, INDENT * (o.path.count("/") - 2) + o.name) for o in orgs],
            **{f"{key}_options": extra.options() for key, extra in ROSTER_FILTERS.items()},
            may_register=can(user, CHANGE),
            may_export=can(user, CHANGE) or can(user, AUDIT),
            own=volunteer_own(user=user),
        )
        response = render(request, "people/list.html", context)
    response["Vary"] = "HX-Request"
    return response
