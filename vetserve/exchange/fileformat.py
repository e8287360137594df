"""The exchange format, version 1 (docs/exchange.md): service records and the basics of the
volunteers they belong to, as CSV or JSON, for hand-over to provincial or national systems.

Pure Python over plain dictionaries of strings: writing a document and reading one back,
checking every value against its bound and naming a bad one in the user's language. Nothing
here reads or writes the database; ``exchange.services`` does.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from vetserve.core.bounds import DATES, MOMENTS

FORMAT = "vetserve-exchange"
VERSION = 1
CSV_TAG = f"{FORMAT}/{VERSION}"
FORMATS = ("csv", "json")

# The record of 办法 Art 7, plus its id, category and status (docs/exchange.md).
RECORD_KEYS = (
    "record_id",
    "activity_name",
    "service_date",
    "place",
    "content",
    "service_minutes",
    "service_hours",
    "organizing_unit",
    "person_in_charge",
    "category",
    "status",
    "recorded_at",
)
# The registration of 办法 Art 5 (what a hand-over needs of it).
VOLUNTEER_KEYS = (
    "volunteer_number",
    "name",
    "gender",
    "birth_date",
    "id_number",
    "residence_area_code",
    "residence_area",
    "phone",
    "skills",
    "service_categories",
)
CSV_KEYS = ("format", *RECORD_KEYS, *VOLUNTEER_KEYS)

# Bounds of each value (the ledger's and the roster's own).
LIMITS = {
    "record_id": 64,
    "activity_name": 120,
    "place": 200,
    "content": 2000,
    "organizing_unit": 100,
    "person_in_charge": 50,
    "category": 20,
    "volunteer_number": 40,
    "name": 50,
    "residence_area_code": 12,
    "residence_area": 100,
    "skills": 200,
    "service_categories": 200,
}
MINUTES_MAX = 366 * 24 * 60
# A file holds at most this many records (a county's season is about 30,000).
ROWS_MAX = 100_000
STATUSES = ("recorded", "confirmed")
GENDERS = ("male", "female")
_RECORD_ID = re.compile(r"^[A-Za-z0-9:._-]{1,64}$")


@dataclass
class Row:
    """One record as read from a file, with its volunteer; ``line`` is the CSV line or the
    record's position in the JSON list (1-based)."""

    line: int
    record: dict[str, Any]
    volunteer: dict[str, str]


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    # (line, message): rows refused, each named.
    errors: list[tuple[int, str]] = field(default_factory=list)
    # A problem with the whole file (not the format, a wrong version, unreadable).
    fatal: str = ""


def hours_text(minutes: int) -> str:
    """Minutes as hours with two decimals, exactly as the file states them (90 → 1.50)."""
    sign = "-" if minutes < 0 else ""
    whole, rest = divmod(abs(minutes), 60)
    return f"{sign}{whole}.{rest * 100 // 60:02d}"


# --- writing ---------------------------------------------------------------------------------


