"""Registering a volunteer and correcting a record (one form), and the inline check of an ID
or phone number while the form is filled in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vetserve.core.access import (
    Actor,
    may_change_somewhere,
)
from vetserve.core.forms import form_add_service_errors
from vetserve.core.views import AuthedRequest
from vetserve.people import services
from vetserve.people.forms import (
    CHECKED,
    VolunteerForm,
)
from vetserve.people.idnumbers import InvalidNumber, parse_phone
from vetserve.people.models import (
    Gender,
)
from vetserve.people.selectors import (
    access_volunteer,
)
from vetserve.people.views._shared import volunteer_to_change


def _require_registrar(user: Actor | None) -> None:
    if not may_change_somewhere(user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require_registrar(user)
    form = VolunteerForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer = services.volunteer_register(actor=user, **form.service_arguments())
        except ValidationError as error:
            form_add_service_errors(form, error)
        except PermissionDenied as denied:
            form.add_error("home_org", str(denied))
        else:
            messages.success(request, _("%(name)s was registered.") % {"name": volunteer.name})
            return redirect("people:detail", volunteer_id=volunteer.pk)
    return render(
        request,
        "people/form.html",
        {
            "form": form,
            "volunteer": None,
            "consent_version": services.CONSENT_TEXT_VERSION,
            "checked": CHECKED,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_edit(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    user = request.user
    volunteer = volunteer_to_change(user, volunteer_id)
    initial = {
        "name": volunteer.name,
        "residence_region": str(volunteer.residence_region_id),
        "home_org": volunteer.home_org_id,
        **{name: getattr(volunteer, name) for name in services.DETAIL_FIELDS},
    }
    form = VolunteerForm(request.POST or None, user=user, volunteer=volunteer, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_update(actor=user, volunteer=volunteer, **form.service_arguments())
        except ValidationError as error:
            form_add_service_errors(form, error)
        except PermissionDenied as denied:
            form.add_error("home_org", str(denied))
        else:
            messages.success(
                request, _("Changes to %(name)s were saved.") % {"name": volunteer.name}
            )
            return redirect("people:detail", volunteer_id=volunteer.pk)
        # The service may have changed the object in memory before refusing; show it as stored.
        volunteer = access_volunteer(user, volunteer_id)
    return render(
        request,
        "people/form.html",
        {"form": form, "volunteer": volunteer, "checked": CHECKED},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def volunteer_check(request: AuthedRequest) -> HttpResponse:
    """Inline check of one number while the form is filled in (htmx): the error, or what the
    ID number says about the person. Nothing is stored or logged; the page's POST decides.
    Posted, so that the number is in no URL (issue 12, item 7)."""
    _require_registrar(request.user)
    field = request.POST.get("field", "")
    if field not in CHECKED:
        raise Http404
    raw = request.POST.get(field, "").strip()
    ok, message = True, ""
    if raw and field == "id_number":
        try:
            identity = services.check_identity(id_number=raw)
        except ValidationError as error:
            ok, message = False, error.message_dict["id_number"][0]
        else:
            message = _("Gender: %(gender)s, birth date: %(date)s") % {
                "gender": Gender(identity.gender).label,
                "date": identity.birth_date.isoformat(),
            }
            if identity.unknown_address:
                message += _(" (the address code is not a known division; check the number)")
    elif raw:
        try:
            parse_phone(raw)
        except InvalidNumber as error:
            ok, message = False, str(error)
    return render(request, "people/_check.html", {"ok": ok, "message": message})
