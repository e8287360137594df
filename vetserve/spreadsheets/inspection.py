"""Look at an office file before it is parsed: refuse what would exhaust a worker.

`inspect_file(data)` runs on every upload and every command-line import before the reader sees
a byte (`readers.read_tables` calls it): it measures what the reader would build — sheets,
rows, columns, cells, text with every shared string counted each time a cell uses it — with
bounded memory, and raises `FileTooLarge`, naming the limit, for a file beyond one of the
limits in `spreadsheets.limits`. What it cannot understand it refuses as `UnreadableFile`.

- .xlsx/.et (zip): the archive's directory (entries, declared sizes, compression ratio), then
  every part unpacked as a stream (so a part larger than it declared fails its checksum) and
  scanned: cell and row positions as the reader places them, the sheet's declared
  ``<dimension>``, cell text, and the shared strings (their ``count``/``uniqueCount`` and each
  one's length, with a streaming parser that refuses DTDs and deep nesting). Zip files that
  are not Excel 2007 workbooks (.ods, .xlsb) are refused: the reader would take them by
  another route.
- .xls/.et (OLE): the compound file's ``Workbook`` stream, record by record: sheets, declared
  dimensions, every cell's position, the shared string table and each label's length.
- CSV: rows, columns (counted on each line before the line is split) and field lengths.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from xml.parsers import expat

from django.utils.translation import gettext as _

from vetserve.spreadsheets import limits

CHUNK_BYTES = 4 * 1024 * 1024


class UnreadableFile(ValueError):
    """The bytes are not a spreadsheet we can read; the message is for people."""


class FileTooLarge(UnreadableFile):
    """The file is beyond one of the limits; the message names it."""


def _n(value: int) -> str:
    return f"{value:,}"


def too_large_file() -> FileTooLarge:
    return FileTooLarge(
        _("The file is larger than the limit: at most %(size)s MB. Split it into parts.")
        % {"size": _n(limits.MAX_FILE_BYTES // (1024 * 1024))}
    )


def _declared_too_large() -> FileTooLarge:
    return FileTooLarge(
        _(
            "The file declares a table larger than the limit: at most %(columns)s columns "
            "and %(rows)s rows."
        )
        % {"columns": _n(limits.MAX_COLUMNS), "rows": _n(limits.MAX_ROWS)}
    )


def _cells_beyond() -> FileTooLarge:
    return FileTooLarge(
        _("The file has cells beyond the limit: at most %(columns)s columns and %(rows)s rows.")
        % {"columns": _n(limits.MAX_COLUMNS), "rows": _n(limits.MAX_ROWS)}
    )


def _too_many_cells() -> FileTooLarge:
    return FileTooLarge(
        _(
            "The file's sheets together are larger than the limit: at most %(cells)s cells "
            "(rows × columns)."
        )
        % {"cells": _n(limits.MAX_CELLS)}
    )


def cell_too_long() -> FileTooLarge:
    return FileTooLarge(
        _("A cell holds more text than the limit: at most %(chars)s characters.")
        % {"chars": _n(limits.MAX_CELL_CHARS)}
    )


def _too_much_text() -> FileTooLarge:
    return FileTooLarge(
        _(
            "The file's text is larger than the limit: at most %(chars)s characters in all "
            "cells together."
        )
        % {"chars": _n(limits.MAX_TEXT_CHARS)}
    )


def _too_many_sheets() -> FileTooLarge:
    return FileTooLarge(
        _("The workbook has more sheets than the limit: at most %(sheets)s.")
        % {"sheets": _n(limits.MAX_SHEETS)}
    )


def _too_many_rows() -> FileTooLarge:
    return FileTooLarge(
        _("The file has more rows than the limit: at most %(rows)s.")
        % {"rows": _n(limits.MAX_ROWS)}
    )


def _too_many_columns() -> FileTooLarge:
    return FileTooLarge(
        _("The file has more columns than the limit: at most %(columns)s.")
        % {"columns": _n(limits.MAX_COLUMNS)}
    )


def _unreadable_workbook() -> UnreadableFile:
    return UnreadableFile(
        _("The file cannot be read as an Excel or WPS workbook; save it again as .xlsx.")
    )


# --- the budget every format fills ---------------------------------------------------------


@dataclass
class Budget:
    """What the reader would build, counted as the inspection goes; raises at the first limit."""

    cells: int = 0  # rows × columns of the sheets seen so far
    text: int = 0
    pending: int = 0  # bytes of parts whose text was not counted, an upper bound of it
    sheets: int = 0

    def add_sheet(self, rows: int, columns: int) -> None:
        """A sheet laid out from A1 to (rows, columns)."""
        if rows > limits.MAX_ROWS or columns > limits.MAX_COLUMNS:
            raise _cells_beyond()
        self.cells += rows * columns
        if self.cells > limits.MAX_CELLS:
            raise _too_many_cells()

    def add_text(self, chars: int) -> None:
        self.text += chars
        if self.text + self.pending > limits.MAX_TEXT_CHARS:
            raise _too_much_text()

    def add_sheets(self, count: int) -> None:
        self.sheets += count
        if self.sheets > limits.MAX_SHEETS:
            raise _too_many_sheets()


def inspect_file(data: bytes, kind: str) -> None:
    """Raise `FileTooLarge` or `UnreadableFile` for a file the reader must not parse.
    ``kind`` is what `readers.sniff` made of it: "xlsx", "xls" or "csv" (CSV is checked as
    it is read, by `inspect_text`)."""
    if len(data) > limits.MAX_FILE_BYTES:
        raise too_large_file()
    if kind == "xlsx":
        _inspect_zip(data)
    elif kind == "xls":
        _inspect_ole(data)


# --- CSV ------------------------------------------------------------------------------------


def inspect_text(text: str, delimiter: str) -> None:
    """Rows and columns of a CSV before it is split: a line with more delimiters than the
    column limit allows is refused without building its million fields (quoted delimiters
    count too; no real roster has 200 of them in a line)."""
    if text.count("\n") > limits.MAX_ROWS + 1:
        raise _too_many_rows()
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start)
        if stop < 0:
            stop = end
        if text.count(delimiter, start, stop) >= limits.MAX_COLUMNS:
            raise _too_many_columns()
        start = stop + 1


def check_row(cells: list[str], row_count: int) -> None:
    """One CSV row as read: its fields' lengths, and the rows so far."""
    if row_count > limits.MAX_ROWS:
        raise _too_many_rows()
    if len(cells) > limits.MAX_COLUMNS:
        raise _too_many_columns()
    for cell in cells:
        if len(cell) > limits.MAX_CELL_CHARS:
            raise cell_too_long()


