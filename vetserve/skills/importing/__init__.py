"""Import qualifications from a spreadsheet: check every row, show the plan, then write it at once.

The same rules as the roster import (`vetserve.people.importing`), with its reader and
header detection: ``commit=False`` writes nothing and says what would happen to each row (the
preview); ``commit=True`` checks everything again and writes all valid rows in one transaction,
or nothing. A row names a volunteer by ID number (through the blind index) or badge number,
and a qualification type by name. It is *new*, an *update* of the same volunteer's certificate
of that type with that number (a re-import adds nothing twice), or *refused* with its problems
in words. A volunteer the importer may not manage is refused as if unknown: the import says
nothing about people outside the importer's scope.

Its parts: ``columns`` (the file's columns, qualification types by name), ``rows`` (one
row checked, the report), ``template`` (the empty sheet); the flow — read, check, find the
volunteers and the certificates already recorded, write — is here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from vetserve.audit.services import audit_record
from vetserve.badges.models import Badge
from vetserve.badges.models import Status as BadgeStatus
from vetserve.core.access import Actor, may_change_somewhere, may_change_volunteer
from vetserve.people.models import Volunteer
from vetserve.skills.importing.columns import BY_KEY, COLUMNS, TypeResolver, column_key
from vetserve.skills.importing.rows import QualificationReport, QualificationRow, RowChecker
from vetserve.skills.importing.template import qualification_template
from vetserve.skills.models import Qualification
from vetserve.skills.services import qualification_add, qualification_update, qualification_verify
from vetserve.spreadsheets.headers import Header, find_header
from vetserve.spreadsheets.readers import Table
from vetserve.spreadsheets.reports import NEW, REFUSED, UPDATE

__all__ = [
    "BY_KEY",
    "COLUMNS",
    "NEW",
    "REFUSED",
    "UPDATE",
    "QualificationReport",
    "QualificationRow",
    "TypeResolver",
    "column_key",
    "qualification_template",
    "qualifications_import",
]

LOOKUP_CHUNK = 500


def qualifications_import(
    *, actor: Actor | None, data: bytes, filename: str, commit: bool = False
) -> QualificationReport:
    """Check (and with ``commit``, write) a qualification file. Raises PermissionDenied when
    the actor may manage no volunteer; a database error while writing propagates after the
    transaction has rolled everything back."""
    if not may_change_somewhere(actor):
        raise PermissionDenied(_("You may not import qualifications."))
    report = QualificationReport(filename=filename, sha256=hashlib.sha256(data).hexdigest())
    found = report.read_header(
        data,
        find=_first_with_header,
        no_header=_(
            "No header row found in the first rows: the header needs at least two known "
            "column names such as 身份证号, 资格证书 and 证书编号. Download the template to "
            "see them."
        ),
    )
    if found is None:
        return report
    table, header = found
    missing = []
    if "id_number" not in header.columns and "badge" not in header.columns:
        missing.append(f"{BY_KEY['id_number'].label}/{BY_KEY['badge'].label}")
    if "type" not in header.columns:
        missing.append(str(BY_KEY["type"].label))
    if missing:
        report.file_errors.append(
            _("The file has no column for: %(columns)s.") % {"columns": "、".join(missing)}
        )
        return report
    checker = RowChecker(header)
    for offset, cells in enumerate(table.rows[header.row_index + 1 :]):
        row = checker.check(header.row_index + 2 + offset, cells)
        if row is not None:
            report.rows.append(row)
    _resolve_volunteers(actor, report.rows, header)
    _match_existing(report.rows, header)
    if commit:
        _write(actor, report)
    return report


def _first_with_header(tables: Iterable[Table]) -> tuple[Table, Header] | None:
    for table in tables:
        header = find_header(table.rows, key_of=column_key)
        if header is not None:
            return table, header
    return None


def _title(header: Header, key: str) -> str | Promise:
    return header.titles.get(key) or BY_KEY[key].label


def _refuse(row: QualificationRow, header: Header, key: str, message: str) -> None:
    row.action = REFUSED
    row.errors.append(
        _("%(column)s: %(message)s") % {"column": _title(header, key), "message": message}
    )


def _resolve_volunteers(actor: Actor | None, rows: list[QualificationRow], header: Header) -> None:
    """Find each row's volunteer among those the actor may manage; unknown and out of scope
    read the same (no hint about people the actor may not see)."""
    pending = [r for r in rows if r.action != REFUSED]
    indexes = sorted({r.values["id_index"] for r in pending if "id_index" in r.values})
    badges = sorted({r.values["badge"] for r in pending if "badge" in r.values})
    by_index: dict[str, Volunteer] = {}
    by_badge: dict[str, Volunteer] = {}
    volunteers = Volunteer.objects.select_related("home_org")
    for start in range(0, len(indexes), LOOKUP_CHUNK):
        for v in volunteers.filter(id_number_index__in=indexes[start : start + LOOKUP_CHUNK]):
            by_index[v.id_number_index or ""] = v
    for start in range(0, len(badges), LOOKUP_CHUNK):
        for badge in Badge.objects.filter(
            number__in=badges[start : start + LOOKUP_CHUNK], status=BadgeStatus.ACTIVE
        ).select_related("volunteer__home_org"):
            by_badge[badge.number] = badge.volunteer
    seen: dict[tuple[int, int, str], int] = {}
    for row in pending:
        if "id_index" in row.values:
            key, volunteer = "id_number", by_index.get(row.values["id_index"])
        else:
            key, volunteer = "badge", by_badge.get(row.values["badge"])
        if volunteer is None or not may_change_volunteer(actor, volunteer):
            _refuse(row, header, key, _("No volunteer with this number among those you manage."))
            continue
        if row.name and row.name != volunteer.name:
            _refuse(row, header, "name", _("The name differs from the volunteer's record."))
            continue
        row.volunteer = volunteer
        row.name = volunteer.name
        row.id_masked = volunteer.id_number_masked
        assert row.qtype is not None
        once = (volunteer.pk, row.qtype.pk, row.number)
        first = seen.setdefault(once, row.row_number)
        if first != row.row_number:
            _refuse(
                row,
                header,
                "number",
                _("The same certificate of the same volunteer is already in row %(row)d.")
                % {"row": first},
            )


def _match_existing(rows: list[QualificationRow], header: Header) -> None:
    """A certificate already recorded (same volunteer, type and number, not revoked) is
    updated, not added twice."""
    pending = [r for r in rows if r.action != REFUSED and r.volunteer is not None]
    ids = sorted({r.volunteer.pk for r in pending if r.volunteer is not None})
    held: dict[tuple[int, int, str], Qualification] = {}
    for start in range(0, len(ids), LOOKUP_CHUNK):
        for q in Qualification.objects.filter(
            volunteer_id__in=ids[start : start + LOOKUP_CHUNK], revoked_at__isnull=True
        ).order_by("pk"):
            held[(q.volunteer_id, q.type_id, q.number)] = q  # the newest wins
    for row in pending:
        assert row.volunteer is not None and row.qtype is not None
        existing = held.get((row.volunteer.pk, row.qtype.pk, row.number))
        if existing is None:
            continue
        row.action, row.existing = UPDATE, existing
        values = row.values
        issuer = values["issuer"] or row.qtype.issuing_body
        after = {
            "issuer": issuer,
            "issued_on": values["issued_on"] or existing.issued_on,
            "expires_on": None if values["no_expiry"] else values["expires_on"],
        }
        if not values["issued_on"] and values["expires_on"] is None and not values["no_expiry"]:
            after["expires_on"] = existing.expires_on  # nothing in the file: keep what is there
        values["update"] = after
        row.changes = [
            str(_title(header, name))
            for name, value in after.items()
            if getattr(existing, name) != value
        ]
        if row.verified and not existing.is_verified:
            row.changes.append(str(_title(header, "verified")))


def _write(actor: Actor | None, report: QualificationReport) -> None:
    if report.file_errors:
        return
    with transaction.atomic():
        for row in report.rows:
            if row.action == REFUSED:
                continue
            assert row.volunteer is not None and row.qtype is not None
            values = row.values
            if row.action == NEW:
                qualification_add(
                    actor=actor,
                    volunteer=row.volunteer,
                    type=row.qtype,
                    number=row.number,
                    issuer=values["issuer"],
                    issued_on=values["issued_on"],
                    expires_on=values["expires_on"],
                    no_expiry=values["no_expiry"],
                    verified=row.verified,
                    origin=Qualification.Origin.IMPORTED,
                )
                continue
            assert row.existing is not None
            if row.changes:
                qualification_update(actor=actor, qualification=row.existing, **values["update"])
                if row.verified:
                    qualification_verify(actor=actor, qualification=row.existing)
        audit_record(
            actor=actor,
            action="qualification.import",
            object_repr=report.filename[:200],
            changes={
                "file": [None, report.filename],
                "sha256": [None, report.sha256],
                "new": [None, report.new],
                "updated": [None, report.updated],
                "refused": [None, report.refused],
            },
        )
    report.committed = True
