"""Every write to attendance goes through here: the phone pages, the API batch, the command.

One scan is one call of ``attendance_scan``: check-in or check-out, by post QR, badge, by hand
or by the volunteer's own check-out button. Each scan carries the phone's idempotency key; a key
already recorded returns the record it made, so retries, replays and double uploads never add a
second row (pretix's client nonce). A double *scan* (two keys, same person) is harmless too: the
second check-in returns the open stay.
"""

from __future__ import annotations

import math
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.accounts.models import User
from vetserve.activities.models import LIVE_STATES, Shift, SignUp, SignUpState
from vetserve.attendance import conf, fastpath, hours
from vetserve.attendance.models import Attendance, AttendanceCorrection, Method
from vetserve.attendance.tokens import post_token_read
from vetserve.audit.services import audit_record
from vetserve.badges.models import Badge
from vetserve.badges.models import Status as BadgeStatus
from vetserve.badges.services import badge_token_read
from vetserve.core.access import Actor, may_lead_shift
from vetserve.core.bounds import LATITUDES, LONGITUDES, Bound
from vetserve.core.context import current_client
from vetserve.core.db import insert_one
from vetserve.people.models import Volunteer
from vetserve.people.selectors import volunteer_own

IN, OUT = "in", "out"


@dataclass(frozen=True)
class ScanIn:
    """One scan as a phone reports it (see the API's ScanItem for the meaning of each field)."""

    key: uuid.UUID
    kind: str
    method: str
    scanned_at: datetime
    shift_id: int | None = None
    token: str = ""
    signup_id: int | None = None
    volunteer_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    reason: str = ""


@dataclass
class ScanResult:
    """What became of one scan: ``ok`` (recorded now), ``duplicate`` (this key was recorded
    before: the same record), ``already`` (a double scan: the existing stay), or ``refused``
    with a machine-readable ``code`` and a message."""

    key: uuid.UUID
    status: str
    code: str = ""
    message: str = ""
    attendance: Attendance | None = field(default=None, repr=False)


class Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


# --- who may do what -------------------------------------------------------------------------


