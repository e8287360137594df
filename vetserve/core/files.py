"""Files VetServe writes are private to the service user (issue 12, item 16).

The database, its WAL, the keys, exports and backups hold personal data and password hashes:
0600 files in 0700 directories, whatever the umask of the shell or unit that started us.
Every entry point (`vetserve`, wsgi, asgi) calls `private_umask()` first; the SQLite file is
also made private when a connection opens it, for a file created before this rule or by
another tool (`sqlite3 … .backup`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

PRIVATE_UMASK = 0o077
FILE_MODE = 0o600
DIR_MODE = 0o700
# What SQLite keeps beside the database file in WAL mode.
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def private_umask() -> None:
    """New files 0600 and directories 0700 from here on, for this process and its children."""
    os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and its parents) if missing, and make it 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    _narrow(path, DIR_MODE)
    return path


def write_private(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path``, readable by the owner only from the first byte."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), FILE_MODE)  # an existing file keeps its mode on open
        handle.write(content)


def _narrow(path: Path, mode: int) -> None:
    try:
        current = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if current & 0o077:
        path.chmod(mode)


def make_sqlite_private(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: the SQLite file and its side files become 0600."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    database = Path(name)
    for path in (database, *(Path(name + suffix) for suffix in SQLITE_SIDE_FILES)):
        _narrow(path, FILE_MODE)
