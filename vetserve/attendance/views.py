"""Phone pages: the volunteer's scan and check-out page, the leader's post page with its live
roster and rotating code, and the exceptions list. Writes go through ``services``."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from vetserve.attendance import conf
from vetserve.attendance.models import Attendance
from vetserve.attendance.selectors import (
    access_led_shift,
    attendance_exceptions,
    own_open_signups,
    post_roster,
)
from vetserve.attendance.services import ScanIn, attendance_correct, attendance_scan
from vetserve.attendance.tokens import post_token, qr_svg
from vetserve.core.scoping import CHANGE, access_object
from vetserve.core.views import AuthedRequest, is_htmx


def _key(raw: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return uuid.uuid4()


@never_cache
@login_required
def scan_page(request: AuthedRequest, token: str) -> HttpResponse:
    """Where the post code leads the phone's own camera app: one big button records the
    check-in. The key is made when the page is shown, so a double tap records once."""
    result = None
    if request.method == "POST":
        scan = ScanIn(
            key=_key(request.POST.get("key")),
            kind="in",
            method="post_qr",
            scanned_at=timezone.now(),
            token=token,
        )
        result = attendance_scan(actor=request.user, scan=scan)
    return render(
        request,
        "attendance/scan.html",
        {"token": token, "key": uuid.uuid4(), "result": result},
    )


@never_cache
@login_required
@require_GET
def my_shifts(request: AuthedRequest) -> HttpResponse:
    signups = own_open_signups(user=request.user)
    open_ids = set(
        Attendance.objects.filter(signup__in=signups, out_at__isnull=True).values_list(
            "signup_id", flat=True
        )
    )
    rows = [(s, s.pk in open_ids) for s in signups]
    return render(request, "attendance/me.html", {"rows": rows})


@never_cache
@login_required
@require_GET
def post_page(request: AuthedRequest, shift_id: int) -> HttpResponse:
    shift = access_led_shift(request.user, shift_id)
    context = {"shift": shift, "rows": post_roster(shift=shift)}
    return render(request, "attendance/post.html", context)


@never_cache
@login_required
@require_GET
def post_roster_fragment(request: AuthedRequest, shift_id: int) -> HttpResponse:
    shift = access_led_shift(request.user, shift_id)
    context = {"shift": shift, "rows": post_roster(shift=shift)}
    return render(request, "attendance/_roster.html", context)


@never_cache
@login_required
@require_GET
def post_qr(request: AuthedRequest, shift_id: int) -> HttpResponse:
    """The code the leader's phone shows at the post; htmx fetches a fresh one each window."""
    shift = access_led_shift(request.user, shift_id)
    token = post_token(shift.pk, at=timezone.now())
    url = request.build_absolute_uri(reverse("attendance:scan", args=[token]))
    context = {"shift": shift, "svg": qr_svg(url), "refresh": max(5, conf.post_qr_window() // 3)}
    template = "attendance/_qr.html" if is_htmx(request) else "attendance/qr.html"
    return render(request, template, context)


@login_required
@require_POST
def post_record(request: AuthedRequest, shift_id: int) -> HttpResponse:
    """The post page's forms without JavaScript: recorded at once, at the time of arrival."""
    shift = access_led_shift(request.user, shift_id)
    signup = request.POST.get("signup_id", "")
    scan = ScanIn(
        key=_key(request.POST.get("key")),
        kind="out" if request.POST.get("kind") == "out" else "in",
        method=request.POST.get("method", "manual"),
        scanned_at=timezone.now(),
        shift_id=shift.pk,
        token=request.POST.get("token", ""),
        signup_id=int(signup) if signup.isdigit() else None,
        reason=request.POST.get("reason", ""),
    )
    result = attendance_scan(actor=request.user, scan=scan)
    if result.status == "refused":
        messages.error(request, result.message)
    else:
        messages.success(request, _("Recorded."))
    return redirect("attendance:post", shift_id=shift.pk)


@never_cache
@login_required
@require_GET
def exceptions_page(request: AuthedRequest) -> HttpResponse:
    stays = attendance_exceptions(user=request.user)[:200]
    return render(request, "attendance/exceptions.html", {"stays": stays})


def _local(value: str) -> datetime | None:
    parsed = parse_datetime(value) if value else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@login_required
@require_POST
def exception_resolve(request: AuthedRequest, attendance_id: int) -> HttpResponse:
    stay = access_object(
        Attendance.objects.select_related("shift__activity__organization", "volunteer"),
        request.user,
        CHANGE,
        pk=attendance_id,
    )
    try:
        attendance_correct(
            actor=request.user,
            attendance=stay,
            reason=request.POST.get("reason", ""),
            out_at=_local(request.POST.get("out_at", "")),
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Recorded."))
    return redirect("attendance:exceptions")
