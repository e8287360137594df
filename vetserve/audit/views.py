"""Pages: the audit log of the user's area (who did what, when, from where)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from vetserve.audit.display import object_type_label
from vetserve.audit.forms import AuditFilterForm
from vetserve.audit.models import AuditEntry
from vetserve.core.access import AUDIT, can
from vetserve.core.views import AuthedRequest, is_htmx, paginate, query_without_page


def _start_of(day: date) -> datetime:
    """Midnight of ``day`` where the users are (Asia/Shanghai), as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not can(user, AUDIT):
        raise Http404
    visible = AuditEntry.objects.visible_to(user, AUDIT)
    actions = list(visible.order_by("action").values_list("action", flat=True).distinct())
    types = visible.exclude(object_type="").order_by("object_type")
    object_types = sorted(
        ((t, object_type_label(t)) for t in types.values_list("object_type", flat=True).distinct()),
        key=lambda c: c[1],
    )
    form = AuditFilterForm(request.GET, actions=actions, object_types=object_types)
    entries = visible.select_related("region", "organization")
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["actor"]:
            entries = entries.filter(actor_name__icontains=data["actor"].strip())
        if data["object_type"]:
            entries = entries.filter(object_type=data["object_type"])
        if data["date_from"]:
            entries = entries.filter(at__gte=_start_of(data["date_from"]))
        if data["date_to"]:
            entries = entries.filter(at__lt=_start_of(data["date_to"] + timedelta(days=1)))
    page = paginate(request, entries)
    context = {
        "form": form,
        "page_obj": page,
        "entries": page.object_list,
        "query": query_without_page(request),
        "filtered": form.is_valid() and any(form.cleaned_data.values()),
    }
    template = "audit/_results.html" if is_htmx(request) else "audit/list.html"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response
