"""Pending uploads: in the shared database, sealed with the data key, purged on a schedule."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from tests.spreadsheets.files import an_id, xlsx
from vetserve.core.models import SealedFile
from vetserve.spreadsheets import uploads

ID_NUMBER = an_id(serial=7)


def a_request(user_pk: int = 1):
    request = RequestFactory().post("/")
    request.session = {}
    request.user = type("U", (), {"pk": user_pk})()
    return request


def roster() -> bytes:
    return xlsx([["姓名", "身份证号", "手机"], ["王建国", ID_NUMBER, "13900001111"]], title=None)


@pytest.mark.django_db
def test_a_pending_upload_in_the_database_holds_neither_the_file_nor_its_numbers_nor_its_name():
    data = roster()
    request = a_request()
    token = uploads.upload_store(request, data=data, filename="崇礼区花名册.xlsx", org_id=3)
    stored = b"".join(bytes(row) for row in SealedFile.objects.values_list("sealed", flat=True))
    assert data not in stored and b"PK\x03\x04" not in stored
    assert "崇礼区花名册".encode() not in stored and ID_NUMBER.encode() not in stored
    assert token not in "".join(SealedFile.objects.values_list("name", flat=True)).replace(
        f"upload:{token}", ""
    )
    loaded = uploads.upload_load(request, token)
    assert loaded is not None
    assert (loaded.data, loaded.filename, loaded.org_id) == (data, "崇礼区花名册.xlsx", 3)


@pytest.mark.django_db
def test_nothing_of_a_pending_upload_is_written_to_the_servers_disk(settings, tmp_path: Path):
    """Issue 17: two app servers behind a balancer share the database, not their disks."""
    settings.VAR_DIR = tmp_path
    uploads.upload_store(a_request(), data=roster(), filename="x.xlsx", org_id=None)
    assert list(tmp_path.rglob("*")) == []


@pytest.mark.django_db
def test_a_sealed_upload_does_not_open_under_another_token():
    request = a_request()
    first = uploads.upload_store(request, data=b"one", filename="a.csv", org_id=None)
    second = uploads.upload_store(request, data=b"two", filename="b.csv", org_id=None)
    SealedFile.objects.filter(name=f"upload:{second}").update(
        sealed=SealedFile.objects.get(name=f"upload:{first}").sealed
    )
    assert uploads.upload_load(request, second) is None
    assert uploads.upload_load(request, first).data == b"one"


@pytest.mark.django_db
def test_purge_uploads_removes_an_abandoned_upload_and_keeps_a_fresh_one():
    request = a_request()
    old = uploads.upload_store(request, data=b"old", filename="old.csv", org_id=None)
    fresh = uploads.upload_store(request, data=b"new", filename="new.csv", org_id=None)
    SealedFile.objects.filter(name=f"upload:{old}").update(
        created_at=timezone.now() - timedelta(hours=2)
    )
    out = io.StringIO()
    call_command("purge_uploads", stdout=out)
    assert list(SealedFile.objects.values_list("name", flat=True)) == [f"upload:{fresh}"]
    assert "Removed 1 uploads" in out.getvalue()


@pytest.mark.django_db
def test_purge_uploads_with_enqueue_hands_the_purge_to_the_worker():
    from django_tasks_db.models import DBTaskResult

    out = io.StringIO()
    call_command("purge_uploads", "--enqueue", stdout=out)
    assert "Queued as task" in out.getvalue()
    assert DBTaskResult.objects.filter(task_path__endswith="purge_uploads").exists()


def test_purge_uploads_is_a_vetserve_command():
    from vetserve.cli import COMMANDS

    assert "purge-uploads" in dict(COMMANDS)
