"""Backups that restore: one file holding the database, the stored files and a manifest.

`vetserve backup` writes ``vetserve-<UTC time>.tar``:

- ``manifest.json``: the format, when and by which VetServe it was made, the database kind, the
  applied migrations (the schema version), the row count of every table, and the size and
  SHA-256 of every other member;
- ``database.sqlite3`` (SQLite's online backup API: safe while the server runs) or
  ``database.pgdump`` (``pg_dump --format=custom``);
- ``media/…``: the stored photos, scans and documents (``VETSERVE_MEDIA_ROOT``).

`vetserve restore FILE` checks every checksum first, creates the PostgreSQL database when it is
missing, refuses to overwrite a database that holds tables unless told (``--force``), restores
in one transaction, puts the files back, and then counts every table again: it exits non-zero
unless every count equals the manifest's.

The keys are not in the backup, by design: ID and phone numbers in it are encrypted with
``VETSERVE_DATA_KEYS``. A backup without the environment file is useless for them; with it, it
is everything. Keep the two apart (docs/operations.md, "Backups").

This module knows no app: it counts tables through Django's model registry.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, connections

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"
_CHUNK = 1 << 20


class BackupError(Exception):
    """Something the operator must fix; the message says what, in one sentence."""


@dataclass(frozen=True)
class RestoreReport:
    tables: int
    rows: int
    files: int
    mismatches: dict[str, tuple[int, int | None]]  # table -> (in the manifest, now)
    unapplied: list[str]  # migrations the code has that the backup did not

    @property
    def ok(self) -> bool:
        return not self.mismatches


# --- what a database holds -----------------------------------------------------------------


def vendor() -> str:
    return connection.vendor


def table_names() -> list[str]:
    """Every table Django knows of (models, many-to-many tables, the migration history) that
    exists in the database."""
    existing = set(connection.introspection.table_names())
    names = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    names.add("django_migrations")
    return sorted(names & existing)


def table_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in table_names():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - a table name from the model registry, quoted
            counts[table] = int(cursor.fetchone()[0])
    return counts


def applied_migrations() -> list[str]:
    if "django_migrations" not in connection.introspection.table_names():
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{app}.{name}" for app, name in cursor.fetchall()]


def _code_migrations() -> list[str]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.disk_migrations)


def _version() -> str:
    try:
        return metadata.version("vetserve")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "unknown"


# --- writing ------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files() -> Iterator[tuple[Path, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, MEDIA_PREFIX + path.relative_to(root).as_posix()


def _pg_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[name] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    env["PGDATABASE"] = str(db["NAME"])
    return env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed; on Debian: apt-get install postgresql-client."
        )
    # A fixed program (pg_dump, pg_restore) with arguments built here, never a shell.
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{command[0]} failed: {detail[-1] if detail else result.returncode}")


def _count_sqlite_file(path: Path, tables: list[str]) -> tuple[dict[str, int], list[str]]:
    with sqlite3.connect(str(path)) as copy:
        counts = {
            table: int(copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])  # noqa: S608 - a table name from the model registry
            for table in tables
        }
        migrations = [
            f"{app}.{name}"
            for app, name in copy.execute("SELECT app, name FROM django_migrations ORDER BY 1, 2")
        ]
    copy.close()
    return counts, migrations


def _dump_database(target: Path) -> tuple[str, dict[str, int], list[str]]:
    """Dump the database to ``target``; return the member name and the row counts and
    migrations of exactly what was dumped (a busy server goes on writing meanwhile)."""
    tables = table_names()
    if vendor() == "sqlite":
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        destination = sqlite3.connect(str(target))
        try:
            with destination:
                source.backup(destination)
        finally:
            destination.close()
            source.close()
        # Counted in the copy itself: the same state, whatever happened since.
        counts, migrations = _count_sqlite_file(target, tables)
        return SQLITE_MEMBER, counts, migrations
    if vendor() == "postgresql":
        env = _pg_env()
        # One snapshot for the counts and the dump: the counts are taken in a repeatable-read
        # transaction whose snapshot pg_dump then uses (--snapshot), kept open until it is done.
        with _connect(env, env["PGDATABASE"]) as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            counts = {
                table: int(
                    conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608 - a table name from the model registry
                )
                for table in tables
            }
            migrations = [
                f"{app}.{name}"
                for app, name in conn.execute(
                    "SELECT app, name FROM django_migrations ORDER BY 1, 2"
                )
            ]
            _run(
                ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                 "--file", str(target)],
                env,
            )  # fmt: skip
            conn.execute("ROLLBACK")
        return POSTGRES_MEMBER, counts, migrations
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor()}.")


def backup_create(directory: Path, *, now: datetime | None = None) -> tuple[Path, dict[str, Any]]:
    """Write a backup into ``directory`` and return its path and manifest. The file appears
    whole or not at all (written beside, then renamed)."""
    moment = (now or datetime.now(tz=UTC)).astimezone(UTC)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    final = directory / f"vetserve-{moment:%Y%m%dT%H%M%SZ}.tar"
    with tempfile.TemporaryDirectory(dir=directory, prefix=".backup-") as scratch:
        dump = Path(scratch) / "database"
        member, counts, migrations = _dump_database(dump)
        files: dict[str, dict[str, Any]] = {
            member: {"size": dump.stat().st_size, "sha256": _sha256(dump)}
        }
        media = list(_media_files())
        for path, name in media:
            files[name] = {"size": path.stat().st_size, "sha256": _sha256(path)}
        manifest = {
            "format": FORMAT,
            "created_at": moment.isoformat(),
            "vetserve_version": _version(),
            "database": vendor(),
            "migrations": migrations,
            "counts": counts,
            "files": files,
        }
        partial = Path(scratch) / "backup.tar"
        with tarfile.open(partial, "w") as archive:
            body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(body), 0o600, int(moment.timestamp())
            archive.addfile(info, fileobj=_BytesReader(body))
            archive.add(dump, arcname=member, recursive=False)
            for path, name in media:
                archive.add(path, arcname=name, recursive=False)
        os.chmod(partial, 0o600)
        os.replace(partial, final)
    return final, manifest


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self._data, self._at = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._at + size
        chunk, self._at = self._data[self._at : end], min(end, len(self._data))
        return chunk


# --- reading ------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest, after checking that every member is there, unchanged, and safe to
    extract (no absolute path, no ``..``, no link)."""
    try:
        archive = tarfile.open(path, "r")  # noqa: SIM115 - closed by the with below
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{path} is not a VetServe backup: {error}") from error
    with archive:
        try:
            manifest = json.load(archive.extractfile(MANIFEST))  # type: ignore[arg-type]
        except (KeyError, ValueError) as error:
            raise BackupError(f"{path} has no readable {MANIFEST}.") from error
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Backup format {manifest.get('format')} is not {FORMAT}.")
        seen: set[str] = set()
        for info in archive.getmembers():
            if info.name == MANIFEST:
                continue
            name = info.name
            if not info.isfile() or name.startswith("/") or ".." in Path(name).parts:
                raise BackupError(f"Unsafe member in the backup: {name!r}.")
            expected = manifest["files"].get(name)
            if expected is None:
                raise BackupError(f"{name} is in the backup but not in its manifest.")
            digest = hashlib.sha256()
            handle = archive.extractfile(info)
            assert handle is not None
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
            if digest.hexdigest() != expected["sha256"]:
                raise BackupError(f"{name} does not match its checksum: the backup is damaged.")
            seen.add(name)
        missing = set(manifest["files"]) - seen
        if missing:
            raise BackupError(f"The backup lacks {', '.join(sorted(missing))}.")
    return manifest


