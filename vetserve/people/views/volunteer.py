"""One volunteer's page and what is done there: status, memberships, consents, answering a
correction request, revealing a full number (with a reason, logged), erasing the record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vetserve.audit.selectors import audit_entries_for_object
from vetserve.core.access import (
    may_change_org,
    may_change_somewhere,
    may_change_volunteer,
    may_reveal,
)
from vetserve.core.forms import form_add_service_errors
from vetserve.core.views import AuthedRequest, is_htmx, page_sections
from vetserve.people import services
from vetserve.people.forms import (
    ConsentForm,
    CorrectionResolveForm,
    EraseForm,
    MembershipEndForm,
    MembershipForm,
    RevealForm,
    StatusForm,
    field_label,
)
from vetserve.people.models import (
    STATUS_FLOW,
    Consent,
    CorrectionRequest,
    Membership,
    Volunteer,
)
from vetserve.people.selectors import (
    access_volunteer,
    volunteer_consents_latest,
)
from vetserve.people.views._shared import PROTECTED, volunteer_to_change

# What other apps add to a volunteer's page and to one's own page (hours and attendance,
# upcoming shifts, qualifications, skills and training), as hook(request=, user=, volunteer=,
# own=) -> a section {"template": …, "order": n, …} or None: people stands below those apps.
VOLUNTEER_SECTIONS: list[Callable[..., dict[str, Any] | None]] = []


def volunteer_sections(request: AuthedRequest, volunteer: Volunteer, *, own: bool) -> list[Any]:
    return page_sections(
        VOLUNTEER_SECTIONS, request=request, user=request.user, volunteer=volunteer, own=own
    )


def _detail(
    request: AuthedRequest, volunteer: Volunteer, *, status: int = 200, **forms: Any
) -> HttpResponse:
    """The volunteer's page; ``forms`` replaces a blank form by a bound one with its errors."""
    user = request.user
    changeable = may_change_volunteer(user, volunteer)
    memberships = [
        (
            m,
            m.ended_on is None and may_change_org(user, m.organization),
        )
        for m in volunteer.memberships.select_related("organization", "organization__region")
    ]
    latest = volunteer_consents_latest(volunteer)
    badge = None
    if apps.is_installed("vetserve.badges"):
        badge = volunteer.badges.filter(status="active").first()
    membership_form = forms.get("membership_form")
    if membership_form is None and may_change_somewhere(user):
        membership_form = MembershipForm(user=user)
    context = {
        "volunteer": volunteer,
        "may_change": changeable,
        "may_reveal": may_reveal(user, volunteer),
        "memberships": memberships,
        "membership_form": membership_form
        if membership_form is not None and membership_form.org_choices.exists()
        else None,
        "end_form": MembershipEndForm(),
        "history": volunteer.status_changes.select_related("actor"),
        "status_form": (forms.get("status_form") or StatusForm(volunteer=volunteer))
        if changeable and STATUS_FLOW.get(volunteer.status)
        else None,
        "consents": [(label, latest.get(value)) for value, label in Consent.Purpose.choices],
        "consent_history": volunteer.consents.select_related("recorded_by"),
        "consent_form": (forms.get("consent_form") or ConsentForm()) if changeable else None,
        "corrections": volunteer.correction_requests.select_related("resolved_by"),
        "resolve_form": CorrectionResolveForm() if changeable else None,
        "badge": badge,
        "show_badges": apps.is_installed("vetserve.badges"),
        "recent_audit": audit_entries_for_object(user=user, obj=volunteer),
        "sections": volunteer_sections(request, volunteer, own=False),
    }
    return render(request, "people/detail.html", context, status=status)


