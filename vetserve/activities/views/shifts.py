"""Shift pages: add one or a recurring series, one shift with its roster and the leader's
"add someone" search, change a shift, sign up, add someone, withdraw, call a roster member, and
a volunteer's own shifts."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vetserve.activities import selectors, services
from vetserve.activities.forms import (
    AddSearchForm,
    ReasonForm,
    SeriesForm,
    ShiftEditForm,
    ShiftForm,
)
from vetserve.activities.models import Shift, SignUpState, Staffing
from vetserve.activities.requirement_forms import RequirementsEditor
from vetserve.core.access import CHANGE, may_change_activity
from vetserve.core.forms import form_add_service_errors
from vetserve.core.views import AuthedRequest, is_htmx
from vetserve.people.idnumbers import looks_like_personal_number
from vetserve.people.search_handles import NUMBER_IN_URL, params_with_query, search_handle_store
from vetserve.people.selectors import access_volunteer, volunteer_own


@login_required
def shift_create_page(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, activity_id, CHANGE)
    form = ShiftForm(request.POST or None)
    editor = RequirementsEditor(request.POST or None)
    if request.method == "POST" and form.is_valid() & editor.is_valid():
        try:
            shift = services.shift_create(
                actor=request.user,
                activity=activity,
                requirements=editor.cleaned(),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _service_errors(form, editor, exc)
        else:
            return redirect("activities:shift", shift.pk)
    return render(
        request,
        "activities/form.html",
        {"form": form, "editor": editor, "title": _("Add a shift"), "obj": activity},
    )


def _service_errors(form: Any, editor: RequirementsEditor, error: ValidationError) -> None:
    """A service's complaint about the requirements goes above the editor, the rest on the form."""
    if hasattr(error, "error_dict") and "requirements" in error.error_dict:
        editor.add_error(error.error_dict.pop("requirements"))
        if not error.error_dict:
            return
    form_add_service_errors(form, error)


@login_required
def shift_series_page(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, activity_id, CHANGE)
    form = SeriesForm(request.POST or None)
    editor = RequirementsEditor(request.POST or None)
    if request.method == "POST" and form.is_valid() & editor.is_valid():
        d = form.cleaned_data
        try:
            windows = services.series_windows(
                kind=d["kind"],
                first_day=d["first_day"],
                start=d["start"],
                weekdays=d.get("weekdays") or (),
                last_day=d.get("last_day"),
                end=d.get("end"),
                shifts_per_day=d.get("shifts_per_day"),
                days=d.get("days"),
            )
            shifts = services.shift_series_create(
                actor=request.user,
                activity=activity,
                template=services.ShiftTemplate(
                    post=d["post"],
                    min_people=d["min_people"],
                    wanted_people=d["wanted_people"],
                    max_people=d["max_people"],
                    requirements=editor.cleaned(),
                ),
                windows=windows,
            )
        except ValidationError as exc:
            _service_errors(form, editor, exc)
        else:
            messages.success(request, _("%(n)d shifts created.") % {"n": len(shifts)})
            return redirect("activities:detail", activity.pk)
    return render(
        request,
        "activities/form.html",
        {"form": form, "editor": editor, "title": _("Recurring shifts"), "obj": activity},
    )


def _add_candidates(
    request: AuthedRequest, shift: Shift
) -> tuple[AddSearchForm, list[tuple[Any, services.SignUpCheck]] | None]:
    """The leader's "add someone" search: matching volunteers the leader may see, each with
    what would stand in the way of adding them (``None`` before anything is searched).

    The search form posts: a full ID or phone number stays out of URLs (logs, history); the
    way back from adding someone carries it as a short-lived handle (people/search_handles)."""
    if request.method == "POST":
        form = AddSearchForm(request.POST)
    elif looks_like_personal_number(request.GET.get("q", "")):
        form = AddSearchForm({})
        form.is_valid()
        form.add_error("q", NUMBER_IN_URL)
        return form, None
    else:
        form = AddSearchForm(params_with_query(request, request.GET)[0])
    text = form.cleaned_data.get("q", "") if form.is_valid() else ""
    if not text:
        return form, None
    found = selectors.add_candidates(user=request.user, search=text)
    return form, [(v, services.signup_check(shift, v)) for v in found]