def _pg_database_state(env: dict[str, str]) -> str:
    """ "missing", "empty" (no table) or "holds data"."""

    name = env["PGDATABASE"]
    maintenance = {k: v for k, v in env.items() if k != "PGDATABASE"}
    with _connect(maintenance, "postgres") as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            return "missing"
    with _connect(maintenance, name) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()
    return "empty" if not tables or not tables[0] else "holds data"


def _connect(env: dict[str, str], dbname: str, *, autocommit: bool = True) -> Any:
    """A psycopg connection with the deployment's host, port, user and password."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    keys = {"PGHOST": "host", "PGPORT": "port", "PGUSER": "user", "PGPASSWORD": "password"}
    params = {keys[k]: v for k, v in env.items() if k in keys}
    return psycopg.connect(make_conninfo(dbname=dbname, **params), autocommit=autocommit)


def _pg_prepare(env: dict[str, str], *, force: bool) -> None:
    from psycopg import sql

    state = _pg_database_state(env)
    name = env["PGDATABASE"]
    maintenance = {k: v for k, v in env.items() if k != "PGDATABASE"}
    if state == "missing":
        with _connect(maintenance, "postgres") as c:
            c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    elif state == "holds data":
        if not force:
            raise BackupError(
                f"Database {name} already holds tables; restore over it only with --force "
                "(everything in it is replaced)."
            )
        with _connect(maintenance, name) as c:
            c.execute("DROP SCHEMA public CASCADE")
            c.execute("CREATE SCHEMA public")


def _sqlite_prepare(target: Path, *, force: bool) -> None:
    if target.exists() and target.stat().st_size > 0:
        with sqlite3.connect(str(target)) as probe:
            tables = probe.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
        probe.close()
        if tables and not force:
            raise BackupError(
                f"{target} already holds tables; restore over it only with --force "
                "(everything in it is replaced)."
            )


def backup_restore(path: Path, *, force: bool = False) -> RestoreReport:
    manifest = read_manifest(path)
    if manifest["database"] != vendor():
        raise BackupError(
            f"This backup is of a {manifest['database']} database; the configured database "
            f"is {vendor()}. Restore it into the same kind (DATABASE_URL)."
        )
    connections.close_all()
    with tarfile.open(path, "r") as archive, tempfile.TemporaryDirectory() as scratch:
        if vendor() == "sqlite":
            target = Path(str(settings.DATABASES["default"]["NAME"]))
            _sqlite_prepare(target, force=force)
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            archive.extract(SQLITE_MEMBER, path=target.parent, filter="data")
            extracted = target.parent / SQLITE_MEMBER
            os.chmod(extracted, 0o600)
            for suffix in ("-wal", "-shm", "-journal"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            os.replace(extracted, target)
        else:
            env = _pg_env()
            _pg_prepare(env, force=force)
            archive.extract(POSTGRES_MEMBER, path=scratch, filter="data")
            _run(
                ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                 "--single-transaction", "--dbname", env["PGDATABASE"],
                 str(Path(scratch) / POSTGRES_MEMBER)],
                env,
            )  # fmt: skip
        media_root = Path(settings.MEDIA_ROOT)
        media = [m for m in archive.getmembers() if m.name.startswith(MEDIA_PREFIX)]
        if media and media_root.exists() and force:
            shutil.rmtree(media_root)
        for member in media:
            member.name = member.name[len(MEDIA_PREFIX) :]
            archive.extract(member, path=media_root, filter="data")
            os.chmod(media_root / member.name, 0o600)  # stored files are private (core.files)
    connections.close_all()
    counts = table_counts()
    expected: dict[str, int] = manifest["counts"]
    mismatches: dict[str, tuple[int, int | None]] = {
        table: (rows, counts.get(table))
        for table, rows in expected.items()
        if counts.get(table) != rows
    }
    restored = set(applied_migrations())
    return RestoreReport(
        tables=len(expected),
        rows=sum(expected.values()),
        files=len(media),
        mismatches=mismatches,
        unapplied=[m for m in _code_migrations() if m not in restored],
    )
