"""Import qualifications from a spreadsheet: check every row, show the plan, then write it at once.

The same rules as the roster import (`vetserve.people.importing`), with its reader and
header detection: ``commit=False`` writes nothing and says what would happen to each row (the
preview); ``commit=True`` checks everything again and writes all valid rows in one transaction,
or nothing. A row names a volunteer by ID number (through the blind index) or badge number,
and a qualification type by name. It is *new*, an *update* of the same volunteer's certificate
of that type with that number (a re-import adds nothing twice), or *refused* with its problems
in words. A volunteer the importer may not manage is refused as if unknown: the import says
nothing about people outside the importer's scope.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from vetserve.audit.services import audit_record
from vetserve.badges.models import Badge
from vetserve.badges.models import Status as BadgeStatus
from vetserve.core.access import Actor, may_change_somewhere, may_change_volunteer
from vetserve.core.text import fold_width
from vetserve.people.idnumbers import InvalidNumber, mask_id_number, parse_id_number
from vetserve.people.models import Volunteer
from vetserve.people.roster_columns import BY_KEY as ROSTER_COLUMNS
from vetserve.people.services import id_index
from vetserve.skills.models import Qualification, QualificationType
from vetserve.skills.services import (
    default_expiry,
    qualification_add,
    qualification_update,
    qualification_verify,
)
from vetserve.spreadsheets.headers import Column, Header, column_lookup, find_header
from vetserve.spreadsheets.readers import Table
from vetserve.spreadsheets.reports import NEW, REFUSED, UPDATE, Report
from vetserve.spreadsheets.values import BadValue, parse_partial_date

LOOKUP_CHUNK = 500

COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        pgettext_lazy("roster column", "Name"),
        ("姓名", "名字", "志愿者姓名", "持证人", "name", "fullname"),
    ),
    ROSTER_COLUMNS["id_number"],
    Column(
        "badge",
        pgettext_lazy("qualification column", "Badge number"),
        ("徽章编号", "徽章号", "徽章号码", "志愿者编号", "志愿者证号", "badge", "badgenumber"),
    ),
    Column(
        "type",
        pgettext_lazy("qualification column", "Qualification"),
        (
            "资格证书",
            "证书类型",
            "证书名称",
            "证书种类",
            "资格类型",
            "资格名称",
            "资格",
            "证书",
            "qualification",
            "qualificationtype",
            "certificate",
            "type",
        ),
    ),
    Column(
        "number",
        pgettext_lazy("qualification column", "Certificate number"),
        ("证书编号", "证书号", "证书号码", "证号", "编号", "certificatenumber", "number"),
    ),
    Column(
        "issuer",
        pgettext_lazy("qualification column", "Issued by"),
        ("发证机关", "发证单位", "发证机构", "颁发机构", "颁发单位", "issuer", "issuedby"),
    ),
    Column(
        "issued_on",
        pgettext_lazy("qualification column", "Issued on"),
        (
            "发证日期",
            "颁发日期",
            "取证日期",
            "签发日期",
            "发证时间",
            "issuedon",
            "issuedate",
            "dateissued",
        ),
    ),
    Column(
        "expires_on",
        pgettext_lazy("qualification column", "Valid until"),
        (
            "有效期至",
            "有效期",
            "有效期限",
            "到期日期",
            "到期日",
            "截止日期",
            "失效日期",
            "expireson",
            "expirydate",
            "validuntil",
        ),
    ),
    Column(
        "verified",
        pgettext_lazy("qualification column", "Verified"),
        ("已核验", "是否核验", "核验", "已验证", "核验情况", "verified"),
    ),
)
BY_KEY = {c.key: c for c in COLUMNS}
column_key = column_lookup(COLUMNS)

# The paper says 长期 (or the like) for a certificate without end.
_NO_EXPIRY = frozenset({"长期", "长期有效", "永久", "永久有效", "终身", "终身有效", "无期限"})
_YES = frozenset({"是", "已核验", "已验证", "y", "yes", "true", "1", "√", "✓"})
_NO = frozenset({"否", "未核验", "未验证", "n", "no", "false", "0", "×", "✗"})
_TYPE_NOISE = re.compile(r"[\s()\[\]（）【】·.,，、:：_/-]+")
# Words offices use for the seeded types, beyond their names (see migration 0002).
_TYPE_ALIASES = {
    "rc_first_aider": ("救护员", "红十字救护员", "红十字救护员证", "救护证"),
    "first_aider_senior": ("急救员高级", "高级急救员", "急救员证高级", "高级急救员证"),
    "rescuer": ("应急救援员", "救援员证", "救援员"),
    "physician": ("执业医师", "医师", "医师证", "医师资格证", "医师资格证书", "执业医师证"),
    "nurse": ("护士", "护士证", "执业护士", "护士资格证", "护士执业证"),
    "health_check": ("体检证明", "健康证明", "健康体检", "体检"),
    "accident_insurance": ("意外险", "意外伤害保险", "意外保险", "保险", "志愿者保险"),
}


def _type_key(text: str) -> str:
    return _TYPE_NOISE.sub("", fold_width(text).lower())


class TypeResolver:
    """Active qualification types by name, code or a usual alias (C1驾照 → 机动车驾驶证（C1）)."""

    def __init__(self) -> None:
        self.by_key: dict[str, QualificationType] = {}
        for qtype in QualificationType.objects.filter(is_active=True).order_by("pk"):
            keys = [qtype.name, qtype.code, *_TYPE_ALIASES.get(qtype.code, ())]
            name = _type_key(qtype.name)
            for suffix in ("证书", "证"):
                if name.endswith(suffix) and len(name) > len(suffix) + 1:
                    keys.append(name.removesuffix(suffix))
            if qtype.code.startswith("licence_"):
                grade = qtype.code.removeprefix("licence_")
                keys += [f"{grade}驾驶证", f"驾驶证{grade}", f"{grade}驾照", f"驾照{grade}"]
            for key in keys:
                self.by_key.setdefault(_type_key(key), qtype)

    def resolve(self, text: str) -> QualificationType:
        found = self.by_key.get(_type_key(text))
        if found is None:
            raise BadValue(
                _("No qualification type “%(name)s”; write a name from the catalogue.")
                % {"name": text}
            )
        return found


@dataclass
class QualificationRow:
    """What happens to one row; ``row_number`` counts from the file's first row."""

    row_number: int
    action: str = NEW
    errors: list[str] = field(default_factory=list)
    name: str = ""
    id_masked: str = ""
    type_name: str = ""
    number: str = ""
    expires_on: date | None = None
    verified: bool = False
    changes: list[str] = field(default_factory=list)  # column titles an update changes
    volunteer: Volunteer | None = field(default=None, repr=False)
    qtype: QualificationType | None = field(default=None, repr=False)
    values: dict[str, Any] = field(default_factory=dict, repr=False)
    existing: Qualification | None = field(default=None, repr=False)


