"""Pages: the badge register (scoped like the roster), one badge with its history and actions,
the printable card, and the public verify page the QR code opens."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe

from vetserve.badges.forms import (
    BulkIssueForm,
    IssueForm,
    ReasonForm,
    ReissueForm,
    RevokeForm,
    SheetForm,
)
from vetserve.badges.models import Badge, Status
from vetserve.badges.pdf import badge_pdf, badges_sheet_pdf
from vetserve.badges.selectors import access_badge, badge_list, badge_rows, badge_verify
from vetserve.badges.services import (
    badge_issue,
    badge_print_record,
    badge_reissue,
    badge_report_lost,
    badge_revoke,
    badge_token,
    badges_issue_bulk,
    badges_print_record,
)
from vetserve.core.access import CHANGE, VIEW, may_change_volunteer
from vetserve.core.context import client_ip
from vetserve.core.paging import page_of
from vetserve.core.throttle import throttle_hit
from vetserve.people.models import Status as VolunteerStatus
from vetserve.people.models import Volunteer
from vetserve.people.selectors import access_volunteer


def badge_verify_url(request: HttpRequest, badge: Badge) -> str:
    """The address printed in the QR code: the public base URL when configured."""
    path = reverse("badge_verify", args=[badge_token(badge)])
    if settings.BADGE_VERIFY_BASE_URL:
        return settings.BADGE_VERIFY_BASE_URL + path
    return request.build_absolute_uri(path)


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_GET
def badge_index(request: HttpRequest) -> HttpResponse:
    """All badges the user may see, by status; with ?volunteer=ID, one person's badges."""
    user = request.user
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    search = request.GET.get("q", "").strip()
    volunteer = None
    if request.GET.get("volunteer"):
        volunteer = access_volunteer(user, request.GET["volunteer"])
    badges = badge_list(user=user, status=status, volunteer=volunteer, search=search)
    page_obj = page_of(request, badge_rows(badges))
    query = urlencode(
        {k: v for k, v in {"status": status, "q": search}.items() if v}
        | ({"volunteer": volunteer.pk} if volunteer else {})
    )
    may_issue = bool(
        volunteer is not None
        and volunteer.status == VolunteerStatus.ACTIVE
        and may_change_volunteer(user, volunteer)
        and not volunteer.badges.filter(status=Status.ACTIVE).exists()
    )
    context = {
        "volunteer": volunteer,
        "status": status,
        "statuses": Status.choices,
        "q": search,
        "page_obj": page_obj,
        "query": query,
        "may_issue": may_issue,
        "issue_form": IssueForm(initial={"volunteer": volunteer.pk}) if volunteer else None,
    }
    return render(request, "badges/list.html", context)


@login_required
@require_GET
def badge_detail(request: HttpRequest, badge_id: int) -> HttpResponse:
    badge = access_badge(request.user, badge_id)
    may_manage = may_change_volunteer(request.user, badge.volunteer)
    context = {
        "badge": badge,
        "events": badge.events.select_related("actor"),
        "replaced_by": Badge.objects.filter(replaces=badge).first(),
        "may_manage": may_manage,
        "lost_form": ReasonForm(prefix="lost") if may_manage else None,
        "revoke_form": RevokeForm(prefix="revoke") if may_manage else None,
        "reissue_form": ReissueForm(prefix="reissue") if may_manage else None,
    }
    return render(request, "badges/detail.html", context)


@login_required
@require_POST
def badge_issue_view(request: HttpRequest) -> HttpResponse:
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The badge could not be issued; check the date."))
        return redirect("badges:list")
    volunteer = access_volunteer(request.user, form.cleaned_data["volunteer"])
    try:
        badge = badge_issue(
            actor=request.user, volunteer=volunteer, issued_on=form.cleaned_data["issued_on"]
        )
    except ValidationError as error:
        _errors(request, error)
        return redirect(f"{reverse('badges:list')}?volunteer={volunteer.pk}")
    messages.success(request, _("Badge %(number)s was issued.") % {"number": badge.number})
    return redirect("badges:detail", badge_id=badge.pk)


