"""Recognition pages: a volunteer's stars, awards and evaluations (and one's own), the stars in
scope, team honours, the federations' star rules, and honour rolls. Writes go through
``services``; lists start from ``visible_to``; single objects from ``access_*``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vetserve.core.access import (
    VIEW,
    administers_regions,
    can,
    may_grant_star,
    may_honour_team,
    may_record_recognition,
    may_see_honour_roll,
    may_see_rosters,
)
from vetserve.core.views import AuthedRequest, paginate, query_without_page
from vetserve.orgs.selectors import access_organization
from vetserve.people.models import Volunteer
from vetserve.people.selectors import access_volunteer, volunteer_own
from vetserve.recognition.forms import EvaluationForm, HonourForm, RollForm, StarSettingsForm
from vetserve.recognition.selectors import (
    access_award,
    access_team_honour,
    award_list,
    campaign_choices,
    evaluation_list,
    federation_choices,
    honour_roll,
    star_rows,
    star_settings_list,
    star_status,
    team_honour_list,
    volunteers_with_stars,
)
from vetserve.recognition.services import (
    award_record,
    evaluation_record,
    star_grant,
    star_settings_save,
    team_honour_record,
)
from vetserve.regions.models import Region

PER_PAGE = 50
# The roll choices: at most this many campaigns, latest first (a campaign's page links its own).
CAMPAIGN_CHOICES = 50


def _form_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _volunteer_page(request: AuthedRequest, volunteer: Volunteer, *, own: bool) -> HttpResponse:
    may_enter = may_record_recognition(request.user, volunteer)
    award_form = HonourForm(prefix="award")
    evaluation_form = EvaluationForm(prefix="evaluation")
    if request.method == "POST":
        if not may_enter:
            raise PermissionDenied
        which = request.POST.get("form")
        try:
            if which == "award":
                award_form = HonourForm(request.POST, request.FILES, prefix="award")
                if award_form.is_valid():
                    data = award_form.cleaned_data
                    award_record(
                        actor=request.user,
                        volunteer=volunteer,
                        kind=data["kind"],
                        name=data["name"],
                        awarded_on=data["awarded_on"],
                        granting_unit=data["granting_unit"],
                        level=data["level"],
                        document=data.get("document"),
                    )
                    messages.success(request, _("The honour was recorded."))
                    return redirect("recognition:volunteer", volunteer_id=volunteer.pk)
            elif which == "evaluation":
                evaluation_form = EvaluationForm(request.POST, prefix="evaluation")
                if evaluation_form.is_valid():
                    data = evaluation_form.cleaned_data
                    evaluation_record(
                        actor=request.user,
                        volunteer=volunteer,
                        evaluated_on=data["evaluated_on"],
                        rating=data.get("rating"),
                        grade=data.get("grade") or "",
                        comment=data.get("comment") or "",
                    )
                    messages.success(request, _("The evaluation was recorded."))
                    return redirect("recognition:volunteer", volunteer_id=volunteer.pk)
        except ValidationError as error:
            _form_errors(award_form if which == "award" else evaluation_form, error)
    awards = paginate(request, award_list(user=request.user, volunteer=volunteer), PER_PAGE)
    evaluations = evaluation_list(user=request.user, volunteer=volunteer)[:PER_PAGE]
    return render(
        request,
        "recognition/volunteer.html",
        {
            "volunteer": volunteer,
            "own": own,
            "stars": star_status(volunteer),
            "may_grant": not own and may_grant_star(request.user, volunteer),
            "may_enter": may_enter and not own,
            "award_form": award_form,
            "evaluation_form": evaluation_form,
            "page_obj": awards,
            "awards": awards.object_list,
            "evaluations": evaluations,
            "query": query_without_page(request),
        },
    )


@login_required
def my_recognition(request: AuthedRequest) -> HttpResponse:
    """我的荣誉: one's own stars, awards and evaluations."""
    volunteer = volunteer_own(user=request.user)
    if volunteer is None:
        raise Http404
    if request.method != "GET":
        raise PermissionDenied
    return _volunteer_page(request, volunteer, own=True)


