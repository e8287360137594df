from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from vetserve.accounts.models import User
from vetserve.core.access import AUDIT, can
from vetserve.orgs.models import Kind
from vetserve.orgs.selectors import organization_list
from vetserve.regions.models import Region
from vetserve.regions.selectors import region_list, region_roots

PER_PAGE = 50


class AuthedRequest(HttpRequest):
    """A request behind @login_required: ``user`` is a real User, not AnonymousUser."""

    user: User


def is_htmx(request: HttpRequest) -> bool:
    """An htmx swap asks for a fragment; a history restore needs the whole page again."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def paginate(request: HttpRequest, items: Any, per_page: int = PER_PAGE) -> Page:
    """One page of ``items``; a missing, bad or too-high ?page= gives the nearest real page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The current filters as a query string, for the pagination links to keep them."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not (for load balancers and monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def user_home_regions(user: User) -> list[Region]:
    """Where the user's area starts: the regions of their grants (an organization's region for
    a team role). Without grants (a superuser) the highest regions they see."""
    regions: dict[int, Region] = {}
    for grant in user.active_grants():
        region = grant.region or grant.organization.region  # type: ignore[union-attr]
        regions.setdefault(region.pk, region)
    if not regions:
        return list(region_roots(user=user)[:20])
    return sorted(regions.values(), key=lambda r: r.pk)


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    orgs = organization_list(user=user)
    by_kind = {kind.value: 0 for kind in Kind}
    for row in orgs.order_by().values("kind").annotate(n=Count("id")):
        by_kind[row["kind"]] = row["n"]
    grants = user.active_grants()
    context = {
        "grants": grants,
        "roots": user_home_regions(user),
        "region_count": region_list(user=user).count(),
        "org_count": sum(by_kind.values()),
        "org_by_kind": [(kind.label, by_kind[kind.value], kind.value) for kind in Kind],
        "show_audit": can(user, AUDIT),
    }
    return render(request, "core/home.html", context)
