"""Pages of the catalogue: skills, qualification types and military specialty mappings (everyone
logged in reads it, city administrators edit it)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vetserve.core.forms import form_add_service_errors
from vetserve.core.views import AuthedRequest
from vetserve.skills import selectors, services
from vetserve.skills.forms import QualificationTypeForm, SkillForm, SpecialtyMappingForm
from vetserve.skills.models import MilitarySpecialtyMapping, QualificationType, Skill


@login_required
@require_GET
def catalogue(request: AuthedRequest) -> HttpResponse:
    context = {
        "skills": selectors.catalogue_skills(),
        "types": selectors.catalogue_qualification_types(),
        "mappings": selectors.catalogue_specialty_mappings(),
        "may_edit": services.catalogue_may_edit(request.user),
    }
    return render(request, "skills/catalogue.html", context)


def _catalogue_editor(request: AuthedRequest) -> None:
    # Not a 404: the catalogue is visible to everyone, only editing is refused.
    if not services.catalogue_may_edit(request.user):
        raise PermissionDenied


def _catalogue_form(
    request: AuthedRequest, form: Any, title: str, *, status: int | None = None
) -> HttpResponse:
    return render(
        request,
        "skills/form.html",
        {"form": form, "title": title, "cancel_url": reverse("skills:catalogue")},
        status=status or (400 if form.errors else 200),
    )


@login_required
@require_http_methods(["GET", "POST"])
def skill_edit(request: AuthedRequest, skill_id: int | None = None) -> HttpResponse:
    _catalogue_editor(request)
    skill = Skill.objects.filter(pk=skill_id).first() if skill_id else None
    if skill_id and skill is None:
        raise Http404
    initial = (
        {f: getattr(skill, f) for f in ("code", "name", "category", "is_active")} if skill else {}
    )
    form = SkillForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.skill_save(actor=request.user, skill=skill, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": row.name})
            return redirect("skills:catalogue")
    title = _("Edit skill %(name)s") % {"name": skill.name} if skill else _("Add a skill")
    return _catalogue_form(request, form, title)


@login_required
@require_http_methods(["GET", "POST"])
def qualification_type_edit(request: AuthedRequest, type_id: int | None = None) -> HttpResponse:
    _catalogue_editor(request)
    qtype = QualificationType.objects.filter(pk=type_id).first() if type_id else None
    if type_id and qtype is None:
        raise Http404
    initial: dict[str, Any] = {}
    if qtype is not None:
        fields = ("code", "name", "issuing_body", "validity_days", "is_insurance", "is_active")
        initial = {f: getattr(qtype, f) for f in fields}
        initial["includes"] = list(qtype.includes.values_list("pk", flat=True))
    form = QualificationTypeForm(request.POST or None, initial=initial, instance=qtype)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.qualification_type_save(
                actor=request.user, qtype=qtype, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": row.name})
            return redirect("skills:catalogue")
    title = (
        _("Edit qualification type %(name)s") % {"name": qtype.name}
        if qtype
        else _("Add a qualification type")
    )
    return _catalogue_form(request, form, title)


@login_required
@require_http_methods(["GET", "POST"])
def specialty_edit(request: AuthedRequest, mapping_id: int | None = None) -> HttpResponse:
    _catalogue_editor(request)
    mapping = (
        MilitarySpecialtyMapping.objects.filter(pk=mapping_id).select_related("skill").first()
        if mapping_id
        else None
    )
    if mapping_id and mapping is None:
        raise Http404
    initial = (
        {"specialty": mapping.specialty, "skill": mapping.skill_id, "level": mapping.level}
        if mapping
        else {}
    )
    form = SpecialtyMappingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.specialty_mapping_save(
                actor=request.user, mapping=mapping, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The military specialty mapping was saved."))
            return redirect("skills:catalogue")
    title = _("Edit a military specialty mapping") if mapping else _("Map a military specialty")
    return _catalogue_form(request, form, title)