def _user(actor: Actor | None) -> User | None:
    """The user to record as having acted: nobody for the system or an anonymous actor."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


# --- resolving a scan to a sign-up -----------------------------------------------------------


def _shift(shift_id: int | None) -> Shift:
    shift = (
        fastpath.one(
            Shift.objects.select_related("activity__organization").only(*fastpath.SHIFT_FIELDS),
            pk=shift_id,
        )
        if shift_id
        else None
    )
    if shift is None:
        raise Refused("not_found", _("Not found."))
    return shift


def _led_shift(actor: Actor | None, shift_id: int | None) -> Shift:
    shift = _shift(shift_id)
    if not may_lead_shift(actor, shift):
        # The same answer as "no such shift": existence is not leaked.
        raise Refused("not_found", _("Not found."))
    return shift


def _rostered(shift: Shift, volunteer: Volunteer) -> SignUp:
    signup = fastpath.one(
        SignUp.objects, shift=shift, volunteer=volunteer, state=SignUpState.CONFIRMED
    )
    if signup is None:
        raise Refused(
            "not_rostered", _("%(name)s is not on this shift's roster.") % {"name": volunteer.name}
        )
    signup.shift, signup.volunteer = shift, volunteer
    return signup


def _badge_volunteer(token: str) -> Volunteer:
    # The badge QR holds the public verify address (…/v/<token>); take its last part.
    read = badge_token_read(token.strip().rstrip("/").rsplit("/", 1)[-1])
    badge = (
        Badge.objects.select_related("volunteer")
        .filter(number=read[0], nonce=read[1], status=BadgeStatus.ACTIVE)
        .first()
        if read
        else None
    )
    if badge is None:
        raise Refused("bad_badge", _("This badge is not valid."))
    return badge.volunteer


def _add_on_the_spot(
    *, actor: Actor | None, shift: Shift, volunteer: Volunteer, reason: str
) -> SignUp:
    """A leader puts someone who turned up on the roster (with a reason, audited). Someone on
    the waitlist moves up: a person holds one live sign-up per shift."""
    existing = fastpath.one(SignUp.objects, shift=shift, volunteer=volunteer, state__in=LIVE_STATES)
    if existing is not None and existing.state == SignUpState.CONFIRMED:
        existing.shift, existing.volunteer = shift, volunteer
        return existing
    if existing is not None:
        signup = existing
        signup.state, signup.waitlist_position = SignUpState.CONFIRMED, None
        signup.confirmed_at, signup.override_reason = timezone.now(), reason[:300]
        signup.save(update_fields=["state", "waitlist_position", "confirmed_at", "override_reason"])
        signup.shift, signup.volunteer = shift, volunteer
    else:
        signup = SignUp.objects.create(
            shift=shift,
            volunteer=volunteer,
            state=SignUpState.CONFIRMED,
            added_by=_user(actor),
            override_reason=reason[:300],
            confirmed_at=timezone.now(),
        )
    audit_record(
        actor=actor,
        action="attendance.add_on_the_spot",
        obj=signup,
        region_id=shift.activity.region_id,
        organization_id=shift.activity.organization_id,
        reason=reason,
        object_repr=f"{volunteer.name} @ {shift}",
    )
    return signup


def _resolve(actor: Actor | None, scan: ScanIn) -> SignUp:
    """The confirmed sign-up a scan is about, after checking the scanner may record it."""
    if scan.method == Method.POST_QR:
        shift_id = post_token_read(scan.token, at=scan.scanned_at)
        if shift_id is None:
            raise Refused(
                "bad_token",
                _("This code has expired or is not genuine: scan the code at the post again."),
            )
        own = volunteer_own(user=actor)
        if own is None:
            raise Refused("not_volunteer", _("Only a registered volunteer can scan a post code."))
        shift = _shift(shift_id)
        _check_geofence(shift, scan)
        return _rostered(shift, own)
    if scan.method == Method.BADGE:
        shift = _led_shift(actor, scan.shift_id)
        return _rostered(shift, _badge_volunteer(scan.token))
    if scan.method == Method.MANUAL:
        # A rostered person is checked in from their roster row with one tap: the roster says
        # who they are and that they belong. A reason is asked for what the roster does not
        # vouch for: someone not on it (below), or a time outside the window (_check_times).
        if scan.signup_id is not None:
            # The leader's hand check-in from the roster, the burst's path: the sign-up, its
            # shift and the volunteer's name in one query, then the same checks as below.
            signup = fastpath.roster_row(scan.signup_id, scan.shift_id or 0, scan.key)
            if signup is None:
                _led_shift(actor, scan.shift_id)  # "not found" unless the shift is theirs
            elif not may_lead_shift(actor, signup.shift):
                raise Refused("not_found", _("Not found."))
            if signup is None or signup.state != SignUpState.CONFIRMED:
                raise Refused("not_rostered", _("This person is not on this shift's roster."))
            return signup
        if not scan.reason.strip():
            raise Refused("reason_required", _("Give a reason for a check-in by hand."))
        shift = _led_shift(actor, scan.shift_id)
        # Someone not on the roster: a leader names a volunteer they may see, or scans the
        # badge of someone from another team (the badge proves who it is).
        volunteer = (
            _badge_volunteer(scan.token)
            if scan.token
            else Volunteer.objects.visible_to(actor).filter(pk=scan.volunteer_id or 0).first()
        )
        if volunteer is None or volunteer.is_erased:
            raise Refused("not_found", _("Not found."))
        if scan.kind != IN:
            return _rostered(shift, volunteer)
        return _add_on_the_spot(actor=actor, shift=shift, volunteer=volunteer, reason=scan.reason)
    if scan.method == Method.SELF:
        if scan.kind != OUT:
            raise Refused("bad_method", _("Check in by scanning the code at the post."))
        signup = (
            SignUp.objects.select_related("shift__activity", "volunteer")
            .filter(pk=scan.signup_id or 0, volunteer__user=_user(actor))
            .first()
            if _user(actor)
            else None
        )
        if signup is None:
            raise Refused("not_found", _("Not found."))
        return signup
    raise Refused("bad_method", _("Unknown check-in method."))


def _check_geofence(shift: Shift, scan: ScanIn) -> None:
    limit = conf.geofence_meters()
    activity = shift.activity
    if not limit or activity.lat is None or activity.lon is None:
        return
    if scan.lat is None or scan.lon is None:
        return  # Location is optional (PIPL: minimum collection); the rotating code suffices.
    distance = hours.distance_meters(float(activity.lat), float(activity.lon), scan.lat, scan.lon)
    if distance > limit:
        raise Refused(
            "too_far",
            _("You are %(m)d m from the post; come closer and scan again.") % {"m": distance},
        )


# --- recording -------------------------------------------------------------------------------


def _coord(value: float | None, bound: Bound) -> Decimal | None:
    # Four decimals (~10 m) is all a geofence needs; a finer track is not kept (PIPL Art 6).
    if value is None or not math.isfinite(value):
        return None
    coordinate = Decimal(str(round(value, 4)))
    return coordinate if coordinate in bound else None


def _fix(scan: ScanIn) -> tuple[Decimal | None, Decimal | None]:
    """The scan's position as kept: both coordinates or neither. A fix outside China (a
    phone's GPS glitch, 0/0) is not kept; the scan itself counts all the same."""
    lat, lon = _coord(scan.lat, LATITUDES), _coord(scan.lon, LONGITUDES)
    return (lat, lon) if lat is not None and lon is not None else (None, None)


