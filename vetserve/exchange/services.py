"""Writes of the exchange: an export (audited before any row leaves) and an import, previewed
then committed, in one transaction (docs/exchange.md).

The import is idempotent. Each record carries a stable id (``record_id``: the ledger entry's
hash where it was made, kept as received everywhere after). A record seen before adds nothing
when it reads the same; with other hours it becomes a correction of the entry it became (the
ledger is append-only, docs/decisions/0007); with other record fields it is refused, since a
correction changes hours only. New records become "transfer-in" entries of the receiving
unit's chain, attributed to the recording unit the file names.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.accounts.models import User
from vetserve.audit.services import audit_record
from vetserve.core.access import (
    Actor,
    may_change_org,
    may_change_volunteer,
    may_export_full_numbers,
    may_see_rosters,
)
from vetserve.exchange.fileformat import FORMATS, Row, csv_document, json_document, parse
from vetserve.exchange.models import ReceivedRecord
from vetserve.exchange.selectors import Selection, export_records, export_rows
from vetserve.ledger.models import RECORD_SOURCES, LedgerEntry, Source
from vetserve.ledger.services import TransferRecord, ledger_entry_correct, ledger_transfer_in
from vetserve.orgs.models import Organization
from vetserve.people.idnumbers import InvalidNumber, parse_id_number, parse_phone
from vetserve.people.models import Volunteer
from vetserve.people.services import id_index, volunteer_register
from vetserve.regions.models import Region

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}
# What the preview lists row by row (the counts cover every row).
PREVIEW_LINES = 200


# --- export ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exported:
    fmt: str
    content: bytes
    records: int
    filename: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.fmt]


def exchange_export(
    *,
    actor: Actor | None,
    fmt: str,
    selection: Selection,
    full: bool = False,
    reason: str = "",
) -> Exported:
    """The records of ``selection`` the actor sees, with their volunteers' basics, as a file
    of the exchange format. Numbers masked, or in full with the roster export's rule: the
    reveal right (``may_export_full_numbers``), a reason, and per person ``may_reveal``.
    Audited (PIPL Art 51): who, how many records, which selection, full or not and why."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    if not may_see_rosters(actor):
        raise PermissionDenied(_("You may not export service records."))
    reason = reason.strip()
    if full:
        if not may_export_full_numbers(actor):
            raise PermissionDenied(_("You may not see full numbers."))
        if len(reason) < 2:
            raise ValidationError(
                {"reason": _("Say why you need the full numbers.")}, code="reason"
            )
    records = export_records(user=actor, selection=selection)
    rows = list(export_rows(user=actor, records=records, full=full))
    region_id, org_id = _place(actor, selection)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="exchange.export",
            region_id=region_id,
            organization_id=org_id,
            reason=reason if full else "",
            changes={
                "format": [None, fmt],
                "records": [None, len(rows)],
                "full": [None, full],
                "selection": [None, selection.as_dict()],
            },
        )
    numbers = "full" if full else "masked"
    content = csv_document(rows) if fmt == "csv" else json_document(rows, numbers=numbers)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return Exported(
        fmt=fmt, content=content, records=len(rows), filename=f"service-records-{stamp}.{fmt}"
    )


def _place(actor: Actor | None, selection: Selection) -> tuple[int | None, int | None]:
    """Where the audit entry lives, so the administrators above see who exported."""
    if selection.volunteer is not None:
        return selection.volunteer.region_id, selection.volunteer.home_org_id
    if selection.organization_id is not None:
        org = Organization.objects.filter(pk=selection.organization_id).first()
        return (org.region_id if org else None), selection.organization_id
    for grant in actor.active_grants() if isinstance(actor, User) else []:
        if grant.region_id is not None:
            return int(grant.region_id), None
        if grant.organization is not None:
            return int(grant.organization.region_id), int(grant.organization.pk)
    return None, None


# --- import ------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did (or, previewed, would do): counts, each bad row named, and the
    first rows' outcomes for the preview."""

    committed: bool = False
    rows: int = 0
    new_volunteers: int = 0
    known_volunteers: int = 0
    new_records: int = 0
    unchanged: int = 0
    corrected: int = 0
    fatal: str = ""
    errors: list[tuple[int, str]] = field(default_factory=list)
    lines: list[tuple[int, str, str]] = field(default_factory=list)  # (line, name, outcome)

    @property
    def ok(self) -> bool:
        return not self.fatal and not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "new_volunteers": self.new_volunteers,
            "known_volunteers": self.known_volunteers,
            "new_records": self.new_records,
            "unchanged": self.unchanged,
            "corrected": self.corrected,
            "errors": len(self.errors),
        }


class _Refused(Exception):
    """Roll the preview (or a failed commit) back, keeping its result."""

    def __init__(self, result: ImportResult) -> None:
        self.result = result


