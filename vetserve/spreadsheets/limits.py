"""How big an office file may be: every limit the inspection and the readers apply, in one place.

The limits are generous for a real roster — a province's roster of 100,000 rows × 40 columns,
saved by Excel, WPS or a script, passes with room to spare — and far below what a hostile file
needs to exhaust a worker: a sheet that declares or places a cell at XFD1048576, one long
shared string referenced thousands of times, a zip bomb, a CSV with a million columns.
docs/operations.md (imports) lists them; each refusal names the limit it hit.

Why these numbers: the reader (python-calamine) lays every sheet out as a dense grid of
32-byte cells from A1 to the last cell used, and copies each cell's text, shared or not; the
import then holds every cell as Python text. Memory is therefore bounded by the grid's area
(``MAX_CELLS``) and the text after expansion (``MAX_TEXT_CHARS``); the other limits keep the
inspection itself quick and refuse early what no office makes.
"""

from __future__ import annotations

# The whole file, as uploaded (the forms say "at most 20 MB").
MAX_FILE_BYTES = 20 * 1024 * 1024
# Rows and columns of one sheet, counted from A1 (Excel allows 1,048,576 × 16,384).
MAX_ROWS = 200_000
MAX_COLUMNS = 200
# Rows × columns of every sheet together, as the reader lays them out: 100,000 × 40 is 4 million.
MAX_CELLS = 6_000_000
# One cell's text: Excel's own limit.
MAX_CELL_CHARS = 32_767
# All cells' text together, each shared string counted as often as cells use it (Excel files
# are measured in UTF-8 bytes, an upper bound of the characters).
MAX_TEXT_CHARS = 100_000_000
MAX_SHEETS = 100
# .xlsx/.et are zip archives of XML parts: a workbook has a dozen, a few per sheet.
MAX_ZIP_ENTRIES = 1_000
# The parts' sizes once unpacked, together (the 100,000 × 40 roster's sheet is about 210 MB).
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
# How much a part may grow when unpacked; office XML grows 5 to 20 times, zip bombs 1,000.
MAX_COMPRESSION_RATIO = 100
# Parts smaller than this may grow more (a few bytes of repeated styles, empty sheets).
RATIO_FLOOR_BYTES = 1024 * 1024
# Distinct shared strings in a workbook (a 100,000-row roster has a few hundred thousand).
MAX_SHARED_STRINGS = 2_000_000
# Nesting of XML elements; office XML nests fewer than ten deep.
MAX_XML_DEPTH = 64
# A longer tag or run of cell text than any office writes: the inspection refuses it.
MAX_TAG_BYTES = 1024 * 1024