def csv_document(rows: Iterable[tuple[dict[str, str], dict[str, str]]]) -> bytes:
    """The CSV file: UTF-8 with a BOM (Excel on Chinese Windows), one line per record with its
    volunteer's basics, the version in the first column of every line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_KEYS)
    for record, volunteer in rows:
        writer.writerow(
            [CSV_TAG, *(record[k] for k in RECORD_KEYS), *(volunteer[k] for k in VOLUNTEER_KEYS)]
        )
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def json_document(rows: Iterable[tuple[dict[str, str], dict[str, str]]], *, numbers: str) -> bytes:
    """The JSON document: each volunteer once, each record pointing to theirs by ``ref``.
    Volunteers are numbered in the order they first appear, so the document follows from its
    records alone (the same records give the same file in any database)."""
    volunteers: list[dict[str, str]] = []
    refs: dict[tuple[str, ...], str] = {}
    records = []
    for record, volunteer in rows:
        key = tuple(volunteer[k] for k in VOLUNTEER_KEYS)
        if key not in refs:
            refs[key] = str(len(refs) + 1)
            volunteers.append({"ref": refs[key], **volunteer})
        records.append({**record, "volunteer": refs[key]})
    document = {
        "format": FORMAT,
        "version": VERSION,
        "numbers": numbers,
        "volunteers": volunteers,
        "records": records,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


# --- reading ---------------------------------------------------------------------------------


def parse(data: bytes, *, fmt: str) -> Parsed:
    """Read a document of ``fmt`` (csv or json); every row checked, every bad one named."""
    if fmt == "json":
        return _parse_json(data)
    return _parse_csv(data)


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _parse_csv(data: bytes) -> Parsed:
    text = _decode(data)
    if text is None:
        return Parsed(fatal=_("The file is not text in UTF-8 or GBK."))
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return Parsed(fatal=_("The file is not a CSV file we can read."))
    if not lines or [c.strip() for c in lines[0]] != list(CSV_KEYS):
        return Parsed(
            fatal=_("The first line must be the exchange format's header (docs/exchange.md).")
        )
    parsed = Parsed()
    body = [
        (n, cells) for n, cells in enumerate(lines[1:], start=2) if any(c.strip() for c in cells)
    ]
    if len(body) > ROWS_MAX:
        return Parsed(fatal=_("At most %(n)s records per file.") % {"n": f"{ROWS_MAX:,}"})
    for number, cells in body:
        if len(cells) != len(CSV_KEYS):
            parsed.errors.append(
                (
                    number,
                    _("%(n)s columns instead of %(m)s.") % {"n": len(cells), "m": len(CSV_KEYS)},
                )
            )
            continue
        values = dict(zip(CSV_KEYS, (c.strip() for c in cells), strict=True))
        if values["format"] != CSV_TAG:
            parsed.errors.append(
                (number, _("Unknown format version “%(v)s”; this system reads %(tag)s.")
                 % {"v": values["format"][:40], "tag": CSV_TAG})
            )  # fmt: skip
            continue
        _add(parsed, number, values, {k: values[k] for k in VOLUNTEER_KEYS})
    return parsed


def _parse_json(data: bytes) -> Parsed:
    text = _decode(data)
    try:
        document = json.loads(text or "")
    except (ValueError, RecursionError):
        return Parsed(fatal=_("The file is not a JSON document we can read."))
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return Parsed(fatal=_("The file is not in the exchange format (docs/exchange.md)."))
    if document.get("version") != VERSION:
        return Parsed(
            fatal=_("Unknown format version “%(v)s”; this system reads version %(version)s.")
            % {"v": str(document.get("version"))[:20], "version": VERSION}
        )
    volunteers = document.get("volunteers")
    records = document.get("records")
    if not isinstance(volunteers, list) or not isinstance(records, list):
        return Parsed(fatal=_("The document needs a list of volunteers and a list of records."))
    if len(records) > ROWS_MAX or len(volunteers) > ROWS_MAX:
        return Parsed(fatal=_("At most %(n)s records per file.") % {"n": f"{ROWS_MAX:,}"})
    by_ref: dict[str, dict[str, str]] = {}
    for item in volunteers:
        if isinstance(item, dict) and isinstance(item.get("ref"), str):
            by_ref[item["ref"]] = {k: _text(item.get(k)) for k in VOLUNTEER_KEYS}
    parsed = Parsed()
    for number, item in enumerate(records, start=1):
        if not isinstance(item, dict):
            parsed.errors.append((number, _("A record must be an object.")))
            continue
        volunteer = by_ref.get(_text(item.get("volunteer")))
        if volunteer is None:
            parsed.errors.append((number, _("The record names no volunteer of the document.")))
            continue
        _add(parsed, number, {k: _text(item.get(k)) for k in RECORD_KEYS}, volunteer)
    return parsed


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value).strip()
    return "\x00"  # a list or an object where text belongs: refused as a bad value below


def _add(parsed: Parsed, line: int, values: dict[str, str], volunteer: dict[str, str]) -> None:
    try:
        record = check_record(values)
        check_volunteer(volunteer)
    except ValueError as exc:
        parsed.errors.append((line, str(exc)))
        return
    parsed.rows.append(Row(line=line, record=record, volunteer=volunteer))


_LABELS = {
    "record_id": _l("record id"),
    "activity_name": _l("activity"),
    "service_date": _l("date"),
    "place": _l("place"),
    "content": _l("service content"),
    "service_minutes": _l("service minutes"),
    "organizing_unit": _l("organizing unit"),
    "person_in_charge": _l("person in charge"),
    "category": _l("category"),
    "status": _l("status"),
    "recorded_at": _l("recorded at"),
    "name": _l("name"),
    "gender": _l("gender"),
    "id_number": _l("ID number"),
    "residence_area_code": _l("residence area"),
    "volunteer_number": _l("volunteer number"),
    "residence_area": _l("residence area"),
    "skills": _l("professional skills"),
    "service_categories": _l("service categories"),
}


def _bad(key: str, message: str) -> ValueError:
    return ValueError(
        _("%(field)s: %(message)s") % {"field": str(_LABELS.get(key, key)), "message": message}
    )


def check_record(values: dict[str, str]) -> dict[str, Any]:
    """The record's values, typed; ValueError naming the first bad one."""
    for key, limit in LIMITS.items():
        if key in values and ("\x00" in values[key] or len(values[key]) > limit):
            raise _bad(key, _("at most %(n)s characters.") % {"n": limit})
    for key in ("record_id", "activity_name", "organizing_unit"):
        if not values[key]:
            raise _bad(key, _("required."))
    if not _RECORD_ID.match(values["record_id"]):
        raise _bad(key="record_id", message=_("letters, digits and : . _ - only."))
    try:
        day = date.fromisoformat(values["service_date"])
    except ValueError:
        raise _bad("service_date", _("a date such as 2022-02-11.")) from None
    if day not in DATES:
        raise _bad("service_date", DATES.message())
    try:
        minutes = int(values["service_minutes"])
    except ValueError:
        raise _bad("service_minutes", _("a whole number of minutes.")) from None
    if not 0 <= minutes <= MINUTES_MAX:
        raise _bad("service_minutes", _("from 0 to %(n)s minutes.") % {"n": f"{MINUTES_MAX:,}"})
    if values.get("service_hours") and values["service_hours"] != hours_text(minutes):
        raise _bad(
            "service_minutes",
            _("%(m)s minutes are %(h)s hours, not %(given)s.")
            % {"m": minutes, "h": hours_text(minutes), "given": values["service_hours"][:20]},
        )
    if values["status"] not in STATUSES:
        raise _bad("status", _("“recorded” or “confirmed”."))
    try:
        recorded_at = datetime.fromisoformat(values["recorded_at"])
    except ValueError:
        raise _bad("recorded_at", _("a time such as 2022-02-11T16:00:00+08:00.")) from None
    if recorded_at.tzinfo is None:
        raise _bad("recorded_at", _("the time needs its time zone (+08:00)."))
    if recorded_at not in MOMENTS:
        raise _bad("recorded_at", MOMENTS.message())
    return {
        **values,
        "service_date": day,
        "service_minutes": minutes,
        "confirmed": values["status"] == "confirmed",
        "recorded_at": recorded_at,
    }


def check_volunteer(values: dict[str, str]) -> None:
    for key, limit in LIMITS.items():
        if key in values and ("\x00" in values[key] or len(values[key]) > limit):
            raise _bad(key, _("at most %(n)s characters.") % {"n": limit})
    for key in ("name", "id_number"):
        if "\x00" in values[key] or not values[key]:
            raise _bad(key, _("required."))
    if values["gender"] not in GENDERS:
        raise _bad("gender", _("“male” or “female”."))
    for key in ("birth_date", "id_number", "phone"):
        if len(values[key]) > 20 or "\x00" in values[key]:
            raise _bad(key, _("at most %(n)s characters.") % {"n": 20})
