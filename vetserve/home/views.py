"""The page everyone lands on after logging in: where their area starts and what is in it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render

from vetserve.core.access import AUDIT, can
from vetserve.core.views import AuthedRequest
from vetserve.orgs.models import Kind
from vetserve.orgs.selectors import organization_list
from vetserve.regions.selectors import region_home_list, region_list


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
        "roots": region_home_list(user=user),
        "region_count": region_list(user=user).count(),
        "org_count": sum(by_kind.values()),
        "org_by_kind": [(kind.label, by_kind[kind.value], kind.value) for kind in Kind],
        "show_audit": can(user, AUDIT),
    }
    return render(request, "home/home.html", context)
