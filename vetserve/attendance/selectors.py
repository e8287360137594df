"""Reads of attendance: scoped lists, a post's live roster, the exceptions list, and service
minutes for the hours ledger and campaign progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from vetserve.activities.models import Shift, SignUp, SignUpState
from vetserve.attendance import conf
from vetserve.attendance.models import Attendance, AttendanceCorrection
from vetserve.core.access import CHANGE, VIEW, access_object, may_lead_shift


def attendance_list(*, user: Any, shift_id: int | None = None) -> QuerySet[Attendance]:
    qs = Attendance.objects.visible_to(user, VIEW).select_related("volunteer", "shift")
    if shift_id is not None:
        qs = qs.filter(shift_id=shift_id)
    return qs


def access_led_shift(user: Any, shift_id: Any) -> Shift:
    """A shift the user leads (may check people in on), or Http404 like a missing one."""
    from django.http import Http404

    shift = access_object(
        Shift.objects.select_related("activity__organization"), user, VIEW, pk=shift_id
    )
    if not may_lead_shift(user, shift):
        raise Http404
    return shift


def _effective_minutes() -> Coalesce:
    """A stay's minutes: the latest correction's if any, else as recorded (open stays: 0)."""
    latest = AttendanceCorrection.objects.filter(attendance=OuterRef("pk")).order_by("-at", "-id")
    return Coalesce(
        Subquery(latest.values("minutes")[:1], output_field=IntegerField()),
        "minutes",
        0,
        output_field=IntegerField(),
    )


def served_minutes(
    *,
    signup: SignUp | None = None,
    shift: Shift | None = None,
    activity: Any = None,
    volunteer: Any = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> int:
    """Service minutes (actual time on post, travel excluded; 办法 Art 7) of closed stays,
    corrections applied. Not scoped: the caller has already reached the object it asks about."""
    qs = Attendance.objects.filter(out_at__isnull=False)
    if signup is not None:
        qs = qs.filter(signup=signup)
    if shift is not None:
        qs = qs.filter(shift=shift)
    if activity is not None:
        qs = qs.filter(shift__activity=activity)
    if volunteer is not None:
        qs = qs.filter(volunteer=volunteer)
    if since is not None:
        qs = qs.filter(in_at__gte=since)
    if until is not None:
        qs = qs.filter(in_at__lt=until)
    total = qs.annotate(effective=_effective_minutes()).aggregate(n=Sum("effective"))["n"]
    return int(total or 0)


@dataclass
class RosterRow:
    signup: SignUp
    state: str  # here, left, late, expected
    stay: Attendance | None


def post_roster(*, shift: Shift, now: datetime | None = None) -> list[RosterRow]:
    """Who is on the shift's roster and where they are: here, left, late (not in by the start
    plus the grace), or expected."""
    now = now or timezone.now()
    signups = list(
        SignUp.objects.filter(shift=shift, state=SignUpState.CONFIRMED)
        .select_related("volunteer")
        .order_by("volunteer__name", "id")
    )
    latest: dict[int, Attendance] = {}
    for each in Attendance.objects.filter(shift=shift).order_by("in_at", "id"):
        latest[each.signup_id] = each
    rows = []
    for signup in signups:
        stay = latest.get(signup.pk)
        if stay is not None:
            state = "here" if stay.out_at is None else "left"
        elif now >= shift.starts_at + conf.late_grace():
            state = "late"
        else:
            state = "expected"
        rows.append(RosterRow(signup, state, stay))
    return rows


def attendance_exceptions(*, user: Any) -> QuerySet[Attendance]:
    """Stays closed automatically that no leader has confirmed or corrected yet."""
    return (
        Attendance.objects.visible_to(user, CHANGE)
        .filter(auto_closed=True, corrections__isnull=True)
        .select_related("volunteer", "shift__activity")
        .order_by("shift__starts_at", "id")
    )


def own_open_signups(*, user: Any, now: datetime | None = None) -> list[SignUp]:
    """The volunteer's confirmed sign-ups whose shift is on now or soon (for the phone page)."""
    now = now or timezone.now()
    return list(
        SignUp.objects.filter(
            volunteer__user=user,
            state=SignUpState.CONFIRMED,
            shift__starts_at__lte=now + conf.early() + conf.early(),
            shift__ends_at__gte=now - conf.late(),
        )
        .select_related("shift__activity")
        .order_by("shift__starts_at")
    )


def served_minutes_on_shifts(shifts: Any) -> int:
    """Minutes served on a set of shifts: the source campaign progress reads its hours from."""
    qs = Attendance.objects.filter(out_at__isnull=False, shift__in=shifts)
    total = qs.annotate(effective=_effective_minutes()).aggregate(n=Sum("effective"))["n"]
    return int(total or 0)