@login_required
def shift_detail(request: AuthedRequest, shift_id: int) -> HttpResponse:
    shift = selectors.access_shift(request.user, shift_id)
    can_change = may_change_activity(request.user, shift.activity)
    confirmed: int = shift.confirmed_count  # type: ignore[attr-defined]
    search, candidates = _add_candidates(request, shift) if can_change else (None, None)
    add = {
        "shift": shift,
        "search": search,
        "candidates": candidates,
        "full": confirmed >= shift.max_people,
    }
    if can_change and is_htmx(request):
        response = render(request, "activities/_candidates.html", add)
        response["Vary"] = "HX-Request"
        return response
    own = volunteer_own(user=request.user)
    mine = selectors.my_signup_for(user=request.user, shift=shift) if own else None
    check = services.signup_check(shift, own) if own is not None and mine is None else None
    response = render(
        request,
        "activities/shift.html",
        {
            **add,
            "activity": shift.activity,
            "staffing": Staffing(shift.staffing_for(confirmed)).label,
            "requirements": selectors.requirement_text(shift.requirements),
            "roster": selectors.shift_roster(shift) if can_change else None,
            "can_change": can_change,
            "mine": mine,
            "check": check,
            "own": own,
        },
    )
    response["Vary"] = "HX-Request"
    return response


@login_required
def shift_edit(request: AuthedRequest, shift_id: int) -> HttpResponse:
    shift = selectors.access_shift(request.user, shift_id, CHANGE)
    form = ShiftEditForm(
        request.POST or None,
        initial={
            "post": shift.post,
            "min_people": shift.min_people,
            "wanted_people": shift.wanted_people,
            "max_people": shift.max_people,
            "notes": shift.notes,
        },
    )
    editor = RequirementsEditor(request.POST or None, stored=shift.requirements)
    if request.method == "POST" and form.is_valid() & editor.is_valid():
        try:
            # An editor with no rows clears them (for the service, None means "unchanged").
            services.shift_update(
                actor=request.user,
                shift=shift,
                requirements=editor.cleaned(),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _service_errors(form, editor, exc)
        else:
            messages.success(request, _("Shift saved."))
            return redirect("activities:shift", shift.pk)
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    return render(
        request,
        "activities/form.html",
        {
            "form": form,
            "editor": editor,
            "title": _("Change shift: %(post)s") % {"post": shift.post},
            "obj": shift,
            "back": reverse("activities:shift", args=[shift.pk]),
            "intro": _(
                "The time (%(when)s) stays as planned: people signed up for it. "
                "For another time, add a shift."
            )
            % {"when": f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"},
        },
    )


@login_required
@require_POST
def shift_signup(request: AuthedRequest, shift_id: int) -> HttpResponse:
    shift = selectors.access_shift(request.user, shift_id)
    own = volunteer_own(user=request.user)
    if own is None:
        raise PermissionDenied
    try:
        row = services.signup_create(actor=request.user, shift=shift, volunteer=own)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if row.state == "confirmed":
            messages.success(request, _("You are signed up."))
        else:
            messages.info(
                request,
                _("The shift is full: you are number %(n)d on the waitlist.")
                % {"n": row.waitlist_position},
            )
    return redirect("activities:shift", shift.pk)


@login_required
@require_POST
def shift_add(request: AuthedRequest, shift_id: int) -> HttpResponse:
    """A leader adds someone they may see; back to the shift page with the same search."""
    shift = selectors.access_shift(request.user, shift_id, CHANGE)
    volunteer = access_volunteer(request.user, request.POST.get("volunteer"))
    try:
        row = services.signup_create(
            actor=request.user,
            shift=shift,
            volunteer=volunteer,
            override_reason=request.POST.get("override_reason", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, f"{volunteer.name}: {message}")
    else:
        if row.state == SignUpState.CONFIRMED:
            messages.success(request, _("%(name)s is signed up.") % {"name": volunteer.name})
        else:
            messages.info(
                request,
                _("The shift is full: %(name)s is number %(n)d on the waitlist.")
                % {"name": volunteer.name, "n": row.waitlist_position},
            )
    url = reverse("activities:shift", args=[shift.pk])
    search = request.POST.get("q", "").strip()[:50]
    if looks_like_personal_number(search):
        return redirect(f"{url}?{urlencode({'s': search_handle_store(request, search)})}#add")
    return redirect(f"{url}?{urlencode({'q': search})}#add" if search else f"{url}#add")


@login_required
@require_POST
def signup_withdraw_page(request: AuthedRequest, signup_id: int) -> HttpResponse:
    signup = selectors.access_signup(request.user, signup_id)
    try:
        services.signup_withdraw(
            actor=request.user, signup=signup, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("activities:shift", signup.shift_id)


@login_required
@require_POST
def signup_call(request: AuthedRequest, signup_id: int) -> HttpResponse:
    """Show one roster member's full number as a call link; only for those who manage the
    activity, and every reveal is audited ("shift.call")."""
    signup = selectors.access_signup(request.user, signup_id, CHANGE)
    number = services.shift_call_number(
        actor=request.user, signup=signup, reason=ReasonForm(request.POST).data.get("reason", "")
    )
    return render(request, "activities/call.html", {"signup": signup, "number": number})


@login_required
def my_shifts(request: AuthedRequest) -> HttpResponse:
    return render(
        request, "activities/mine.html", {"signups": selectors.my_signups(user=request.user)}
    )
