"""Writes to the ledger: every one appends, none edits (docs/decisions/0007).

Appends to one organization's chain are serialized by a row lock on the organization (the
chain's head): each append reads the last entry's hash and sequence number under the lock, so
two concurrent appends cannot both follow the same entry; the unique (organization, seq) and
hash keys refuse a fork even where the lock is a no-op (SQLite serializes writers anyway).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import FileExtensionValidator
from django.db import transaction
from django.db.models import IntegerField, Max, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.accounts.models import User
from vetserve.activities.models import Activity
from vetserve.attendance.models import Attendance, AttendanceCorrection
from vetserve.audit.services import audit_record
from vetserve.core.access import (
    Actor,
    may_change_org,
    may_confirm_hours,
    may_manage_workdays,
    may_record_hours,
)
from vetserve.core.bounds import DATES
from vetserve.ledger.chain import GENESIS, entry_hash
from vetserve.ledger.models import (
    CONTENT_MAX,
    ENTRY_MINUTES,
    EVIDENCE_MAX,
    HAND_MINUTES,
    PHOTO_EXTENSIONS,
    REASON_MAX,
    RULE_NOTE_MAX,
    ClaimState,
    HoursClaim,
    LedgerEntry,
    Source,
    WorkdayRule,
    validate_claim_photo,
)
from vetserve.orgs.models import Organization
from vetserve.people.models import Status as VolunteerStatus
from vetserve.people.models import Volunteer

SYSTEM_NAME = "vetserve ledger-from-attendance"

# What follows every append, in the same transaction, with the rows just inserted: apps above
# the ledger register here at start-up (stats keeps its summary tables current), so the
# summaries can never disagree with the ledger by a committed or rolled-back write.
AFTER_ENTRIES: list[Callable[[Sequence[LedgerEntry]], Any]] = []


def _user(actor: Actor | None) -> User | None:
    return actor if isinstance(actor, User) else None


def _name(actor: Actor | None) -> str:
    user = _user(actor)
    if user is None:
        return ""
    return (user.display_name or user.username)[:150]


def _head(organization_id: int) -> tuple[int, str]:
    """Lock the organization's chain and return its last sequence number and hash."""
    Organization.objects.select_for_update().filter(pk=organization_id).values_list(
        "pk", flat=True
    ).get()
    last = (
        LedgerEntry.objects.filter(organization_id=organization_id)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    return last if last is not None else (0, GENESIS)


def _chained(organization_id: int, rows: Sequence[Mapping[str, Any]]) -> list[LedgerEntry]:
    """Build the entries of ``rows`` (field values without the chain) after the chain's head;
    the caller is in a transaction. Inserted in one statement."""
    seq, prev = _head(organization_id)
    entries = []
    for row in rows:
        seq += 1
        fields = {**row, "organization_id": organization_id, "seq": seq}
        digest = entry_hash(fields, prev)
        entries.append(LedgerEntry(**fields, prev_hash=prev, hash=digest))
        prev = digest
    made = LedgerEntry.objects.bulk_create(entries, batch_size=500)
    for after in AFTER_ENTRIES:
        after(made)
    return made


def _row(
    *,
    source: str,
    volunteer_id: int,
    activity: Activity | None,
    region_id: int,
    activity_name: str,
    service_date: date,
    place: str,
    content: str,
    organizing_unit: str,
    person_in_charge: str,
    category: str,
    minutes: int,
    actor: Actor | None,
    recorded_at: datetime,
    attendance_id: int | None = None,
    refers_to_id: int | None = None,
    reason: str = "",
    recorded_by_name: str = "",
    confirmed_minutes: int = 0,
) -> dict[str, Any]:
    user = _user(actor)
    return {
        "source": source,
        "volunteer_id": volunteer_id,
        "activity_id": activity.pk if activity is not None else None,
        "region_id": region_id,
        "attendance_id": attendance_id,
        "refers_to_id": refers_to_id,
        "activity_name": activity_name[:120],
        "service_date": service_date,
        "service_year": service_date.year,
        "place": place[:200],
        "content": content[:CONTENT_MAX],
        "organizing_unit": organizing_unit[:100],
        "person_in_charge": person_in_charge[:50],
        "category": category,
        "minutes": minutes,
        "confirmed_minutes": confirmed_minutes,
        "reason": reason[:REASON_MAX],
        "recorded_by_id": user.pk if user is not None else None,
        "recorded_by_name": recorded_by_name or _name(actor),
        "recorded_at": recorded_at,
    }


def _record_fields(activity: Activity) -> dict[str, Any]:
    """The record of 办法 Art 7 from the activity, as it reads now."""
    org = activity.organization
    return {
        "activity": activity,
        "region_id": activity.region_id,
        "activity_name": activity.title,
        "place": activity.place,
        "content": activity.description,
        "organizing_unit": org.name,
        "person_in_charge": activity.contact_name or org.leader_name,
        "category": activity.category,
    }


def _copied_fields(entry: LedgerEntry) -> dict[str, Any]:
    """A correction's or confirmation's record fields: those of the entry it refers to."""
    return {
        "volunteer_id": entry.volunteer_id,
        "activity": entry.activity,
        "region_id": entry.region_id,
        "activity_name": entry.activity_name,
        "service_date": entry.service_date,
        "place": entry.place,
        "content": entry.content,
        "organizing_unit": entry.organizing_unit,
        "person_in_charge": entry.person_in_charge,
        "category": entry.category,
    }


def _check_volunteer(volunteer: Volunteer) -> None:
    """Hours are recorded for people on the roster, not for erased or merged records nor for
    people who have left or are suspended."""
    if volunteer.is_erased or volunteer.merged_into_id is not None:
        raise ValidationError(_("This record has been erased or merged."), code="volunteer")
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise ValidationError(
            _("Hours are recorded only for active volunteers."), code="volunteer_status"
        )


def _activity_minutes_on(activity: Activity, day: date) -> int:
    """How many minutes of the activity's time fall on ``day`` (local time)."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    end = start + timedelta(days=1)
    low, high = max(start, activity.starts_at), min(end, activity.ends_at)
    return max(0, int((high - low).total_seconds() // 60))


def _implausible(message: str, code: str) -> ValidationError:
    return ValidationError({"minutes": ValidationError(message, code=code)})


def _on_day(day: date, starts: datetime, ends: datetime) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    return max(start, starts), min(start + timedelta(days=1), ends)


def _check_overlap_with_others(mine: Any, activity: Activity, day: date, minutes_here: int) -> None:
    """Hours at activities whose time overlaps this one's on that day cannot add up to more
    than the span they cover together: one person serves at one place at a time."""
    low, high = _on_day(day, activity.starts_at, activity.ends_at)
    others = list(
        mine.exclude(activity=activity)
        .filter(activity__starts_at__lt=high, activity__ends_at__gt=low)
        .values("activity__starts_at", "activity__ends_at")
        .annotate(n=Sum("minutes"))
        .order_by()
    )
    if not others:
        return
    spans = [(low, high)] + [
        _on_day(day, o["activity__starts_at"], o["activity__ends_at"]) for o in others
    ]
    covered = min(s for s, _ in spans), max(e for _, e in spans)
    span_minutes = int((covered[1] - covered[0]).total_seconds() // 60)
    recorded = minutes_here + sum(int(o["n"] or 0) for o in others)
    if recorded > span_minutes:
        raise _implausible(
            _("This overlaps hours recorded for this volunteer at another activity at the same "
              "time (%(have)s minutes in %(n)s minutes of time).")
            % {"have": recorded, "n": span_minutes},
            "overlap",
        )  # fmt: skip


def _check_plausible(*, volunteer: Volunteer, activity: Activity, day: date, minutes: int) -> None:
    """Refuse hours that cannot be true: more time than the activity itself had on that
    day (hours outside its time), entries of the same person and activity on that day that
    together exceed it (they overlap), or more than 24 hours on one day over all their
    entries."""
    available = _activity_minutes_on(activity, day)
    if minutes > available:
        raise _implausible(
            _("The activity ran only %(n)s minutes on that day; hours outside its time are "
              "not recorded.") % {"n": available},
            "outside",
        )  # fmt: skip
    mine = LedgerEntry.objects.filter(volunteer=volunteer, service_date=day).exclude(
        source=Source.CONFIRMATION
    )
    same = int(mine.filter(activity=activity).aggregate(n=Sum("minutes"))["n"] or 0)
    if same + minutes > available:
        raise _implausible(
            _("This overlaps hours already recorded for this volunteer at this activity on "
              "that day (%(have)s of %(n)s minutes); correct that entry instead.")
            % {"have": same, "n": available},
            "overlap",
        )  # fmt: skip
    _check_overlap_with_others(mine, activity, day, same + minutes)
    day_total = int(mine.aggregate(n=Sum("minutes"))["n"] or 0)
    if day_total + minutes > HAND_MINUTES.high:
        raise _implausible(
            _("With this entry the volunteer would have over 24 hours on %(day)s (%(have)s "
              "minutes already recorded).") % {"day": day, "have": day_total},
            "day_total",
        )  # fmt: skip


@transaction.atomic
def ledger_entry_record(
    *,
    actor: Actor | None,
    volunteer: Volunteer,
    activity: Activity,
    service_date: date,
    minutes: int,
    content: str = "",
    back_entry: bool = False,
    reason: str = "",
    now: datetime | None = None,
) -> LedgerEntry:
    """A leader records a volunteer's hours by hand (or, late, as a back-entry 补录 with a
    reason); it waits for confirmation by someone else of the organizing unit."""
    if not may_record_hours(actor, activity):
        raise PermissionDenied(_("You may not record hours for this activity."))
    _check_volunteer(volunteer)
    if minutes not in HAND_MINUTES:
        raise ValidationError(
            {"minutes": _("Enter from 1 to 1,440 minutes (one day at most).")}, code="minutes"
        )
    first = timezone.localdate(activity.starts_at)
    last = timezone.localdate(activity.ends_at)
    if not first <= service_date <= last:
        raise ValidationError(
            {"service_date": _("The date lies outside the activity (%(first)s to %(last)s).")
             % {"first": first, "last": last}},
            code="date",
        )  # fmt: skip
    _check_plausible(volunteer=volunteer, activity=activity, day=service_date, minutes=minutes)
    reason = reason.strip()
    if back_entry and not reason:
        raise ValidationError({"reason": _("Give a reason for the back-entry.")}, code="reason")
    fields = _record_fields(activity)
    if content.strip():
        fields["content"] = content.strip()
    row = _row(
        source=Source.BACK_ENTRY if back_entry else Source.LEADER,
        volunteer_id=volunteer.pk,
        service_date=service_date,
        minutes=minutes,
        actor=actor,
        recorded_at=now or timezone.now(),
        reason=reason,
        **fields,
    )
    (entry,) = _chained(activity.organization_id, [row])
    audit_record(
        actor=actor,
        action=f"ledger.{entry.source}",
        obj=entry,
        changes={"minutes": [None, minutes]},
        reason=reason,
        object_repr=f"{volunteer.name} · {activity.title}",
    )
    return entry


@transaction.atomic
def ledger_entry_correct(
    *,
    actor: Actor | None,
    entry: LedgerEntry,
    minutes: int,
    reason: str,
    now: datetime | None = None,
) -> LedgerEntry:
    """Correct a record to ``minutes`` in all: a new entry carrying the difference, with a
    reason. The record and every earlier entry stay as they were."""
    if entry.source not in (Source.ATTENDANCE, Source.LEADER, Source.BACK_ENTRY,
                            Source.TRANSFER_IN):  # fmt: skip
        raise ValidationError(_("Only a record of hours can be corrected."), code="source")
    if not may_record_hours(actor, entry):
        raise PermissionDenied(_("You may not correct hours of this organization."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the correction.")}, code="reason")
    if not 0 <= minutes <= ENTRY_MINUTES.high:
        raise ValidationError({"minutes": ENTRY_MINUTES.message()}, code="minutes")
    _head(entry.organization_id)  # lock first: the current minutes are read under the lock
    current = entry.minutes + int(
        LedgerEntry.objects.filter(refers_to=entry, source=Source.CORRECTION).aggregate(
            n=Sum("minutes")
        )["n"]
        or 0
    )
    if minutes == current:
        raise ValidationError(
            {"minutes": _("These are the hours already recorded.")}, code="unchanged"
        )
    row = _row(
        source=Source.CORRECTION,
        minutes=minutes - current,
        actor=actor,
        recorded_at=now or timezone.now(),
        refers_to_id=entry.pk,
        attendance_id=entry.attendance_id,
        reason=reason,
        **_copied_fields(entry),
    )
    (correction,) = _chained(entry.organization_id, [row])
    audit_record(
        actor=actor,
        action="ledger.correct",
        obj=correction,
        changes={"minutes": [current, minutes]},
        reason=reason,
        object_repr=f"#{entry.organization_id}-{entry.seq}",
    )
    return correction


@transaction.atomic
def ledger_entry_confirm(
    *, actor: Actor | None, entry: LedgerEntry, now: datetime | None = None
) -> LedgerEntry:
    """The organizing unit confirms a record or a correction (recorded → confirmed): an
    appended confirmation, by someone other than the recorder."""
    if entry.source == Source.CONFIRMATION:
        raise ValidationError(_("A confirmation is not confirmed again."), code="source")
    if not may_record_hours(actor, entry):
        raise PermissionDenied(_("You may not confirm hours of this organization."))
    if not may_confirm_hours(actor, entry):
        raise PermissionDenied(_("Whoever recorded an entry does not confirm it."))
    _head(entry.organization_id)
    if LedgerEntry.objects.filter(refers_to=entry, source=Source.CONFIRMATION).exists():
        raise ValidationError(_("This entry is already confirmed."), code="confirmed")
    row = _row(
        source=Source.CONFIRMATION,
        minutes=0,
        confirmed_minutes=entry.minutes,
        actor=actor,
        recorded_at=now or timezone.now(),
        refers_to_id=entry.pk,
        attendance_id=entry.attendance_id,
        **_copied_fields(entry),
    )
    (confirmation,) = _chained(entry.organization_id, [row])
    audit_record(
        actor=actor,
        action="ledger.confirm",
        obj=confirmation,
        object_repr=f"#{entry.organization_id}-{entry.seq}",
    )
    return confirmation


# --- transfer-in (转移接续) -------------------------------------------------------------------


@dataclass(frozen=True)
class TransferRecord:
    """A service record made by another unit (another system), as it is handed over: the
    fields of 办法 Art 7, the recording unit named as it names itself."""

    volunteer_id: int
    activity_name: str
    service_date: date
    place: str
    content: str
    organizing_unit: str
    person_in_charge: str
    category: str
    minutes: int


@transaction.atomic
def ledger_transfer_in(
    *,
    actor: Actor | None,
    organization: Organization,
    records: Sequence[TransferRecord],
    reason: str,
    now: datetime | None = None,
) -> list[LedgerEntry]:
    """Append records handed over from elsewhere as "transfer-in" entries of the receiving
    ``organization``'s chain (one lock, one insert), each still attributed to the unit that
    recorded it (``organizing_unit``). The caller (the exchange import) audits the import as
    a whole; the entries wait for confirmation like any record."""
    if not may_change_org(actor, organization):
        raise PermissionDenied(_("You may not record hours for this organization."))
    recorded_at = now or timezone.now()
    rows = []
    for record in records:
        if not 0 <= record.minutes <= ENTRY_MINUTES.high:
            raise ValidationError({"minutes": ENTRY_MINUTES.message()}, code="minutes")
        if record.service_date not in DATES:
            raise ValidationError({"service_date": DATES.message()}, code="date")
        rows.append(
            _row(
                source=Source.TRANSFER_IN,
                volunteer_id=record.volunteer_id,
                activity=None,
                region_id=organization.region_id,
                activity_name=record.activity_name,
                service_date=record.service_date,
                place=record.place,
                content=record.content,
                organizing_unit=record.organizing_unit,
                person_in_charge=record.person_in_charge,
                category=record.category,
                minutes=record.minutes,
                actor=actor,
                recorded_at=recorded_at,
                reason=reason,
            )
        )
    return _chained(organization.pk, rows) if rows else []


# --- from attendance ---------------------------------------------------------------------------


def _effective_minutes() -> Coalesce:
    latest = AttendanceCorrection.objects.filter(attendance=OuterRef("pk")).order_by("-at", "-id")
    return Coalesce(
        Subquery(latest.values("minutes")[:1], output_field=IntegerField()),
        "minutes",
        0,
        output_field=IntegerField(),
    )


def _due_stays() -> Any:
    """Closed stays with service time and no ledger entry yet. A stay closed automatically
    waits until a leader confirmed or corrected it (an exception is the leader's to settle)."""
    exceptions = Attendance.objects.filter(auto_closed=True, corrections__isnull=True)
    recorded = LedgerEntry.objects.filter(source=Source.ATTENDANCE)
    return (
        Attendance.objects.filter(out_at__isnull=False)
        .exclude(pk__in=exceptions.values("pk"))
        .exclude(pk__in=recorded.values("attendance_id"))
        .annotate(effective=_effective_minutes())
        .filter(effective__gt=0)
    )


def ledger_from_attendance(*, now: datetime | None = None) -> int:
    """Turn closed stays into ledger entries, once each: run it as often as you like, even
    twice at the same time. Returns how many entries it appended (records and the corrections
    that follow a leader's later correction of a stay already recorded)."""
    now = now or timezone.now()
    org_ids = sorted(set(_due_stays().order_by().values_list("organization_id", flat=True)))
    made = 0
    for org_id in org_ids:
        made += _record_stays_of(org_id, now)
    made += _follow_corrections(now)
    return made


@transaction.atomic
def _record_stays_of(org_id: int, now: datetime) -> int:
    _head(org_id)  # lock, then look again: a concurrent run may have recorded them meanwhile
    stays = list(
        _due_stays()
        .filter(organization_id=org_id)
        .order_by("in_at", "id")
        .values_list(
            "pk", "volunteer_id", "in_at", "effective", "shift__activity_id", "shift__post"
        )
    )
    # Plain values and each activity once: 5,173 stays of one activity are one activity read,
    # not 5,173 model instances (bench/ledger.py).
    activities = {
        a.pk: a
        for a in Activity.objects.filter(pk__in={s[4] for s in stays}).select_related(
            "organization"
        )
    }
    fields = {pk: _record_fields(activity) for pk, activity in activities.items()}
    rows = [
        _row(
            source=Source.ATTENDANCE,
            volunteer_id=volunteer_id,
            attendance_id=pk,
            service_date=timezone.localdate(in_at),
            minutes=min(effective, ENTRY_MINUTES.high),
            actor=None,
            recorded_at=now,
            recorded_by_name=SYSTEM_NAME,
            **{**fields[activity_id], "content": fields[activity_id]["content"] or post},
        )
        for pk, volunteer_id, in_at, effective, activity_id, post in stays
    ]
    if rows:
        _chained(org_id, rows)
    return len(rows)


def _follow_corrections(now: datetime) -> int:
    """A leader corrected a stay after it was recorded: append the difference as a correction
    (the attendance correction's reason kept)."""
    recorded = (
        LedgerEntry.objects.filter(attendance_id=OuterRef("pk"))
        .exclude(source=Source.CONFIRMATION)
        .order_by()
        .values("attendance_id")
        .annotate(n=Sum("minutes"))
        .values("n")
    )
    changed = list(
        Attendance.objects.filter(
            corrections__isnull=False,
            pk__in=LedgerEntry.objects.filter(source=Source.ATTENDANCE).values("attendance_id"),
        )
        .distinct()
        .annotate(effective=_effective_minutes(), in_ledger=Subquery(recorded))
        .values_list("pk", "organization_id", "effective", "in_ledger")
    )
    by_org: dict[int, list[int]] = defaultdict(list)
    for pk, org_id, effective, in_ledger in changed:
        if effective != in_ledger:
            by_org[org_id].append(pk)
    made = 0
    for org_id, stay_ids in by_org.items():
        made += _correct_stays_of(org_id, stay_ids, now)
    return made


@transaction.atomic
def _correct_stays_of(org_id: int, stay_ids: list[int], now: datetime) -> int:
    _head(org_id)
    rows = []
    for record in LedgerEntry.objects.filter(
        source=Source.ATTENDANCE, attendance_id__in=stay_ids
    ).select_related("activity"):
        stay_id = int(record.attendance_id or 0)
        ledger = (
            LedgerEntry.objects.filter(attendance_id=stay_id)
            .exclude(source=Source.CONFIRMATION)
            .aggregate(n=Sum("minutes"), last=Max("recorded_at"))
        )
        in_ledger = ledger["n"]
        latest = AttendanceCorrection.objects.filter(attendance_id=stay_id).first()
        # Only a leader's correction of the stay made after the ledger last spoke of it: a
        # correction made in the ledger itself since then is the later word.
        if latest is None or latest.minutes == in_ledger or latest.at <= ledger["last"]:
            continue
        rows.append(
            _row(
                source=Source.CORRECTION,
                minutes=latest.minutes - int(in_ledger or 0),
                actor=None,
                recorded_at=now,
                recorded_by_name=SYSTEM_NAME,
                refers_to_id=record.pk,
                attendance_id=record.attendance_id,
                reason=latest.reason or "考勤更正",
                **_copied_fields(record),
            )
        )
    if rows:
        _chained(org_id, rows)
    return len(rows)


# --- working-day rules ---------------------------------------------------------------------


@transaction.atomic
def workday_rule_add(*, actor: Actor | None, day: date, is_workday: bool, note: str) -> WorkdayRule:
    """Enter one day of the State Council's notice: a holiday or a make-up workday. Once a
    year has a rule, its deadlines are no longer estimates, so every rule is audited."""
    if not may_manage_workdays(actor):
        raise PermissionDenied(_("Only city administrators enter working-day rules."))
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Name the notice this day comes from.")}, code="note")
    if len(note) > RULE_NOTE_MAX:
        raise ValidationError({"note": _("At most 200 characters.")}, code="note")
    if day not in DATES:
        raise ValidationError({"day": DATES.message()}, code="day")
    if WorkdayRule.objects.filter(day=day).exists():
        raise ValidationError({"day": _("This day already has a rule.")}, code="duplicate")
    rule = WorkdayRule.objects.create(
        day=day, is_workday=is_workday, note=note, created_by=_user(actor)
    )
    audit_record(
        actor=actor,
        action="ledger.workday_rule",
        obj=rule,
        changes={"is_workday": [None, is_workday]},
        reason=note,
        object_repr=str(day),
    )
    return rule


@transaction.atomic
def workday_rule_delete(*, actor: Actor | None, rule: WorkdayRule, reason: str) -> None:
    """Take back a wrongly entered day (a typo in the date, holiday for workday). The rule
    table is no ledger: the row goes, and the audit entry keeps what it said and why it was
    removed. Deadlines of that year follow the remaining rules (or the week, if none is left:
    "estimated" again, never silently wrong)."""
    if not may_manage_workdays(actor):
        raise PermissionDenied(_("Only city administrators enter working-day rules."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this rule is wrong.")}, code="reason")
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("At most 300 characters.")}, code="reason")
    audit_record(
        actor=actor,
        action="ledger.workday_rule_delete",
        obj=rule,
        changes={"day": [str(rule.day), None], "is_workday": [rule.is_workday, None],
                 "note": [rule.note, None]},
        reason=reason,
        object_repr=str(rule.day),
    )  # fmt: skip
    rule.delete()


# --- claims of missed hours (补录申请) -------------------------------------------------------


@transaction.atomic
def hours_claim_submit(
    *,
    actor: Actor | None,
    volunteer: Volunteer,
    activity: Activity,
    service_date: date,
    minutes: int,
    evidence: str,
    photo: Any = None,
    now: datetime | None = None,
) -> HoursClaim:
    """A volunteer claims hours the unit missed, with evidence; it waits for the organizing
    unit. The same checks as a leader's entry: an active volunteer, a day of the activity,
    plausible minutes."""
    user = _user(actor)
    if user is None or volunteer.user_id != user.pk:
        raise PermissionDenied(_("You may claim only your own hours."))
    _check_volunteer(volunteer)
    if minutes not in HAND_MINUTES:
        raise ValidationError(
            {"minutes": _("Enter from 1 to 1,440 minutes (one day at most).")}, code="minutes"
        )
    evidence = evidence.strip()
    if not evidence:
        raise ValidationError(
            {"evidence": _("Describe the evidence: who saw you serve, a sign-in sheet, a photo.")},
            code="evidence",
        )
    if len(evidence) > EVIDENCE_MAX:
        raise ValidationError({"evidence": _("At most 1,000 characters.")}, code="evidence")
    first = timezone.localdate(activity.starts_at)
    last = timezone.localdate(activity.ends_at)
    if not first <= service_date <= last:
        raise ValidationError(
            {"service_date": _("The date lies outside the activity (%(first)s to %(last)s).")
             % {"first": first, "last": last}},
            code="date",
        )  # fmt: skip
    _check_plausible(volunteer=volunteer, activity=activity, day=service_date, minutes=minutes)
    if HoursClaim.objects.filter(
        volunteer=volunteer, activity=activity, service_date=service_date,
        state=ClaimState.PENDING,
    ).exists():  # fmt: skip
        raise ValidationError(
            _("You already have a claim for this activity and day awaiting approval."),
            code="duplicate",
        )
    if photo is not None:
        try:
            FileExtensionValidator(list(PHOTO_EXTENSIONS))(photo)
            validate_claim_photo(photo)
        except ValidationError as error:
            raise ValidationError({"photo": error.messages}, code="photo") from None
    claim = HoursClaim.objects.create(
        photo=photo or "",
        organization_id=activity.organization_id,
        region_id=activity.region_id,
        volunteer=volunteer,
        activity=activity,
        service_date=service_date,
        minutes=minutes,
        evidence=evidence,
        recorded_by=user,
        created_at=now or timezone.now(),
    )
    audit_record(
        actor=actor,
        action="ledger.claim",
        obj=claim,
        changes={"minutes": [None, minutes]},
        object_repr=f"{volunteer.name} · {activity.title}",
    )
    return claim


@transaction.atomic
def hours_claim_decide(
    *,
    actor: Actor | None,
    claim: HoursClaim,
    approve: bool,
    note: str = "",
    now: datetime | None = None,
) -> HoursClaim:
    """The organizing unit approves or rejects a claim, never the claimant. Approval appends a
    back-entry recorded by the claimant (the evidence as its reason) and its confirmation by
    the approver: recorded → confirmed, in one step, in the ledger's own terms."""
    if not may_record_hours(actor, claim):
        raise PermissionDenied(_("You may not decide claims of this organization."))
    if not may_confirm_hours(actor, claim):
        raise PermissionDenied(_("Whoever claimed hours does not approve them."))
    # Lock the claim (and, approving, the chain) and read it again: decided once.
    claim = (
        HoursClaim.objects.select_for_update(of=("self",))
        .select_related("volunteer", "activity__organization", "recorded_by")
        .get(pk=claim.pk)
    )
    if claim.state != ClaimState.PENDING:
        raise ValidationError(_("This claim has already been decided."), code="decided")
    note = note.strip()
    if len(note) > REASON_MAX:
        raise ValidationError({"note": _("At most 300 characters.")}, code="note")
    now = now or timezone.now()
    if not approve and not note:
        raise ValidationError({"note": _("Give a reason for the rejection.")}, code="note")
    if approve:
        _check_volunteer(claim.volunteer)
        _check_plausible(
            volunteer=claim.volunteer, activity=claim.activity, day=claim.service_date,
            minutes=claim.minutes,
        )  # fmt: skip
        fields = _record_fields(claim.activity)
        record = _row(
            source=Source.BACK_ENTRY,
            volunteer_id=claim.volunteer_id,
            service_date=claim.service_date,
            minutes=claim.minutes,
            actor=claim.recorded_by,
            recorded_at=now,
            reason=(_("Claim: %(evidence)s") % {"evidence": claim.evidence})[:REASON_MAX],
            **fields,
        )
        (entry,) = _chained(claim.organization_id, [record])
        confirmation = _row(
            source=Source.CONFIRMATION,
            minutes=0,
            confirmed_minutes=entry.minutes,
            actor=actor,
            recorded_at=now,
            refers_to_id=entry.pk,
            **_copied_fields(entry),
        )
        _chained(claim.organization_id, [confirmation])
        claim.entry = entry
    claim.state = ClaimState.APPROVED if approve else ClaimState.REJECTED
    claim.decided_by = _user(actor)
    claim.decided_at = now
    claim.decision_note = note
    claim.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "entry"])
    audit_record(
        actor=actor,
        action="ledger.claim_approve" if approve else "ledger.claim_reject",
        obj=claim,
        changes={"state": [ClaimState.PENDING, claim.state]},
        reason=note,
        object_repr=f"{claim.volunteer.name} · {claim.activity.title}",
    )
    return claim
