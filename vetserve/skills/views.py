"""Pages: the catalogue, a volunteer's qualifications and training, courses and sessions, what
expires soon, and the eligibility check. Thin: access helper, service, redirect."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vetserve.core.access import (
    CHANGE,
    Actor,
    may_change_org,
    may_change_somewhere,
    may_change_volunteer,
)
from vetserve.core.forms import form_add_service_errors
from vetserve.core.views import AuthedRequest, paginate, query_without_page
from vetserve.people.models import Volunteer
from vetserve.people.selectors import access_volunteer, volunteer_list, volunteer_roster
from vetserve.skills import selectors, services
from vetserve.skills.eligibility import Requirement
from vetserve.skills.forms import (
    ConfirmSkillForm,
    CourseForm,
    EligibilityForm,
    EnrolForm,
    ExpiringFilterForm,
    QualificationForm,
    QualificationTypeForm,
    ResultsForm,
    RevokeForm,
    SessionForm,
    SkillForm,
    SpecialtyMappingForm,
    VolunteerSkillForm,
)
from vetserve.skills.models import (
    MilitarySpecialtyMapping,
    QualificationType,
    Skill,
    TrainingSession,
)

# Rows shown on the expiring list and the eligibility check; beyond this, narrow the filter.
LIST_LIMIT = 500


def _roster_url(volunteer: Volunteer) -> str | None:
    try:
        return reverse("people:detail", args=[volunteer.pk])
    except NoReverseMatch:
        return None


# --- catalogue --------------------------------------------------------------------------------


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


# --- one volunteer ----------------------------------------------------------------------------


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
    context = {
        "volunteer": volunteer,
        "roster_url": _roster_url(volunteer),
        "may_manage": manager,
        "qualifications": qualifications,
        "skills": selectors.volunteer_skill_list(user=user, volunteer=volunteer).select_related(
            "confirmed_by"
        ),
        "training": selectors.enrolment_list(user=user, volunteer=volunteer).select_related(
            "session__course__organizer"
        ),
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


# --- courses and sessions ---------------------------------------------------------------------


@login_required
@require_GET
def course_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    courses = (
        selectors.course_list(user=user)
        .annotate(session_count=Count("sessions"))
        .order_by("name", "id")
    )
    page = paginate(request, courses.select_related("organizer__region"))
    context = {
        "page_obj": page,
        "courses": page.object_list,
        "query": query_without_page(request),
        "may_create": may_change_somewhere(user),
    }
    return render(request, "skills/courses.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = CourseForm(request.POST or None, user=user)
    if not form.organizer_choices.exists():
        raise Http404
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        except PermissionDenied as denied:
            form.add_error("organizer", str(denied))
        else:
            messages.success(request, _("%(name)s was added.") % {"name": course.name})
            return redirect("skills:course", course_id=course.pk)
    return render(
        request,
        "skills/form.html",
        {"form": form, "title": _("Add a course"), "cancel_url": reverse("skills:courses")},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def course_detail(request: AuthedRequest, course_id: int) -> HttpResponse:
    user = request.user
    course = selectors.access_course(user, course_id)
    sessions = (
        selectors.session_list(user=user, course=course)
        .annotate(enrolled=Count("enrolments"))
        .order_by("-date", "id")
    )
    context = {
        "course": course,
        "sessions": sessions,
        "may_organize": may_change_org(user, course.organizer),
    }
    return render(request, "skills/course_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: AuthedRequest, course_id: int) -> HttpResponse:
    user = request.user
    course = selectors.access_course(user, course_id, CHANGE)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(actor=user, course=course, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The session was added."))
            return redirect("skills:session", session_id=session.pk)
    title = _("Add a session of %(course)s") % {"course": course.name}
    cancel = reverse("skills:course", args=[course.pk])
    return render(
        request,
        "skills/form.html",
        {"form": form, "title": title, "cancel_url": cancel},
        status=400 if form.errors else 200,
    )


def _candidates(user: Actor | None, session: TrainingSession, search: str) -> list[Volunteer]:
    """Up to 20 volunteers the organizer may see, matching the search, not yet enrolled."""
    if not search.strip():
        return []
    enrolled = session.enrolments.values("volunteer_id")
    return list(volunteer_roster(user=user, search=search).exclude(pk__in=enrolled)[:20])


def _session_page(
    request: AuthedRequest,
    session: TrainingSession,
    *,
    status: int = 200,
    results_form: ResultsForm | None = None,
) -> HttpResponse:
    user = request.user
    organizer = may_change_org(user, session.course.organizer)
    enrolments = (
        results_form.enrolments
        if results_form is not None
        else list(selectors.enrolment_list(user=user, session=session).order_by("id"))
    )
    search = request.GET.get("q", "")[:50]
    granted = {
        q.enrolment_id: q
        for q in selectors.qualification_list(user=user).filter(enrolment__session=session)
    }
    for e in enrolments:
        e.granted = granted.get(e.pk)  # type: ignore[union-attr]
    if results_form is None and organizer:
        results_form = ResultsForm(enrolments=enrolments)
    context = {
        "session": session,
        "course": session.course,
        "enrolments": enrolments,
        "enrolled_count": session.enrolments.count(),
        "may_organize": organizer,
        "search": search,
        "candidates": _candidates(user, session, search) if organizer else [],
        "results_form": results_form,
    }
    return render(request, "skills/session_detail.html", context, status=status)


@login_required
@require_GET
def session_detail(request: AuthedRequest, session_id: int) -> HttpResponse:
    return _session_page(request, selectors.access_session(request.user, session_id))


@login_required
@require_POST
def session_enrol(request: AuthedRequest, session_id: int) -> HttpResponse:
    user = request.user
    session = selectors.access_session(user, session_id, CHANGE)
    wanted = [int(v) for v in request.POST.getlist("volunteers") if v.isdigit()]
    visible = {v.pk: v for v in volunteer_list(user=user).filter(pk__in=wanted)}
    form = EnrolForm(request.POST, choices=[(pk, v.name) for pk, v in visible.items()])
    if not form.is_valid():
        messages.error(request, _("Choose volunteers to enrol."))
        return redirect("skills:session", session_id=session.pk)
    added = 0
    for pk in form.cleaned_data["volunteers"]:
        try:
            services.enrolment_add(actor=user, session=session, volunteer=visible[pk])
        except ValidationError as error:
            messages.error(request, f"{visible[pk].name}: {' '.join(error.messages)}")
        else:
            added += 1
    if added:
        messages.success(request, _("%(n)s enrolled.") % {"n": added})
    return redirect("skills:session", session_id=session.pk)


@login_required
@require_POST
def session_results(request: AuthedRequest, session_id: int) -> HttpResponse:
    user = request.user
    session = selectors.access_session(user, session_id, CHANGE)
    enrolments = list(selectors.enrolment_list(user=user, session=session).order_by("id"))
    form = ResultsForm(request.POST, enrolments=enrolments)
    if form.is_valid():
        results = [
            services.EnrolmentResult(
                volunteer_id=vid, attended=attended, passed=passed, score=score
            )
            for vid, attended, passed, score in form.results()
        ]
        try:
            services.session_record_results(actor=user, session=session, results=results)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The results were recorded."))
            return redirect("skills:session", session_id=session.pk)
    return _session_page(request, session, status=400, results_form=form)


# --- expiring and the check -------------------------------------------------------------------


@login_required
@require_GET
def expiring(request: AuthedRequest) -> HttpResponse:
    form = ExpiringFilterForm(request.GET)
    within = 60
    if form.is_valid() and form.cleaned_data["within"] is not None:
        within = form.cleaned_data["within"]
    today = timezone.localdate()
    rows = list(
        selectors.qualifications_expiring(user=request.user, within_days=within, today=today)[
            : LIST_LIMIT + 1
        ]
    )
    groups: dict[Any, list[tuple[Any, int]]] = defaultdict(list)
    for q in rows[:LIST_LIMIT]:
        assert q.expires_on is not None  # the selector filters on it
        groups[q.volunteer.home_org].append((q, (q.expires_on - today).days))
    context = {
        "form": form,
        "within": within,
        "options": sorted({7, 30, 60, 90, 180, within}),
        "groups": sorted(groups.items(), key=lambda item: item[0].path),
        "count": min(len(rows), LIST_LIMIT),
        "truncated": len(rows) > LIST_LIMIT,
    }
    return render(request, "skills/expiring.html", context)


def requirement_from_form(data: dict[str, Any]) -> Requirement:
    return selectors.requirement_build(
        skills=[(s.pk, data["min_level"]) for s in data["skills"]],
        qualification_groups=[[t.pk for t in data["qualifications"]]],
        verified_only=data["verified_only"],
        min_age=data["min_age"],
        max_age=data["max_age"],
        insurance_required=data["insurance"],
    )


@login_required
@require_GET
def eligibility_check(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = EligibilityForm(request.GET or None, user=user)
    context: dict[str, Any] = {"form": form}
    if request.GET and form.is_valid():
        org = form.cleaned_data["organization"]
        requirement = requirement_from_form(form.cleaned_data)
        volunteers = volunteer_list(user=user, organization=org)
        answer = selectors.eligibility_list(volunteers, requirement, limit=LIST_LIMIT)
        language = get_language() or "zh-hans"
        eligible, refused = [], []
        for pk, name, ok in answer.rows:
            if ok:
                eligible.append((pk, name))
            else:
                refused.append((pk, name, answer.decision(pk).texts(language)))
        context.update(
            {
                "checked": True,
                "organization": org,
                "eligible": eligible,
                "refused": refused,
                "total": answer.eligible_count,
                "truncated": len(answer.rows) >= LIST_LIMIT,
            }
        )
    return render(request, "skills/check.html", context)