# --- .xlsx / .et (zip of XML parts) ---------------------------------------------------------

_NAME = rb"(?:[A-Za-z_][\w.\-]*:)?"
_ATTRS = rb"((?>[^>\"']+|\"[^\"]*\"|'[^']*')*+)"
# Start and end tags of rows and cells, each cell with its first value when it follows at once.
_TAG = re.compile(
    rb"<(/?)" + _NAME + rb"(row|c|dimension)(?=[\s/>])" + _ATTRS + rb">"
    rb"(?:<" + _NAME + rb"v>([^<]{0,12})<)?"
)
# Text of values and inline strings: <v>…</v>, <t>…</t>.
_TEXT = re.compile(rb"<" + _NAME + rb"[tv](?:\s[^>]*)?>([^<]*)")
_ATTR = re.compile(rb"(?:^|[\s:])(r|t|ref)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_SHEET = re.compile(rb"<" + _NAME + rb"sheet(?=[\s/>])")
_REF = re.compile(rb"^\$?([A-Za-z]{0,4})\$?([0-9]{0,10})$")
# The fast path, for cells written as Excel, WPS and the libraries we know write them: no
# namespace prefix, the position first (<c r="B7" …>), no other attribute ending in "r". A
# chunk with any other cell tag takes the slow path (see `_scan_cells_fast`).
_CELL_LETTERS = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
_CELL_DIGITS = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"')
_SHARED_MARK = b' t="s"'
_SHARED_VALUE = re.compile(rb'<c r="[A-Z0-9]+"[^>/]* t="s"[^>/]*><v>([0-9]{1,10})</v>')


def _attrs(raw: bytes) -> dict[bytes, list[bytes]]:
    """The attributes r, t and ref, prefixed or not, each with every value it has."""
    found: dict[bytes, list[bytes]] = {}
    for m in _ATTR.finditer(raw):
        value = m.group(2) if m.group(2) is not None else m.group(3)
        found.setdefault(m.group(1), []).append(value)
    return found


def _furthest(values: list[bytes]) -> tuple[int, int]:
    """The furthest row and the furthest column of several references, 1-based."""
    refs = [_ref(part) for value in values for part in value.split(b":")]
    return max(r for r, _c in refs), max(c for _r, c in refs)


def _ref(value: bytes) -> tuple[int, int]:
    """A cell reference as (row, column), 1-based, 0 where it has none ("A", "12")."""
    m = _REF.match(value.strip())
    if m is None:
        raise _unreadable_workbook()
    letters, digits = m.groups()
    return (int(digits) if digits else 0), _column_number(letters)


def _inspect_zip(data: bytes) -> None:
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _unreadable_workbook() from None
    if len(entries) > limits.MAX_ZIP_ENTRIES:
        raise FileTooLarge(
            _("The workbook has more parts than the limit: at most %(entries)s.")
            % {"entries": _n(limits.MAX_ZIP_ENTRIES)}
        )
    names = {e.filename.lower().lstrip("/") for e in entries}
    is_xlsx = any(n.endswith("workbook.xml") for n in names)
    other = any(n.endswith("workbook.bin") for n in names) or {"content.xml", "mimetype"} & names
    if not is_xlsx or other:
        raise UnreadableFile(
            _("The file is a zip archive but not an Excel or WPS workbook; save it as .xlsx.")
        )
    unpacked = sum(e.file_size for e in entries)
    if unpacked > limits.MAX_UNPACKED_BYTES:
        raise FileTooLarge(
            _("The workbook unpacks to more than the limit: at most %(size)s MB.")
            % {"size": _n(limits.MAX_UNPACKED_BYTES // (1024 * 1024))}
        )
    for entry in entries:
        if (
            entry.file_size > limits.RATIO_FLOOR_BYTES
            and entry.file_size > limits.MAX_COMPRESSION_RATIO * max(entry.compress_size, 1)
        ):
            raise FileTooLarge(
                _(
                    "The workbook is compressed more than any office file: a part grows more "
                    "than %(ratio)s times when unpacked."
                )
                % {"ratio": _n(limits.MAX_COMPRESSION_RATIO)}
            )
    budget = Budget()
    # Shared strings first: the sheets' cells are charged their length.
    shared: list[int] = []
    for entry in entries:
        if entry.filename.lower().endswith("sharedstrings.xml"):
            shared.extend(_shared_string_lengths(_chunks(archive, entry)))
    longest_shared = max(shared, default=0)
    for entry in entries:
        if entry.filename.lower().endswith("sharedstrings.xml"):
            continue
        # The text of a part is at most its size: counted only when that might be too much.
        if entry.file_size <= limits.MAX_TEXT_CHARS - budget.text - budget.pending:
            budget.pending += entry.file_size
            count_text = False
        else:
            count_text = True
        state = _SheetState(
            count_text=count_text, workbook=entry.filename.lower().endswith("workbook.xml")
        )
        _scan_part(_chunks(archive, entry), state, shared, longest_shared, budget)


def _chunks(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> Iterator[bytes]:
    """A part unpacked in chunks; a part that unpacks to more (or other) bytes than its entry
    declares fails the checksum at its end (zipfile stops at the declared size)."""
    try:
        with archive.open(entry) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                yield chunk
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise _unreadable_workbook() from None


@dataclass
class _SheetState:
    row: int = 0  # the reader's current row, 0-based
    column: int = 0
    max_row: int = -1  # 0-based, of any cell
    max_column: int = -1
    cells: int = 0
    declared: tuple[int, int] = (0, 0)
    sheets: int = 0
    count_text: bool = True
    workbook: bool = False


def _scan_part(
    chunks: Iterator[bytes],
    state: _SheetState,
    shared: list[int],
    longest_shared: int,
    budget: Budget,
) -> None:
    """Rows and cells as the reader places them (a row's ``r``, else the next row; a cell's
    ``r``, else the next column), the declared dimension, cell text and shared-string uses."""
    carry = b""
    for chunk in chunks:
        buffer = carry + chunk
        cut = buffer.rfind(b"<")
        if cut < 0:
            cut = len(buffer)
        body, carry = buffer[:cut], buffer[cut:]
        if len(carry) > limits.MAX_TAG_BYTES:
            raise cell_too_long()
        _scan_body(body, state, shared, longest_shared, budget)
    _scan_body(carry, state, shared, longest_shared, budget)
    if state.sheets:
        budget.add_sheets(state.sheets)
    if state.cells or state.declared != (0, 0):
        declared_rows, declared_columns = state.declared
        if declared_rows > limits.MAX_ROWS or declared_columns > limits.MAX_COLUMNS:
            raise _declared_too_large()
        budget.add_sheet(state.max_row + 1, state.max_column + 1)


def _scan_body(
    body: bytes, state: _SheetState, shared: list[int], longest_shared: int, budget: Budget
) -> None:
    if not body:
        return
    if state.workbook:
        state.sheets += len(_SHEET.findall(body))
    texts = _TEXT.findall(body) if state.count_text else None
    if texts:
        longest = max(texts, key=len)
        if len(longest) > limits.MAX_CELL_CHARS and (
            len(longest.decode("utf-8", "replace")) > limits.MAX_CELL_CHARS
        ):
            raise cell_too_long()
        budget.add_text(sum(map(len, texts)))
    # The sheet's head (<dimension>, <cols> …) and tail go apart from its cells, so that the
    # chunks holding them still take the fast path for the cells.
    start = body.find(b"<sheetData")
    end = body.find(b"</sheetData")
    cuts = sorted({0, len(body), *(c for c in (start, end) if c > 0)})
    for first, last in pairwise(cuts):
        piece = body[first:last] if len(cuts) > 2 else body
        if b"dimension" in piece or not _scan_cells_fast(
            piece, state, shared, longest_shared, budget
        ):
            _scan_tags(piece, state, shared, longest_shared, budget)


def _scan_tags(
    body: bytes, state: _SheetState, shared: list[int], longest_shared: int, budget: Budget
) -> None:
    """The slow path: every row and cell tag in turn, as the reader walks them."""
    for m in _TAG.finditer(body):
        closing, tag, raw, value = m.groups()
        if tag == b"row":
            if closing:
                state.row += 1
                state.column = 0
            elif not raw.rstrip().endswith(b"/"):
                r = _attrs(raw).get(b"r")
                if r is not None:
                    state.row = max(_furthest(r)[0] - 1, 0)
            continue
        if closing:
            continue
        attrs = _attrs(raw)
        if tag == b"dimension":
            rows, columns = _furthest(attrs.get(b"ref", [b""]))
            state.declared = (max(state.declared[0], rows), max(state.declared[1], columns))
            if rows > limits.MAX_ROWS or columns > limits.MAX_COLUMNS:
                raise _declared_too_large()
            continue
        if raw.rstrip().endswith(b"/"):
            continue  # an empty <c/>: the reader skips it
        r = attrs.get(b"r")
        if r is not None:
            row, column = _furthest(r)
            row, column = max(row - 1, 0), max(column - 1, 0)
            state.column = column
        else:
            row, column = state.row, state.column
        state.column += 1
        state.cells += 1
        if row > state.max_row:
            state.max_row = row
        if column > state.max_column:
            state.max_column = column
        if state.max_row >= limits.MAX_ROWS or state.max_column >= limits.MAX_COLUMNS:
            raise _cells_beyond()
        if b"s" in attrs.get(b"t", []):
            index = int(value) if value is not None and value.strip().isdigit() else -1
            budget.add_text(shared[index] if 0 <= index < len(shared) else longest_shared)


def _scan_cells_fast(
    body: bytes, state: _SheetState, shared: list[int], longest_shared: int, budget: Budget
) -> bool:
    """Cells and shared-string uses counted with whole-chunk searches, when every cell tag
    in the chunk is written the usual way; False (nothing counted) otherwise, and the caller
    walks the tags one by one as the reader does. The usual way, checked by counting: every
    tag starting "<c" is a cell starting '<c r="' (so no cell goes without its position and
    no other element starts so: chunks with <col>, <cfRule> … go the slow way), and every
    "r=" is the position of a cell or a row (so no second r, however written, moves a cell;
    the reader takes the last of several)."""
    cells = body.count(b'<c r="')
    if (
        body.count(b"<c") != cells
        or body.count(b"r=") != cells + body.count(b'<row r="')
        or b":c" in body
    ):
        return False
    if cells:
        digits = _CELL_DIGITS.findall(body)
        letters = set(_CELL_LETTERS.findall(body))
        if len(digits) != cells:
            return False
        columns = max(map(_column_number, letters))
        rows = max(map(int, set(digits)))
        state.cells += cells
        state.max_row = max(state.max_row, rows - 1)
        state.max_column = max(state.max_column, columns - 1)
        if state.max_row >= limits.MAX_ROWS or state.max_column >= limits.MAX_COLUMNS:
            raise _cells_beyond()
    uses = body.count(_SHARED_MARK) if shared else 0  # no table: the reader finds nothing
    if uses:
        indexes = list(map(int, _SHARED_VALUE.findall(body)))
        if indexes and max(indexes) < len(shared):
            budget.add_text(sum(map(shared.__getitem__, indexes)))
        else:
            budget.add_text(len(indexes) * longest_shared)
        budget.add_text((uses - len(indexes)) * longest_shared)
    return True


def _column_number(letters: bytes) -> int:
    column = 0
    for ch in letters.upper():
        column = column * 26 + ch - 64
    return column


def _shared_string_lengths(chunks: Iterator[bytes]) -> list[int]:
    """The length of each shared string, streaming (no string is kept): refuses a DTD, deep
    nesting, a declared or actual count beyond the limit and a string longer than a cell may
    hold."""
    lengths: list[int] = []
    depth = 0
    current = 0
    in_string = False

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth, current, in_string
        depth += 1
        if depth > limits.MAX_XML_DEPTH:
            raise FileTooLarge(
                _("The workbook's XML is nested deeper than the limit: at most %(depth)s levels.")
                % {"depth": _n(limits.MAX_XML_DEPTH)}
            )
        local = name.rpartition(" ")[2]
        if local == "sst":
            for key in ("count", "uniqueCount"):
                declared = attributes.get(key, "0")
                if key == "uniqueCount" and (
                    not declared.isdigit() or int(declared) > limits.MAX_SHARED_STRINGS
                ):
                    raise _too_many_shared()
        elif local == "si" and depth == 2:
            in_string, current = True, 0

    def end(name: str) -> None:
        nonlocal depth, in_string
        depth -= 1
        if in_string and depth == 1:
            in_string = False
            lengths.append(current)
            if len(lengths) > limits.MAX_SHARED_STRINGS:
                raise _too_many_shared()

    def text(chars: str) -> None:
        nonlocal current
        if in_string:
            current += len(chars)
            if current > limits.MAX_CELL_CHARS:
                raise cell_too_long()

    def refuse(*args: object) -> None:
        raise _unreadable_workbook()

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise _unreadable_workbook() from None
    return lengths


def _too_many_shared() -> FileTooLarge:
    return FileTooLarge(
        _("The workbook has more distinct texts than the limit: at most %(strings)s.")
        % {"strings": _n(limits.MAX_SHARED_STRINGS)}
    )


# --- .xls (OLE compound file, BIFF records) -------------------------------------------------

_FREE, _END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE
# Records that place a cell at (row, column) in their first four bytes and that the reader keeps.
_CELL_RECORDS = {0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006}


def _inspect_ole(data: bytes) -> None:
    stream = _workbook_stream(data)
    if stream is None:
        return  # not a BIFF workbook (e.g. an encrypted .xlsx): the reader says why
    budget = Budget()
    sst: list[int] = []
    offsets: list[int] = []
    for kind, start, size in _records(stream, 0):
        body = stream[start : start + size]
        if kind == 0x0085 and size >= 4:  # BOUNDSHEET: where a sheet's records start
            budget.add_sheets(1)
            offsets.append(struct.unpack_from("<I", body)[0])
        elif kind == 0x00FC and size >= 8:  # SST, continued in the CONTINUE records after it
            if struct.unpack_from("<I", body, 4)[0] > limits.MAX_SHARED_STRINGS:
                raise _too_many_shared()
            parts = [body[8:]]
            for next_kind, next_start, next_size in _records(stream, start + size):
                if next_kind != 0x003C:
                    break
                parts.append(stream[next_start : next_start + next_size])
            sst = _sst_lengths(parts)
    # The reader reads each sheet from its offset, as often as the workbook lists it.
    seen: dict[int, tuple[int, int, int]] = {}
    for offset in offsets:
        if offset not in seen:
            seen[offset] = _scan_biff_sheet(stream, offset, sst)
        rows, columns, text = seen[offset]
        budget.add_sheet(rows, columns)
        budget.add_text(text)


def _records(stream: bytes, position: int) -> Iterator[tuple[int, int, int]]:
    """(record type, where its data starts, its size) from ``position`` on."""
    length = len(stream)
    while position >= 0 and position + 4 <= length:
        kind, size = struct.unpack_from("<HH", stream, position)
        yield kind, position + 4, min(size, length - position - 4)
        position += 4 + size


def _scan_biff_sheet(stream: bytes, offset: int, sst: list[int]) -> tuple[int, int, int]:
    """A sheet's extent (rows, columns from A1) and text, as the reader would build it:
    nested substreams (embedded charts) skipped, up to the sheet's end."""
    max_row, max_column, text, depth, started = -1, -1, 0, 0, False
    for kind, start, size in _records(stream, offset):
        if kind == 0x0809:  # BOF
            if started:
                depth += 1
            started = True
            continue
        if kind == 0x000A:  # EOF
            if depth == 0:
                break
            depth -= 1
            continue
        if depth:
            continue
        body = stream[start : start + size]
        if kind == 0x0200:  # DIMENSIONS, as declared: the reader reserves room for them
            if size >= 14:
                first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", body)
            elif size >= 10:
                first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", body)
            else:
                continue
            rows = last_row - min(first_row, last_row)
            columns = last_col - min(first_col, last_col)
            if rows > limits.MAX_ROWS or columns > limits.MAX_COLUMNS:
                raise _declared_too_large()
        elif size >= 4 and (kind in _CELL_RECORDS or kind == 0x00BD):
            row, column = struct.unpack_from("<HH", body)
            if kind == 0x00BD and size >= 6:  # MULRK: a run of cells up to the last column
                column = max(column, struct.unpack_from("<H", body, size - 2)[0])
            if row >= limits.MAX_ROWS or column >= limits.MAX_COLUMNS:
                raise _cells_beyond()
            max_row, max_column = max(max_row, row), max(max_column, column)
            if kind == 0x00FD and size >= 10:  # LABELSST: a shared string's index
                index = struct.unpack_from("<I", body, 6)[0]
                text += sst[index] if index < len(sst) else 0
            elif kind in (0x0204, 0x00D6) and size >= 8:  # LABEL, RSTRING
                text += struct.unpack_from("<H", body, 6)[0]
            if text > limits.MAX_TEXT_CHARS:
                raise _too_much_text()
        elif kind == 0x0207 and size >= 2:  # STRING: a formula's text result
            text += struct.unpack_from("<H", body)[0]
    return max_row + 1, max_column + 1, text


def _sst_lengths(parts: list[bytes]) -> list[int]:
    """Each shared string's length in characters, walking the SST and its CONTINUE records
    (a string's characters may go on in the next record, after a new flags byte)."""
    lengths: list[int] = []
    part, offset = 0, 0

    def take(count: int) -> bytes:
        nonlocal part, offset
        out = b""
        while count > 0:
            if part >= len(parts):
                raise _unreadable_workbook()
            piece = parts[part][offset : offset + count]
            out += piece
            count -= len(piece)
            offset += len(piece)
            if offset >= len(parts[part]) and count > 0:
                part, offset = part + 1, 0
        return out

    while part < len(parts) and not (part == len(parts) - 1 and offset >= len(parts[part])):
        if offset >= len(parts[part]):
            part, offset = part + 1, 0
            continue
        characters, flags = struct.unpack("<HB", take(3))
        runs = struct.unpack("<H", take(2))[0] if flags & 0x08 else 0
        extra = struct.unpack("<I", take(4))[0] if flags & 0x04 else 0
        wide, left = flags & 0x01, characters
        while left > 0:
            available = len(parts[part]) - offset if part < len(parts) else 0
            if available <= 0:
                part, offset = part + 1, 0
                if part >= len(parts):
                    raise _unreadable_workbook()
                wide = take(1)[0] & 0x01  # a CONTINUE restarts the characters with a flag
                continue
            width = 2 if wide else 1
            step = min(left, available // width) or 1
            take(step * width)
            left -= step
        take(4 * runs + extra)
        if characters > limits.MAX_CELL_CHARS:
            raise cell_too_long()
        lengths.append(characters)
        if len(lengths) > limits.MAX_SHARED_STRINGS:
            raise _too_many_shared()
    return lengths


def _workbook_stream(data: bytes) -> bytes | None:
    """The ``Workbook`` (or Excel 5 ``Book``) stream of an OLE compound file, or None."""
    try:
        return _Compound(data).stream(("workbook", "book"))
    except (struct.error, IndexError, ValueError):
        raise _unreadable_workbook() from None


class _Compound:
    """Just enough of [MS-CFB] to find one stream, every read bounded by the file's size."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        header = struct.unpack_from("<HH", data, 0x1E)
        self.sector: int = 1 << int(header[0])
        self.mini_sector: int = 1 << int(header[1])
        if self.sector not in (512, 4096) or self.mini_sector != 64:
            raise ValueError("bad sector size")
        (fat_sectors, self.directory_start) = struct.unpack_from("<II", data, 0x2C)
        (self.cutoff, self.minifat_start, _minifat_count, difat_start, difat_count) = (
            struct.unpack_from("<IIIII", data, 0x38)
        )
        sectors = max(0, (len(data) - 512) // self.sector)
        difat = list(struct.unpack_from("<109I", data, 0x4C))
        per_sector = self.sector // 4
        next_difat, hops = difat_start, 0
        while next_difat < sectors and hops <= difat_count and hops <= sectors:
            entries = struct.unpack_from(f"<{per_sector}I", data, self._offset(next_difat))
            difat.extend(entries[:-1])
            next_difat, hops = entries[-1], hops + 1
        self.fat: list[int] = []
        for index in difat[: min(fat_sectors, sectors)]:
            if index >= sectors:
                break
            self.fat.extend(struct.unpack_from(f"<{per_sector}I", data, self._offset(index)))
        self.sectors = sectors

    def _offset(self, sector: int) -> int:
        offset = (sector + 1) * self.sector
        if offset + self.sector > len(self.data):
            raise ValueError("sector outside the file")
        return offset

    def _chain(self, start: int, fat: list[int]) -> Iterator[int]:
        current, steps = start, 0
        while current < len(fat) and steps <= len(fat):
            yield current
            current, steps = fat[current], steps + 1

    def _read(self, start: int, size: int) -> bytes:
        out = bytearray()
        for sector in self._chain(start, self.fat):
            offset = self._offset(sector)
            out += self.data[offset : offset + self.sector]
            if len(out) >= size:
                break
        return bytes(out[:size])

    def stream(self, names: tuple[str, ...]) -> bytes | None:
        directory = self._read(self.directory_start, len(self.data))
        root_start, root_size = 0, 0
        found: tuple[int, int] | None = None
        for offset in range(0, len(directory) - 127, 128):
            entry = directory[offset : offset + 128]
            name_length = min(struct.unpack_from("<H", entry, 0x40)[0], 64)
            name = entry[: max(name_length - 2, 0)].decode("utf-16-le", "replace").lower()
            kind = entry[0x42]
            start, size = struct.unpack_from("<II", entry, 0x74)
            if kind == 5:
                root_start, root_size = start, size
            elif kind == 2 and name in names and found is None:
                found = (start, size)
        if found is None:
            return None
        start, size = found
        size = min(size, len(self.data))
        if size >= self.cutoff:
            return self._read(start, size)
        mini_stream = self._read(root_start, min(root_size, len(self.data)))
        minifat_bytes = self._read(self.minifat_start, len(self.data))
        minifat = list(
            struct.unpack(
                f"<{len(minifat_bytes) // 4}I", minifat_bytes[: len(minifat_bytes) // 4 * 4]
            )
        )
        out = bytearray()
        for sector in self._chain(start, minifat):
            offset = sector * self.mini_sector
            out += mini_stream[offset : offset + self.mini_sector]
            if len(out) >= size:
                break
        return bytes(out[:size])
