from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from vetserve.core.scoping import AUDIT
from vetserve.orgs.models import Kind
from vetserve.orgs.selectors import organization_list
from vetserve.regions.selectors import region_list, region_roots


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


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    orgs = organization_list(user=user)
    by_kind = {kind.value: 0 for kind in Kind}
    for row in orgs.order_by().values("kind").annotate(n=Count("id")):
        by_kind[row["kind"]] = row["n"]
    context = {
        "grants": user.active_grants(),  # type: ignore[union-attr]
        "roots": region_roots(user=user)[:20],
        "region_count": region_list(user=user).count(),
        "org_count": sum(by_kind.values()),
        "org_by_kind": [(kind.label, by_kind[kind.value], kind.value) for kind in Kind],
        "show_audit": user.can(AUDIT),  # type: ignore[union-attr]
    }
    return render(request, "core/home.html", context)
