"""Pages: upload a roster, watch it checked in the background, preview it row by row, commit it;
the template; exports."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vetserve.core.access import (
    Actor,
    may_change_somewhere,
    may_export_full_numbers,
    may_see_rosters,
)
from vetserve.core.context import client_from_request
from vetserve.core.views import AuthedRequest, is_htmx
from vetserve.orgs.models import Organization
from vetserve.orgs.selectors import access_organization
from vetserve.people.export_jobs import (
    access_export_job,
    export_job_file,
    export_job_start,
    needs_background,
)
from vetserve.people.exporting import (
    ExportFilters,
    roster_export,
    roster_template,
)
from vetserve.people.idnumbers import looks_like_personal_number
from vetserve.people.import_jobs import (
    import_job_access,
    import_job_commit,
    import_job_create,
    import_job_list,
)
from vetserve.people.models import ImportJob
from vetserve.people.search_handles import params_with_query
from vetserve.people.sheet_forms import FULL, MASKED, CommitForm, ExportForm, ImportForm
from vetserve.regions.selectors import access_region
from vetserve.spreadsheets.uploads import upload_store
from vetserve.spreadsheets.writers import CONTENT_TYPES


def _require_importer(user: Actor | None) -> None:
    if not may_change_somewhere(user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthedRequest) -> HttpResponse:
    """The file is sealed in the upload store and a job queued: the answer comes at once, the
    worker reads and checks the file while the job's page shows how far it got (issue 14)."""
    _require_importer(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        org: Organization | None = form.cleaned_data["organization"]
        token = upload_store(
            request, data=upload.read(), filename=upload.name, org_id=org.pk if org else None
        )
        job = import_job_create(
            actor=request.user, token=token, filename=upload.name, organization=org
        )
        return redirect("spreadsheets:import_job", job_id=job.pk)
    jobs = import_job_list(request.user)
    return render(request, "people/roster_import.html", {"form": form, "jobs": jobs})


@login_required
@require_GET
def import_job(request: AuthedRequest, job_id: int) -> HttpResponse:
    """Where a job stands: a progress bar that htmx refreshes while it runs, then the preview
    with the button to save, or what was saved, or why it failed."""
    job = import_job_access(request.user, job_id)
    if is_htmx(request):
        if job.running:
            return render(request, "people/_import_progress.html", {"job": job})
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"  # the job moved on: the whole page changes
        return response
    if job.state == ImportJob.State.READY:
        return _preview(request, job, CommitForm())
    return render(request, "people/roster_job.html", {"job": job, **job.summary})


def _preview(request: HttpRequest, job: ImportJob, commit_form: CommitForm) -> HttpResponse:
    context = {**job.summary, "job": job, "org": job.organization, "commit_form": commit_form}
    return render(request, "people/roster_preview.html", context)


@login_required
@require_POST
def import_commit(request: AuthedRequest, job_id: int) -> HttpResponse:
    job = import_job_access(request.user, job_id)
    form = CommitForm(request.POST)
    if job.state == ImportJob.State.READY and not form.is_valid():
        return _preview(request, job, form)
    if not import_job_commit(actor=request.user, job=job, client=client_from_request(request)):
        messages.info(request, _("This file is being saved or has been saved already."))
    return redirect("spreadsheets:import_job", job_id=job.pk)


@login_required
def template_download(request: HttpRequest) -> HttpResponseBase:
    _require_importer(request.user)
    return FileResponse(
        io.BytesIO(roster_template()),
        as_attachment=True,
        filename=_("volunteer-roster-template") + ".xlsx",
        content_type=CONTENT_TYPES["xlsx"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponseBase:
    """GET: the masked roster as a file (with choose=1 the page offering the format and,
    to whoever may, full numbers; with reveal=1 the same page, full numbers chosen). POST:
    the export chosen there; full numbers need the reveal right and a reason."""
    user: Actor | None = request.user
    if not may_see_rosters(user):
        raise Http404
    if request.method == "GET" and looks_like_personal_number(request.GET.get("q", "")):
        # The roster links here with the search as a handle (?s=); a number in the address
        # would sit in logs and history (people/views/_search.py).
        return HttpResponse(
            _(
                "ID and phone numbers are not accepted in the page address. Search for the "
                "number on the roster page and use its Export button."
            ),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    params: QueryDict = request.POST
    if request.method == "GET":
        params, fresh = params_with_query(request, request.GET)
        if not fresh:  # never the whole roster in place of the one person searched for
            return HttpResponse(
                _("This search has expired (after 30 minutes); type the number again."),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
    form = ExportForm(params)
    if not form.is_valid():
        raise Http404
    data = form.cleaned_data
    filters = ExportFilters(
        search=data["q"],
        region=access_region(user, data["region"]) if data["region"] else None,
        organization=access_organization(user, data["org"]) if data["org"] else None,
        status=data["status"],
    )
    may_full = may_export_full_numbers(user)
    if request.method == "GET":
        chosen = {**data, "format": data["format"] or "xlsx", "values": MASKED}
        if request.GET.get("reveal") == "1":
            if not may_full:
                raise PermissionDenied(_("You may not see full numbers."))
            form = ExportForm(initial={**chosen, "values": FULL})
            return _export_page(request, form, may_full)
        if request.GET.get("choose") == "1":
            return _export_page(request, ExportForm(initial=chosen), may_full)
    wants_full = request.method == "POST" and data["values"] == FULL
    if wants_full and not may_full:
        raise PermissionDenied(_("You may not see full numbers."))
    try:
        exported = roster_export(
            actor=user,
            fmt=data["format"] or "xlsx",
            filters=filters,
            reveal=wants_full,
            reason=data["reason"],
        )
    except ValidationError as exc:
        for message in exc.message_dict.get("reason", []):
            form.add_error("reason", message)
        return _export_page(request, form, may_full, status=400)
    if needs_background(exported):
        # A large workbook is written by a worker, not while this one waits (issue 14).
        job = export_job_start(
            actor=request.user, exported=exported, filters=filters, reveal=wants_full
        )
        return redirect("spreadsheets:export_job", job.pk)
    if exported.fmt == "csv":
        # Streamed as it is read (issue 14): no whole file in memory, the first bytes at once.
        response: HttpResponseBase = StreamingHttpResponse(
            exported.chunks(), content_type=exported.content_type
        )
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=exported.filename
        )
        return response
    return FileResponse(
        io.BytesIO(exported.content()),
        as_attachment=True,
        filename=exported.filename,
        content_type=exported.content_type,
    )


def _export_page(
    request: HttpRequest, form: ExportForm, may_full: bool, status: int = 200
) -> HttpResponse:
    context = {"form": form, "may_export_full": may_full}
    return render(request, "people/roster_export_reveal.html", context, status=status)


@login_required
@require_GET
def export_job(request: HttpRequest, job_id: str) -> HttpResponse:
    """A background export's progress (polled by htmx while it runs) and, when ready, its
    download link: for the requester alone."""
    job = access_export_job(request.user, job_id)
    template = "people/_export_job.html" if is_htmx(request) else "people/export_job.html"
    response = render(request, template, {"job": job})
    response["Vary"] = "HX-Request"
    return response


@login_required
@require_GET
def export_job_download(request: HttpRequest, job_id: str) -> HttpResponseBase:
    job = access_export_job(request.user, job_id)
    content = export_job_file(job)
    if content is None:  # not written yet, failed or expired: the page says which
        return redirect("spreadsheets:export_job", job.pk)
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=job.filename,
        content_type=CONTENT_TYPES[job.fmt],
    )
