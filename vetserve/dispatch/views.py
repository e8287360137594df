"""Dispatch pages: availability (a volunteer's own on the phone, or a leader's for them), the
call-outs in scope, a new call-out, one call-out's review page (map, proposal with reasons,
unfilled seats, edits, invitations filling in live), one's own invitations, and the public
answer page the short link in the SMS opens. Writes go through ``services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from vetserve.core.access import (
    CHANGE,
    VIEW,
    dispatches_somewhere,
    may_dispatch,
    may_set_availability,
    visible_to,
)
from vetserve.core.views import AuthedRequest, paginate, query_without_page
from vetserve.dispatch.forms import (
    WEEKDAYS,
    AvailabilityForm,
    CallOutForm,
    CallOutShiftFormSet,
    UnavailabilityForm,
)
from vetserve.dispatch.models import PARTS, CallOut, CallOutState, InvitationState
from vetserve.dispatch.selectors import (
    access_callout,
    access_line,
    access_my_invitation,
    availability_of,
    callout_board,
    callout_list,
    invitation_by_code,
    my_invitations,
)
from vetserve.dispatch.services import (
    ShiftSpec,
    availability_set,
    callout_close,
    callout_create,
    invitation_answer,
    invitations_send,
    line_promote,
    line_remove,
    proposal_run,
    unavailability_add,
    unavailability_remove,
)
from vetserve.orgs.models import Organization
from vetserve.people.models import Volunteer
from vetserve.people.selectors import access_volunteer, volunteer_own
from vetserve.regions.models import Region

PER_PAGE = 20


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


# --- availability --------------------------------------------------------------------------------


def _availability_page(request: AuthedRequest, volunteer: Volunteer, *, own: bool) -> HttpResponse:
    if not may_set_availability(request.user, volunteer):
        raise Http404
    current = availability_of(volunteer)
    form = AvailabilityForm(
        request.POST if request.POST.get("form") == "pattern" else None,
        initial=AvailabilityForm.initial_for(current.weekly_mask, current.emergency_reachable),
    )
    period_form = UnavailabilityForm(request.POST if request.POST.get("form") == "period" else None)
    here = request.path
    if request.method == "POST":
        try:
            if request.POST.get("form") == "pattern" and form.is_valid():
                availability_set(
                    actor=request.user,
                    volunteer=volunteer,
                    weekly_mask=form.weekly_mask(),
                    emergency_reachable=form.cleaned_data["emergency_reachable"],
                )
                messages.success(request, _("Saved: when you can serve."))
                return redirect(here)
            if request.POST.get("form") == "period" and period_form.is_valid():
                data = period_form.cleaned_data
                unavailability_add(
                    actor=request.user,
                    volunteer=volunteer,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    note=data["note"],
                )
                messages.success(request, _("Saved: the period when you cannot serve."))
                return redirect(here)
            if request.POST.get("form") == "remove":
                period = volunteer.unavailabilities.filter(
                    pk=request.POST.get("period") or 0
                ).first()
                if period is None:
                    raise Http404
                unavailability_remove(actor=request.user, period=period)
                messages.success(request, _("The period was removed."))
                return redirect(here)
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
    grid = [
        (
            WEEKDAYS[day],
            [
                (f"{day}-{part}", PARTS[part][3], current.has(day, part))
                for part in range(len(PARTS))
            ],
        )
        for day in range(7)
    ]
    return render(
        request,
        "dispatch/availability.html",
        {
            "volunteer": volunteer,
            "own": own,
            "current": current,
            "form": form,
            "period_form": period_form,
            "grid": grid,
            "parts": [p[3] for p in PARTS],
        },
    )


@login_required
def my_availability(request: AuthedRequest) -> HttpResponse:
    volunteer = volunteer_own(user=request.user)
    if volunteer is None:
        raise Http404
    return _availability_page(request, volunteer, own=True)


@login_required
def volunteer_availability(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    volunteer = access_volunteer(request.user, volunteer_id, VIEW)
    if volunteer.user_id == request.user.pk:
        return redirect("dispatch:my_availability")
    return _availability_page(request, volunteer, own=False)


# --- call-outs ---------------------------------------------------------------------------------


@login_required
@require_GET
def callout_index(request: AuthedRequest) -> HttpResponse:
    if not dispatches_somewhere(request.user) and not callout_list(user=request.user).exists():
        raise Http404
    page = paginate(request, callout_list(user=request.user), PER_PAGE)
    return render(
        request,
        "dispatch/list.html",
        {
            "page_obj": page,
            "callouts": page.object_list,
            "query": query_without_page(request),
            "may_create": dispatches_somewhere(request.user),
        },
    )


@login_required
def callout_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not dispatches_somewhere(user):
        raise Http404
    organizations = visible_to(user, Organization, CHANGE)
    regions = visible_to(user, Region, CHANGE)
    form = CallOutForm(request.POST or None, organizations=organizations, regions=regions)
    shifts = CallOutShiftFormSet(request.POST or None, prefix="shift")
    if request.method == "POST" and form.is_valid() and shifts.is_valid():
        data = form.cleaned_data
        specs = [
            ShiftSpec(
                post=row["post"],
                starts_at=row["starts_at"],
                ends_at=row["ends_at"],
                min_people=row["min_people"],
                wanted_people=row["wanted_people"],
                max_people=row["max_people"],
            )
            for row in shifts.cleaned_data
            if row
        ]
        try:
            callout = callout_create(
                actor=user,
                organization=data["organization"],
                region=data["region"],
                title=data["title"],
                place=data["place"],
                category=data["category"],
                lat=data.get("lat"),
                lon=data.get("lon"),
                emergency=data["emergency"],
                widen=data["widen"],
                answer_minutes=data.get("answer_minutes"),
                shifts=specs,
            )
        except PermissionDenied:
            form.add_error("region", _("You may not dispatch in this region."))
        except ValidationError as error:
            for message in _errors(error):
                form.add_error(None, message)
        else:
            messages.success(request, _("The call-out was created. Run the proposal next."))
            return redirect("dispatch:detail", callout_id=callout.pk)
    return render(request, "dispatch/new.html", {"form": form, "shifts": shifts})


SHIFTS_PER_PAGE = 10


def _board_context(request: AuthedRequest, callout: CallOut) -> dict[str, Any]:
    """The review page's shifts come a page at a time (a city's call-out has 1,000)."""
    page = paginate(request, callout.shifts.order_by("starts_at", "id"), SHIFTS_PER_PAGE)
    board = callout_board(callout, list(page.object_list))
    return {
        "callout": callout,
        "board": board,
        "page_obj": page,
        "query": query_without_page(request),
        "may_dispatch": may_dispatch(request.user, callout.region_id),
        "editable": callout.state != CallOutState.CLOSED
        and may_dispatch(request.user, callout.region_id),
        "states": InvitationState,
    }


@login_required
@require_GET
def callout_detail(request: AuthedRequest, callout_id: int) -> HttpResponse:
    callout = access_callout(request.user, callout_id)
    return render(request, "dispatch/detail.html", _board_context(request, callout))


@login_required
@require_GET
def callout_live(request: AuthedRequest, callout_id: int) -> HttpResponse:
    """The invitations and roster part of the review page, polled by htmx while it fills."""
    callout = access_callout(request.user, callout_id)
    return render(request, "dispatch/_live.html", _board_context(request, callout))


@login_required
@require_POST
def callout_action(request: AuthedRequest, callout_id: int) -> HttpResponse:
    callout = access_callout(request.user, callout_id)
    action = request.POST.get("action", "")
    # The proposal's edit buttons share one form: "remove-<line>" or "add-<line>".
    edit, _sep, line_id = request.POST.get("edit", "").partition("-")
    if edit in ("remove", "add"):
        action = edit
    try:
        if action == "run":
            proposal = proposal_run(actor=request.user, callout=callout)
            messages.success(
                request,
                _("Proposal ready in %(ms)d ms.") % {"ms": proposal.solve_ms},
            )
        elif action == "send":
            made = invitations_send(actor=request.user, callout=callout)
            messages.success(request, _("%(n)d invitations sent.") % {"n": len(made)})
        elif action == "close":
            callout_close(actor=request.user, callout=callout)
            messages.success(request, _("The call-out is closed."))
        elif action in ("remove", "add"):
            line = access_line(request.user, line_id or request.POST.get("line"))
            if line.proposal.callout_id != callout.pk:
                raise Http404
            if action == "remove":
                line_remove(actor=request.user, line=line)
            else:
                line_promote(actor=request.user, line=line)
        else:
            messages.error(request, _("Choose what to do."))
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    return redirect("dispatch:detail", callout_id=callout.pk)


# --- invitations -------------------------------------------------------------------------------


@login_required
def my_invitation_list(request: AuthedRequest) -> HttpResponse:
    choice = request.POST.get("answer", "")
    if request.method == "POST" and choice in ("accept", "decline"):
        invitation = access_my_invitation(request.user, request.POST.get("invitation"))
        try:
            answer = invitation_answer(
                invitation=invitation, accept=choice == "accept", actor=request.user
            )
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            messages.info(request, answer.message)
        return redirect("dispatch:my_invitations")
    page = paginate(request, my_invitations(user=request.user), PER_PAGE)
    return render(
        request,
        "dispatch/my_invitations.html",
        {"page_obj": page, "invitations": page.object_list, "query": query_without_page(request)},
    )


@never_cache
def answer_page(request: HttpRequest, invite_code: str) -> HttpResponse:
    """Public: the page the SMS link opens, on a phone, at 05:00 too. No login (the link is
    the key); shows the task and two buttons, never the person's name or number."""
    invitation = invitation_by_code(invite_code)
    if invitation is None:
        response = render(request, "dispatch/answer_unknown.html", status=404)
        response["Referrer-Policy"] = "no-referrer"
        return response
    message = ""
    choice = request.POST.get("answer", "")
    if request.method == "POST" and choice in ("accept", "decline"):
        try:
            answer = invitation_answer(
                invitation=invitation,
                accept=choice == "accept",
                actor=request.user if request.user.is_authenticated else None,
            )
        except ValidationError as error:
            message = " ".join(_errors(error))
        else:
            message = answer.message
        invitation.refresh_from_db()
    response = render(
        request,
        "dispatch/answer.html",
        {
            "invitation": invitation,
            "shift": invitation.shift,
            "activity": invitation.shift.activity,
            "message": message,
            "open": invitation.state == InvitationState.PENDING,
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
