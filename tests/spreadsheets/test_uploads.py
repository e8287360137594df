"""Pending uploads: private on disk, sealed with the data key, purged on a schedule."""

from __future__ import annotations

import io
import os
import stat
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from tests.spreadsheets.files import an_id, xlsx
from vetserve.spreadsheets import uploads

ID_NUMBER = an_id(serial=7)


@pytest.fixture
def folder(settings, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path / "uploads"


def a_request(user_pk: int = 1):
    request = RequestFactory().post("/")
    request.session = {}
    request.user = type("U", (), {"pk": user_pk})()
    return request


def roster() -> bytes:
    return xlsx([["姓名", "身份证号", "手机"], ["王建国", ID_NUMBER, "13900001111"]], title=None)


def test_a_pending_upload_is_a_0600_file_in_a_0700_folder_whatever_the_umask(folder):
    old = os.umask(0)  # the most permissive umask: the modes must not come from it
    try:
        uploads.upload_store(a_request(), data=roster(), filename="花名册.xlsx", org_id=None)
    finally:
        os.umask(old)
    (stored,) = list(folder.iterdir())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600


def test_a_folder_left_open_by_an_earlier_version_is_closed_again(folder):
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    uploads.upload_store(a_request(), data=roster(), filename="x.xlsx", org_id=None)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_pending_upload_on_disk_holds_neither_the_file_nor_its_numbers_nor_its_name(folder):
    data = roster()
    request = a_request()
    token = uploads.upload_store(request, data=data, filename="崇礼区花名册.xlsx", org_id=3)
    on_disk = b"".join(path.read_bytes() for path in folder.iterdir())
    assert data not in on_disk and b"PK\x03\x04" not in on_disk
    assert "崇礼区花名册".encode() not in on_disk and ID_NUMBER.encode() not in on_disk
    loaded = uploads.upload_load(request, token)
    assert loaded is not None
    assert (loaded.data, loaded.filename, loaded.org_id) == (data, "崇礼区花名册.xlsx", 3)


def test_a_sealed_upload_does_not_open_under_another_token(folder):
    request = a_request()
    first = uploads.upload_store(request, data=b"one", filename="a.csv", org_id=None)
    second = uploads.upload_store(request, data=b"two", filename="b.csv", org_id=None)
    (folder / f"{second}.upload").write_bytes((folder / f"{first}.upload").read_bytes())
    assert uploads.upload_load(request, second) is None
    assert uploads.upload_load(request, first).data == b"one"


def test_purge_uploads_removes_an_abandoned_upload_and_keeps_a_fresh_one(folder):
    request = a_request()
    old = uploads.upload_store(request, data=b"old", filename="old.csv", org_id=None)
    fresh = uploads.upload_store(request, data=b"new", filename="new.csv", org_id=None)
    two_hours_ago = time.time() - 2 * 3600
    os.utime(folder / f"{old}.upload", (two_hours_ago, two_hours_ago))
    (folder / "left-by-an-earlier-version.bin").write_bytes(b"clear text")
    os.utime(folder / "left-by-an-earlier-version.bin", (two_hours_ago, two_hours_ago))
    out = io.StringIO()
    call_command("purge_uploads", stdout=out)
    assert sorted(p.name for p in folder.iterdir()) == [f"{fresh}.upload"]
    assert "Removed 2 uploads" in out.getvalue()


@pytest.mark.django_db
def test_purge_uploads_with_enqueue_hands_the_purge_to_the_worker(folder):
    from django_tasks_db.models import DBTaskResult

    out = io.StringIO()
    call_command("purge_uploads", "--enqueue", stdout=out)
    assert "Queued as task" in out.getvalue()
    assert DBTaskResult.objects.filter(task_path__endswith="purge_uploads").exists()


def test_purge_uploads_is_a_vetserve_command():
    from vetserve.cli import COMMANDS

    assert "purge-uploads" in dict(COMMANDS)
