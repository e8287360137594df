"""Campaign pages: the list, one campaign with its progress, start and change one."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vetserve.activities import selectors, services
from vetserve.activities.exporting import campaign_export
from vetserve.activities.forms import CampaignForm
from vetserve.core.access import CHANGE, can, may_change_org
from vetserve.core.forms import form_add_service_errors
from vetserve.core.views import AuthedRequest, paginate
from vetserve.orgs.selectors import organization_list
from vetserve.spreadsheets.writers import FORMATS

# The campaign page lists the latest activities; the rest are on the activity list, filtered.
CAMPAIGN_ACTIVITIES_SHOWN = 20


@login_required
def campaign_list_page(request: AuthedRequest) -> HttpResponse:
    page = paginate(request, selectors.campaign_list(user=request.user))
    return render(
        request,
        "activities/campaigns.html",
        {"page_obj": page, "campaigns": page.object_list, "can_plan": can(request.user, CHANGE)},
    )


@login_required
def campaign_detail(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, campaign_id)
    return render(
        request,
        "activities/campaign.html",
        {
            "campaign": campaign,
            "report": selectors.campaign_report(user=request.user, campaign=campaign),
            "activities": selectors.activity_list(user=request.user, campaign=campaign).order_by(
                "-starts_at"
            )[:CAMPAIGN_ACTIVITIES_SHOWN],
            "activity_count": selectors.activity_list(user=request.user, campaign=campaign).count(),
            "can_change": may_change_org(request.user, campaign.organization),
        },
    )


def _campaign_form(request: AuthedRequest, instance: Any = None) -> CampaignForm:
    return CampaignForm(
        request.POST or None,
        instance=instance,
        organizations=organization_list(user=request.user, action=CHANGE),
    )


@login_required
@require_GET
def campaign_export_file(request: AuthedRequest, campaign_id: int) -> FileResponse:
    """The campaign page as a spreadsheet: .xlsx (default) or CSV."""
    campaign = selectors.access_campaign(request.user, campaign_id)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    exported = campaign_export(actor=request.user, campaign=campaign, fmt=fmt)
    return FileResponse(
        io.BytesIO(exported.content),
        as_attachment=True,
        filename=exported.filename,
        content_type=exported.content_type,
    )


@login_required
def campaign_create_page(request: AuthedRequest) -> HttpResponse:
    form = _campaign_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            return redirect("activities:campaign", campaign.pk)
    return render(request, "activities/form.html", {"form": form, "title": _("New campaign")})


@login_required
def campaign_edit(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, campaign_id, CHANGE)
    form = _campaign_form(request, instance=campaign)
    form.fields["organization"].disabled = True
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in services.CAMPAIGN_FIELDS}
        fresh = selectors.access_campaign(request.user, campaign_id, CHANGE)
        try:
            services.campaign_update(actor=request.user, campaign=fresh, **fields)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            return redirect("activities:campaign", campaign.pk)
    return render(request, "activities/form.html", {"form": form, "title": campaign.name})
