"""Large .xlsx roster exports run in the background (issue 14): the request answers at once
with a job page, the job shows its progress, and only the requester downloads the file,
which is sealed on disk and removed after an hour."""

from __future__ import annotations

import io
import time

import pytest
from python_calamine import CalamineWorkbook

from tests.conftest import login
from tests.conftest import register_volunteer as register
from vetserve.audit.models import AuditEntry
from vetserve.core.models import SealedFile
from vetserve.people import export_jobs, exporting
from vetserve.people.models import ExportJob, ExportJobState

EXPORT = "/spreadsheets/roster/export/"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def background(settings, tmp_path, monkeypatch):
    """Tasks run at once (on commit); more than two rows is "large"; files in a temp dir."""
    settings.TASKS = IMMEDIATE
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(export_jobs, "BACKGROUND_ROWS", 2)
    monkeypatch.setattr(exporting, "CHUNK_ROWS", 2)  # progress written per two rows
    return tmp_path


@pytest.fixture
def three(cast):
    return [
        register(cast.bob, cast.xiwanzi_team, name=name, serial=n, phone=f"1390000111{n}")
        for n, name in enumerate(("王建国", "李卫东", "赵刚"), start=1)
    ]


def _start(client, **extra):
    with_commit = {"format": "xlsx", **extra}
    return client.get(EXPORT, with_commit)


def test_a_large_xlsx_becomes_a_job_the_requester_follows_and_downloads(
    cast, client, background, three, django_capture_on_commit_callbacks
):
    login(client, cast.bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = _start(client)
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/spreadsheets/roster/export/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.state == ExportJobState.DONE and (job.rows_done, job.rows_total) == (3, 3)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "已完成" in html and 'value="100"' in html
    assert "hx-trigger" not in html  # finished: no more polling
    download = client.get(f"/spreadsheets/roster/export/jobs/{job.pk}/download/")
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(download.streaming_content)))
    names = sorted(str(r[0]) for r in book.get_sheet_by_index(0).to_python()[1:])
    assert names == ["李卫东", "王建国", "赵刚"]
    # Kept in the shared database (any app server hands it over), sealed: no name in clear,
    # and nothing on this server's disk.
    stored = bytes(SealedFile.objects.get(name=f"export:{job.pk}").sealed)
    assert "王建国".encode() not in stored and b"PK" not in stored[:10]
    assert list(background.rglob("*")) == []
    # One audit entry, when it was asked for.
    assert AuditEntry.objects.filter(action="roster.export").count() == 1


def test_a_running_job_shows_its_progress_and_polls(cast, client, background, three):
    login(client, cast.bob)
    _start(client)  # no on-commit run in a test transaction: the job waits
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJobState.RUNNING, rows_done=2)
    page = client.get(f"/spreadsheets/roster/export/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert "正在生成" in html and 'value="66"' in html and 'hx-trigger="every 2s"' in html
    assert "<html" not in html  # the fragment only
    early = client.get(f"/spreadsheets/roster/export/jobs/{job.pk}/download/")
    assert early.status_code == 302 and early["Location"].endswith(f"/jobs/{job.pk}/")


@pytest.mark.parametrize("who", ["alice", "carol", "frank", "mallory", "root"])
def test_nobody_but_the_requester_sees_or_downloads_a_job(
    cast, client, background, three, who, django_capture_on_commit_callbacks
):
    login(client, cast.bob)
    with django_capture_on_commit_callbacks(execute=True):
        _start(client)
    job = ExportJob.objects.get()
    login(client, getattr(cast, who))
    assert client.get(f"/spreadsheets/roster/export/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/spreadsheets/roster/export/jobs/{job.pk}/download/").status_code == 404


def test_small_exports_do_not_need_a_job_large_ones_in_either_format_do(
    cast, client, background, three
):
    login(client, cast.bob)
    assert client.get(EXPORT, {"format": "csv", "q": "王建国"}).status_code == 200
    assert client.get(EXPORT, {"format": "xlsx", "q": "王建国"}).status_code == 200
    assert not ExportJob.objects.exists()
    # Three rows are "large" here: a streamed CSV would hold a worker until its last byte.
    started = client.get(EXPORT, {"format": "csv"})
    assert started.status_code == 302 and "/export/jobs/" in started["Location"]
    assert ExportJob.objects.count() == 1


def test_files_older_than_an_hour_are_removed_and_their_jobs_expire(
    cast, client, background, three, django_capture_on_commit_callbacks
):
    login(client, cast.bob)
    with django_capture_on_commit_callbacks(execute=True):
        _start(client)
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(
        finished_at=job.created_at - export_jobs.timedelta(hours=2)
    )
    assert export_jobs.purge_expired_exports(now=time.time() + 2 * 3600) == 1
    job.refresh_from_db()
    assert job.state == ExportJobState.EXPIRED
    assert not SealedFile.objects.filter(name__startswith="export:").exists()
    page = client.get(f"/spreadsheets/roster/export/jobs/{job.pk}/").content.decode()
    assert "已过期" in page
    assert client.get(f"/spreadsheets/roster/export/jobs/{job.pk}/download/").status_code == 302


def test_the_purge_command_is_listed_and_runs(db, background, capsys):
    from django.core.management import call_command

    from vetserve.cli import COMMANDS

    assert "purge-exports" in dict(COMMANDS)
    call_command("purge_exports")
    assert "Removed 0 exports" in capsys.readouterr().out


def test_a_background_job_writes_csv_too(cast, client, background, three):
    from vetserve.people.exporting import ExportFilters, roster_export

    exported = roster_export(actor=cast.bob, fmt="csv")
    job = export_jobs.export_job_start(
        actor=cast.bob, exported=exported, filters=ExportFilters(), reveal=False
    )
    assert export_jobs.export_job_run(str(job.pk)) == ExportJobState.DONE
    download = login(client, cast.bob).get(f"/spreadsheets/roster/export/jobs/{job.pk}/download/")
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert "王建国" in text and "赵刚" in text
