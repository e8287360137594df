"""Exchange pages: export service records in the exchange format, import a file (preview, then
commit), and a volunteer's yearly statement (their own; a person's, for leaders and
administrators in scope). Writes go through ``services``; lists start from ``visible_to``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vetserve.core.access import (
    CHANGE,
    VIEW,
    Actor,
    may_change_somewhere,
    may_export_full_numbers,
    may_see_rosters,
    may_see_service_history,
    visible_to,
)
from vetserve.core.views import AuthedRequest
from vetserve.exchange.forms import FULL, CommitForm, ExportForm, ImportForm, StatementForm
from vetserve.exchange.selectors import (
    Selection,
    statement_default_year,
    statement_of,
    statement_years,
)
from vetserve.exchange.services import (
    ImportResult,
    exchange_export,
    exchange_import,
    statement_download_record,
)
from vetserve.exchange.statement import month_label, statement_pdf, statement_xlsx
from vetserve.orgs.models import Organization
from vetserve.orgs.selectors import access_organization
from vetserve.people.models import Volunteer
from vetserve.people.selectors import access_volunteer, volunteer_own
from vetserve.spreadsheets.uploads import upload_discard, upload_load, upload_store

# The receiving organizations offered in the import form.
ORG_CHOICES = 500


def _receiving(user: Actor | None) -> list[Organization]:
    return list(
        visible_to(user, Organization, CHANGE)
        .only("pk", "name")
        .order_by("name", "pk")[:ORG_CHOICES]
    )


def _page(
    request: HttpRequest,
    *,
    export_form: ExportForm | None = None,
    import_form: ImportForm | None = None,
    result: ImportResult | None = None,
    token: str = "",
    organization: Organization | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    return render(
        request,
        "exchange/index.html",
        {
            "export_form": export_form or ExportForm(initial=request.GET or None),
            "import_form": import_form or ImportForm(organizations=_receiving(user)),
            "may_full": may_export_full_numbers(user),
            "may_import": may_change_somewhere(user),
            "result": result,
            "commit_form": CommitForm(initial={"token": token}) if token else None,
            "organization": organization,
        },
        status=status,
    )


@login_required
def exchange_page(request: AuthedRequest) -> HttpResponse:
    if not may_see_rosters(request.user):
        raise Http404
    return _page(request)


def _selection(user: Actor | None, data: dict[str, object]) -> Selection:
    volunteer = None
    if data.get("volunteer"):
        volunteer = access_volunteer(user, data["volunteer"], VIEW)
    organization_id = None
    if data.get("organization"):
        organization_id = access_organization(user, data["organization"], VIEW).pk
    year = data.get("year")
    return Selection(
        volunteer=volunteer,
        organization_id=organization_id,
        year=int(year) if isinstance(year, int) else None,
    )


@require_POST
@login_required
def export_view(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not may_see_rosters(user):
        raise Http404
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _page(request, export_form=form, status=400)
    data = form.cleaned_data
    full = data["values"] == FULL
    if full and not may_export_full_numbers(user):
        raise PermissionDenied(_("You may not see full numbers."))
    try:
        exported = exchange_export(
            actor=user,
            fmt=data["format"],
            selection=_selection(user, data),
            full=full,
            reason=data["reason"],
        )
    except ValidationError as error:
        for message in error.message_dict.get("reason", []):
            form.add_error("reason", message)
        return _page(request, export_form=form, status=400)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


@require_POST
@login_required
def import_view(request: AuthedRequest) -> HttpResponse:
    """Check the file and show what importing it would do; the file waits, encrypted, for the
    commit (an hour at most, this session only)."""
    user = request.user
    if not may_change_somewhere(user):
        raise Http404
    organizations = _receiving(user)
    form = ImportForm(request.POST, request.FILES, organizations=organizations)
    if not form.is_valid():
        return _page(request, import_form=form, status=400)
    organization = access_organization(user, form.cleaned_data["organization"], CHANGE)
    upload = form.cleaned_data["file"]
    data = upload.read()
    fmt = "json" if upload.name.lower().endswith(".json") else "csv"
    result = exchange_import(
        actor=user, organization=organization, data=data, fmt=fmt, filename=upload.name
    )
    token = ""
    if result.ok:
        token = upload_store(request, data=data, filename=upload.name, org_id=organization.pk)
    return _page(
        request,
        import_form=form,
        result=result,
        token=token,
        organization=organization,
        status=200 if result.ok else 400,
    )


@require_POST
@login_required
def import_commit_view(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = CommitForm(request.POST)
    stored = upload_load(request, form.data.get("token", "")) if form.is_valid() else None
    if stored is None or stored.org_id is None:
        messages.error(
            request, _("This upload has expired (after an hour); upload the file again.")
        )
        return redirect("exchange:index")
    organization = access_organization(user, stored.org_id, CHANGE)
    fmt = "json" if stored.filename.lower().endswith(".json") else "csv"
    result = exchange_import(
        actor=user,
        organization=organization,
        data=stored.data,
        fmt=fmt,
        filename=stored.filename,
        commit=True,
    )
    upload_discard(request, stored.token)
    if not result.committed:
        return _page(request, result=result, organization=organization, status=400)
    messages.success(
        request,
        _("Imported: %(new)s new records, %(corrected)s corrected, %(same)s unchanged; "
          "%(people)s volunteers registered.")
        % {"new": result.new_records, "corrected": result.corrected,
           "same": result.unchanged, "people": result.new_volunteers},
    )  # fmt: skip
    return redirect("exchange:index")


# --- the yearly statement ----------------------------------------------------------------------


def _statement(request: AuthedRequest, volunteer: Volunteer, *, own: bool) -> HttpResponse:
    form = StatementForm(request.GET or {"year": statement_default_year()})
    if not form.is_valid():
        raise Http404
    year = form.cleaned_data["year"]
    fmt = form.cleaned_data["format"]
    statement = statement_of(user=request.user, volunteer=volunteer, year=year)
    if fmt:
        statement_download_record(
            actor=request.user, volunteer=volunteer, year=year, fmt=fmt, minutes=statement.total
        )
        if fmt == "pdf":
            content, kind = statement_pdf(statement), "application/pdf"
        else:
            content = statement_xlsx(statement)
            kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(content, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="statement-{year}.{fmt}"'
        return response
    return render(
        request,
        "exchange/statement.html",
        {
            "volunteer": volunteer,
            "own": own,
            "statement": statement,
            "months": [(month_label(m), n) for m, n in statement.by_month.items()],
            "years": statement_years(user=request.user, volunteer=volunteer),
            "year": year,
        },
    )


@login_required
def my_statement(request: AuthedRequest) -> HttpResponse:
    volunteer = volunteer_own(user=request.user)
    if volunteer is None:
        raise Http404
    return _statement(request, volunteer, own=True)


@login_required
def volunteer_statement(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    """A person's statement: for those who may see their whole history (their unit's
    managers); anyone else who sees the person would get a partial statement, so none."""
    volunteer = access_volunteer(request.user, volunteer_id, VIEW)
    if not may_see_service_history(request.user, volunteer):
        raise Http404
    return _statement(request, volunteer, own=False)
