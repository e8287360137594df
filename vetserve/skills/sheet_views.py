"""Pages: upload a qualification sheet, preview it row by row, commit it; its template.

The same flow as the roster import (`vetserve.people.sheet_views`): the upload is kept under a
token between the preview and the commit, so the commit checks exactly the bytes the preview
showed, again.
"""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from vetserve.core.access import Actor, may_change_somewhere
from vetserve.skills.importing import (
    QualificationReport,
    qualification_template,
    qualifications_import,
)
from vetserve.spreadsheets.previews import preview_context
from vetserve.spreadsheets.uploads import (
    MAX_UPLOAD_BYTES,
    upload_discard,
    upload_load,
    upload_store,
)
from vetserve.spreadsheets.writers import CONTENT_TYPES


def _require_importer(user: Actor) -> None:
    # Whoever may change some volunteer's record may import their certificates.
    if not may_change_somewhere(user):
        raise Http404


class QualificationUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Qualification file"),
        help_text=gettext_lazy(
            "Excel (.xlsx, .xls), WPS (.et) or CSV (UTF-8 or GBK), at most 20 MB."
        ),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                gettext_lazy("The file is larger than 20 MB; split it into parts.")
            )
        return upload


class QualificationCommitForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


@login_required
@require_http_methods(["GET", "POST"])
def qualification_upload(request: HttpRequest) -> HttpResponse:
    _require_importer(request.user)
    form = QualificationUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        report = qualifications_import(actor=request.user, data=data, filename=upload.name)
        if report.over_limit:
            for message in report.file_errors:
                form.add_error("file", message)
            return render(request, "skills/qualification_import.html", {"form": form})
        token = upload_store(request, data=data, filename=upload.name, org_id=None)
        return _preview(request, report, QualificationCommitForm(initial={"token": token}))
    return render(request, "skills/qualification_import.html", {"form": form})


def _preview(
    request: HttpRequest, report: QualificationReport, commit_form: QualificationCommitForm
) -> HttpResponse:
    context = {**preview_context(report), "commit_form": commit_form}
    return render(request, "skills/qualification_preview.html", context)


@login_required
@require_POST
def qualification_commit(request: HttpRequest) -> HttpResponse:
    _require_importer(request.user)
    stored = upload_load(request, request.POST.get("token", ""))
    if stored is None:
        messages.error(request, _("The upload has expired or is not yours; upload the file again."))
        return redirect("spreadsheets:qualification_import")
    try:
        report = qualifications_import(
            actor=request.user, data=stored.data, filename=stored.filename, commit=True
        )
    except DatabaseError:
        messages.error(
            request,
            _("The database refused the import; nothing was written. Try again, or ask for help."),
        )
        return redirect("spreadsheets:qualification_import")
    upload_discard(request, stored.token)
    return render(request, "skills/qualification_done.html", {"report": report})


@login_required
def qualification_template_download(request: HttpRequest) -> HttpResponseBase:
    _require_importer(request.user)
    return FileResponse(
        io.BytesIO(qualification_template()),
        as_attachment=True,
        filename=_("qualifications-template") + ".xlsx",
        content_type=CONTENT_TYPES["xlsx"],
    )
