"""Ledger pages: my hours (a volunteer, on a phone), a volunteer's ledger and the ledger in
scope with filters (leaders, administrators, auditors), an entry with its corrections and
confirmation, the leader's entry by hand, and the chain's verification. Writes go through
``services``; every list starts from ``visible_to`` in the selectors."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vetserve.activities.models import Activity, Category
from vetserve.core.access import (
    CHANGE,
    VIEW,
    may_change_somewhere,
    may_confirm_hours,
    may_manage_workdays,
    may_record_hours,
    may_see_rosters,
    may_verify_ledger,
    visible_to,
)
from vetserve.core.views import AuthedRequest, is_htmx, paginate, query_without_page
from vetserve.ledger.forms import (
    ClaimForm,
    CorrectionForm,
    DecisionForm,
    EntryForm,
    LedgerFilterForm,
    WorkdayRuleDeleteForm,
    WorkdayRuleForm,
)
from vetserve.ledger.models import RECORD_SOURCES, ClaimState, Source
from vetserve.ledger.selectors import (
    access_claim,
    access_entry,
    activities_awaiting_hours,
    chain_verify_for,
    claim_list,
    claimable_activities,
    due_window,
    ledger_list,
    volunteer_balance,
    volunteer_history,
    workday_rules,
)
from vetserve.ledger.services import (
    hours_claim_decide,
    hours_claim_submit,
    ledger_entry_confirm,
    ledger_entry_correct,
    ledger_entry_record,
    workday_rule_add,
    workday_rule_delete,
)
from vetserve.ledger.workdays import WorkCalendar, due_date, known_years
from vetserve.orgs.selectors import access_organization
from vetserve.people.selectors import access_volunteer, volunteer_own
from vetserve.regions.selectors import region_list

PER_PAGE = 20
# The activities offered in the entry form: the latest the leader may record hours for.
ACTIVITY_CHOICES = 100


@login_required
def my_hours(request: AuthedRequest) -> HttpResponse:
    """The volunteer's own hours: balance, by year and category, and every entry, paged."""
    volunteer = volunteer_own(user=request.user)
    if volunteer is None:
        raise Http404
    page = paginate(request, ledger_list(user=request.user, volunteer_id=volunteer.pk), PER_PAGE)
    return render(
        request,
        "ledger/me.html",
        {
            "volunteer": volunteer,
            "balance": volunteer_balance(user=request.user, volunteer=volunteer, with_names=True),
            "page_obj": page,
            "entries": page.object_list,
            "query": query_without_page(request),
        },
    )


@login_required
def volunteer_ledger(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    volunteer = access_volunteer(request.user, volunteer_id, VIEW)
    page = paginate(request, volunteer_history(user=request.user, volunteer=volunteer), PER_PAGE)
    return render(
        request,
        "ledger/volunteer.html",
        {
            "volunteer": volunteer,
            "balance": volunteer_balance(user=request.user, volunteer=volunteer, with_names=True),
            "page_obj": page,
            "entries": page.object_list,
            "query": query_without_page(request),
            "may_record": _recordable(request).exists(),
            # The exchange export (a transfer's file) is for those who manage or audit rosters.
            "may_export": may_see_rosters(request.user),
        },
    )


@login_required
def ledger_page(request: AuthedRequest) -> HttpResponse:
    """The entries in scope, of one organization (?organization=) or all, filtered, paged."""
    org = None
    if request.GET.get("organization"):
        org = access_organization(request.user, request.GET["organization"], VIEW)
    form = LedgerFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    region = None
    if filters.get("region"):
        region = region_list(user=request.user).filter(code=filters["region"]).first()
    rows = ledger_list(
        user=request.user,
        organization_id=org.pk if org else None,
        source=filters.get("source") or "",
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        region_range=region.id_range if region else None,
        category=filters.get("category") or None,
    )
    if filters.get("region") and region is None:
        rows = rows.none()  # a region the user may not see: nothing, as for a wrong code
    page = paginate(request, rows, PER_PAGE)
    context = {
        "org": org,
        "region": region,
        "category_label": dict(Category.choices).get(filters.get("category") or "", ""),
        "form": form,
        "page_obj": page,
        "entries": page.object_list,
        "query": query_without_page(request),
        "may_verify": may_verify_ledger(request.user),
    }
    template = "ledger/_rows.html" if is_htmx(request) else "ledger/list.html"
    return render(request, template, context)


@login_required
def entry_page(request: AuthedRequest, entry_id: int) -> HttpResponse:
    entry = access_entry(request.user, entry_id)
    followers = list(entry.followers.order_by("seq")) if entry.source != Source.CONFIRMATION else []
    confirmed = any(f.source == Source.CONFIRMATION for f in followers)
    correctable = entry.source in RECORD_SOURCES and may_record_hours(request.user, entry)
    return render(
        request,
        "ledger/entry.html",
        {
            "entry": entry,
            "followers": followers,
            "confirmed": confirmed,
            "may_confirm": (
                not confirmed
                and entry.source != Source.CONFIRMATION
                and may_confirm_hours(request.user, entry)
            ),
            "recorder_only": (
                not confirmed
                and entry.source != Source.CONFIRMATION
                and may_record_hours(request.user, entry)
                and not may_confirm_hours(request.user, entry)
            ),
            "correction_form": CorrectionForm() if correctable else None,
        },
    )


@require_POST
@login_required
def entry_confirm(request: AuthedRequest, entry_id: int) -> HttpResponse:
    # Seen but not theirs to confirm (an auditor, the recorder, the volunteer): 403, from the
    # service; not seen at all: 404.
    entry = access_entry(request.user, entry_id, VIEW)
    try:
        ledger_entry_confirm(actor=request.user, entry=entry)
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("Confirmed."))
    return redirect("ledger:entry", entry_id=entry.pk)


