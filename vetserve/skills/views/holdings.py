"""Pages of what one volunteer holds: their qualifications (add, verify, revoke, the scan) and
skills (add, confirm)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vetserve.core.access import may_change_volunteer
from vetserve.core.forms import form_add_service_errors
from vetserve.core.views import AuthedRequest
from vetserve.people.models import Volunteer
from vetserve.people.selectors import access_volunteer
from vetserve.skills import selectors, services
from vetserve.skills.forms import (
    ConfirmSkillForm,
    QualificationForm,
    RevokeForm,
    VolunteerSkillForm,
)


def _roster_url(volunteer: Volunteer) -> str | None:
    try:
        return reverse("people:detail", args=[volunteer.pk])
    except NoReverseMatch:
        return None


def _volunteer_page(
    request: AuthedRequest, volunteer: Volunteer, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    manager = may_change_volunteer(user, volunteer)
    is_self = volunteer.user_id is not None and volunteer.user_id == user.pk
    today = timezone.localdate()
    qualifications = [
        (q, selectors.qualification_state(q, today))
        for q in selectors.qualification_list(user=user, volunteer=volunteer, include_revoked=True)
    ]
    training = list(
        selectors.enrolment_list(user=user, volunteer=volunteer).select_related(
            "session__course__organizer"
        )
    )
    # A session links only where its page opens for the viewer: a volunteer sees their own
    # enrolment, not always the organizer's session (issue 13: no link into 404).
    open_sessions = set(
        selectors.session_list(user=user)
        .filter(pk__in=[e.session_id for e in training])
        .values_list("pk", flat=True)
    )
    context = {
        "volunteer": volunteer,
        "roster_url": _roster_url(volunteer),
        "may_manage": manager,
        "qualifications": qualifications,
        "skills": selectors.volunteer_skill_list(user=user, volunteer=volunteer).select_related(
            "confirmed_by"
        ),
        "training": training,
        "open_sessions": open_sessions,
        "training_hours": selectors.training_hours(volunteer),
        "qualification_form": forms.get("qualification_form")
        or (QualificationForm(may_verify=manager) if manager or is_self else None),
        "skill_form": forms.get("skill_form")
        or (VolunteerSkillForm() if manager or is_self else None),
        "revoke_form": RevokeForm() if manager else None,
        "confirm_form": ConfirmSkillForm() if manager else None,
    }
    return render(request, "skills/volunteer.html", context, status=status)


def _back(volunteer: Volunteer) -> HttpResponse:
    return redirect("skills:volunteer", volunteer_id=volunteer.pk)


@login_required
@require_GET
def volunteer_page(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    return _volunteer_page(request, access_volunteer(request.user, volunteer_id))


@login_required
@require_POST
def qualification_add(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    user = request.user
    volunteer = access_volunteer(user, volunteer_id)
    manager = may_change_volunteer(user, volunteer)
    form = QualificationForm(request.POST, request.FILES, may_verify=manager)
    if form.is_valid():
        data = form.cleaned_data
        try:
            q = services.qualification_add(
                actor=user,
                volunteer=volunteer,
                type=data["type"],
                number=data["number"],
                issuer=data["issuer"],
                issued_on=data["issued_on"],
                expires_on=data["expires_on"],
                scan=data["scan"] or None,
                verified=bool(data.get("verified")),
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("%(type)s was recorded.") % {"type": q.type.name})
            return _back(volunteer)
    return _volunteer_page(request, volunteer, status=400, qualification_form=form)


@login_required
@require_POST
def qualification_verify(request: AuthedRequest, qualification_id: int) -> HttpResponse:
    q = selectors.access_qualification(request.user, qualification_id)
    try:
        services.qualification_verify(actor=request.user, qualification=q)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(type)s is verified.") % {"type": q.type.name})
    return _back(q.volunteer)


@login_required
@require_POST
def qualification_revoke(request: AuthedRequest, qualification_id: int) -> HttpResponse:
    q = selectors.access_qualification(request.user, qualification_id)
    if not may_change_volunteer(request.user, q.volunteer):
        raise PermissionDenied
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why it is revoked."))
        return _back(q.volunteer)
    try:
        services.qualification_revoke(
            actor=request.user, qualification=q, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(type)s was revoked.") % {"type": q.type.name})
    return _back(q.volunteer)


@login_required
@require_GET
def qualification_scan(request: AuthedRequest, qualification_id: int) -> FileResponse:
    """The scan, to the people who may see the qualification (never a public media URL)."""
    q = selectors.access_qualification(request.user, qualification_id)
    if not q.scan:
        raise Http404
    return FileResponse(q.scan.open("rb"), filename=(q.scan.name or "scan").rsplit("/", 1)[-1])


@login_required
@require_POST
def volunteer_skill_add(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    user = request.user
    volunteer = access_volunteer(user, volunteer_id)
    form = VolunteerSkillForm(request.POST)
    if form.is_valid():
        try:
            row = services.volunteer_skill_grant(
                actor=user,
                volunteer=volunteer,
                skill=form.cleaned_data["skill"],
                level=form.cleaned_data["level"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("%(skill)s was recorded.") % {"skill": row.skill.name})
            return _back(volunteer)
    return _volunteer_page(request, volunteer, status=400, skill_form=form)


@login_required
@require_POST
def volunteer_skill_confirm(request: AuthedRequest, volunteer_skill_id: int) -> HttpResponse:
    row = selectors.access_volunteer_skill(request.user, volunteer_skill_id)
    form = ConfirmSkillForm(request.POST)
    level = form.cleaned_data["level"] if form.is_valid() else None
    services.volunteer_skill_confirm(actor=request.user, volunteer_skill=row, level=level or None)
    messages.success(request, _("%(skill)s is confirmed.") % {"skill": row.skill.name})
    return _back(row.volunteer)
