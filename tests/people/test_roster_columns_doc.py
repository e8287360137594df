"""docs/operations.md lists the roster import's columns as the code reads them (issue 17: "the
import's column names are documented nowhere"). The table is written from the code:
`VETSERVE_WRITE_DOCS=1 uv run pytest tests/people/test_roster_columns_doc.py` rewrites it."""

from __future__ import annotations

import os
from pathlib import Path

from vetserve.people.roster_columns import COLUMNS, REQUIRED

DOC = Path(__file__).resolve().parents[2] / "docs" / "operations.md"
START, END = "<!-- roster-columns -->", "<!-- /roster-columns -->"


def table() -> str:
    lines = [
        "| header | required | key | also understood |",
        "|---|---|---|---|",
    ]
    for column in COLUMNS:
        required = "yes" if column.key in REQUIRED else ""
        others = ", ".join(column.aliases[1:])
        lines.append(f"| {column.aliases[0]} | {required} | `{column.key}` | {others} |")
    return "\n".join(lines)


def test_the_documented_roster_columns_are_the_ones_the_import_reads():
    text = DOC.read_text()
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    wanted = f"{head}{START}\n{table()}\n{END}{tail}"
    if os.environ.get("VETSERVE_WRITE_DOCS"):
        DOC.write_text(wanted)
    assert text == wanted, "run VETSERVE_WRITE_DOCS=1 uv run pytest " + __file__
