"""Pages: the badge register (scoped like the roster), one badge with its history and actions,
the printable card, and the public verify page the QR code opens."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe

from vetserve.badges.forms import IssueForm, ReasonForm, ReissueForm, RevokeForm
from vetserve.badges.models import Badge, Status
from vetserve.badges.pdf import badge_pdf
from vetserve.badges.selectors import access_badge, badge_list, badge_verify
from vetserve.badges.services import (
    badge_issue,
    badge_print_record,
    badge_reissue,
    badge_report_lost,
    badge_revoke,
    badge_token,
)
from vetserve.core.access import may_change_volunteer
from vetserve.core.context import client_ip
from vetserve.core.paging import page_of
from vetserve.core.throttle import throttle_hit
from vetserve.people.models import Status as VolunteerStatus
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
    page_obj = page_of(request, badges)
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
