"""Activity pages: the list, the month calendar, one activity, plan and change one, move it
along its statuses, record an outcome figure."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vetserve.activities import selectors, services
from vetserve.activities.forms import PAST, UPCOMING, ActivityFilterForm, ActivityForm
from vetserve.activities.models import STATUS_FLOW, STATUS_VERBS, OutcomeType, Status
from vetserve.core.access import CHANGE, can, may_change_activity, may_view
from vetserve.core.forms import form_add_service_errors
from vetserve.core.paging import Sort, sort_rows
from vetserve.core.views import AuthedRequest, paginate, query_without_page
from vetserve.orgs.selectors import organization_list
from vetserve.regions.selectors import region_list, region_locator


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


ACTIVITY_SORTS = {
    "starts": Sort(gettext_lazy("start"), ("starts_at",)),
    "title": Sort(gettext_lazy("title"), ("title",)),
}


@login_required
def activity_list(request: AuthedRequest) -> HttpResponse:
    qs, form, data = _filtered(request)
    when = data.get("when") or UPCOMING
    now = timezone.now()
    day = data.get("day")
    # Upcoming: what has not ended, soonest first; ended: the latest first.
    if day:
        # The activities on one day (the calendar's link for a day with more than it shows).
        begin = datetime.combine(day, datetime.min.time(), timezone.get_current_timezone())
        qs, default = (
            qs.filter(starts_at__lt=begin + timedelta(days=1), ends_at__gt=begin),
            "starts",
        )
    elif when == UPCOMING:
        qs, default = qs.filter(ends_at__gt=now), "starts"
    elif when == PAST:
        qs, default = qs.filter(ends_at__lte=now), "-starts"
    else:
        default = "-starts"
    query = query_without_page(request)
    qs, sorting = sort_rows(qs, request.GET, ACTIVITY_SORTS, default, query)
    page = paginate(request, qs)
    return render(
        request,
        "activities/list.html",
        {
            "page_obj": page,
            "activities": page.object_list,
            "filters": form,
            "when": when,
            "sorting": sorting,
            "query": query,
            "can_plan": can(request.user, CHANGE),
        },
    )


CALENDAR_DAY_ROWS = 4


def _calendar_day(first: date, day: int, items: list[Any]) -> tuple[Any, list[Any], int, str]:
    """(day, the activities shown, how many more, that day's date for the list's link)."""
    shown = items[:CALENDAR_DAY_ROWS]
    return day, shown, len(items) - len(shown), first.replace(day=day).isoformat()


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
    # A day shows its first CALENDAR_DAY_ROWS activities and a link to the rest: a city's
    # month held 500 of them, rendered twice (grid and list), ~100 ms (issue 14).
    weeks = [
        [_calendar_day(first, d, by_day.get(d, [])) if d else (0, [], 0, "") for d in week]
        for week in calendar.Calendar().monthdayscalendar(first.year, first.month)
    ]
    # On a phone the month is a list of the days that have activities (no grid to pinch).
    days = [(first.replace(day=d), *_calendar_day(first, d, by_day[d])[1:]) for d in sorted(by_day)]
    today = timezone.localdate()
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = first + timedelta(days=last_day)
    params = request.GET.copy()
    params.pop("month", None)
    return render(
        request,
        "activities/calendar.html",
        {
            "weeks": weeks,
            "days": days,
            "today": today.day if (today.year, today.month) == (first.year, first.month) else 0,
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
    locator = region_locator(activity.region, lon=activity.lon, lat=activity.lat)
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "locator": locator,
            "locator_text": locator.describe(activity.place) if locator else "",
            "shifts": selectors.shift_list(user=request.user, activity=activity)[:300],
            "requirement_names": selectors.requirement_names(),
            "totals": selectors.outcome_totals_for(user=request.user, activity=activity),
            "can_change": can_change,
            "campaign_visible": may_view(request.user, activity.campaign),
            "next_statuses": [
                {"value": s, "verb": STATUS_VERBS[Status(s)]}
                for s in sorted(STATUS_FLOW[activity.status])
            ],
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
