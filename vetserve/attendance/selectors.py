"""Reads of attendance: scoped lists, a post's live roster, the exceptions list, service
minutes for the hours ledger and campaign progress, and the check-ins and check-outs for the
audit log."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    CharField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from vetserve.accounts.models import User
from vetserve.activities.models import Activity, Shift, SignUp, SignUpState
from vetserve.attendance import conf, hours
from vetserve.attendance.models import Attendance, AttendanceCorrection, Method
from vetserve.badges.models import Badge
from vetserve.badges.models import Status as BadgeStatus
from vetserve.core.access import AUDIT, CHANGE, VIEW, Actor, access_object, may_lead_shift
from vetserve.people.models import Volunteer


def attendance_list(*, user: Actor | None, shift_id: int | None = None) -> QuerySet[Attendance]:
    qs = Attendance.objects.visible_to(user, VIEW).select_related("volunteer", "shift")
    if shift_id is not None:
        qs = qs.filter(shift_id=shift_id)
    return qs


def access_led_shift(user: Actor | None, shift_id: Any) -> Shift:
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
    activity: Activity | int | None = None,
    volunteer: Volunteer | int | None = None,
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


@dataclass(frozen=True)
class StationWindow:
    """Whether a check-in and a check-out by hand now lie outside the shift's window, so the
    station asks the leader for a reason before recording them (services._check_times)."""

    in_needs_reason: bool
    out_needs_reason: bool


def station_window(*, shift: Shift, now: datetime | None = None) -> StationWindow:
    now = now or timezone.now()

    def outside(kind: str) -> bool:
        problem = hours.window_problem(
            kind=kind,
            scanned_at=now,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            early=conf.early(),
            late=conf.late(),
        )
        return problem is not None

    return StationWindow(in_needs_reason=outside("in"), out_needs_reason=outside("out"))


def attendance_exceptions(*, user: Actor | None) -> QuerySet[Attendance]:
    """Stays closed automatically that no leader has confirmed or corrected yet."""
    return (
        Attendance.objects.visible_to(user, CHANGE)
        .filter(auto_closed=True, corrections__isnull=True)
        .select_related("volunteer", "shift__activity")
        .order_by("shift__starts_at", "id")
    )


def own_open_signups(*, user: User, now: datetime | None = None) -> list[SignUp]:
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


def served_minutes_on_shifts(shifts: QuerySet[Shift]) -> int:
    """Minutes served on a set of shifts: the source campaign progress reads its hours from."""
    qs = Attendance.objects.filter(out_at__isnull=False, shift__in=shifts)
    total = qs.annotate(effective=_effective_minutes()).aggregate(n=Sum("effective"))["n"]
    return int(total or 0)


def served_minutes_by_activity_group(
    shifts: QuerySet[Shift], group: Callable[[str], Any]
) -> dict[Any, int]:
    """Minutes served on ``shifts`` per group of their activities (a campaign's breakdown by
    organization or county): one query, corrections applied."""
    qs = (
        Attendance.objects.filter(out_at__isnull=False, shift__in=shifts)
        .annotate(effective=_effective_minutes(), group=group("shift__activity__"))
        .order_by()
        .values_list("group")
        .annotate(n=Sum("effective"))
    )
    return {value: int(n or 0) for value, n in qs}


# --- service hours on the team and volunteer pages ---------------------------------------------


@dataclass(frozen=True)
class ServiceHours:
    """Service hours this calendar year (Asia/Shanghai) and in all."""

    this_year: Decimal
    total: Decimal


def service_hours(
    *, user: Actor | None, volunteers: QuerySet[Volunteer], today: date | None = None
) -> ServiceHours:
    """The service hours of ``volunteers`` on the stays the viewer may see, corrections
    applied: one query. The one read of hours for the team and volunteer pages: the hours
    ledger (issue 14) replaces this body and nothing else."""
    today = today or timezone.localdate()
    year_start = datetime.combine(date(today.year, 1, 1), time.min, timezone.get_current_timezone())
    totals = (
        Attendance.objects.visible_to(user, VIEW)
        .filter(out_at__isnull=False, volunteer__in=volunteers.values("pk"))
        .annotate(effective=_effective_minutes())
        .aggregate(
            total=Sum("effective"),
            this_year=Sum("effective", filter=Q(in_at__gte=year_start)),
        )
    )
    return ServiceHours(this_year=_hours(totals["this_year"]), total=_hours(totals["total"]))


def service_hours_by_volunteer(
    *, user: Actor | None, volunteer_ids: list[int], today: date | None = None
) -> dict[int, ServiceHours]:
    """``service_hours`` of each of ``volunteer_ids`` (those with no stay are absent): one
    query for any number of them (the roster export asks once per chunk of rows)."""
    today = today or timezone.localdate()
    year_start = datetime.combine(date(today.year, 1, 1), time.min, timezone.get_current_timezone())
    rows = (
        Attendance.objects.visible_to(user, VIEW)
        .filter(out_at__isnull=False, volunteer_id__in=volunteer_ids)
        .annotate(effective=_effective_minutes())
        .order_by()
        .values("volunteer_id")
        .annotate(
            total=Sum("effective"),
            this_year=Sum("effective", filter=Q(in_at__gte=year_start)),
        )
    )
    return {
        row["volunteer_id"]: ServiceHours(
            this_year=_hours(row["this_year"]), total=_hours(row["total"])
        )
        for row in rows
    }


def _hours(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.1"))


def attendance_history(*, user: Actor | None, volunteer: Volunteer) -> QuerySet[Attendance]:
    """The volunteer's stays the viewer may see, latest first, with the served minutes
    (corrections applied) as ``effective``."""
    return (
        Attendance.objects.visible_to(user, VIEW)
        .filter(volunteer=volunteer)
        .annotate(effective=_effective_minutes())
        .select_related("shift__activity")
        .order_by("-in_at", "-pk")
    )


# --- check-ins and check-outs in the audit log ---------------------------------------------------
# A scan writes no AuditEntry (the check-in burst's budget): its attendance row is its audit
# record, with who, when, how and from which device (docs/architecture.md, the audit log).


def attendance_scan_records(
    *, user: Actor | None, date_from: date | None = None, date_to: date | None = None
) -> ScanRecords:
    """Every check-in and check-out the user may audit, one row each, newest scan first; the
    dates are days in Asia/Shanghai, both included. Pages of it are lists of ``ScanRecord``."""
    stays = Attendance.objects.visible_to(user, AUDIT).order_by()
    sides = {}
    for kind in ("in", "out"):
        rows = stays if kind == "in" else stays.filter(out_at__isnull=False)
        if date_from:
            rows = rows.filter(**{f"{kind}_at__gte": _start_of(date_from)})
        if date_to:
            rows = rows.filter(**{f"{kind}_at__lt": _start_of(date_to + timedelta(days=1))})
        sides[kind] = rows
    return ScanRecords(sides["in"], sides["out"])


class ScanRecords:
    """The check-ins and check-outs as one list, for the pager (``count_upto`` and slices).

    Not a UNION sorted as a whole (1.2–5 s for a city's 788,332 stays at 10×, whatever the
    page): a slice ``[a:b]`` takes the newest ``b`` scans of each side, each an index walk in
    its own order (``attendance_in_at_id``, ``attendance_out_at_id``), merges them here and
    reads the details of the ``b - a`` rows shown in one more query. The pager's cap bounds
    ``b`` (core/paging.py), so no request reads more than that of each side."""

    def __init__(self, ins: QuerySet[Attendance], outs: QuerySet[Attendance]) -> None:
        self.sides = {"in": ins, "out": outs}

    def count_upto(self, most: int) -> int:
        """How many scans there are, counting at most ``most`` of each side."""
        seen = sum(int(rows.values("pk")[:most].count()) for rows in self.sides.values())
        return min(seen, most)

    def __len__(self) -> int:  # the pager uses count_upto; len is for anyone else
        return sum(int(rows.count()) for rows in self.sides.values())

    def __getitem__(self, item: slice) -> list[ScanRecord]:
        start, stop = item.start or 0, item.stop
        if stop is None or stop <= start:
            return []
        newest: list[tuple[datetime, int, str]] = []
        for kind, rows in self.sides.items():
            at = f"{kind}_at"
            top = rows.order_by(f"-{at}", "-pk").values_list(at, "pk")[:stop]
            newest.extend((when, pk, kind) for when, pk in top)
        # Newest first; at the same moment the higher id, and a check-out before its check-in.
        newest.sort(reverse=True)
        shown = newest[start:stop]
        if not shown:
            return []
        details = {
            row["id"]: row
            for row in Attendance.objects.filter(pk__in={pk for _at, pk, _kind in shown}).values(
                "id",
                *(f"{kind}_{column}" for kind in ("in", "out") for column in _SCAN_COLUMNS),
                "in_by__username",
                "in_by__display_name",
                "out_by__username",
                "out_by__display_name",
                volunteer_name=F("volunteer__name"),
                activity_title=F("shift__activity__title"),
                post=F("shift__post"),
            )
        }
        return [ScanRecord.of(details[pk], kind) for _at, pk, kind in shown]


# The columns each side of a stay keeps about its scan.
_SCAN_COLUMNS = ("at", "received_at", "method", "via", "ip", "agent", "reason")


@dataclass(frozen=True)
class ScanRecord:
    """One check-in or check-out as the audit log shows it."""

    attendance_id: int
    kind: str  # "in" or "out"
    at: datetime
    received_at: datetime | None
    method: str
    by: str
    by_login: str  # kept for the auditor (a title on the name), the name is what people read
    volunteer_name: str
    activity_title: str
    post: str
    via: str
    ip: str | None
    agent: str
    reason: str

    @classmethod
    def of(cls, row: dict[str, Any], kind: str) -> ScanRecord:
        """The ``kind`` side ("in" or "out") of a stay's row of values."""
        username = row[f"{kind}_by__username"]
        return cls(
            attendance_id=row["id"],
            kind=kind,
            at=row[f"{kind}_at"],
            received_at=row[f"{kind}_received_at"],
            method=row[f"{kind}_method"],
            by=row[f"{kind}_by__display_name"] or username or "",
            by_login=username or "",
            volunteer_name=row["volunteer_name"],
            activity_title=row["activity_title"],
            post=row["post"],
            via=row[f"{kind}_via"],
            ip=row[f"{kind}_ip"],
            agent=row[f"{kind}_agent"],
            reason=row[f"{kind}_reason"],
        )

    @property
    def method_label(self) -> str:
        return str(Method(self.method).label) if self.method in Method.values else self.method

    @property
    def received_late(self) -> bool:
        """Uploaded well after the scan (a phone without signal): both times are worth showing."""
        return self.received_at is not None and self.received_at - self.at > timedelta(minutes=2)

    @property
    def agent_short(self) -> str:
        return agent_summary(self.agent)