def content_key(record: dict[str, Any]) -> str:
    """A digest of a record's fields other than its hours: equal keys, the same record."""
    fields = [
        record["activity_name"],
        str(record["service_date"]),
        record["place"],
        record["content"],
        record["organizing_unit"],
        record["person_in_charge"],
        record["category"],
    ]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


def exchange_import(
    *,
    actor: Actor | None,
    organization: Organization,
    data: bytes,
    fmt: str,
    filename: str = "",
    commit: bool = False,
) -> ImportResult:
    """Check every row of a file of the exchange format and say what importing it would do
    (``commit`` false) or do it (true): all of it in one transaction, or nothing when any
    row is bad. ``organization`` receives the records (its chain) and registers the people
    the system does not know yet (with the sending unit's word for their consent)."""
    if not may_change_org(actor, organization):
        raise PermissionDenied(_("You may not import records for this organization."))
    if fmt not in FORMATS:
        raise ValueError(fmt)
    parsed = parse(data, fmt=fmt)
    result = ImportResult(rows=len(parsed.rows) + len(parsed.errors), fatal=parsed.fatal)
    result.errors.extend(parsed.errors)
    if parsed.fatal:
        return result
    try:
        with transaction.atomic():
            _apply(actor, organization, parsed.rows, result, filename)
            if not commit or not result.ok:
                raise _Refused(result)
            result.committed = True
            audit_record(
                actor=actor,
                action="exchange.import",
                region_id=organization.region_id,
                organization_id=organization.pk,
                object_repr=filename[:100],
                changes={k: [None, v] for k, v in result.as_dict().items()},
            )
    except _Refused as refused:
        result = refused.result
    result.errors.sort()
    return result


def _apply(
    actor: Actor | None,
    organization: Organization,
    rows: list[Row],
    result: ImportResult,
    filename: str,
) -> None:
    people: dict[str, Volunteer] = {}
    seen_ids: set[str] = set()
    new: list[tuple[Row, Volunteer]] = []
    reason = _("Transferred in from %(file)s") % {"file": filename[:200] or _("an exchange file")}
    known = _known_records([row.record["record_id"] for row in rows])
    for row in rows:
        record_id = row.record["record_id"]
        if record_id in seen_ids:
            result.errors.append((row.line, _("The record id appears twice in the file.")))
            continue
        seen_ids.add(record_id)
        try:
            with transaction.atomic():
                volunteer = _volunteer(actor, organization, row, people, result)
                outcome = _record(actor, row, volunteer, result, reason, known)
        except ValidationError as error:
            result.errors.append((row.line, " ".join(error.messages)))
            continue
        except PermissionDenied as error:
            result.errors.append((row.line, str(error)))
            continue
        if outcome == "new":
            new.append((row, volunteer))
            outcome = _("new record")
        if len(result.lines) < PREVIEW_LINES:
            result.lines.append((row.line, volunteer.name, outcome))
    if new:
        entries = ledger_transfer_in(
            actor=actor,
            organization=organization,
            reason=reason,
            records=[
                TransferRecord(
                    volunteer_id=volunteer.pk,
                    activity_name=row.record["activity_name"],
                    service_date=row.record["service_date"],
                    place=row.record["place"],
                    content=row.record["content"],
                    organizing_unit=row.record["organizing_unit"],
                    person_in_charge=row.record["person_in_charge"],
                    category=row.record["category"],
                    minutes=row.record["service_minutes"],
                )
                for row, volunteer in new
            ],
        )
        user = actor if isinstance(actor, User) else None
        ReceivedRecord.objects.bulk_create(
            [
                ReceivedRecord(
                    record_id=row.record["record_id"],
                    entry=entry,
                    content_key=content_key(row.record),
                    source_recorded_at=row.record["recorded_at"],
                    source_confirmed=row.record["confirmed"],
                    imported_by=user,
                )
                for (row, _volunteer), entry in zip(new, entries, strict=True)
            ],
            batch_size=500,
        )
        result.new_records += len(new)


