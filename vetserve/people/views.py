"""Pages: the roster, one volunteer's page and its actions, register and correct, duplicates
and merging, erasing, a volunteer's own data, and the open correction requests.

Who may do what is decided where the services decide it: seeing a volunteer is
`access_volunteer` (404 for "not yours" and "does not exist" alike); changing one needs CHANGE
over the home organization, and someone who may see but not change gets 403.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vetserve.audit.selectors import audit_entries_for_object
from vetserve.core.access import (
    AUDIT,
    CHANGE,
    Actor,
    can,
    may_change_org,
    may_change_somewhere,
    may_change_volunteer,
    may_reveal,
)
from vetserve.core.forms import form_add_service_errors
from vetserve.core.views import AuthedRequest, is_htmx, paginate, query_without_page
from vetserve.orgs.forms import INDENT, region_option_label
from vetserve.orgs.models import Organization
from vetserve.orgs.selectors import organization_list
from vetserve.people import services
from vetserve.people.forms import (
    CHECKED,
    ConsentForm,
    CorrectionRequestForm,
    CorrectionResolveForm,
    EraseForm,
    MembershipEndForm,
    MembershipForm,
    MergeForm,
    RevealForm,
    StatusForm,
    VolunteerFilterForm,
    VolunteerForm,
    field_label,
)
from vetserve.people.idnumbers import InvalidNumber, parse_phone
from vetserve.people.models import (
    STATUS_FLOW,
    Consent,
    CorrectionRequest,
    Gender,
    Membership,
    Volunteer,
)
from vetserve.people.selectors import (
    ROSTER_FILTERS,
    access_volunteer,
    correction_requests_open,
    volunteer_badges_prefetched,
    volunteer_consents_latest,
    volunteer_duplicates,
    volunteer_own,
    volunteer_roster,
)
from vetserve.regions.models import Region
from vetserve.regions.selectors import region_list

# Levels offered in the region filter, as on the organization list.
FILTER_LEVELS = ("city", "county", "township")
LIST_COLUMNS = (
    "id",
    "name",
    "gender",
    "birth_date",
    "id_number_masked",
    "phone_masked",
    "home_org_id",
    "status",
)
# The protected numbers, in the order the volunteer's page shows them.
PROTECTED = ("id_number", "phone", "emergency_phone", "discharge_doc")
# Consents a volunteer gives or withdraws themself on their own page (PIPL Art 29, 25).
SELF_CONSENTS = (Consent.Purpose.HEALTH, Consent.Purpose.PUBLICATION)


def volunteer_to_change(user: Actor | None, volunteer_id: Any) -> Volunteer:
    """404 for someone who cannot see the volunteer, 403 for someone who only sees them."""
    volunteer = access_volunteer(user, volunteer_id)
    if not may_change_volunteer(user, volunteer):
        raise PermissionDenied(_("You may not change this volunteer's record."))
    return volunteer


def age_on(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


@dataclass(frozen=True)
class Row:
    volunteer: Volunteer
    age: int | None
    badge_number: str


def _rows(volunteers: Any) -> list[Row]:
    today = timezone.localdate()
    rows = []
    for v in volunteers:
        badges = getattr(v, "prefetched_badges", ())
        number = next((b.number for b in badges if b.status == "active"), "")
        rows.append(Row(v, age_on(v.birth_date, today), number))
    return rows


def _looks_like_a_number(text: str) -> bool:
    digits = sum(ch.isdigit() for ch in text)
    return digits >= 7


# --- the roster --------------------------------------------------------------------------------


@login_required
@require_GET
def volunteer_list_page(request: AuthedRequest) -> HttpResponse:
    user = request.user
    filters = VolunteerFilterForm(request.GET)
    data: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {}
    region: Region | None = None
    org: Organization | None = None
    # A region or organization the user cannot see filters to nothing, like a missing one.
    unknown = False
    if data.get("region"):
        region = region_list(user=user).filter(code=data["region"]).first()
        unknown = region is None
    if data.get("org"):
        org = organization_list(user=user).filter(pk=data["org"]).first()
        unknown = unknown or org is None
    volunteers = volunteer_roster(
        user=user,
        search=data.get("q", ""),
        region=region,
        organization=org,
        status=data.get("status", ""),
    )
    for key, extra in ROSTER_FILTERS.items():
        if data.get(key):
            volunteers = volunteers.filter(extra.q(data[key]))
    if unknown:
        volunteers = volunteers.none()
    # The columns shown, and the organization by a second query instead of a join: with a join
    # SQLite stopped walking the name index and sorted all 100,000 rows (bench/roster_list.py).
    volunteers = (
        volunteers.select_related(None)
        .only(*LIST_COLUMNS)
        .prefetch_related(Prefetch("home_org", Organization.objects.only("id", "name")))
    )
    page = paginate(request, volunteer_badges_prefetched(volunteers))
    context: dict[str, Any] = {
        "page_obj": page,
        "rows": _rows(page.object_list),
        "filters": filters,
        "region": region,
        "org": org,
        "query": query_without_page(request),
        "filtered": any(
            data.get(key) for key in ("q", "region", "org", "status", "skill", "qualification")
        ),
        "show_badges": apps.is_installed("vetserve.badges"),
    }
    if is_htmx(request):
        response = render(request, "people/_results.html", context)
        if _looks_like_a_number(data.get("q", "")):
            # A full ID or phone number must not land in the browser's history.
            response["HX-Push-Url"] = "false"
    else:
        regions = list(region_list(user=user).filter(level__in=FILTER_LEVELS).order_by("id"))
        if region is not None and region not in regions:
            regions.append(region)
        orgs = organization_list(user=user).select_related(None).order_by("path")
        orgs = orgs.only("id", "name", "path")
        context.update(
            region_options=[(r.code, region_option_label(r)) for r in regions],
            org_options=[(o.pk, INDENT * (o.path.count("/") - 2) + o.name) for o in orgs],
            **{f"{key}_options": extra.options() for key, extra in ROSTER_FILTERS.items()},
            may_register=can(user, CHANGE),
            may_export=can(user, CHANGE) or can(user, AUDIT),
            own=volunteer_own(user=user),
        )
        response = render(request, "people/list.html", context)
    response["Vary"] = "HX-Request"
    return response


# --- one volunteer -----------------------------------------------------------------------------


def _detail(
    request: AuthedRequest, volunteer: Volunteer, *, status: int = 200, **forms: Any
) -> HttpResponse:
    """The volunteer's page; ``forms`` replaces a blank form by a bound one with its errors."""
    user = request.user
    changeable = may_change_volunteer(user, volunteer)
    memberships = [
        (
            m,
            m.ended_on is None and may_change_org(user, m.organization),
        )
        for m in volunteer.memberships.select_related("organization", "organization__region")
    ]
    latest = volunteer_consents_latest(volunteer)
    badge = None
    if apps.is_installed("vetserve.badges"):
        badge = volunteer.badges.filter(status="active").first()
    membership_form = forms.get("membership_form")
    if membership_form is None and may_change_somewhere(user):
        membership_form = MembershipForm(user=user)
    context = {
        "volunteer": volunteer,
        "age": age_on(volunteer.birth_date, timezone.localdate()),
        "may_change": changeable,
        "may_reveal": may_reveal(user, volunteer),
        "memberships": memberships,
        "membership_form": membership_form
        if membership_form is not None and membership_form.org_choices.exists()
        else None,
        "end_form": MembershipEndForm(),
        "history": volunteer.status_changes.select_related("actor"),
        "status_form": (forms.get("status_form") or StatusForm(volunteer=volunteer))
        if changeable and STATUS_FLOW.get(volunteer.status)
        else None,
        "consents": [(label, latest.get(value)) for value, label in Consent.Purpose.choices],
        "consent_history": volunteer.consents.select_related("recorded_by"),
        "consent_form": (forms.get("consent_form") or ConsentForm()) if changeable else None,
        "corrections": volunteer.correction_requests.select_related("resolved_by"),
        "resolve_form": CorrectionResolveForm() if changeable else None,
        "badge": badge,
        "show_badges": apps.is_installed("vetserve.badges"),
        "recent_audit": audit_entries_for_object(user=user, obj=volunteer),
    }
    return render(request, "people/detail.html", context, status=status)