_PLATFORM = re.compile(r"\(([^)]*)\)")


def agent_summary(agent: str) -> str:
    """A browser's user agent cut to what tells phones apart: the platform in its first
    brackets and the last product named (the browser or app, e.g. ``MicroMessenger/8.0.40``)."""
    agent = agent.strip()
    platform = _PLATFORM.search(agent)
    last = agent.rsplit(" ", 1)[-1] if " " in agent and not agent.endswith(")") else ""
    if platform is None or not last:
        return _cut(agent, 60)
    return f"{_cut(platform.group(1), 32)} · {_cut(last, 28)}"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _start_of(day: date) -> datetime:
    """Midnight of ``day`` where the users are (Asia/Shanghai), as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class SheetRow:
    name: str
    badge_number: str


def signin_sheet_rows(*, shift: Shift) -> list[SheetRow]:
    """The paper sign-in sheet's rows: the confirmed people of the shift by name, each with
    their valid badge number. Names and badge numbers only: a sheet lies on a table at the
    post for anyone to read, so no phone or ID number, masked or not. One query, any size."""
    number = Badge.objects.filter(
        volunteer_id=OuterRef("volunteer_id"), status=BadgeStatus.ACTIVE
    ).values("number")[:1]
    rows = (
        SignUp.objects.filter(shift=shift, state=SignUpState.CONFIRMED)
        .annotate(badge_number=Subquery(number, output_field=CharField()))
        .order_by("volunteer__name", "id")
        .values_list("volunteer__name", "badge_number")
    )
    return [SheetRow(name, badge or "") for name, badge in rows]
