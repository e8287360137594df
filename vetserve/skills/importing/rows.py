"""One row of a qualification file: its cells checked column by column into clean values or
Chinese messages, and the report that holds every row's fate."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from vetserve.core.bounds import DATES
from vetserve.core.text import fold_width
from vetserve.people.idnumbers import InvalidNumber, mask_id_number, parse_id_number
from vetserve.people.models import Volunteer
from vetserve.people.services import id_index
from vetserve.skills.importing.columns import BY_KEY, TypeResolver, column_key
from vetserve.skills.models import Qualification, QualificationType
from vetserve.skills.services import default_expiry
from vetserve.spreadsheets.headers import Header
from vetserve.spreadsheets.reports import NEW, REFUSED, Report
from vetserve.spreadsheets.values import BadValue, parse_partial_date

# The paper says 长期 (or the like) for a certificate without end.
_NO_EXPIRY = frozenset({"长期", "长期有效", "永久", "永久有效", "终身", "终身有效", "无期限"})
_YES = frozenset({"是", "已核验", "已验证", "y", "yes", "true", "1", "√", "✓"})
_NO = frozenset({"否", "未核验", "未验证", "n", "no", "false", "0", "×", "✗"})


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


def _parse_date(text: str) -> date:
    partial = parse_partial_date(text)
    if partial.day is None:
        raise BadValue(_("Write the whole date, with the day: 2021-10-15."))
    return date(partial.year, partial.month, partial.day)


class RowChecker:
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
            if expires_on is not None and expires_on not in DATES:
                errors["expires_on"] = _("Enter a value from %(low)s to %(high)s.") % {
                    "low": DATES.low.isoformat(),
                    "high": DATES.high.isoformat(),
                }
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