@login_required
@require_GET
def volunteer_detail(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    return _detail(request, access_volunteer(request.user, volunteer_id))


@login_required
@require_POST
def volunteer_status(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    user = request.user
    volunteer = volunteer_to_change(user, volunteer_id)
    form = StatusForm(request.POST, volunteer=volunteer)
    if form.is_valid():
        try:
            services.volunteer_status_change(
                actor=user,
                volunteer=volunteer,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now “%(status)s”.")
                % {"name": volunteer.name, "status": volunteer.get_status_display()},
            )
            return redirect("people:detail", volunteer_id=volunteer.pk)
    return _detail(request, volunteer, status=400, status_form=form)


@login_required
@require_POST
def membership_add(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    user = request.user
    volunteer = access_volunteer(user, volunteer_id)
    if not may_change_somewhere(user):
        raise PermissionDenied
    form = MembershipForm(request.POST, user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_add(
                actor=user,
                volunteer=volunteer,
                organization=data["organization"],
                role=data["role"],
                started_on=data["started_on"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        except PermissionDenied as denied:
            form.add_error("organization", str(denied))
        else:
            messages.success(
                request,
                _("%(name)s now serves in %(org)s.")
                % {"name": volunteer.name, "org": data["organization"].name},
            )
            return redirect("people:detail", volunteer_id=volunteer.pk)
    return _detail(request, volunteer, status=400, membership_form=form)


@login_required
@require_POST
def membership_end(request: AuthedRequest, volunteer_id: int, membership_id: int) -> HttpResponse:
    user = request.user
    volunteer = access_volunteer(user, volunteer_id)
    membership: Membership | None = (
        volunteer.memberships.select_related("organization", "volunteer")
        .filter(pk=membership_id, ended_on__isnull=True)
        .first()
    )
    if membership is None:
        raise Http404
    form = MembershipEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the membership ended."))
    else:
        try:
            services.membership_end(
                actor=user, membership=membership, ended_on=form.cleaned_data["ended_on"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The membership in %(org)s has ended.") % {"org": membership.organization.name},
            )
    return redirect("people:detail", volunteer_id=volunteer.pk)


@login_required
@require_POST
def consent_record(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    user = request.user
    volunteer = volunteer_to_change(user, volunteer_id)
    form = ConsentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        services.consent_record(
            actor=user,
            volunteer=volunteer,
            purpose=data["purpose"],
            granted=data["granted"],
            text_version=data["text_version"].strip(),
        )
        messages.success(request, _("The consent was recorded."))
        return redirect("people:detail", volunteer_id=volunteer.pk)
    return _detail(request, volunteer, status=400, consent_form=form)


@login_required
@require_POST
def correction_resolve(
    request: AuthedRequest, volunteer_id: int, correction_id: int
) -> HttpResponse:
    user = request.user
    volunteer = volunteer_to_change(user, volunteer_id)
    correction: CorrectionRequest | None = (
        volunteer.correction_requests.select_related("volunteer__home_org")
        .filter(pk=correction_id, state=CorrectionRequest.State.OPEN)
        .first()
    )
    if correction is None:
        raise Http404
    form = CorrectionResolveForm(request.POST)
    if form.is_valid():
        services.correction_request_resolve(
            actor=user,
            request=correction,
            done=form.cleaned_data["done"],
            resolution=form.cleaned_data["resolution"],
        )
        messages.success(request, _("The correction request was answered."))
    else:
        messages.error(request, _("Choose whether the data was corrected."))
    if request.POST.get("back") == "corrections":
        return redirect("people:corrections")
    return redirect("people:detail", volunteer_id=volunteer.pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def volunteer_reveal(request: AuthedRequest, volunteer_id: int, field: str) -> HttpResponse:
    """The full value of one protected number, for someone allowed who says why; logged.

    htmx swaps the answer in place of the button; without JavaScript it is a page of its own.
    """
    user = request.user
    volunteer = access_volunteer(user, volunteer_id)
    if field not in PROTECTED:
        raise Http404
    if not may_reveal(user, volunteer):
        raise PermissionDenied(_("You may not see full numbers."))
    form = RevealForm(request.POST if request.method == "POST" else None)
    value: str | None = None
    if form.is_bound and form.is_valid():
        try:
            value = services.volunteer_reveal(
                actor=user, volunteer=volunteer, field=field, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
    context = {
        "volunteer": volunteer,
        "field": field,
        "label": field_label(f"{field}_masked"),
        "masked": getattr(volunteer, f"{field}_masked"),
        "form": form,
        "value": value,
    }
    if is_htmx(request):
        # 200 even with an error: htmx swaps only successful answers.
        return render(request, "people/_reveal.html", context)
    return render(request, "people/reveal.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_erase(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    user = request.user
    volunteer = volunteer_to_change(user, volunteer_id)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_erase(
                actor=user, volunteer=volunteer, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The personal data of record #%(id)d was erased; its service figures remain.")
                % {"id": volunteer.pk},
            )
            return redirect("people:list")
    return render(
        request,
        "people/erase.html",
        {"volunteer": volunteer, "form": form},
        status=400 if form.errors else 200,
    )


# --- register and correct ----------------------------------------------------------------------


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
@require_GET
def volunteer_check(request: AuthedRequest) -> HttpResponse:
    """Inline check of one number while the form is filled in (htmx): the error, or what the
    ID number says about the person. Nothing is stored or logged; the page's POST decides."""
    _require_registrar(request.user)
    field = request.GET.get("field", "")
    if field not in CHECKED:
        raise Http404
    raw = request.GET.get(field, "").strip()
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


# --- duplicates and merging --------------------------------------------------------------------


@login_required
@require_GET
def duplicates_page(request: AuthedRequest) -> HttpResponse:
    user = request.user
    groups = []
    for group in volunteer_duplicates(user=user):
        first = group[0]
        groups.append(
            [
                (
                    v,
                    v is not first
                    and may_change_volunteer(user, first)
                    and may_change_volunteer(user, v),
                )
                for v in group
            ]
        )
    return render(request, "people/duplicates.html", {"groups": groups})


@login_required
@require_http_methods(["GET", "POST"])
def merge_page(request: AuthedRequest) -> HttpResponse:
    """Two records of one person: choose the one to keep; the other's memberships, history,
    consents, requests (and badges, hours …) move to it (`services.volunteer_merge`)."""
    user = request.user
    first = volunteer_to_change(user, request.GET.get("a"))
    second = volunteer_to_change(user, request.GET.get("b"))
    if first.pk == second.pk:
        raise Http404
    pair = (first, second) if first.pk < second.pk else (second, first)
    form = MergeForm(request.POST or None, pair=pair, initial={"keep": pair[0].pk})
    if request.method == "POST" and form.is_valid():
        keep, drop = pair if form.cleaned_data["keep"] == pair[0].pk else pair[::-1]
        try:
            services.volunteer_merge(
                actor=user, keep=keep, drop=drop, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Record #%(drop)d was merged into this one.") % {"drop": drop.pk},
            )
            return redirect("people:detail", volunteer_id=keep.pk)
    summaries = [
        {
            "volunteer": v,
            "memberships": list(v.memberships.select_related("organization")),
            "changes": v.status_changes.count(),
        }
        for v in pair
    ]
    return render(
        request,
        "people/merge.html",
        {"pair": pair, "summaries": summaries, "form": form},
        status=400 if form.errors else 200,
    )


# --- the volunteer's own data ------------------------------------------------------------------


def _own_or_404(user: Actor | None) -> Volunteer:
    volunteer = volunteer_own(user=user)
    if volunteer is None:
        raise Http404
    return volunteer


def _me(request: AuthedRequest, volunteer: Volunteer, *, status: int = 200, **forms: Any) -> Any:
    latest = volunteer_consents_latest(volunteer)
    context = {
        "volunteer": volunteer,
        "age": age_on(volunteer.birth_date, timezone.localdate()),
        "protected": [
            (field_label(f"{field}_masked"), masked)
            for field in PROTECTED
            if (masked := getattr(volunteer, f"{field}_masked"))
        ],
        "memberships": volunteer.memberships.select_related("organization"),
        "history": volunteer.status_changes.all(),
        "consents": [(label, latest.get(value)) for value, label in Consent.Purpose.choices],
        "choices": [
            (value, label, bool(latest.get(value) and latest[value].granted))
            for value, label in Consent.Purpose.choices
            if value in SELF_CONSENTS
        ],
        "consent_version": services.CONSENT_TEXT_VERSION,
        "corrections": volunteer.correction_requests.all(),
        "correction_form": forms.get("correction_form") or CorrectionRequestForm(),
    }
    return render(request, "people/me.html", context, status=status)


@login_required
@require_GET
def me_page(request: AuthedRequest) -> HttpResponse:
    return _me(request, _own_or_404(request.user))


@never_cache
@login_required
@require_GET
def me_download(request: AuthedRequest) -> HttpResponse:
    """Everything held about the person, full numbers included, as a JSON file (PIPL Art 45)."""
    volunteer = _own_or_404(request.user)
    data = services.volunteer_self_export(actor=request.user, volunteer=volunteer)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    return response


@login_required
@require_POST
def me_correction(request: AuthedRequest) -> HttpResponse:
    volunteer = _own_or_404(request.user)
    form = CorrectionRequestForm(request.POST)
    if form.is_valid():
        try:
            services.correction_request_create(
                volunteer=volunteer, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Your request was sent; your organization will answer it."))
            return redirect("people:me")
    return _me(request, volunteer, status=400, correction_form=form)


@login_required
@require_POST
def me_consent(request: AuthedRequest) -> HttpResponse:
    volunteer = _own_or_404(request.user)
    purpose = request.POST.get("purpose", "")
    if purpose not in SELF_CONSENTS:
        raise Http404
    granted = request.POST.get("granted") == "yes"
    services.consent_record(
        actor=request.user,
        volunteer=volunteer,
        purpose=purpose,
        granted=granted,
        text_version=services.CONSENT_TEXT_VERSION,
    )
    messages.success(
        request,
        _("Your consent was recorded.") if granted else _("Your consent was withdrawn."),
    )
    return redirect("people:me")


# --- open correction requests ------------------------------------------------------------------


@login_required
@require_GET
def corrections_page(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not may_change_somewhere(user):
        raise Http404
    page = paginate(request, correction_requests_open(user=user))
    rows = [(c, may_change_volunteer(user, c.volunteer)) for c in page.object_list]
    return render(
        request,
        "people/corrections.html",
        {
            "page_obj": page,
            "rows": rows,
            "resolve_form": CorrectionResolveForm(),
            "query": query_without_page(request),
        },
    )