def _duplicate(actor: Actor | None, key: uuid.UUID, stay: Attendance) -> ScanResult:
    """A key recorded before: the same answer, with the record only for those who may see it
    (a key is random, but a replayed one must not show someone else's stay)."""
    visible = Attendance.objects.visible_to(_user(actor)).filter(pk=stay.pk).exists()
    return ScanResult(key, "duplicate", attendance=stay if visible else None)


def _by_key(key: uuid.UUID) -> Attendance | None:
    return Attendance.objects.filter(Q(in_key=key) | Q(out_key=key)).first()


def _check_times(scan: ScanIn, shift: Shift, now: datetime) -> None:
    problem = hours.scan_time_problem(
        scanned_at=scan.scanned_at, now=now, max_age=conf.max_scan_age(), skew=conf.clock_skew()
    )
    if problem == "future":
        raise Refused("future", _("The scan time lies in the future: check the phone's clock."))
    if problem == "too_old":
        raise Refused("too_old", _("This scan is too old to be recorded; ask the leader."))
    problem = hours.window_problem(
        kind=scan.kind,
        scanned_at=scan.scanned_at,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        early=conf.early(),
        late=conf.late(),
    )
    if problem and scan.method == Method.MANUAL:
        # The leader records by hand what the window would refuse (someone who came hours
        # early, a check-in forgotten until after the end): allowed with a reason, kept on the
        # row. Service time still counts only inside the shift (hours.served_minutes_between).
        if scan.reason.strip():
            return
        raise Refused(
            "reason_required",
            _("This is outside the check-in time of the shift: give a reason to record it."),
        )
    if problem == "too_early":
        raise Refused("too_early", _("Check-in has not opened yet for this shift."))
    if problem == "shift_over":
        raise Refused("shift_over", _("This shift has ended."))
    if problem == "too_late":
        raise Refused("too_late", _("Check-out for this shift has closed; ask the leader."))


def _check_in(actor: Actor | None, scan: ScanIn, signup: SignUp) -> ScanResult:
    shift = signup.shift
    # One query for all a check-in must know: this key's row if it was recorded before, the
    # open stay, and the latest check-out (a person has a handful of stays on a shift).
    stays = (
        []
        if not fastpath.seen_before(signup, scan.key)
        else list(
            Attendance.objects.filter(Q(signup=signup) | Q(in_key=scan.key) | Q(out_key=scan.key))
        )
    )
    for stay in stays:
        if scan.key in (stay.in_key, stay.out_key):
            return _duplicate(actor, scan.key, stay)
    for stay in stays:
        if stay.out_at is None:
            return ScanResult(scan.key, "already", attendance=stay)
    last_out = max((stay.out_at for stay in stays if stay.out_at is not None), default=None)
    if last_out is not None and scan.scanned_at < last_out:
        raise Refused("overlap", _("This time lies inside an earlier stay."))
    # No savepoint around the insert: if a concurrent scan wins the race (the same key, or
    # another open stay of this person), the whole scan rolls back and attendance_scan
    # answers from what the winner recorded. The row is the check-in's audit record (no
    # AuditEntry: the burst's budget), so it keeps the device as audit_record would.
    client = current_client()
    stay = Attendance(
        signup=signup,
        shift=shift,
        volunteer=signup.volunteer,
        region_id=shift.activity.region_id,
        organization_id=shift.activity.organization_id,
        in_at=scan.scanned_at,
        in_method=scan.method,
        in_by=_user(actor),
        in_key=scan.key,
        in_lat=_fix(scan)[0],
        in_lon=_fix(scan)[1],
        in_reason=scan.reason[:300],
        in_via=client.via,
        in_ip=client.ip,
        in_agent=client.user_agent[:300],
    )
    insert_one(stay)
    return ScanResult(scan.key, "ok", attendance=stay)


