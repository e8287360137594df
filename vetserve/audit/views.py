"""Pages: the audit log of the user's area (who did what, when, from where)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from vetserve.audit.display import action_codes, object_type_choices
from vetserve.audit.exporting import audit_export
from vetserve.audit.forms import AuditFilterForm
from vetserve.audit.models import AuditEntry
from vetserve.audit.selectors import audit_entry_list
from vetserve.core.access import AUDIT, can
from vetserve.core.views import AuthedRequest, is_htmx, paginate, query_without_page
from vetserve.spreadsheets.writers import CONTENT_TYPES


def _filtered(request: AuthedRequest) -> tuple[AuditFilterForm, QuerySet[AuditEntry]]:
    """The filter form and the entries it selects, as the page and its export share them."""
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
    return form, entries


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    form, entries = _filtered(request)
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


@login_required
@require_GET
def audit_export_csv(request: AuthedRequest) -> StreamingHttpResponse:
    """The filtered log as CSV, streamed; the export is an entry of its own."""
    form, entries = _filtered(request)
    filters = form.cleaned_data if form.is_valid() else {}
    exported = audit_export(actor=request.user, entries=entries, filters=filters)
    response = StreamingHttpResponse(exported.chunks, content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=exported.filename
    )
    return response