@login_required
def volunteer_recognition(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    """A volunteer's stars, awards and evaluations; leaders and administrators in scope enter
    awards and evaluations, administrators grant stars."""
    volunteer = access_volunteer(request.user, volunteer_id, VIEW)
    own = volunteer.user_id == request.user.pk
    if own and request.method == "GET":
        return redirect("recognition:me")
    return _volunteer_page(request, volunteer, own=own)


@login_required
@require_POST
def grant(request: AuthedRequest, volunteer_id: int) -> HttpResponse:
    volunteer = access_volunteer(request.user, volunteer_id, VIEW)
    try:
        level = int(request.POST.get("level", ""))
    except ValueError:
        level = 0
    try:
        star_grant(actor=request.user, volunteer=volunteer, level=level)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The star was granted."))
    return redirect("recognition:volunteer", volunteer_id=volunteer.pk)


@login_required
@require_GET
def award_document(request: AuthedRequest, award_id: int) -> FileResponse:
    """An award's document, to those who may see the volunteer (never a public media URL)."""
    award = access_award(request.user, award_id)
    if not award.document:
        raise Http404
    name = (award.document.name or "document").rsplit("/", 1)[-1]
    return FileResponse(award.document.open("rb"), filename=name)


@login_required
@require_GET
def team_honour_document(request: AuthedRequest, honour_id: int) -> FileResponse:
    honour = access_team_honour(request.user, honour_id)
    if not honour.document:
        raise Http404
    name = (honour.document.name or "document").rsplit("/", 1)[-1]
    return FileResponse(honour.document.open("rb"), filename=name)


@login_required
@require_GET
def stars(request: AuthedRequest) -> HttpResponse:
    """The volunteers in scope with confirmed hours, most first, with their stars."""
    if not may_see_rosters(request.user):
        raise Http404
    page = paginate(request, volunteers_with_stars(user=request.user), PER_PAGE)
    return render(
        request,
        "recognition/stars.html",
        {
            "page_obj": page,
            "rows": star_rows(list(page.object_list)),
            "query": query_without_page(request),
            "administers": administers_regions(request.user),
        },
    )


@login_required
def team_honours(request: AuthedRequest, org_id: int) -> HttpResponse:
    """A team's flags and commendations; the level above records new ones."""
    team = access_organization(request.user, org_id, VIEW)
    may_enter = may_honour_team(request.user, team)
    form = HonourForm(team=True)
    if request.method == "POST":
        if not may_enter:
            raise PermissionDenied
        form = HonourForm(request.POST, request.FILES, team=True)
        if form.is_valid():
            data = form.cleaned_data
            try:
                team_honour_record(
                    actor=request.user,
                    team=team,
                    kind=data["kind"],
                    name=data["name"],
                    awarded_on=data["awarded_on"],
                    granting_unit=data["granting_unit"],
                    level=data["level"],
                    document=data.get("document"),
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("The honour was recorded."))
                return redirect("recognition:team", org_id=team.pk)
    page = paginate(request, team_honour_list(user=request.user, team=team), PER_PAGE)
    return render(
        request,
        "recognition/team.html",
        {
            "team": team,
            "form": form,
            "may_enter": may_enter,
            "page_obj": page,
            "honours": page.object_list,
            "query": query_without_page(request),
        },
    )


@login_required
@require_GET
def honours(request: AuthedRequest) -> HttpResponse:
    """Team honours in scope (flags presented, commendations), latest first."""
    if not can(request.user, VIEW):
        raise Http404
    kind = request.GET.get("kind", "")
    kind = kind if kind in ("award", "commendation", "flag") else ""
    page = paginate(request, team_honour_list(user=request.user, kind=kind), PER_PAGE)
    return render(
        request,
        "recognition/honours.html",
        {
            "page_obj": page,
            "honours": page.object_list,
            "kind": kind,
            "query": query_without_page(request),
        },
    )


@login_required
def settings_page(request: AuthedRequest) -> HttpResponse:
    """The star rules of the federations in scope; administrators of a city or province set
    their federation's."""
    federations = list(federation_choices(user=request.user))
    rules = list(star_settings_list(user=request.user))
    if not (federations or rules or administers_regions(request.user)):
        raise Http404
    form = StarSettingsForm(request.POST or None, federations=federations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        federation = next(f for f in federations if f.pk == data["federation"])
        try:
            star_settings_save(
                actor=request.user,
                federation=federation,
                thresholds=[data[f"star{n}_hours"] for n in range(1, 6)],
                grant_required=data["grant_required"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The star rules were saved."))
            return redirect("recognition:settings")
    return render(
        request,
        "recognition/settings.html",
        {"form": form, "rules": rules, "federations": federations},
    )


def _roll_regions(request: AuthedRequest) -> list[Region]:
    """The city and county units whose rolls the viewer may open (a few dozen at most)."""
    rows = Region.objects.filter(level__in=["city", "county"]).order_by("id")
    return [
        r for r in rows.visible_to(request.user, VIEW) if may_see_honour_roll(request.user, r.pk)
    ]


@login_required
@require_GET
def rolls(request: AuthedRequest) -> HttpResponse:
    """光荣榜: the top volunteers of a year, a campaign or a county by confirmed hours; only
    people who consented to publication are on it."""
    regions = _roll_regions(request)
    campaigns = list(campaign_choices(user=request.user)[:CAMPAIGN_CHOICES])
    if not regions and not campaigns:
        raise Http404
    form = RollForm(request.GET, campaigns=campaigns, regions=regions)
    roll = None
    if form.is_valid():
        data = form.cleaned_data
        region = next((r for r in regions if r.pk == data.get("region")), None)
        campaign = next((c for c in campaigns if c.pk == data.get("campaign")), None)
        if region is None and campaign is None and regions:
            region = regions[0]  # the widest unit the viewer sees: the city, or their county
        roll = honour_roll(region=region, year=data.get("year"), campaign=campaign)
    return render(request, "recognition/rolls.html", {"form": form, "roll": roll})