@login_required
@require_GET
def volunteer_detail(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    return _detail(request, access_volunteer(request.user, volunteer_id))


@login_required
@require_POST
def volunteer_status(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    user = request.user
    volunteer = volunteer_to_change(user, volunteer_id)
    form = StatusForm(request.POST, volunteer=volunteer)
    if form.is_valid():
        try:
            services.volunteer_status_change(
                actor=user,
                volunteer=volunteer,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now “%(status)s”.")
                % {"name": volunteer.name, "status": volunteer.get_status_display()},
            )
            return redirect("people:detail", volunteer_id=volunteer.pk)
    return _detail(request, volunteer, status=400, status_form=form)


@login_required
@require_POST
def membership_add(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    user = request.user
    volunteer = access_volunteer(user, volunteer_id)
    if not may_change_somewhere(user):
        raise PermissionDenied
    form = MembershipForm(request.POST, user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_add(
                actor=user,
                volunteer=volunteer,
                organization=data["organization"],
                role=data["role"],
                started_on=data["started_on"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        except PermissionDenied as denied:
            form.add_error("organization", str(denied))
        else:
            messages.success(
                request,
                _("%(name)s now serves in %(org)s.")
                % {"name": volunteer.name, "org": data["organization"].name},
            )
            return redirect("people:detail", volunteer_id=volunteer.pk)
    return _detail(request, volunteer, status=400, membership_form=form)


@login_required
@require_POST
def membership_end(request: AuthedRequest, volunteer_id: int, membership_id: int) -> HttpResponse:
    user = request.user
    volunteer = access_volunteer(user, volunteer_id)
    membership: Membership | None = (
        volunteer.memberships.select_related("organization", "volunteer")
        .filter(pk=membership_id, ended_on__isnull=True)
        .first()
    )
    if membership is None:
        raise Http404
    form = MembershipEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the membership ended."))
    else:
        try:
            services.membership_end(
                actor=user, membership=membership, ended_on=form.cleaned_data["ended_on"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The membership in %(org)s has ended.") % {"org": membership.organization.name},
            )
    return redirect("people:detail", volunteer_id=volunteer.pk)


@login_required
@require_POST
def consent_record(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    user = request.user
    volunteer = volunteer_to_change(user, volunteer_id)
    form = ConsentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        services.consent_record(
            actor=user,
            volunteer=volunteer,
            purpose=data["purpose"],
            granted=data["granted"],
            text_version=data["text_version"].strip(),
        )
        messages.success(request, _("The consent was recorded."))
        return redirect("people:detail", volunteer_id=volunteer.pk)
    return _detail(request, volunteer, status=400, consent_form=form)


@login_required
@require_POST
def correction_resolve(
    request: AuthedRequest, volunteer_id: int, correction_id: int
) -> HttpResponse:
    user = request.user
    volunteer = volunteer_to_change(user, volunteer_id)
    correction: CorrectionRequest | None = (
        volunteer.correction_requests.select_related("volunteer__home_org")
        .filter(pk=correction_id, state=CorrectionRequest.State.OPEN)
        .first()
    )
    if correction is None:
        raise Http404
    form = CorrectionResolveForm(request.POST)
    if form.is_valid():
        services.correction_request_resolve(
            actor=user,
            request=correction,
            done=form.cleaned_data["done"],
            resolution=form.cleaned_data["resolution"],
        )
        messages.success(request, _("The correction request was answered."))
    else:
        messages.error(request, _("Choose whether the data was corrected."))
    if request.POST.get("back") == "corrections":
        return redirect("people:corrections")
    return redirect("people:detail", volunteer_id=volunteer.pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def volunteer_reveal(request: AuthedRequest, volunteer_id: int, field: str) -> HttpResponse:
    """The full value of one protected number, for someone allowed who says why; logged.

    htmx swaps the answer in place of the button; without JavaScript it is a page of its own.
    """
    user = request.user
    volunteer = access_volunteer(user, volunteer_id)
    if field not in PROTECTED:
        raise Http404
    if not may_reveal(user, volunteer):
        raise PermissionDenied(_("You may not see full numbers."))
    form = RevealForm(request.POST if request.method == "POST" else None)
    value: str | None = None
    if form.is_bound and form.is_valid():
        try:
            value = services.volunteer_reveal(
                actor=user, volunteer=volunteer, field=field, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
    context = {
        "volunteer": volunteer,
        "field": field,
        "label": field_label(f"{field}_masked"),
        "masked": getattr(volunteer, f"{field}_masked"),
        "form": form,
        "value": value,
    }
    if is_htmx(request):
        # 200 even with an error: htmx swaps only successful answers.
        return render(request, "people/_reveal.html", context)
    return render(request, "people/reveal.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_erase(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    user = request.user
    volunteer = volunteer_to_change(user, volunteer_id)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_erase(
                actor=user, volunteer=volunteer, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The personal data of record #%(id)d was erased; its service figures remain.")
                % {"id": volunteer.pk},
            )
            return redirect("people:list")
    return render(
        request,
        "people/erase.html",
        {"volunteer": volunteer, "form": form},
        status=400 if form.errors else 200,
    )