def _volunteer(
    actor: Actor | None,
    organization: Organization,
    row: Row,
    people: dict[str, Volunteer],
    result: ImportResult,
) -> Volunteer:
    """The person the row belongs to: found by ID number (its blind index), or registered in
    the receiving organization. A masked number identifies nobody: refused."""
    raw = row.volunteer["id_number"]
    if raw in people:  # the same person's next record: parsed and found once
        return people[raw]
    if "*" in raw:
        raise ValidationError(
            _("The ID number is masked; importing needs an export with full numbers.")
        )
    try:
        number = parse_id_number(raw).number
    except InvalidNumber as exc:
        raise ValidationError(_("ID number: %(error)s") % {"error": exc}) from None
    if number in people:
        people[raw] = people[number]
        return people[number]
    existing = (
        Volunteer.objects.select_related("home_org")
        .filter(id_number_index=id_index(number))
        .first()
    )
    if existing is not None:
        if not may_change_volunteer(actor, existing):
            raise ValidationError(
                _("This person is registered in another organization; their record must be "
                  "moved to yours before their history is imported.")
            )  # fmt: skip
        result.known_volunteers += 1
        people[number] = people[raw] = existing
        return existing
    region = Region.objects.filter(code=row.volunteer["residence_area_code"]).first()
    if region is None:
        raise ValidationError(
            _("Residence area code “%(code)s” is unknown.")
            % {"code": row.volunteer["residence_area_code"][:12]}
        )
    try:
        phone = parse_phone(row.volunteer["phone"])
    except InvalidNumber as exc:
        raise ValidationError(_("Phone: %(error)s") % {"error": exc}) from None
    volunteer = volunteer_register(
        actor=actor,
        name=row.volunteer["name"],
        id_number=number,
        phone=phone,
        residence_region=region,
        home_org=organization,
        gender=row.volunteer["gender"],
        skills_note=row.volunteer["skills"],
        service_categories=row.volunteer["service_categories"],
    )
    result.new_volunteers += 1
    people[number] = people[raw] = volunteer
    return volunteer


@dataclass(frozen=True)
class _Known:
    """A record seen before: the entry it is (or became), the content key to compare, and its
    minutes with every correction applied."""

    entry: LedgerEntry
    key: str
    minutes: int


# Ids looked up per query (SQLite's limit on parameters is 999 in old builds).
_LOOKUP_CHUNK = 900


def _known_records(record_ids: list[str]) -> dict[str, _Known]:
    """The records of the file seen before, a few queries per 900 ids (not per row):
    received ones by their id, those made here by their ledger hash."""
    known: dict[str, _Known] = {}
    for start in range(0, len(record_ids), _LOOKUP_CHUNK):
        ids = record_ids[start : start + _LOOKUP_CHUNK]
        found: dict[str, tuple[LedgerEntry, str]] = {
            r.record_id: (r.entry, r.content_key)
            for r in ReceivedRecord.objects.select_related("entry").filter(record_id__in=ids)
        }
        rest = [i for i in ids if i not in found]
        for entry in LedgerEntry.objects.filter(
            hash__in=rest, source__in=[s.value for s in RECORD_SOURCES]
        ):
            found[entry.hash] = (entry, content_key(_fields_of(entry)))
        corrections = dict(
            LedgerEntry.objects.filter(
                refers_to__in=[e.pk for e, _k in found.values()], source=Source.CORRECTION
            )
            .order_by()
            .values_list("refers_to")
            .annotate(n=Sum("minutes"))
        )
        for record_id, (entry, key) in found.items():
            minutes = entry.minutes + int(corrections.get(entry.pk) or 0)
            known[record_id] = _Known(entry=entry, key=key, minutes=minutes)
    return known


def _record(
    actor: Actor | None,
    row: Row,
    volunteer: Volunteer,
    result: ImportResult,
    reason: str,
    known: dict[str, _Known],
) -> str:
    """Classify the row's record: "new" (inserted by the caller, in one go), unchanged, or
    corrected here (a correction entry of the entry it became)."""
    record = row.record
    seen = known.get(record["record_id"])
    if seen is None:
        return "new"
    entry = seen.entry
    if entry.volunteer_id != volunteer.pk and volunteer.merged_into_id != entry.volunteer_id:
        raise ValidationError(_("This record id belongs to another person's record."))
    if seen.key != content_key(record):
        raise ValidationError(
            _("This record was imported before with other details (activity, date, place, "
              "content or unit); only its hours can be corrected by a new file.")
        )  # fmt: skip
    if seen.minutes == record["service_minutes"]:
        result.unchanged += 1
        return _("unchanged")
    ledger_entry_correct(actor=actor, entry=entry, minutes=record["service_minutes"], reason=reason)
    result.corrected += 1
    return _("hours corrected from %(old)s to %(new)s minutes") % {
        "old": seen.minutes,
        "new": record["service_minutes"],
    }


def _fields_of(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "activity_name": entry.activity_name,
        "service_date": entry.service_date,
        "place": entry.place,
        "content": entry.content,
        "organizing_unit": entry.organizing_unit,
        "person_in_charge": entry.person_in_charge,
        "category": entry.category,
    }


# --- the yearly statement ----------------------------------------------------------------------


@transaction.atomic
def statement_download_record(
    *, actor: Actor | None, volunteer: Volunteer, year: int, fmt: str, minutes: int
) -> None:
    """Who downloaded whose yearly statement, which year and format (PIPL Art 51)."""
    audit_record(
        actor=actor,
        action="exchange.statement",
        obj=volunteer,
        organization_id=volunteer.home_org_id,
        changes={"year": [None, year], "format": [None, fmt], "minutes": [None, minutes]},
        object_repr=volunteer.name,
    )
