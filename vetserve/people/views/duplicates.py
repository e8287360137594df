"""Duplicate records and merging two into one, and the open correction requests of
the records the user may change."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vetserve.core.access import (
    may_change_somewhere,
    may_change_volunteer,
)
from vetserve.core.forms import form_add_service_errors
from vetserve.core.views import AuthedRequest, paginate, query_without_page
from vetserve.people import services
from vetserve.people.forms import (
    CorrectionResolveForm,
    MergeForm,
)
from vetserve.people.selectors import (
    correction_requests_open,
    volunteer_duplicates,
)
from vetserve.people.views._shared import volunteer_to_change


@login_required
@require_GET
def duplicates_page(request: AuthedRequest) -> HttpResponse:
    user = request.user
    groups = []
    for group in volunteer_duplicates(user=user):
        first = group[0]
        groups.append(
            [
                (
                    v,
                    v is not first
                    and may_change_volunteer(user, first)
                    and may_change_volunteer(user, v),
                )
                for v in group
            ]
        )
    return render(request, "people/duplicates.html", {"groups": groups})


@login_required
@require_http_methods(["GET", "POST"])
def merge_page(request: AuthedRequest) -> HttpResponse:
    """Two records of one person: choose the one to keep; the other's memberships, history,
    consents, requests (and badges, hours …) move to it (`services.volunteer_merge`)."""
    user = request.user
    first = volunteer_to_change(user, request.GET.get("a"))
    second = volunteer_to_change(user, request.GET.get("b"))
    if first.pk == second.pk:
        raise Http404
    pair = (first, second) if first.pk < second.pk else (second, first)
    form = MergeForm(request.POST or None, pair=pair, initial={"keep": pair[0].pk})
    if request.method == "POST" and form.is_valid():
        keep, drop = pair if form.cleaned_data["keep"] == pair[0].pk else pair[::-1]
        try:
            services.volunteer_merge(
                actor=user, keep=keep, drop=drop, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Record #%(drop)d was merged into this one.") % {"drop": drop.pk},
            )
            return redirect("people:detail", volunteer_id=keep.pk)
    summaries = [
        {
            "volunteer": v,
            "memberships": list(v.memberships.select_related("organization")),
            "changes": v.status_changes.count(),
        }
        for v in pair
    ]
    return render(
        request,
        "people/merge.html",
        {"pair": pair, "summaries": summaries, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def corrections_page(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not may_change_somewhere(user):
        raise Http404
    page = paginate(request, correction_requests_open(user=user))
    rows = [(c, may_change_volunteer(user, c.volunteer)) for c in page.object_list]
    return render(
        request,
        "people/corrections.html",
        {
            "page_obj": page,
            "rows": rows,
            "resolve_form": CorrectionResolveForm(),
            "query": query_without_page(request),
        },
    )
