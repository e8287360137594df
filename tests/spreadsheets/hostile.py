"""Hostile office files, built in memory: for the tests and for bench/hostile_files.py.

Each is what an attacker (or a broken exporter) can upload in place of a roster; none is
committed as a binary. Sizes are those of the files, not of what they would expand to.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile

import xlwt
from openpyxl import Workbook

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def workbook(
    cells: str, *, dimension: str = "A1", shared: str | None = None, strings: list[str] = ()
) -> bytes:
    """A one-sheet .xlsx written by hand: ``cells`` is the XML inside <sheetData>;
    ``shared`` the whole sharedStrings.xml (else one built from ``strings``)."""
    if shared is None:
        items = "".join(f"<si><t>{s}</t></si>" for s in strings)
        shared = (
            f'<sst xmlns="{_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">'
            f"{items}</sst>"
        )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<worksheet xmlns="{_MAIN}"><dimension ref="{dimension}"/>'
        f"<sheetData>{cells}</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", shared)
    return buffer.getvalue()


def _text(value: str, ref: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def declared_dimension_bomb() -> bytes:
    """Under 2 KB: a sheet declaring its extent up to the last cell Excel has."""
    return workbook(f'<row r="1">{_text("姓名", "A1")}</row>', dimension="A1:XFD1048576")


def far_cell_bomb() -> bytes:
    """Under 2 KB: a cell at A1 and one at XFD1048576; the reader lays out the grid
    between them, 17 billion cells."""
    return workbook(
        f'<row r="1">{_text("姓名", "A1")}</row><row r="1048576">{_text("x", "XFD1048576")}</row>'
    )


def implicit_column_bomb(columns: int = 16_384) -> bytes:
    """Cells without a position: each goes one column further, as the reader counts them."""
    return workbook('<row r="1">' + "<c><v>1</v></c>" * columns + "</row>")


def shared_string_bomb(length: int = 4 * 1024 * 1024, uses: int = 500) -> bytes:
    """About 9 KB: one shared string of 4 MB, referenced ``uses`` times (2 GB as cells)."""
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="s"><v>0</v></c></row>' for i in range(1, uses + 1))
    return workbook(rows, dimension=f"A1:A{uses}", strings=["A" * length])


def shared_string_reuse(length: int = 30_000, uses: int = 20_000, seed: int = 12) -> bytes:
    """A string short enough for a cell (and not compressible) used so often that the
    cells hold 600 million characters: refused for the text in all cells together."""
    text = _random_text(length, seed)
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="s"><v>0</v></c></row>' for i in range(1, uses + 1))
    return workbook(rows, dimension=f"A1:A{uses}", strings=[text])


def long_shared_string(length: int = 40_000, seed: int = 13) -> bytes:
    """One shared string longer than any cell may hold (Excel stops at 32,767)."""
    return workbook(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', strings=[_random_text(length, seed)]
    )


def unique_count_bomb() -> bytes:
    """A shared-string table declaring a trillion strings (the reader reserves room for them)."""
    shared = f'<sst xmlns="{_MAIN}" count="1" uniqueCount="1000000000000"><si><t>a</t></si></sst>'
    return workbook('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared=shared)


def deep_shared_strings(depth: int = 100_000) -> bytes:
    """Shared strings nested 100,000 elements deep."""
    shared = f'<sst xmlns="{_MAIN}" count="1" uniqueCount="1"><si>' + "<r>" * depth
    shared += "</r>" * depth + "</si></sst>"
    return workbook('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared=shared)


def zip_bomb(megabytes: int = 200) -> bytes:
    """A sheet part of ``megabytes`` MB of whitespace that packs a thousand to one."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f'<worksheet xmlns="{_MAIN}"><sheetData>'.encode())
            block = b" " * (1024 * 1024)
            for _ in range(megabytes):
                part.write(block)
            part.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def many_sheets(count: int = 500) -> bytes:
    """A workbook of ``count`` small sheets."""
    book = Workbook(write_only=True)
    for index in range(count):
        book.create_sheet(f"S{index}").append(["姓名", "身份证号"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def wide_csv(columns: int = 1_000_000) -> bytes:
    """One header line of a million columns (2 MB)."""
    return ("姓名" + ",x" * (columns - 1) + "\r\n王建国\r\n").encode()


def long_field_csv(length: int = 131_073) -> bytes:
    """A field longer than the csv module's own limit (131,072 characters)."""
    return ("姓名,身份证号,手机\r\n王建国," + "1" * length + ",13900001111\r\n").encode()


def xls_far_cell(row: int = 65_535, column: int = 255) -> bytes:
    """An Excel 97 file with a cell at A1 and one at (row, column): 16.7 million cells
    between them at the largest an .xls allows."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名册")
    sheet.write(0, 0, "姓名")
    sheet.write(row, column, "x")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xls_declared_dimension_bomb() -> bytes:
    """An Excel 97 file whose DIMENSIONS record declares 4 billion rows × 256 columns (the
    reader reserves room for every cell it declares)."""
    data = bytearray(xls_far_cell(1, 1))
    record = struct.pack("<HH", 0x0200, 14)
    at = data.find(record)
    assert at >= 0, "xlwt writes a DIMENSIONS record"
    data[at + 4 : at + 18] = struct.pack("<IIHHH", 0, 0xFFFFFFF0, 0, 256, 0)
    return bytes(data)


def roster_xlsx(rows: int, columns: int = 17, seed: int = 2022) -> bytes:
    """A plain roster of ``rows`` rows × ``columns`` columns (the control: it must pass)."""
    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(["姓名", "身份证号", "手机"] + [f"备注{i}" for i in range(columns - 3)])
    for index in range(rows):
        sheet.append(
            [f"王{index}", f"1307091975{index:08d}", f"139{index:08d}"]
            + [rng.choice(["驾驶", "急救", "电工", "厨师", ""]) for _ in range(columns - 3)]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _random_text(length: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(length))
