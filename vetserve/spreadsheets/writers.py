"""Rows of text out as a file offices open: .xlsx or CSV, safe from formula injection.

Cells that a spreadsheet would run as a formula (=, +, -, @, and tab or carriage return before
them) get a leading apostrophe (CSV/formula injection); callers pass each cell through
`neutralize`.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: str) -> str:
    """'=HYPERLINK(...)' must stay text in Excel and WPS: prefix an apostrophe."""
    return "'" + value if value.startswith(_DANGEROUS_START) else value


def csv_bytes(titles: list[str], lines: Iterable[list[str]]) -> bytes:
    return b"".join(csv_stream(titles, lines))


def csv_stream(titles: list[str], lines: Iterable[list[str]], batch: int = 500) -> Iterator[bytes]:
    """The CSV file in pieces of ``batch`` rows, for a streamed response: the whole file is
    never in memory (issue 14)."""
    # UTF-8 with a BOM: Excel on Chinese Windows opens it as UTF-8 instead of GBK.
    yield codecs.BOM_UTF8
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(titles)
    for count, line in enumerate(lines, start=1):
        writer.writerow(line)
        if count % batch == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def xlsx_bytes(sheet_name: str, titles: list[str], lines: Iterable[list[str]]) -> bytes:
    return xlsx_sheets_bytes([(sheet_name, titles, lines)])


def xlsx_sheets_bytes(sheets: list[tuple[str, list[str], Iterable[list[str]]]]) -> bytes:
    """A workbook of several sheets, each a title row and its lines."""
    workbook = Workbook(write_only=True)
    for sheet_name, titles, lines in sheets:
        sheet = workbook.create_sheet(sheet_name[:31])  # Excel's limit on sheet names
        for index, title in enumerate(titles, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(10, 2 * len(title) + 4)
        sheet.append(titles)
        for line in lines:
            sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