def _check_out(actor: Actor | None, scan: ScanIn, signup: SignUp) -> ScanResult:
    # The latest stay: the open one if there is one (a check-in never starts before the last
    # check-out, so an open stay is always the latest).
    stay = (
        Attendance.objects.select_for_update().filter(signup=signup).select_related("shift").first()
    )
    if stay is None:
        raise Refused("not_checked_in", _("Not checked in on this shift."))
    if stay.out_at is not None and (not stay.auto_closed or stay.corrections.exists()):
        return ScanResult(scan.key, "already", attendance=stay)
    # Still open, or closed automatically while the phone was offline: then its real check-out
    # time replaces the shift's end, and the stay leaves the leaders' exceptions list.
    if scan.scanned_at < stay.in_at:
        raise Refused("before_check_in", _("The check-out lies before the check-in."))
    stay.out_at = scan.scanned_at
    stay.out_method = scan.method
    stay.out_by = _user(actor)
    stay.out_key = scan.key
    stay.out_lat, stay.out_lon = _fix(scan)
    stay.out_reason = scan.reason[:300]
    stay.out_received_at = timezone.now()
    _record_device_out(stay)
    stay.minutes = _minutes(stay)
    stay.auto_closed = False
    stay.save(
        update_fields=[
            "out_at", "out_method", "out_by", "out_key", "out_lat", "out_lon",
            "out_reason", "out_received_at", "out_via", "out_ip", "out_agent",
            "minutes", "auto_closed",
        ]
    )  # fmt: skip
    return ScanResult(scan.key, "ok", attendance=stay)


def _record_device_out(stay: Attendance) -> None:
    """Where the check-out came from, kept on the row as its audit record (see _check_in)."""
    client = current_client()
    stay.out_via, stay.out_ip, stay.out_agent = client.via, client.ip, client.user_agent[:300]


def _minutes(stay: Attendance) -> int:
    assert stay.out_at is not None
    return hours.served_minutes_between(
        checked_in_at=stay.in_at,
        checked_out_at=stay.out_at,
        starts_at=stay.shift.starts_at,
        ends_at=stay.shift.ends_at,
    )


def attendance_scan(
    *, actor: Actor | None, scan: ScanIn, now: datetime | None = None
) -> ScanResult:
    """Record one check-in or check-out; never raises for a refused scan (see ScanResult)."""
    now = now or timezone.now()
    if scan.kind == OUT:
        # A check-in looks for its key together with the person's stays (one query); a
        # check-out looks first.
        same = _by_key(scan.key)
        if same is not None:
            return _duplicate(actor, scan.key, same)
    if scan.kind not in (IN, OUT):
        return ScanResult(scan.key, "refused", "bad_kind", _("Unknown scan kind."))
    if timezone.is_naive(scan.scanned_at):
        return ScanResult(scan.key, "refused", "naive_time", _("The scan time needs a time zone."))
    signup: SignUp | None = None
    # A check-in writes one row, and its unique keys guard it: it needs no transaction of its
    # own (two round trips fewer). A check-out reads under a row lock and an on-the-spot add
    # writes the sign-up too, so those run in one; inside a caller's transaction, a savepoint
    # keeps a lost race from spoiling it.
    isolated = (
        scan.kind == OUT
        or (scan.method == Method.MANUAL and scan.signup_id is None)
        or connection.in_atomic_block
    )
    try:
        with transaction.atomic() if isolated else nullcontext():
            signup = _resolve(actor, scan)
            _check_times(scan, signup.shift, now)
            if scan.kind == IN:
                return _check_in(actor, scan, signup)
            return _check_out(actor, scan, signup)
    except Refused as refused:
        # A scan recorded before answers "duplicate" even when it would not pass any more
        # (a badge since withdrawn, a window since closed): the phone must stop re-sending.
        same = _by_key(scan.key) if scan.kind == IN else None
        if same is not None:
            return _duplicate(actor, scan.key, same)
        return ScanResult(scan.key, "refused", refused.code, refused.message)
    except IntegrityError:
        # Lost a race, and the scan rolled back: the same key recorded by a concurrent request,
        # or (check-in) another scan of the same person opened a stay first.
        same = _by_key(scan.key)
        if same is not None:
            return _duplicate(actor, scan.key, same)
        open_stay = (
            fastpath.one(Attendance.objects, signup=signup, out_at__isnull=True)
            if scan.kind == IN and signup is not None
            else None
        )
        if open_stay is not None:
            return ScanResult(scan.key, "already", attendance=open_stay)
        # Any other rule the database upholds: this scan alone is refused, so a phone's batch
        # is recorded around it and the phone stops re-sending it.
        return ScanResult(
            scan.key,
            "refused",
            "conflict",
            _("This scan conflicts with what is already recorded; ask the leader."),
        )


