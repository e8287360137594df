"""Which column holds what: header names as offices write them, in Chinese or English.

Offices name the same column many ways (姓名/名字, 身份证号/公民身份号码, 手机/联系电话), add
notes ("身份证号（18位）", "*手机"), and put a title row or two above the header. A header is the
first of the top rows where at least two cells are names we know. Each import declares its own
columns (the roster's in `vetserve.people.roster_columns`); this module only matches them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.functional import Promise

from vetserve.core.text import fold_width
from vetserve.spreadsheets.readers import HEADER_SEARCH_ROWS


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise  # the header we write in templates and exports
    aliases: tuple[str, ...]  # normalised (see `normalize_header`)


_NOTE = re.compile(r"\(.*?\)|\[.*?\]|【.*?】")
_NOISE = re.compile(r"[\s*:_\-./]+")


def normalize_header(text: str) -> str:
    """ "身份证号（18位）" -> "身份证号", "* 手 机：" -> "手机", "ID Number" -> "idnumber"."""
    folded = fold_width(text).lower()
    return _NOISE.sub("", _NOTE.sub("", folded))


def column_lookup(columns: Iterable[Column]) -> Callable[[str], str | None]:
    """The key of the column a header text names, among ``columns``, or None."""
    aliases = {alias: c.key for c in columns for alias in c.aliases}

    def key_of(text: str) -> str | None:
        return aliases.get(normalize_header(text)) if text else None

    return key_of


@dataclass
class Header:
    """Where the header is and which column index holds which field."""

    row_index: int  # 0-based index into the table's rows
    columns: dict[str, int]  # field key -> column index
    titles: dict[str, str]  # field key -> the header text as written in the file
    ignored: list[str] = field(default_factory=list)  # headers we do not know

    def missing(self, required: Iterable[str]) -> list[str]:
        return [key for key in required if key not in self.columns]


def find_header(rows: list[list[str]], *, key_of: Callable[[str], str | None]) -> Header | None:
    """The header row, as ``key_of`` (from `column_lookup`) understands its cells."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = [key_of(cell) for cell in row]
        if sum(1 for k in keys if k) < 2:
            continue
        columns: dict[str, int] = {}
        titles: dict[str, str] = {}
        ignored: list[str] = []
        for position, (cell, key) in enumerate(zip(row, keys, strict=True)):
            if key and key not in columns:
                columns[key] = position
                titles[key] = cell
            elif cell:
                ignored.append(cell)
        return Header(row_index=index, columns=columns, titles=titles, ignored=ignored)
    return None
