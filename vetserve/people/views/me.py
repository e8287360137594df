"""The person's own pages: what is held about them, downloading it in full (PIPL Art 45),
asking for a correction, giving or withdrawing their own consents."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from vetserve.core.access import (
    Actor,
)
from vetserve.core.forms import form_add_service_errors
from vetserve.core.views import AuthedRequest
from vetserve.people import services
from vetserve.people.forms import (
    CorrectionRequestForm,
    field_label,
)
from vetserve.people.models import (
    Consent,
    Volunteer,
)
from vetserve.people.selectors import (
    volunteer_consents_latest,
    volunteer_own,
)
from vetserve.people.views._shared import PROTECTED, age_on
from vetserve.people.views.volunteer import volunteer_sections

# Consents a volunteer gives or withdraws themself on their own page (PIPL Art 29, 25).
SELF_CONSENTS = (Consent.Purpose.HEALTH, Consent.Purpose.PUBLICATION)


def _own_or_404(user: Actor | None) -> Volunteer:
    volunteer = volunteer_own(user=user)
    if volunteer is None:
        raise Http404
    return volunteer


def _me(
    request: AuthedRequest, volunteer: Volunteer, *, status: int = 200, **forms: Any
) -> HttpResponse:
    latest = volunteer_consents_latest(volunteer)
    context = {
        "volunteer": volunteer,
        "age": age_on(volunteer.birth_date, timezone.localdate()),
        "protected": [
            (field_label(f"{field}_masked"), masked)
            for field in PROTECTED
            if (masked := getattr(volunteer, f"{field}_masked"))
        ],
        "memberships": volunteer.memberships.select_related("organization"),
        "history": volunteer.status_changes.all(),
        "consents": [(label, latest.get(value)) for value, label in Consent.Purpose.choices],
        "choices": [
            (value, label, bool(latest.get(value) and latest[value].granted))
            for value, label in Consent.Purpose.choices
            if value in SELF_CONSENTS
        ],
        "consent_version": services.CONSENT_TEXT_VERSION,
        "corrections": volunteer.correction_requests.all(),
        "correction_form": forms.get("correction_form") or CorrectionRequestForm(),
        "sections": volunteer_sections(request, volunteer, own=True),
    }
    return render(request, "people/me.html", context, status=status)


@login_required
@require_GET
def me_page(request: AuthedRequest) -> HttpResponse:
    return _me(request, _own_or_404(request.user))


@never_cache
@login_required
@require_GET
def me_download(request: AuthedRequest) -> HttpResponse:
    """Everything held about the person, full numbers included, as a JSON file (PIPL Art 45)."""
    volunteer = _own_or_404(request.user)
    data = services.volunteer_self_export(actor=request.user, volunteer=volunteer)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    return response


@login_required
@require_POST
def me_correction(request: AuthedRequest) -> HttpResponse:
    volunteer = _own_or_404(request.user)
    form = CorrectionRequestForm(request.POST)
    if form.is_valid():
        try:
            services.correction_request_create(
                volunteer=volunteer, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Your request was sent; your organization will answer it."))
            return redirect("people:me")
    return _me(request, volunteer, status=400, correction_form=form)


@login_required
@require_POST
def me_consent(request: AuthedRequest) -> HttpResponse:
    volunteer = _own_or_404(request.user)
    purpose = request.POST.get("purpose", "")
    if purpose not in SELF_CONSENTS:
        raise Http404
    granted = request.POST.get("granted") == "yes"
    services.consent_record(
        actor=request.user,
        volunteer=volunteer,
        purpose=purpose,
        granted=granted,
        text_version=services.CONSENT_TEXT_VERSION,
    )
    messages.success(
        request,
        _("Your consent was recorded.") if granted else _("Your consent was withdrawn."),
    )
    return redirect("people:me")
