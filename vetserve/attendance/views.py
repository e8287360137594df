"""Phone pages: the volunteer's scan and check-out page, the leader's post page with its live
roster and rotating code, and the exceptions list; the service worker and the offline page
that let the post code link open without signal. Writes go through ``services``."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from vetserve.activities.models import Shift
from vetserve.attendance import conf
from vetserve.attendance.forms import ScanAuditFilterForm
from vetserve.attendance.models import Attendance
from vetserve.attendance.selectors import (
    access_led_shift,
    attendance_exceptions,
    attendance_scan_records,
    own_open_signups,
    post_roster,
    served_minutes,
    signin_sheet_rows,
    station_window,
)
from vetserve.attendance.services import ScanIn, attendance_correct, attendance_scan
from vetserve.attendance.tokens import post_token, post_token_read, qr_svg
from vetserve.core.access import AUDIT, CHANGE, access_object, can
from vetserve.core.views import AuthedRequest, is_htmx, paginate, query_without_page
from vetserve.people.selectors import volunteer_own


def _key(raw: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return uuid.uuid4()


@never_cache
@login_required
def scan_page(request: AuthedRequest, token: str) -> HttpResponse:
    """Where the post code leads the phone's own camera app: one big button records the
    check-in. The key is made when the page is shown, so a double tap records once.

    With JavaScript the tap is queued on the phone (queue.js) and sent at once or, without
    signal, later; its time is the time of the scan, when this page was shown (``scanned_at``),
    the moment the code proved the phone was at the post. Without JavaScript the form posts
    here and is recorded at the time of the post."""
    now = timezone.now()
    result = None
    if request.method == "POST":
        scan = ScanIn(
            key=_key(request.POST.get("key")),
            kind="in",
            method="post_qr",
            scanned_at=now,
            token=token,
        )
        result = attendance_scan(actor=request.user, scan=scan)
    shift_id = post_token_read(token, at=now)
    shift = (
        Shift.objects.select_related("activity").filter(pk=shift_id).first() if shift_id else None
    )
    context = {
        "token": token,
        "key": uuid.uuid4(),
        "result": result,
        "shift": shift,
        "scanned_at": now.isoformat(),
    }
    return render(request, "attendance/scan.html", context)


def _scan_prefix() -> str:
    """Where every post code link starts (``/attendance/scan/``)."""
    return reverse("attendance:scan", args=["-"])[:-1]


@never_cache
@login_required
@require_GET
def offline_page(request: AuthedRequest) -> HttpResponse:
    """The page the service worker keeps on the phone and shows in place of a post code link
    that cannot load without signal: the same big check-in button, whose tap is only queued on
    the phone (queue.js sends nothing from here). Rendered for the user logged in when the
    service worker fetched it; opened directly it explains itself."""
    return render(request, "attendance/offline.html", {"scan_prefix": _scan_prefix()})


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker script (attendance/sw.js). Served from ``/attendance/`` so that its
    scope covers the phone pages and nothing else; the same for everyone (no login, nothing
    of the user in it), never taken from a cache, so a new version reaches phones at their
    next visit with signal."""
    context = {
        "config": json.dumps(
            {
                # The folder the script is served from: the widest scope it may have.
                "scope": reverse("attendance:sw").rsplit("/", 1)[0] + "/",
                "shell": reverse("attendance:offline"),
                "me": reverse("attendance:me"),
                "scan": _scan_prefix(),
                # Where the check-in stations start (/attendance/post/), kept for offline use.
                "station": reverse("attendance:post", args=[0])[: -len("0/")],
                "static": static(""),
            }
        )
    }
    response = render(request, "attendance/sw.js", context, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


def duration_formats() -> dict[str, str]:
    """Service time as people say it (2小时5分钟, 45分钟; not 125 minutes); queue.js gets the
    same formats to say what a check-out it has just sent was worth."""
    return {"hm": _("%(h)d h %(m)d min"), "h": _("%(h)d h"), "m": _("%(m)d min")}


def duration(minutes: int) -> str:
    h, m = divmod(int(minutes), 60)
    formats = duration_formats()
    return formats["hm" if h and m else "h" if h else "m"] % {"h": h, "m": m}


@never_cache
@login_required
@require_GET
def my_shifts(request: AuthedRequest) -> HttpResponse:
    """The volunteer's phone page: today's shifts with the check-out button, and the service
    time recorded so far (the stays with their minutes, corrections applied, and the total)."""
    signups = own_open_signups(user=request.user)
    latest: dict[int, Attendance] = {}
    for each in Attendance.objects.filter(signup__in=signups).order_by("in_at", "id"):
        latest[each.signup_id] = each
    rows = []
    for signup in signups:
        stay = latest.get(signup.pk)
        served = duration(stay.minutes or 0) if stay is not None and stay.out_at else ""
        rows.append((signup, stay, served))
    recent = (
        Attendance.objects.filter(volunteer__user=request.user, out_at__isnull=False)
        .select_related("shift__activity")
        .prefetch_related("corrections")
        .order_by("-in_at", "-id")[:20]
    )
    stays = []
    for stay in recent:
        correction = next(iter(stay.corrections.all()), None)  # the newest counts
        minutes = correction.minutes if correction else (stay.minutes or 0)
        stays.append((stay, minutes, duration(minutes)))
    own = volunteer_own(user=request.user)
    total = served_minutes(volunteer=own.pk) if own is not None else 0
    context = {
        "rows": rows,
        "stays": stays,
        "total_minutes": total,
        "total": duration(total),
        "formats": duration_formats(),
    }
    return render(request, "attendance/me.html", context)


@never_cache
@login_required
@require_GET
def post_page(request: AuthedRequest, shift_id: int) -> HttpResponse:
    """The leader's check-in station for one shift: its roster, one tap per person, a badge
    form and the post code. queue.js records each tap on the phone first, so the station
    works without signal; the service worker keeps the page for a reload without signal."""
    shift = access_led_shift(request.user, shift_id)
    return render(request, "attendance/post.html", _station(shift))


@never_cache
@login_required
@require_GET
def post_roster_fragment(request: AuthedRequest, shift_id: int) -> HttpResponse:
    shift = access_led_shift(request.user, shift_id)
    return render(request, "attendance/_roster.html", _station(shift))


def _station(shift: Shift) -> dict[str, object]:
    return {"shift": shift, "rows": post_roster(shift=shift), "window": station_window(shift=shift)}


@never_cache
@login_required
@require_GET
def post_qr(request: AuthedRequest, shift_id: int) -> HttpResponse:
    """The code the leader's phone shows at the post; htmx fetches a fresh one each window."""
    shift = access_led_shift(request.user, shift_id)
    token = post_token(shift.pk, at=timezone.now())
    url = request.build_absolute_uri(reverse("attendance:scan", args=[token]))
    context = {
        "shift": shift,
        "svg": qr_svg(url),
        "url": url,
        "refresh": max(5, conf.post_qr_window() // 3),
    }
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


@login_required
@require_GET
def scan_audit_page(request: AuthedRequest) -> HttpResponse:
    """The audit log's check-ins and check-outs (/audit/attendance/): a scan writes no audit
    entry, its attendance row is the record. For the same people as the audit log."""
    user = request.user
    if not can(user, AUDIT):
        raise Http404
    form = ScanAuditFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    rows = attendance_scan_records(
        user=user, date_from=data.get("date_from"), date_to=data.get("date_to")
    )
    page = paginate(request, rows)
    context = {
        "form": form,
        "page_obj": page,
        "records": page.object_list,
        "query": query_without_page(request),
        "filtered": form.is_valid() and any(form.cleaned_data.values()),
    }
    template = (
        "attendance/_scan_audit_results.html" if is_htmx(request) else "attendance/scan_audit.html"
    )
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


@never_cache
@login_required
@require_GET
def post_sheet(request: AuthedRequest, shift_id: int) -> HttpResponse:
    """The printable sign-in sheet of a shift (签到表): for a post without phones or signal, and
    as the paper record a leader keeps; signatures in the 签到 and 签退 columns."""
    shift = access_led_shift(request.user, shift_id)
    rows = signin_sheet_rows(shift=shift)
    # A few empty lines for people who come without having signed up.
    context = {"shift": shift, "rows": rows, "blank": range(max(5, 15 - len(rows)))}
    return render(request, "attendance/sheet.html", context)
