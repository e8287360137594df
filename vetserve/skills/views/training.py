"""Pages of training: courses, sessions, enrolment and results."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vetserve.core.access import CHANGE, Actor, may_change_org, may_change_somewhere
from vetserve.core.forms import form_add_service_errors
from vetserve.core.paging import Sort, sort_rows
from vetserve.core.views import AuthedRequest, paginate, query_without_page
from vetserve.people.idnumbers import looks_like_personal_number
from vetserve.people.models import Volunteer
from vetserve.people.search_handles import NUMBER_IN_URL
from vetserve.people.selectors import volunteer_list, volunteer_roster
from vetserve.skills import selectors, services
from vetserve.skills.forms import CourseForm, EnrolForm, ResultsForm, SessionForm
from vetserve.skills.models import TrainingSession


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


ENROLMENT_SORTS = {
    "enrolled": Sort(gettext_lazy("order of enrolment"), ()),
    "name": Sort(gettext_lazy("name"), ("volunteer__name",)),
}
# A session's enrolees: a page at a time, the results form covering the page shown (issue 13:
# 119 enrolees on one page). Twenty a page: each row holds its results form, ~200 px tall on a
# phone. The results POST carries the same ?page= and ?sort=.
ENROLEES_PER_PAGE = 20


def _enrolment_page(request: AuthedRequest, session: TrainingSession) -> tuple[Any, Any, str]:
    query = query_without_page(request)
    rows, sorting = sort_rows(
        selectors.enrolment_list(user=request.user, session=session),
        request.GET,
        ENROLMENT_SORTS,
        "enrolled",
        query,
    )
    return paginate(request, rows, ENROLEES_PER_PAGE), sorting, query


def _session_page(
    request: AuthedRequest,
    session: TrainingSession,
    *,
    status: int = 200,
    results_form: ResultsForm | None = None,
) -> HttpResponse:
    user = request.user
    organizer = may_change_org(user, session.course.organizer)
    page, sorting, query = _enrolment_page(request, session)
    enrolments = results_form.enrolments if results_form is not None else list(page.object_list)
    # The search form posts: an ID number stays out of URLs (people/search_handles.py).
    search = (request.POST if request.method == "POST" else request.GET).get("q", "")[:50]
    if request.method == "GET" and looks_like_personal_number(search):
        messages.error(request, str(NUMBER_IN_URL))
        search = ""
    granted = {
        q.enrolment_id: q
        for q in selectors.qualification_list(user=user).filter(enrolment__session=session)
    }
    for e in enrolments:
        e.granted = granted.get(e.pk)
    if results_form is None and organizer:
        results_form = ResultsForm(enrolments=enrolments)
    context = {
        "session": session,
        "course": session.course,
        "enrolments": enrolments,
        "enrolled_count": session.enrolments.count(),
        "page_obj": page,
        "sorting": sorting,
        "query": query,
        "may_organize": organizer,
        "search": search,
        "candidates": _candidates(user, session, search) if organizer else [],
        "results_form": results_form,
    }
    return render(request, "skills/session_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def session_detail(request: AuthedRequest, session_id: int) -> HttpResponse:
    """The session; a POST is the enrolment search (its query stays out of the URL)."""
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
    page, _sorting, query = _enrolment_page(request, session)
    form = ResultsForm(request.POST, enrolments=list(page.object_list))
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
            target = reverse("skills:session", args=[session.pk])
            page_query = f"{query}&page={page.number}" if query else f"page={page.number}"
            return redirect(f"{target}?{page_query}")
    return _session_page(request, session, status=400, results_form=form)
