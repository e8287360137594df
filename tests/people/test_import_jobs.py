"""The roster import in the background (issue 14), through its pages: the upload answers at once
with the job's page, a worker (here: the task run by hand, or the immediate backend) checks and
writes, the page shows how far it got, and only the job's owner sees it.

Bob runs 崇礼区 and uploads; Alice runs the whole city and still sees nothing of Bob's job: a job
holds a file's rows before anyone checked them, so it is its owner's alone."""

from __future__ import annotations

import io
from datetime import timedelta

from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.conftest import login, register_volunteer
from tests.spreadsheets.files import an_id, xlsx
from vetserve.accounts.models import Grant
from vetserve.audit.models import AuditEntry
from vetserve.people import import_jobs, importing
from vetserve.people.import_jobs import import_job_preview, import_job_write
from vetserve.people.models import ImportJob, Volunteer

TEAM = "西湾子镇退役军人志愿服务队"
IMPORT = "/spreadsheets/roster/import/"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def roster_file(rows: int = 3) -> bytes:
    return xlsx(
        [
            ["姓名", "身份证号", "手机", "所属组织"],
            *[[f"王建{i}", an_id(serial=i + 1), f"139000011{i:02d}", TEAM] for i in range(rows)],
        ]
    )


def upload(client, data: bytes, *, org=None, follow=False):
    handle = io.BytesIO(data)
    handle.name = "花名册.xlsx"
    payload = {"file": handle, **({"organization": str(org.pk)} if org else {})}
    return client.post(IMPORT, payload, follow=follow)


def job_url(job: ImportJob) -> str:
    return f"/spreadsheets/roster/import/jobs/{job.pk}/"


def commit_url(job: ImportJob) -> str:
    return f"/spreadsheets/roster/import/jobs/{job.pk}/commit/"


def test_the_upload_answers_at_once_with_the_job_page_having_parsed_nothing(cast, client):
    login(client, cast.bob)
    response = upload(client, roster_file(), org=cast.xiwanzi_team)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job_url(job)
    assert job.state == "queued" and job.rows_total == 0 and job.summary == {}
    assert DBTaskResult.objects.filter(task_path__endswith="import_job_preview").count() == 1
    page = client.get(job_url(job)).content.decode()
    assert 'hx-trigger="every 1s"' in page  # the bar refreshes itself
    assert f'href="{job_url(job)}"' in page  # and without JavaScript, a link does


def test_the_worker_checks_then_writes_and_the_import_is_audited(cast, client):
    login(client, cast.bob)
    upload(client, roster_file(), org=cast.xiwanzi_team)
    job = ImportJob.objects.get()
    assert import_job_preview.call(job.pk) == "ready"
    job.refresh_from_db()
    assert (job.rows_done, job.rows_total) == (3, 3)
    preview = client.get(job_url(job))
    assert preview.templates[0].name == "people/roster_preview.html"
    assert not Volunteer.objects.exists()

    assert client.post(commit_url(job), {"consent": "on"}).status_code == 302
    assert import_job_write.call(job.pk) == "done"
    assert Volunteer.objects.count() == 3
    done = client.get(job_url(job))
    assert done.context["written"] == {"new": 3, "updated": 0, "refused": 0}
    entry = AuditEntry.objects.get(action="roster.import")
    assert entry.actor_id == cast.bob.pk and entry.via == "web"
    assert entry.changes["new"] == [None, 3]
    job.refresh_from_db()
    assert job.token == "" and job.finished_at is not None  # the sealed file is gone


def test_saving_twice_queues_one_write_and_imports_once(cast, client):
    login(client, cast.bob)
    upload(client, roster_file(), org=cast.xiwanzi_team)
    job = ImportJob.objects.get()
    import_job_preview.call(job.pk)
    client.post(commit_url(job), {"consent": "on"})
    client.post(commit_url(job), {"consent": "on"})  # a second tab, a double tap
    assert DBTaskResult.objects.filter(task_path__endswith="import_job_write").count() == 1
    assert import_job_write.call(job.pk) == "done"
    assert import_job_write.call(job.pk) == "skipped"  # a task delivered twice
    assert Volunteer.objects.count() == 3
    assert AuditEntry.objects.filter(action="roster.import").count() == 1


def test_someone_registered_between_preview_and_save_is_updated_not_added_twice(cast, client):
    login(client, cast.bob)
    upload(client, roster_file(), org=cast.xiwanzi_team)
    job = ImportJob.objects.get()
    import_job_preview.call(job.pk)  # the worker keeps the checked rows for the save
    register_volunteer(cast.bob, cast.xiwanzi_team, an_id(serial=1), "王建0", serial=1)
    client.post(commit_url(job), {"consent": "on"})
    assert import_job_write.call(job.pk) == "done"
    assert Volunteer.objects.count() == 3
    job.refresh_from_db()
    assert job.summary["written"] == {"new": 2, "updated": 1, "refused": 0}


def test_rights_lost_between_preview_and_save_write_nothing(cast, client):
    login(client, cast.bob)
    upload(client, roster_file(), org=cast.xiwanzi_team)
    job = ImportJob.objects.get()
    import_job_preview.call(job.pk)
    client.post(commit_url(job), {"consent": "on"})
    Grant.objects.filter(user=cast.bob).delete()
    assert import_job_write.call(job.pk) == "failed"
    job.refresh_from_db()
    assert job.error == "您无权导入志愿者。" and not Volunteer.objects.exists()


