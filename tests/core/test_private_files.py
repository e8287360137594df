"""Files VetServe writes are the service user's alone: 0600 files, 0700 directories, whatever
the umask of whoever started it (issue 12, item 16)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _vetserve(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`vetserve ARGS` in a child started with the usual permissive umask 022."""
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "vetserve.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: os.umask(0o022),
    )


def _env(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env.update(VETSERVE_VAR_DIR=str(var), DATABASE_URL=f"sqlite:///{var / 'vetserve.sqlite3'}")
    return env


def test_the_database_file_the_command_creates_is_readable_by_its_owner_only(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    result = _vetserve(["check", "--database", "default"], _env(var))
    assert result.returncode == 0, result.stderr
    files = sorted(var.glob("vetserve.sqlite3*"))
    assert files, "no database was created"
    assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}


def test_a_database_left_readable_by_others_is_made_private_when_opened(tmp_path):
    from vetserve.core.files import make_sqlite_private

    database = tmp_path / "old.sqlite3"
    sqlite3.connect(database).close()
    database.chmod(0o644)
    Path(f"{database}-wal").touch(mode=0o644)

    class Connection:
        vendor = "sqlite"
        settings_dict = {"NAME": str(database)}

    make_sqlite_private(sender=None, connection=Connection())
    assert _mode(database) == 0o600 and _mode(Path(f"{database}-wal")) == 0o600


def test_the_demo_makes_its_var_directory_and_key_file_private(tmp_path):
    var = tmp_path / "demo-var"
    code = (
        "from vetserve.demo.environment import prepare_demo_environment; prepare_demo_environment()"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VETSERVE_", "DJANGO_"))}
    env["VETSERVE_VAR_DIR"] = str(var)
    result = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert result.returncode == 0, result.stderr
    assert _mode(var) == 0o700
    assert _mode(var / "demo.env") == 0o600


def test_an_existing_var_directory_open_to_others_is_closed_by_the_demo(tmp_path):
    var = tmp_path / "demo-var"
    var.mkdir(mode=0o755)
    var.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VETSERVE_", "DJANGO_"))}
    env["VETSERVE_VAR_DIR"] = str(var)
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from vetserve.demo.environment import *; prepare_demo_environment()",
        ],
        env=env,
        check=True,
        timeout=60,
    )
    assert _mode(var) == 0o700


@pytest.mark.django_db
def test_an_exported_roster_file_is_readable_by_its_owner_only(tmp_path, cast):
    out = tmp_path / "roster.csv"
    out.write_bytes(b"")
    out.chmod(0o644)  # even over a file that was open to all
    old = os.umask(0o022)
    try:
        call_command("export_roster", "--format", "csv", "--out", str(out), "--as", "bob")
    finally:
        os.umask(old)
    assert _mode(out) == 0o600


def test_a_photo_or_scan_stored_by_django_is_readable_by_its_owner_only(settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage

    settings.MEDIA_ROOT = tmp_path / "media"
    storage = FileSystemStorage()
    old = os.umask(0o022)
    try:
        name = storage.save("photos/2026/someone.jpg", ContentFile(b"\xff\xd8 not really a jpeg"))
    finally:
        os.umask(old)
    assert _mode(Path(storage.path(name))) == 0o600
    assert _mode(Path(storage.path(name)).parent) == 0o700


# Backups: `vetserve backup` writes its file 0600 whatever the umask (tests/core/test_backup.py,
# run under umask 022).