def attendance_scan_batch(
    *, actor: Actor | None, scans: list[ScanIn], now: datetime | None = None
) -> list[ScanResult]:
    """A phone's queue of offline scans, in scan-time order (a check-in before its check-out);
    each is recorded on its own, so one refused scan does not hold back the others. Results
    come back in the order the scans were sent."""
    now = now or timezone.now()
    order = sorted(range(len(scans)), key=lambda i: (scans[i].scanned_at, scans[i].kind != IN))
    results: dict[int, ScanResult] = {}
    for i in order:
        results[i] = attendance_scan(actor=actor, scan=scans[i], now=now)
    return [results[i] for i in range(len(scans))]


# --- closing and correcting ------------------------------------------------------------------


@transaction.atomic
def attendance_auto_close(*, now: datetime | None = None) -> int:
    """Close every stay nobody checked out, at its shift's end, flagged for the leaders'
    exceptions list. Only once no check-out can arrive in time any more (the late limit)."""
    now = now or timezone.now()
    stays = (
        Attendance.objects.select_for_update()
        .filter(out_at__isnull=True, shift__ends_at__lte=now - conf.late())
        .select_related("shift")
    )
    closed = 0
    for stay in stays:
        stay.out_at = max(stay.shift.ends_at, stay.in_at)
        stay.out_method = Method.AUTO
        stay.out_received_at = now
        _record_device_out(stay)  # the command or task that runs it: "cli", no address
        stay.auto_closed = True
        stay.minutes = _minutes(stay)
        stay.save(
            update_fields=[
                "out_at", "out_method", "out_received_at", "out_via", "out_ip", "out_agent",
                "auto_closed", "minutes",
            ]
        )  # fmt: skip
        closed += 1
    return closed


@transaction.atomic
def attendance_correct(
    *,
    actor: Actor | None,
    attendance: Attendance,
    reason: str,
    in_at: datetime | None = None,
    out_at: datetime | None = None,
) -> AttendanceCorrection:
    """A leader confirms a stay as recorded (no times given) or corrects its times; a new
    entry every time, never an edit. The times count only inside the shift, like scans."""
    if not may_lead_shift(actor, attendance.shift):
        raise PermissionDenied(_("You may not correct attendance of this shift."))
    if attendance.out_at is None:
        raise ValidationError(_("This person is still on post."), code="open")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")}, code="reason_required")
    latest = attendance.corrections.first()
    base_in = latest.in_at if latest else attendance.in_at
    base_out = latest.out_at if latest else attendance.out_at
    new_in, new_out = in_at or base_in, out_at or base_out
    if new_out < new_in:
        raise ValidationError(_("The check-out lies before the check-in."), code="period")
    kind = (
        AttendanceCorrection.Kind.CONFIRM
        if (in_at is None and out_at is None)
        else AttendanceCorrection.Kind.CORRECT
    )
    minutes = hours.served_minutes_between(
        checked_in_at=new_in,
        checked_out_at=new_out,
        starts_at=attendance.shift.starts_at,
        ends_at=attendance.shift.ends_at,
    )
    correction = AttendanceCorrection.objects.create(
        attendance=attendance,
        kind=kind,
        in_at=new_in,
        out_at=new_out,
        minutes=minutes,
        reason=reason[:300],
        actor=_user(actor),
    )
    audit_record(
        actor=actor,
        action=f"attendance.{kind}",
        obj=attendance,
        changes={
            "in_at": [str(base_in), str(new_in)],
            "out_at": [str(base_out), str(new_out)],
        },
        reason=reason,
        object_repr=f"{attendance.volunteer.name} @ {attendance.shift}",
    )
    return correction
