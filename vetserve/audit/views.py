"""Pages: the audit log of the user's area (who did what, when, from where)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from vetserve.audit.display import action_codes, object_type_choices
from vetserve.audit.forms import AuditFilterForm
from vetserve.audit.selectors import audit_entry_list
from vetserve.core.access import AUDIT, can
from vetserve.core.views import AuthedRequest, is_htmx, paginate, query_without_page


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not can(user, AUDIT):
        raise Http404
    # The menus come from the code (what can be recorded), not from the rows.
    form = AuditFilterForm(request.GET, actions=action_codes(), object_types=object_type_choices())
    data = form.cleaned_data if form.is_valid() else {}
    entries = audit_entry_list(
        user=user,
        action=data.get("action", ""),
        actor=data.get("actor", ""),
        object_type=data.get("object_type", ""),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )
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
