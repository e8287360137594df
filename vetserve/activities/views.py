"""Pages: campaigns, activities (list, calendar, detail, edit, status), shifts (one, recurring,
roster), sign-up and withdraw, and a volunteer's own shifts. Thin: selectors read, services
write, every object through an ``access_*`` helper (404 alike for "not yours" and "none")."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
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
    ActivityFilterForm,
    ActivityForm,
    AddSearchForm,
    CampaignForm,
    ReasonForm,
    SeriesForm,
    ShiftEditForm,
    ShiftForm,
)
from vetserve.activities.models import (
    STATUS_FLOW,
    OutcomeType,
    Shift,
    SignUpState,
    Staffing,
    Status,
)
from vetserve.core.access import CHANGE, can, may_change_activity, may_change_org
from vetserve.core.forms import form_add_service_errors
from vetserve.core.views import AuthedRequest, is_htmx, paginate, query_without_page
from vetserve.orgs.selectors import organization_list
from vetserve.people.selectors import access_volunteer, volunteer_own
from vetserve.regions.selectors import region_list


def _month(value: str) -> date:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except (ValueError, AttributeError):
        return today.replace(day=1)


def _filtered(request: AuthedRequest) -> tuple[Any, ActivityFilterForm, dict[str, Any]]:
    user = request.user
    form = ActivityFilterForm(request.GET)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    org = organization_list(user=user).filter(pk=data["org"]).first() if data.get("org") else None
    region = (
        region_list(user=user).filter(code=data["region"]).first() if data.get("region") else None
    )
    qs = selectors.activity_list(
        user=user,
        search=data.get("q", ""),
        status=data.get("status", ""),
        category=data.get("category", ""),
        organization=org,
        region=region,
    )
    if (data.get("org") and org is None) or (data.get("region") and region is None):
        qs = qs.none()
    return qs, form, data


@login_required
def activity_list(request: AuthedRequest) -> HttpResponse:
    qs, form, _data = _filtered(request)
    page = paginate(request, qs)
    return render(
        request,
        "activities/list.html",
        {
            "page_obj": page,
            "activities": page.object_list,
            "filters": form,
            "query": query_without_page(request),
            "can_plan": can(request.user, CHANGE),
        },
    )


@login_required
def activity_calendar(request: AuthedRequest) -> HttpResponse:
    """A month grid of the activities the user sees, filterable by organization and region."""
    qs, form, data = _filtered(request)
    first = _month(data.get("month", ""))
    last_day = calendar.monthrange(first.year, first.month)[1]
    tz = timezone.get_current_timezone()
    begin = datetime.combine(first, datetime.min.time(), tz)
    end = begin + timedelta(days=last_day)
    by_day: dict[int, list[Any]] = {}
    for activity in qs.filter(starts_at__lt=end, ends_at__gt=begin).order_by("starts_at")[:500]:
        start = max(timezone.localtime(activity.starts_at).date(), first)
        stop = min(timezone.localtime(activity.ends_at).date(), first.replace(day=last_day))
        day = start
        while day <= stop:
            by_day.setdefault(day.day, []).append(activity)
            day += timedelta(days=1)
    weeks = [
        [(d, by_day.get(d, [])) if d else (0, []) for d in week]
        for week in calendar.Calendar().monthdayscalendar(first.year, first.month)
    ]
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = first + timedelta(days=last_day)
    params = request.GET.copy()
    params.pop("month", None)
    return render(
        request,
        "activities/calendar.html",
        {
            "weeks": weeks,
            "month": first,
            "prev": prev_month.strftime("%Y-%m"),
            "next": next_month.strftime("%Y-%m"),
            "query": params.urlencode(),
            "filters": form,
        },
    )


@login_required
def activity_detail(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, activity_id)
    can_change = may_change_activity(request.user, activity)
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "shifts": selectors.shift_list(user=request.user, activity=activity)[:300],
            "totals": selectors.outcome_totals_for(user=request.user, activity=activity),
            "can_change": can_change,
            "next_statuses": [Status(s) for s in sorted(STATUS_FLOW[activity.status])],
            "outcome_types": [
                t
                for t in OutcomeType.objects.all()
                if not t.categories or activity.category in t.categories
            ],
        },
    )


def _activity_form(request: AuthedRequest, instance: Any = None) -> ActivityForm:
    return ActivityForm(
        request.POST or None,
        instance=instance,
        organizations=organization_list(user=request.user, action=CHANGE),
        campaigns=selectors.campaign_list(user=request.user),
    )


ACTIVITY_EDIT_FIELDS = [f for f in services.ACTIVITY_FIELDS if f != "region"]


@login_required
def activity_create(request: AuthedRequest) -> HttpResponse:
    form = _activity_form(request)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            activity = services.activity_create(actor=request.user, **data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("organization", str(exc))
        else:
            messages.success(request, _("Activity saved as a draft. Add shifts, then publish."))
            return redirect("activities:detail", activity.pk)
    return render(request, "activities/form.html", {"form": form, "title": _("Plan an activity")})


@login_required
def activity_edit(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, activity_id, CHANGE)
    form = _activity_form(request, instance=activity)
    form.fields["organization"].disabled = True
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in ACTIVITY_EDIT_FIELDS}
        fresh = selectors.access_activity(request.user, activity_id, CHANGE)
        try:
            services.activity_update(actor=request.user, activity=fresh, **fields)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            return redirect("activities:detail", activity.pk)
    return render(
        request, "activities/form.html", {"form": form, "title": activity.title, "obj": activity}
    )


@login_required
@require_POST
def activity_status(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, activity_id, CHANGE)
    try:
        services.activity_status_change(
            actor=request.user,
            activity=activity,
            to_status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("activities:detail", activity.pk)


@login_required
@require_POST
def outcome_add(request: AuthedRequest, activity_id: int) -> HttpResponse:
    """Record one outcome figure for the activity (or one of its shifts)."""
    activity = selectors.access_activity(request.user, activity_id, CHANGE)
    outcome_type = OutcomeType.objects.filter(pk=request.POST.get("outcome_type") or 0).first()
    shift = activity.shifts.filter(pk=request.POST.get("shift") or 0).first()
    try:
        quantity = Decimal(request.POST.get("quantity", ""))
    except InvalidOperation:
        quantity = None
    if outcome_type is None or quantity is None:
        messages.error(request, _("Choose a figure and enter a number."))
        return redirect("activities:detail", activity.pk)
    try:
        services.outcome_record(
            actor=request.user,
            activity=activity,
            outcome_type=outcome_type,
            quantity=quantity,
            shift=shift,
            note=request.POST.get("note", "")[:200],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("activities:detail", activity.pk)


@login_required
def shift_create_page(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, activity_id, CHANGE)
    form = ShiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            shift = services.shift_create(
                actor=request.user, activity=activity, **form.cleaned_data
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            return redirect("activities:shift", shift.pk)
    return render(
        request, "activities/form.html", {"form": form, "title": _("Add a shift"), "obj": activity}
    )


@login_required
def shift_series_page(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, activity_id, CHANGE)
    form = SeriesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
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
                    requirements=d.get("requirements"),
                ),
                windows=windows,
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("%(n)d shifts created.") % {"n": len(shifts)})
            return redirect("activities:detail", activity.pk)
    return render(
        request,
        "activities/form.html",
        {"form": form, "title": _("Recurring shifts"), "obj": activity},
    )


def _add_candidates(
    request: AuthedRequest, shift: Shift
) -> tuple[AddSearchForm, list[tuple[Any, services.SignUpCheck]] | None]:
    """The leader's "add someone" search: matching volunteers the leader may see, each with
    what would stand in the way of adding them (``None`` before anything is searched)."""
    form = AddSearchForm(request.GET)
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
            "requirements": shift.requirements,
            "notes": shift.notes,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        # An emptied requirements box clears them (for the service, None means "unchanged").
        data["requirements"] = data["requirements"] or {}
        try:
            services.shift_update(actor=request.user, shift=shift, **data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Shift saved."))
            return redirect("activities:shift", shift.pk)
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    return render(
        request,
        "activities/form.html",
        {
            "form": form,
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
            "progress": selectors.campaign_progress(campaign),
            "activities": selectors.activity_list(user=request.user, campaign=campaign)[:200],
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