@login_required
@require_POST
def badge_lost_view(request: HttpRequest, badge_id: int) -> HttpResponse:
    badge = access_badge(request.user, badge_id)
    form = ReasonForm(request.POST, prefix="lost")
    if form.is_valid():
        try:
            badge_report_lost(actor=request.user, badge=badge, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Badge %(number)s is now reported lost.") % _num(badge))
    return redirect("badges:detail", badge_id=badge.pk)


@login_required
@require_POST
def badge_revoke_view(request: HttpRequest, badge_id: int) -> HttpResponse:
    badge = access_badge(request.user, badge_id)
    form = RevokeForm(request.POST, prefix="revoke")
    if not form.is_valid():
        messages.error(request, _("Give a reason for revoking."))
        return redirect("badges:detail", badge_id=badge.pk)
    try:
        badge_revoke(actor=request.user, badge=badge, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Badge %(number)s was revoked.") % _num(badge))
    return redirect("badges:detail", badge_id=badge.pk)


@login_required
@require_POST
def badge_reissue_view(request: HttpRequest, badge_id: int) -> HttpResponse:
    badge = access_badge(request.user, badge_id)
    form = ReissueForm(request.POST, prefix="reissue")
    if not form.is_valid():
        messages.error(request, _("The badge could not be reissued; check the date."))
        return redirect("badges:detail", badge_id=badge.pk)
    data = form.cleaned_data
    try:
        new = badge_reissue(
            actor=request.user,
            badge=badge,
            reason=data["reason"],
            lost=data["lost"],
            issued_on=data["issued_on"],
        )
    except ValidationError as error:
        _errors(request, error)
        return redirect("badges:detail", badge_id=badge.pk)
    messages.success(
        request,
        _("Badge %(number)s was issued in place of %(old)s.")
        % {"number": new.number, "old": badge.number},
    )
    return redirect("badges:detail", badge_id=new.pk)


def _num(badge: Badge) -> dict[str, Any]:
    return {"number": badge.number}


@login_required
@require_GET
def badge_pdf_view(request: HttpRequest, badge_id: int) -> HttpResponse:
    """The card to print. Only a valid badge is printed: a card of a void badge would only
    mislead. Each print is logged (it carries a name and a working code)."""
    badge = access_badge(request.user, badge_id)
    if not badge.is_valid:
        messages.error(request, _("Only a valid badge can be printed."))
        return redirect("badges:detail", badge_id=badge.pk)
    data = badge_pdf(badge, verify_url=badge_verify_url(request, badge))
    badge_print_record(actor=request.user, badge=badge)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{badge.number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _selected_volunteers(request: HttpRequest, ids: list[int], action: str) -> list[Volunteer]:
    """The selected volunteers, all of them within the user's reach for ``action``; one that is
    not (or does not exist) makes the whole request a 404, as for a single volunteer."""
    volunteers = list(
        Volunteer.objects.visible_to(request.user, action)
        .filter(pk__in=ids)
        .select_related("home_org", "region")
        .order_by("home_org__name", "name", "pk")
    )
    if len(volunteers) != len(ids):
        raise Http404
    return volunteers


@login_required
@require_POST
def badge_bulk_view(request: HttpRequest) -> HttpResponse:
    """Badges for a roster selection: first a page saying who receives one and who is skipped
    and why, then (``confirm``) all of them issued in one transaction."""
    form = BulkIssueForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("people:list")
    volunteers = _selected_volunteers(request, form.cleaned_data["volunteer"], CHANGE)
    holders = dict(
        Badge.objects.filter(status=Status.ACTIVE, volunteer__in=volunteers).values_list(
            "volunteer_id", "number"
        )
    )
    receive, skipped = [], []
    for volunteer in volunteers:
        if volunteer.is_erased or volunteer.status != VolunteerStatus.ACTIVE:
            why = _("not active (%(status)s)") % {"status": volunteer.get_status_display()}
            skipped.append((volunteer, why))
        elif volunteer.pk in holders:
            skipped.append((volunteer, _("holds %(number)s") % {"number": holders[volunteer.pk]}))
        else:
            receive.append(volunteer)
    issued: list[Badge] = []
    if request.POST.get("confirm") and receive:
        issued_on = form.cleaned_data["issued_on"] or timezone.localdate()
        try:
            issued = badges_issue_bulk(actor=request.user, volunteers=receive, issued_on=issued_on)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d badge was issued.", "%(count)d badges were issued.", len(issued)
                )
                % {"count": len(issued)},
            )
    context = {
        "form": form,
        "volunteers": volunteers,
        "receive": receive,
        "skipped": skipped,
        "issued": sorted(issued, key=lambda b: b.number),
    }
    return render(request, "badges/bulk.html", context)


@login_required
@require_POST
def badge_sheet_view(request: HttpRequest) -> HttpResponse:
    """A4 sheets of cards for chosen badges, or for the valid badges of chosen volunteers (the
    roster's selection). Only valid badges are printed; each card printed is logged."""
    form = SheetForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("badges:list")
    badge_ids = form.cleaned_data.get("badge") or []
    volunteer_ids = form.cleaned_data.get("volunteer") or []
    visible = Badge.objects.visible_to(request.user)
    if badge_ids and visible.filter(pk__in=badge_ids).count() != len(badge_ids):
        raise Http404
    if volunteer_ids:
        _selected_volunteers(request, volunteer_ids, VIEW)
    badges = list(
        visible.filter(Q(pk__in=badge_ids) | Q(volunteer_id__in=volunteer_ids))
        .filter(status=Status.ACTIVE)
        .select_related("volunteer", "volunteer__home_org")
        .order_by("volunteer__home_org__name", "number")
    )
    if not badges:
        messages.error(request, _("None of the selected holds a valid badge to print."))
        return redirect("badges:list")
    data = badges_sheet_pdf(badges, verify_url=lambda badge: badge_verify_url(request, badge))
    badges_print_record(actor=request.user, badges=badges)
    response = HttpResponse(data, content_type="application/pdf")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'inline; filename="badges-{stamp}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def badge_verify_wait(request: HttpRequest) -> int:
    """Seconds this address must wait before checking another badge (0: it may now).

    The check is public: without a limit, anyone could try code after code. A person at a
    door checks a few badges a minute; BADGE_VERIFY_PER_MINUTE per address is far above that."""
    return throttle_hit(
        key=f"badge-verify:{client_ip(request)}", limit=settings.BADGE_VERIFY_PER_MINUTE
    )


def badge_verify_throttled_message(wait: int) -> str:
    return _(
        "Too many badge checks from your network: at most %(limit)d a minute. Please try "
        "again in %(seconds)d seconds."
    ) % {"limit": settings.BADGE_VERIFY_PER_MINUTE, "seconds": wait}


@never_cache
@require_safe  # HEAD too: link previews in chat apps probe with it
def badge_verify_page(request: HttpRequest, token: str) -> HttpResponse:
    """Public: what a scanned QR code says. No login; masked name and organization only."""
    wait = badge_verify_wait(request)
    if wait:
        response = render(
            request,
            "badges/verify_throttled.html",
            {"message": badge_verify_throttled_message(wait)},
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
    result = badge_verify(code=token)
    response = render(request, "badges/verify.html", {"result": result})
    # The token is in the address: keep it out of search engines and other sites' logs.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
