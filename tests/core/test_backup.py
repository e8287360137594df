"""`vetserve backup` and `vetserve restore` as an operator runs them (issue 17): on a database of
their own, through the command line, in a separate process. On SQLite in the SQLite run, on
PostgreSQL in the PostgreSQL run (a scratch database beside the test one)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def vetserve(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "vetserve.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        # The most common umask: the files must be private by the command's own doing.
        preexec_fn=lambda: os.umask(0o022),
    )
    if ok:
        assert result.returncode == 0, result.stderr + result.stdout
    return result


@pytest.fixture
def deployment(tmp_path: Path):
    """A fresh deployment's environment: its own database, media and var directories."""
    env = dict(os.environ)
    (tmp_path / "var").mkdir(mode=0o700)
    env["VETSERVE_VAR_DIR"] = str(tmp_path / "var")
    env["VETSERVE_MEDIA_ROOT"] = str(tmp_path / "var" / "media")
    env["DJANGO_SUPERUSER_PASSWORD"] = "a-long-initial-password"
    dropdb = None
    if ON_POSTGRES:
        db = settings.DATABASES["default"]
        name = f"vetserve_restore_{secrets.token_hex(4)}"
        host, port, user = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432, db["USER"]
        env["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{name}"

        def dropdb() -> None:
            import psycopg

            with psycopg.connect(
                host=host, port=port, user=user, dbname="postgres", autocommit=True
            ) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        with_created = subprocess.run(  # noqa: S603 - a fixed tool, our own arguments
            ["createdb", "-h", str(host), "-p", str(port), "-U", user, name],  # noqa: S607
            capture_output=True,
            check=False,
        )
        if with_created.returncode != 0:
            pytest.skip("createdb is not available here")
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'var' / 'vetserve.sqlite3'}"
    # The set-up steps of docs/operations.md in one process (each start costs seconds).
    setup = (
        "import django; django.setup(); from django.core.management import call_command as c; "
        "c('migrate', verbosity=0); c('load_regions'); "
        "c('createsuperuser', interactive=False, username='root', email='r@x.cn'); "
        "c('create_org', '崇礼区爱国拥军联合会', 'federation', '130709')"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", setup],
        env={**env, "DJANGO_SETTINGS_MODULE": "vetserve.settings"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    photos = tmp_path / "var" / "media" / "photos"
    photos.mkdir(parents=True)
    (photos / "p1.jpg").write_bytes(b"\xff\xd8 a stored photo")
    yield env, tmp_path
    if dropdb is not None:
        dropdb()


def lose_the_database(env: dict[str, str], tmp_path: Path) -> None:
    if ON_POSTGRES:
        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        import psycopg

        db = settings.DATABASES["default"]
        with psycopg.connect(
            host=db.get("HOST") or "127.0.0.1",
            port=db.get("PORT") or 5432,
            user=db["USER"],
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    else:
        for path in (tmp_path / "var").glob("vetserve.sqlite3*"):
            path.unlink()


def test_a_backup_restores_after_the_database_is_lost_with_every_count_equal(deployment):
    env, tmp_path = deployment
    out = vetserve(env, "backup", str(tmp_path / "backups")).stdout
    assert "1 stored files" in out
    (backup,) = (tmp_path / "backups").glob("vetserve-*.tar")
    assert backup.stat().st_mode & 0o777 == 0o600
    with tarfile.open(backup) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
    counts = manifest["counts"]
    assert counts["orgs_organization"] == 1 and counts["accounts_user"] == 1
    assert counts["regions_region"] > 200
    assert any(m.startswith("ledger.") for m in manifest["migrations"])

    lose_the_database(env, tmp_path)
    (tmp_path / "var" / "media" / "photos" / "p1.jpg").unlink()
    restored = vetserve(env, "restore", str(backup)).stdout
    assert "every count equals the backup's" in restored
    assert (tmp_path / "var" / "media" / "photos" / "p1.jpg").read_bytes().endswith(b"photo")

    # A damaged backup is refused before anything is touched: one byte flipped inside the
    # database member, restored with --force over the good database.
    data = bytearray(backup.read_bytes())
    with tarfile.open(backup) as archive:
        member = next(m for m in archive.getmembers() if m.name.startswith("database."))
    data[member.offset_data + 100] ^= 0xFF
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(bytes(data))
    result = vetserve(env, "restore", "--force", str(damaged), ok=False)
    assert result.returncode != 0 and "checksum" in result.stderr

    # The restored deployment works (and the damaged restore touched nothing): the
    # organization is there and the administrator's password checks out.
    check = vetserve(
        env,
        "shell",
        "-c",
        "from django.contrib.auth import authenticate; from vetserve.orgs.models import "
        "Organization; print(Organization.objects.get().name, "
        "authenticate(username='root', password='a-long-initial-password') is not None)",
    ).stdout
    assert check.strip().splitlines()[-1] == "崇礼区爱国拥军联合会 True"

    # Over a database that holds data: refused without --force.
    refused = vetserve(env, "restore", str(backup), ok=False)
    assert refused.returncode != 0 and "--force" in refused.stderr