class QualificationReport(Report[QualificationRow]):
    """The qualification import's report: the roster import's, with certificate rows."""


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
    checker = _RowChecker(header)
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


def _parse_date(text: str) -> date:
    partial = parse_partial_date(text)
    if partial.day is None:
        raise BadValue(_("Write the whole date, with the day: 2021-10-15."))
    return date(partial.year, partial.month, partial.day)


class _RowChecker:
    """The cells of one row to clean values or Chinese messages, column by column."""

    def __init__(self, header: Header) -> None:
        self.header = header
        self.types = TypeResolver()
        self.today = date.today()

    def check(self, row_number: int, cells: list[str]) -> QualificationRow | None:
        raw: dict[str, str] = {}
        for key, position in self.header.columns.items():
            text = cells[position] if position < len(cells) else ""
            raw[key] = fold_width(text) if text else ""
        if not any(raw.values()):
            return None  # an empty or pre-numbered row
        if column_key(raw["type"]) == "type":
            return None  # the header repeated
        row = QualificationRow(row_number=row_number, name=" ".join(raw.get("name", "").split()))
        errors: dict[str, str] = {}
        values: dict[str, Any] = {}

        id_text, badge = raw.get("id_number", ""), re.sub(r"\s+", "", raw.get("badge", ""))
        if id_text:
            try:
                number = parse_id_number(id_text, today=self.today).number
            except InvalidNumber as exc:
                errors["id_number"] = str(exc)
            else:
                row.id_masked = mask_id_number(number)
                values["id_index"] = id_index(number)
        elif badge:
            values["badge"] = badge.upper()
        else:
            key = "id_number" if "id_number" in self.header.columns else "badge"
            errors[key] = _("Fill in the ID number or the badge number.")

        if not raw["type"]:
            errors["type"] = _("The qualification is required.")
        else:
            try:
                row.qtype = self.types.resolve(raw["type"])
                row.type_name = row.qtype.name
            except BadValue as exc:
                errors["type"] = str(exc)

        row.number = re.sub(r"\s+", "", raw.get("number", ""))
        if len(row.number) > 60:
            errors["number"] = _("Too long: at most %(limit)d characters.") % {"limit": 60}
        values["issuer"] = " ".join(raw.get("issuer", "").split())
        if len(values["issuer"]) > 100:
            errors["issuer"] = _("Too long: at most %(limit)d characters.") % {"limit": 100}

        issued_on = expires_on = None
        no_expiry = False
        if raw.get("issued_on"):
            try:
                issued_on = _parse_date(raw["issued_on"])
            except BadValue as exc:
                errors["issued_on"] = str(exc)
            else:
                if issued_on > self.today:
                    errors["issued_on"] = _("The issue date is in the future.")
        expiry_text = re.sub(r"\s+", "", raw.get("expires_on", ""))
        if expiry_text in _NO_EXPIRY:
            no_expiry = True
        elif expiry_text:
            try:
                expires_on = _parse_date(expiry_text)
            except BadValue as exc:
                errors["expires_on"] = str(exc)
        if issued_on and expires_on and expires_on < issued_on:
            errors["expires_on"] = _("The expiry date is before the issue date.")
        qtype = row.qtype
        if qtype is not None and not expiry_text and "issued_on" not in errors:
            if qtype.validity_days is not None and issued_on is None:
                errors["issued_on"] = _(
                    "Give the issue date or the expiry date: %(type)s expires."
                ) % {"type": qtype.name}
            expires_on = default_expiry(qtype, issued_on)
        row.expires_on = expires_on
        values.update(issued_on=issued_on, expires_on=expires_on, no_expiry=no_expiry)

        verified_text = raw.get("verified", "").strip().lower()
        if verified_text in _YES:
            row.verified = True
        elif verified_text and verified_text not in _NO:
            errors["verified"] = _("Write 是 or 否.")

        if errors:
            row.action = REFUSED
            row.errors = [self._message(key, text) for key, text in errors.items()]
        row.values = values
        return row

    def _message(self, key: str, text: str) -> str:
        title = self.header.titles.get(key) or str(BY_KEY[key].label)
        return _("%(column)s: %(message)s") % {"column": title, "message": text}


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


