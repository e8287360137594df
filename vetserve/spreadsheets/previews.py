"""What an import's preview page shows of its report: every row with a problem (up to a
limit) and a sample of the good ones, so a 100,000-row file still gives a page a browser opens.
"""

from __future__ import annotations

from typing import Any

from vetserve.spreadsheets.reports import Report

PREVIEW_GOOD_ROWS = 200
PREVIEW_MAX_PROBLEMS = 2000
# Unrecognised headers shown, and the characters shown of each (and of each cell value a
# problem quotes, in `spreadsheets/_problems.html`): the page stays small whatever the file.
PREVIEW_IGNORED_COLUMNS = 50
PREVIEW_CELL_CHARS = 100


def preview_context(report: Report[Any]) -> dict[str, Any]:
    """The template context every preview shares (see `spreadsheets/_problems.html`)."""
    problems = report.problems
    good = [r for r in report.rows if not r.errors][:PREVIEW_GOOD_ROWS]
    ignored = report.ignored_columns
    return {
        "ignored_columns": [_clip(title) for title in ignored[:PREVIEW_IGNORED_COLUMNS]],
        "ignored_hidden": max(0, len(ignored) - PREVIEW_IGNORED_COLUMNS),
        "cell_chars": PREVIEW_CELL_CHARS,
        "report": report,
        "problems": problems[:PREVIEW_MAX_PROBLEMS],
        "problems_hidden": max(0, len(problems) - PREVIEW_MAX_PROBLEMS),
        "good": good,
        "good_hidden": len(report.rows) - len(problems) - len(good),
        "can_commit": not report.file_errors and bool(report.new or report.updated),
    }


def _clip(text: str) -> str:
    return text if len(text) <= PREVIEW_CELL_CHARS else text[: PREVIEW_CELL_CHARS - 1] + "…"
