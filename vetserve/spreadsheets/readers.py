"""Spreadsheet bytes in, rows of text out, whatever the office saved.

The content decides the format, never the file name: WPS saves ``.et`` files as either an
Excel 97 (OLE) or an Excel 2007 (zip) container, and offices rename files freely. Cells come
back as Excel showed them: an integer-valued number as its digits ("13900001111", not
"13900001111.0"), and a number too long to keep every digit (an 18-digit ID number that Excel
stored as a number) in Excel's own scientific form, "1.30722E+17", so that the ID check refuses
it instead of guessing the lost digits (DOMAIN.md: never guess).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from vetserve.spreadsheets.inspection import (
    FileTooLarge,
    UnreadableFile,
    cell_too_long,
    check_row,
    inspect_file,
    inspect_text,
)

__all__ = ["FileTooLarge", "Table", "UnreadableFile", "cell_text", "read_tables", "sniff"]

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Excel keeps 15 significant digits; a whole number at or above this lost some.
EXACT_LIMIT = 10**15
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Table:
    """One sheet as rows of stripped text; ``rows[0]`` is row 1 of the file."""

    rows: list[list[str]]
    kind: str  # "xlsx", "xls" or "csv"
    sheet: str = ""


def sniff(data: bytes) -> str:
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if data.startswith(OLE_MAGIC):
        return "xls"
    return "csv"


def read_tables(data: bytes) -> list[Table]:
    """Every sheet of the file (one for CSV), in the workbook's order. The file is inspected
    first (`inspection.inspect_file`): one beyond the limits raises `FileTooLarge`."""
    if not data:
        raise UnreadableFile(_("The file is empty."))
    kind = sniff(data)
    inspect_file(data, kind)
    if kind == "csv":
        return [Table(rows=_read_text(data), kind="csv")]
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        tables = []
        for index, name in enumerate(workbook.sheet_names):
            sheet = workbook.get_sheet_by_index(index)
            # Row by row, so that the sheet is never held twice; iter_rows starts at row 1 but
            # at the first column used, so empty leading columns are put back (as in Excel).
            lead = [""] * (sheet.start[1] if sheet.start else 0)
            rows = [lead + _row_text(row) if lead else _row_text(row) for row in sheet.iter_rows()]
            tables.append(Table(rows=rows, kind=kind, sheet=name))
            del sheet
    except PasswordError:
        raise UnreadableFile(
            _("The workbook is protected by a password; save a copy without it and try again.")
        ) from None
    except (CalamineError, ValueError, OSError):
        if kind == "xls":
            # Excel saves password-protected .xlsx files in an OLE container too.
            raise UnreadableFile(
                _(
                    "The file cannot be read as an Excel or WPS workbook. If it has a password, "
                    "save a copy without it; otherwise save it again as .xlsx."
                )
            ) from None
        raise UnreadableFile(
            _("The file cannot be read as an Excel or WPS workbook; save it again as .xlsx.")
        ) from None
    return tables


def _row_text(row: Sequence[object]) -> list[str]:
    return [value.strip() if type(value) is str else cell_text(value) for value in row]


def cell_text(value: object) -> str:
    """One cell as the text Excel shows for it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value) if abs(value) < EXACT_LIMIT else f"{value:.5E}"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value)) if abs(value) < EXACT_LIMIT else f"{value:.5E}"
        return f"{value:.15g}"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip()


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else GB18030,
    which reads GBK and GB2312 too (what Excel on Chinese Windows saves as "CSV")."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise UnreadableFile(
            _("The file is neither a workbook nor text in UTF-8 or GBK; save it as .xlsx.")
        ) from None


def _read_text(data: bytes) -> list[list[str]]:
    text = decode_text(data)
    if "\x00" in text:
        raise UnreadableFile(_("The file is not a spreadsheet we can read; save it as .xlsx."))
    delimiter = _delimiter(text)
    inspect_text(text, delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            check_row(row, len(rows) + 1)
            rows.append([cell.strip() for cell in row])
    except csv.Error as exc:
        if "field larger" in str(exc):
            # The csv module's own limit, 131,072 characters, is beyond ours.
            raise cell_too_long() from None
        raise UnreadableFile(
            _("The file is not a spreadsheet we can read; save it as .xlsx.")
        ) from None
    return rows


def _delimiter(text: str) -> str:
    """Comma, tab or semicolon: whichever the first lines use most (Excel's "text" is tabs)."""
    head = [line for line in text[:65536].splitlines()[:20] if line.strip()]
    counts = {d: sum(line.count(d) for line in head) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","