# --- the template -----------------------------------------------------------------------------

_TEMPLATE_KEYS = (
    "name",
    "id_number",
    "badge",
    "type",
    "number",
    "issuer",
    "issued_on",
    "expires_on",
    "verified",
)
_TEXT_KEYS = ("id_number", "badge", "number")


def qualification_template() -> bytes:
    """An empty sheet to fill in: a title row, the header, number columns as text (so Excel
    keeps all 18 digits), the catalogue's types, and a sheet of instructions."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Qualifications")
    sheet.cell(row=1, column=1, value=_("Volunteer qualifications (do not change the header row)"))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(_TEMPLATE_KEYS))
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    for index, key in enumerate(_TEMPLATE_KEYS, start=1):
        cell = sheet.cell(row=2, column=index, value=str(BY_KEY[key].label))
        cell.font = Font(bold=True)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 22 if key in (*_TEXT_KEYS, "type") else 14
        if key in _TEXT_KEYS:
            for row in range(3, 1003):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A3"
    notes = workbook.create_sheet(_("Instructions"))
    for line in _instructions():
        notes.append([line])
    notes.append([])
    notes.append([_("Qualification types"), _("Issued by"), _("Validity in days")])
    for qtype in QualificationType.objects.filter(is_active=True).order_by("code"):
        notes.append([qtype.name, qtype.issuing_body, qtype.validity_days or _("does not expire")])
    notes.column_dimensions["A"].width = 90
    notes.column_dimensions["B"].width = 30
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _instructions() -> list[str]:
    return [
        _("How to fill in the qualification sheet"),
        _(
            "1. One certificate per row, from row 3. The ID number (or the badge number) and "
            "the qualification are required; the name, if given, must match the record."
        ),
        _("2. Qualification: a type's name from the list below, such as 救护员证 or C1驾驶证."),
        _(
            "3. Valid until: empty means the type's usual validity from the issue date; write "
            "长期 for a certificate without end."
        ),
        _("4. Verified: 是 when someone compared it with the original, otherwise 否 or empty."),
        _(
            "5. The same volunteer, qualification and certificate number again updates the "
            "certificate instead of adding it twice."
        ),
    ]
