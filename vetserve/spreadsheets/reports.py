"""What an import found in a file, row by row: the report every import fills and previews show.

An import reads the file, finds its header, checks each row and says per row whether it is
*new*, an *update* or *refused* with its problems in words. What a row holds beyond its action
and errors is the import's own business.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from vetserve.spreadsheets.headers import Header
from vetserve.spreadsheets.readers import FileTooLarge, Table, UnreadableFile, read_tables

NEW = "new"
UPDATE = "update"
REFUSED = "refused"


class _Row(Protocol):
    action: str
    errors: list[str]


R = TypeVar("R", bound=_Row)


@dataclass
class Report(Generic[R]):
    """What an import found in a file: one result per row, counted by action. Shared by every
    import (the roster's in `vetserve.people.importing`, the qualifications' in
    `vetserve.skills.importing`)."""

    filename: str
    sha256: str
    rows: list[R] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    kind: str = ""
    sheet: str = ""
    header_row: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # key -> title in the file
    ignored_columns: list[str] = field(default_factory=list)
    committed: bool = False
    # The file is beyond a limit (`spreadsheets.limits`): the pages send it back to the upload
    # form, with the reason, instead of showing a preview.
    over_limit: bool = False

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def new(self) -> int:
        return self.count(NEW)

    @property
    def updated(self) -> int:
        return self.count(UPDATE)

    @property
    def refused(self) -> int:
        return self.count(REFUSED)

    @property
    def problems(self) -> list[R]:
        return [r for r in self.rows if r.errors]

    def summary_line(self) -> str:
        return f"new={self.new} updated={self.updated} refused={self.refused}"

    def read_header(
        self,
        data: bytes,
        *,
        find: Callable[[list[Table]], tuple[Table, Header] | None],
        no_header: str,
    ) -> tuple[Table, Header] | None:
        """Read the file and find its header row with ``find``, noting where it was; on an
        unreadable file or no header, record the problem and return None."""
        try:
            tables = read_tables(data)
        except FileTooLarge as exc:
            self.file_errors.append(str(exc))
            self.over_limit = True
            return None
        except UnreadableFile as exc:
            self.file_errors.append(str(exc))
            return None
        found = find(tables)
        if found is None:
            self.file_errors.append(no_header)
            return None
        table, header = found
        self.kind, self.sheet, self.header_row = table.kind, table.sheet, header.row_index + 1
        self.columns = dict(header.titles)
        self.ignored_columns = header.ignored
        return found