@login_required
def entry_correct(request: AuthedRequest, entry_id: int) -> HttpResponse:
    entry = access_entry(request.user, entry_id, CHANGE)
    if entry.source not in RECORD_SOURCES:
        raise Http404
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            correction = ledger_entry_correct(
                actor=request.user,
                entry=entry,
                minutes=form.cleaned_data["minutes"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _to_form(form, error)
        except PermissionDenied as error:
            messages.error(request, _message(error))
            return redirect("ledger:entry", entry_id=entry.pk)
        else:
            messages.success(request, _("The correction is recorded; it waits for confirmation."))
            return redirect("ledger:entry", entry_id=correction.pk)
    return render(request, "ledger/correct.html", {"entry": entry, "form": form})


def _recordable(request: AuthedRequest) -> QuerySet[Activity]:
    return (
        visible_to(request.user, Activity, CHANGE)
        .only("pk", "title", "starts_at")
        .order_by("-starts_at", "-id")
    )


@login_required
def entry_create(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    """A leader records a volunteer's hours by hand for an activity they may change."""
    volunteer = access_volunteer(request.user, volunteer_id, VIEW)
    activities = list(_recordable(request)[:ACTIVITY_CHOICES])
    if not activities:
        raise Http404
    form = EntryForm(request.POST or None, activities=activities)
    if request.method == "POST" and form.is_valid():
        chosen = {a.pk: a for a in activities}.get(form.cleaned_data["activity"])
        if chosen is None:
            form.add_error("activity", _("Choose one of the activities listed."))
        else:
            try:
                entry = ledger_entry_record(
                    actor=request.user,
                    volunteer=volunteer,
                    activity=Activity.objects.select_related("organization").get(pk=chosen.pk),
                    service_date=form.cleaned_data["service_date"],
                    minutes=form.cleaned_data["minutes"],
                    content=form.cleaned_data["content"],
                    back_entry=form.cleaned_data["back_entry"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                _to_form(form, error)
            except PermissionDenied as error:
                form.add_error("activity", _message(error))
            else:
                messages.success(request, _("Recorded; it waits for confirmation."))
                return redirect("ledger:entry", entry_id=entry.pk)
    return render(
        request,
        "ledger/record.html",
        {"volunteer": volunteer, "form": form, "activities": activities},
    )


@login_required
def verify_page(request: AuthedRequest) -> HttpResponse:
    """Verify the hash chains of the organizations whose whole ledger the user may audit."""
    if not may_verify_ledger(request.user):
        raise Http404
    reports = chain_verify_for(user=request.user) if request.method == "POST" else None
    return render(request, "ledger/verify.html", {"reports": reports})


def _today() -> date:
    return timezone.localdate()


@login_required
def overdue_page(request: AuthedRequest) -> HttpResponse:
    """Activities whose hours are not yet all recorded and confirmed, past their deadline
    (10 working days after the end, 办法 Art 11) or, with ?due=week, falling due this week."""
    if not may_change_somewhere(request.user):
        raise Http404
    this_week = request.GET.get("due") == "week"
    today = _today()
    calendar = WorkCalendar.for_years(range(today.year - 1, today.year + 2))
    window = due_window(today=today, this_week=this_week, calendar=calendar)
    page = paginate(request, activities_awaiting_hours(user=request.user, window=window), PER_PAGE)
    rows = list(page.object_list)
    years = {timezone.localdate(a.ends_at).year for a in rows}
    row_calendar = WorkCalendar.for_years(range(min(years), max(years) + 2)) if rows else calendar
    for activity in rows:
        activity.due, activity.due_estimated = due_date(activity.ends_at, calendar=row_calendar)
    return render(
        request,
        "ledger/overdue.html",
        {
            "page_obj": page,
            "activities": rows,
            "this_week": this_week,
            "today": today,
            "query": query_without_page(request),
            "may_manage_workdays": may_manage_workdays(request.user),
        },
    )


@login_required
def workdays_page(request: AuthedRequest) -> HttpResponse:
    """The working-day rules staff enter from the State Council's notice, and a form to add
    one (city administrators and superusers)."""
    if not may_manage_workdays(request.user):
        raise Http404
    form = WorkdayRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule = workday_rule_add(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _to_form(form, error)
        else:
            messages.success(request, _("Rule entered for %(day)s.") % {"day": rule.day})
            return redirect("ledger:workdays")
    page = paginate(request, workday_rules(), PER_PAGE)
    return render(
        request,
        "ledger/workdays.html",
        {
            "form": form,
            "page_obj": page,
            "rules": page.object_list,
            "known": known_years(_today().year),
            "query": query_without_page(request),
        },
    )


@require_POST
@login_required
def workday_rule_remove(request: AuthedRequest, rule_id: int) -> HttpResponse:
    """Remove a wrongly entered rule, with a reason (audited)."""
    if not may_manage_workdays(request.user):
        raise Http404
    rule = workday_rules().filter(pk=rule_id).first()
    if rule is None:
        raise Http404
    form = WorkdayRuleDeleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why this rule is wrong."))
        return redirect("ledger:workdays")
    day = rule.day
    try:
        workday_rule_delete(actor=request.user, rule=rule, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("Rule for %(day)s removed.") % {"day": day})
    return redirect("ledger:workdays")


@login_required
def claim_create(request: AuthedRequest) -> HttpResponse:
    """A volunteer claims hours the unit missed, on a phone, from "my hours"."""
    volunteer = volunteer_own(user=request.user)
    if volunteer is None:
        raise Http404
    activities = claimable_activities(volunteer=volunteer, limit=ACTIVITY_CHOICES)
    form = ClaimForm(request.POST or None, request.FILES or None, activities=activities)
    if request.method == "POST" and form.is_valid():
        chosen = {a.pk: a for a in activities}.get(form.cleaned_data["activity"])
        if chosen is None:
            form.add_error("activity", _("Choose one of the activities listed."))
        else:
            try:
                claim = hours_claim_submit(
                    actor=request.user,
                    volunteer=volunteer,
                    activity=chosen,
                    service_date=form.cleaned_data["service_date"],
                    minutes=form.cleaned_data["minutes"],
                    evidence=form.cleaned_data["evidence"],
                    photo=form.cleaned_data.get("photo"),
                )
            except ValidationError as error:
                _to_form(form, error)
            except PermissionDenied as error:
                form.add_error(None, _message(error))
            else:
                messages.success(request, _("Claimed; it waits for the organizing unit."))
                return redirect("ledger:claim", claim_id=claim.pk)
    return render(request, "ledger/claim_new.html", {"form": form, "activities": activities})


@login_required
def claims_page(request: AuthedRequest) -> HttpResponse:
    """Claims in scope: a volunteer's own, the units' for leaders and administrators;
    ?state= filters (pending by default for those who approve)."""
    state = request.GET.get("state", "")
    if state not in ClaimState.values:
        state = ""
    page = paginate(request, claim_list(user=request.user, state=state), PER_PAGE)
    return render(
        request,
        "ledger/claims.html",
        {
            "page_obj": page,
            "claims": page.object_list,
            "state": state,
            "states": ClaimState.choices,
            "query": query_without_page(request),
        },
    )


@login_required
def claim_page(request: AuthedRequest, claim_id: int) -> HttpResponse:
    claim = access_claim(request.user, claim_id)
    form = DecisionForm(request.POST or None)
    may_decide = claim.state == ClaimState.PENDING and may_confirm_hours(request.user, claim)
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied
        if form.is_valid():
            try:
                hours_claim_decide(
                    actor=request.user,
                    claim=claim,
                    approve=request.POST.get("decision") == "approve",
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                _to_form(form, error)
            except PermissionDenied as error:
                messages.error(request, _message(error))
                return redirect("ledger:claim", claim_id=claim.pk)
            else:
                messages.success(request, _("Decided."))
                return redirect("ledger:claim", claim_id=claim.pk)
    return render(
        request,
        "ledger/claim.html",
        {"claim": claim, "form": form, "may_decide": may_decide},
    )


@login_required
def claim_photo(request: AuthedRequest, claim_id: int) -> FileResponse:
    """The claim's photo, to the people who may see the claim (never a public media URL)."""
    claim = access_claim(request.user, claim_id)
    if not claim.photo:
        raise Http404
    name = (claim.photo.name or "photo").rsplit("/", 1)[-1]
    return FileResponse(claim.photo.open("rb"), filename=name)


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not do this.")


def _to_form(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
