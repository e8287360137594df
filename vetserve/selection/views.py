"""Selection pages: the list, defining one, its review (run, the shortlist with each score
broken down, the reserve, approve or reject), and the export of a decided one. Writes go
through ``services``; lists start from ``visible_to``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from vetserve.badges.selectors import mask_name
from vetserve.core.access import administers_regions, may_approve_selection, may_run_selection
from vetserve.core.paging import CappedPaginator
from vetserve.core.views import AuthedRequest, paginate, query_without_page
from vetserve.selection.forms import DecisionForm, SelectionForm
from vetserve.selection.models import Outcome, Selection, State
from vetserve.selection.selectors import (
    access_selection,
    candidate_list,
    criteria_shown,
    selection_list,
    selection_posts,
    tie_rule_text,
    visible_volunteer_ids,
    weights_shown,
)
from vetserve.selection.services import (
    selection_create,
    selection_decide,
    selection_export_record,
    selection_run,
)
from vetserve.spreadsheets.writers import xlsx_bytes

PER_PAGE = 20
ROWS_PER_PAGE = 50


def _form_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@login_required
@require_GET
def selection_index(request: AuthedRequest) -> HttpResponse:
    """The selections the user may see, newest first; ?state= narrows."""
    state = request.GET.get("state", "")
    state = state if state in State.values else ""
    page = paginate(request, selection_list(user=request.user, state=state), PER_PAGE)
    return render(
        request,
        "selection/list.html",
        {
            "state": state,
            "states": State.choices,
            "page_obj": page,
            "selections": page.object_list,
            "query": query_without_page(request),
            "may_define": administers_regions(request.user),
        },
    )


@login_required
def selection_new(request: AuthedRequest) -> HttpResponse:
    form = SelectionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            selection = selection_create(
                actor=request.user,
                organization=data["organization"],
                name=data["name"],
                purpose=data.get("purpose") or "",
                posts=form.posts(),
                weights=form.weights(),
                pool_region=data.get("pool_region"),
                pool_organization=data.get("pool_organization"),
                keyword=data.get("keyword") or "",
                pool_status=data["pool_status"],
                qualification_group=[data["qualification"]] if data.get("qualification") else [],
                min_age=data.get("min_age"),
                max_age=data.get("max_age"),
                suspension_free_days=data["suspension_free_days"],
                place_region=data.get("place_region"),
                reserve_size=data["reserve_size"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The selection was defined. Run it to see the shortlist."))
            return redirect("selection:detail", selection_id=selection.pk)
    return render(request, "selection/form.html", {"form": form})


def _rows(
    request: AuthedRequest, selection: Selection, rows: list[Any], labels: dict[str, Any]
) -> list[dict[str, Any]]:
    """What each shortlist row shows: the name in full where the viewer may open the person on
    the roster, masked otherwise; the ID number always masked; the breakdown in the run's
    criteria order."""
    shown = visible_volunteer_ids(request.user, [row.volunteer_id for row in rows])
    result = []
    for row in rows:
        v = row.volunteer
        parts = []
        for part in row.breakdown:
            info = labels.get(part["code"], {})
            parts.append(
                {**part, "label": info.get("label", part["code"]), "unit": info.get("unit", "")}
            )
        result.append(
            {
                "row": row,
                "name": v.name if row.volunteer_id in shown else mask_name(v.name),
                "linked": row.volunteer_id in shown,
                "id_masked": v.id_number_masked,
                "birth_year": v.birth_year,
                "org": v.home_org.name,
                "parts": parts,
            }
        )
    return result


@login_required
@require_GET
def selection_detail(request: AuthedRequest, selection_id: int) -> HttpResponse:
    selection = access_selection(request.user, selection_id)
    criteria = criteria_shown(selection)
    labels = {c["code"]: c for c in criteria}
    picked = paginate(request, candidate_list(selection, Outcome.PICKED), ROWS_PER_PAGE)
    reserve = CappedPaginator(candidate_list(selection, Outcome.RESERVE), ROWS_PER_PAGE).get_page(
        request.GET.get("reserve_page")
    )
    may_decide = selection.state == State.PROPOSED and may_approve_selection(
        request.user, selection
    )
    return render(
        request,
        "selection/detail.html",
        {
            "selection": selection,
            "posts": selection_posts(selection),
            "criteria": criteria,
            "weights": weights_shown(selection),
            "tie_rule": tie_rule_text(),
            "page_obj": picked,
            "picked": _rows(request, selection, list(picked.object_list), labels),
            "reserve_page": reserve,
            "reserve": _rows(request, selection, list(reserve.object_list), labels),
            "query": query_without_page(request),
            "may_run": not selection.is_decided
            and may_run_selection(request.user, selection.organization),
            "may_decide": may_decide,
            "ran_it_self": selection.state == State.PROPOSED
            and selection.run_by_id == request.user.pk,
            "decision_form": DecisionForm() if may_decide else None,
        },
    )


@login_required
@require_POST
def selection_run_view(request: AuthedRequest, selection_id: int) -> HttpResponse:
    selection = access_selection(request.user, selection_id)
    try:
        selection = selection_run(actor=request.user, selection=selection)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Run: %(eligible)d of %(pool)d people met the hard criteria.")
            % {"eligible": selection.eligible_size, "pool": selection.pool_size},
        )
    return redirect("selection:detail", selection_id=selection.pk)


@login_required
@require_POST
def selection_decide_view(request: AuthedRequest, selection_id: int) -> HttpResponse:
    selection = access_selection(request.user, selection_id)
    form = DecisionForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    if not form.is_valid():
        messages.error(request, _("The reason is too long."))
        return redirect("selection:detail", selection_id=selection.pk)
    try:
        selection_decide(
            actor=request.user,
            selection=selection,
            approve=approve,
            reason=form.cleaned_data.get("reason") or "",
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The selection was approved.") if approve else _("The selection was rejected."),
        )
    return redirect("selection:detail", selection_id=selection.pk)


def export_lines(request: AuthedRequest, selection: Selection) -> tuple[list[str], list[list[str]]]:
    """The decided selection as rows: picked, then reserve; names as the shortlist shows them,
    ID numbers masked. One query for the rows, one for who the viewer may see."""
    criteria = criteria_shown(selection)
    titles = [
        _("Outcome"),
        _("Rank"),
        pgettext("roster column", "Name"),
        _("ID number"),
        _("Year of birth"),
        _("Organization"),
        _("Post"),
        pgettext("selection", "Score"),
    ] + [f"{c['label']}（{c['weight']}）" for c in criteria]
    rows = list(
        selection.candidates.select_related("volunteer", "volunteer__home_org", "post").order_by(
            "-outcome", "rank"
        )
    )
    labels = {c["code"]: c for c in criteria}
    lines = []
    for item in _rows(request, selection, rows, labels):
        row = item["row"]
        points = {p["code"]: p for p in row.breakdown}
        lines.append(
            [
                row.get_outcome_display(),
                str(row.rank),
                item["name"],
                item["id_masked"],
                str(item["birth_year"] or ""),
                item["org"],
                row.post.name if row.post else "",
                str(row.score),
            ]
            + [
                f"{points[c['code']]['raw']} → {points[c['code']]['points']}"
                if c["code"] in points
                else ""
                for c in criteria
            ]
        )
    return [str(t) for t in titles], lines


@login_required
@require_GET
def selection_export(request: AuthedRequest, selection_id: int) -> HttpResponse:
    """A decided selection as .xlsx, each download audited (it lists people)."""
    selection = access_selection(request.user, selection_id)
    if not selection.is_decided:
        messages.error(request, _("Only a decided selection can be exported."))
        return redirect("selection:detail", selection_id=selection.pk)
    titles, lines = export_lines(request, selection)
    data = xlsx_bytes(_("Selection"), titles, lines)
    selection_export_record(actor=request.user, selection=selection, rows=len(lines))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="selection-{selection.pk}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