def test_a_worker_without_the_preview_reads_and_checks_the_file_again(cast, client, monkeypatch):
    login(client, cast.bob)
    upload(client, roster_file(), org=cast.xiwanzi_team)
    job = ImportJob.objects.get()
    import_job_preview.call(job.pk)
    import_jobs._last_checked.clear()  # another worker process, or a restart
    steps: list[str] = []
    write = import_jobs._Progress.__call__
    monkeypatch.setattr(
        import_jobs._Progress,
        "__call__",
        lambda self, step, done, total: (steps.append(step), write(self, step, done, total)),
    )
    client.post(commit_url(job), {"consent": "on"})
    assert import_job_write.call(job.pk) == "done"
    assert steps[0] == "check" and Volunteer.objects.count() == 3


def test_progress_is_written_every_so_many_rows_and_never_inside_the_write(
    cast, client, monkeypatch
):
    login(client, cast.bob)
    upload(client, roster_file(rows=5), org=cast.xiwanzi_team)
    job = ImportJob.objects.get()
    monkeypatch.setattr(importing, "PROGRESS_EVERY", 2)
    seen: list[tuple[str, str, int, int, int]] = []
    write = import_jobs._Progress.__call__

    def spy(self, step, done, total):
        write(self, step, done, total)
        row = ImportJob.objects.get(pk=job.pk)
        seen.append((row.state, step, row.rows_done, row.rows_total, len(connection.savepoint_ids)))

    monkeypatch.setattr(import_jobs._Progress, "__call__", spy)
    depth = len(connection.savepoint_ids)
    import_job_preview.call(job.pk)
    assert [s[:4] for s in seen] == [
        ("previewing", "check", 0, 5),
        ("previewing", "check", 2, 5),
        ("previewing", "check", 4, 5),
        ("previewing", "check", 5, 5),
    ]
    seen.clear()
    client.post(commit_url(job), {"consent": "on"})
    import_job_write.call(job.pk)
    assert ("committing", "prepare", 5, 5) in [s[:4] for s in seen]
    assert seen[-1][1:4] == ("write", 0, 5)
    # Never called inside the import's transaction: other connections see each figure.
    assert {s[4] for s in seen} == {depth}


def test_a_job_queued_for_over_a_minute_says_the_worker_may_not_run(cast, client):
    login(client, cast.bob)
    job = ImportJob.objects.create(owner=cast.bob, filename="花名册.xlsx")
    assert "后台任务程序" not in client.get(job_url(job)).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert "后台任务程序可能没有运行" in client.get(job_url(job)).content.decode()


def test_the_page_shows_how_far_a_running_job_got(cast, client):
    login(client, cast.bob)
    job = ImportJob.objects.create(
        owner=cast.bob, filename="花名册.xlsx", state="committing", step="write"
    )
    ImportJob.objects.filter(pk=job.pk).update(rows_done=40_000, rows_total=100_000)
    fragment = client.get(job_url(job), headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.templates[0].name == "people/_import_progress.html"
    assert 'value="40000"' in html and "40%" in html and 'hx-trigger="every 1s"' in html
    ImportJob.objects.filter(pk=job.pk).update(state="done", summary={"written": {"new": 1}})
    finished = client.get(job_url(job), headers={"HX-Request": "true"})
    assert finished.status_code == 204 and finished["HX-Refresh"] == "true"  # polling stops


def test_a_database_failure_leaves_no_partial_roster_and_says_so_in_chinese(
    cast, client, settings, monkeypatch
):
    settings.TASKS = IMMEDIATE
    login(client, cast.bob)
    job = upload(client, roster_file(), org=cast.xiwanzi_team, follow=True).context["job"]

    def refuse(**kwargs):
        raise DatabaseError("disk full")

    # The audit entry is the transaction's last write: every volunteer is in by then.
    monkeypatch.setattr(importing, "audit_record", refuse)
    page = client.post(commit_url(job), {"consent": "on"}, follow=True).content.decode()
    job.refresh_from_db()
    assert job.state == "failed" and "未写入任何数据" in job.error
    assert job.error in page
    assert not Volunteer.objects.exists()


def test_an_unreadable_file_ends_the_job_failed_with_the_reason(cast, client, settings):
    settings.TASKS = IMMEDIATE
    login(client, cast.bob)
    response = upload(client, b"not a spreadsheet at all", org=cast.xiwanzi_team, follow=True)
    job = response.context["job"]
    assert job.state == "failed" and job.error and job.token == ""
    assert job.error in response.content.decode()
    assert not Volunteer.objects.exists()


def test_nobody_but_the_owner_sees_or_saves_a_job(cast, client):
    login(client, cast.bob)
    upload(client, roster_file(), org=cast.xiwanzi_team)
    job = ImportJob.objects.get()
    import_job_preview.call(job.pk)
    for outsider in (cast.alice, cast.carol, cast.dave):
        login(client, outsider)
        assert client.get(job_url(job)).status_code == 404
        assert client.get(job_url(job), headers={"HX-Request": "true"}).status_code == 404
        assert client.post(commit_url(job), {"consent": "on"}).status_code == 404
        assert job.filename not in client.get(IMPORT).content.decode()
    job.refresh_from_db()
    assert job.state == "ready" and not Volunteer.objects.exists()
    client.logout()
    assert client.get(job_url(job)).status_code == 302  # to the login page


def test_the_upload_page_lists_recent_jobs_in_the_same_queries_for_1_or_6(cast, client):
    login(client, cast.bob)
    counts = []
    for made in (1, 5):
        for i in range(made):
            ImportJob.objects.create(owner=cast.bob, filename=f"名册{len(counts)}{i}.xlsx")
        client.get(IMPORT)  # the session and grants warm alike for both counts
        with CaptureQueriesContext(connection) as queries:
            page = client.get(IMPORT).content.decode()
        assert f"名册{len(counts)}0.xlsx" in page
        counts.append(len(queries))
    assert counts[0] == counts[1]
