"""The roster import in the background (issue 14): the upload answers at once, a worker reads
and checks the file (the preview), and, once its owner confirms, writes it.

`import_job_create` seals the file in the upload store, records an `ImportJob` and queues
`import_job_preview`; `import_job_commit` moves a job that is ready to "committing" (once: a
second click finds it no longer ready) and queues `import_job_write`. Both tasks run
`importing.roster_import`, the same function the command and the benchmark use (the write
`importing.roster_write_checked` instead when this worker still holds the preview's checked
rows), and write their progress to the job row every `importing.PROGRESS_EVERY` rows, always
outside the import's one transaction, which holds the inserts alone (docs/decisions/0008).
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from vetserve.accounts.models import User
from vetserve.core.access import Actor, access_own, may_change_org, may_change_somewhere, own_rows
from vetserve.core.context import Client, client_context
from vetserve.orgs.models import Organization
from vetserve.people.importing import ImportReport, roster_import, roster_write_checked
from vetserve.people.models import IMPORT_JOB_ERROR_MAX, IMPORT_JOB_ROWS, ImportJob
from vetserve.spreadsheets.previews import preview_context
from vetserve.spreadsheets.uploads import MAX_AGE_SECONDS, upload_read, upload_remove

logger = logging.getLogger(__name__)

# The last preview this worker process checked: (job id, file's sha256, when, report). Saving
# that job then skips reading and checking the file again (15 of 35 s for 100,000 rows,
# docs/benchmarks.md); any other worker, a restart or another preview meanwhile means the
# file is read and checked again. One report at most, so a worker holds one roster's rows.
_last_checked: dict[str, Any] = {}

State = ImportJob.State


# --- reads ----------------------------------------------------------------------------------


def import_job_access(actor: Actor | None, job_id: int) -> ImportJob:
    """One job of the actor's own (a superuser: anyone's), or Http404."""
    return access_own(ImportJob.objects.select_related("organization"), actor, pk=job_id)


def import_job_list(actor: Actor | None, *, limit: int = 10) -> QuerySet[ImportJob]:
    """The actor's latest jobs, for the upload page (a fixed, small number: no paging)."""
    return own_rows(actor, ImportJob.objects.filter(owner_id=getattr(actor, "pk", None)))[:limit]


# --- writes ---------------------------------------------------------------------------------


def import_job_create(
    *, actor: User, token: str, filename: str, organization: Organization | None
) -> ImportJob:
    """Record a job for an upload already sealed under ``token`` and queue its preview."""
    if not may_change_somewhere(actor):
        raise PermissionDenied(_("You may not import volunteers."))
    if organization is not None and not may_change_org(actor, organization):
        raise PermissionDenied(_("You may not manage volunteers of this organization."))
    job = ImportJob.objects.create(
        owner=actor, token=token, filename=filename[:200], organization=organization
    )
    import_job_preview.enqueue(job.pk)
    return job


def import_job_commit(*, actor: User, job: ImportJob, client: Client) -> bool:
    """Queue the write of a previewed job. False when the job is not ready (being saved or
    saved already: a second click, a second tab), so nothing is imported twice."""
    summary = {**job.summary, "client": [client.ip, client.user_agent[:200], client.via]}
    started = ImportJob.objects.filter(pk=job.pk, owner=actor, state=State.READY).update(
        state=State.COMMITTING,
        step="",
        rows_done=0,
        rows_total=0,
        summary=summary,
        updated_at=timezone.now(),
    )
    if started:
        import_job_write.enqueue(job.pk)
    return bool(started)


# --- the background work --------------------------------------------------------------------


class _Progress:
    """Writes how far a job got: one UPDATE per call (the import calls every 2,000 rows)."""

    def __init__(self, job: ImportJob, state: str) -> None:
        self.job, self.state = job, state

    def __call__(self, step: str, done: int, total: int) -> None:
        total = min(total, IMPORT_JOB_ROWS.high)
        fields: dict[str, Any] = {
            "rows_done": min(done, total),
            "rows_total": total,
            "updated_at": timezone.now(),
        }
        if self.state == State.COMMITTING:
            fields["step"] = step
        else:
            fields["state"] = State.PREVIEWING
        ImportJob.objects.filter(pk=self.job.pk).update(**fields)


def _outcome(summary: dict[str, Any], **more: Any) -> dict[str, Any]:
    """What a finished job keeps: the counts, not the rows the preview listed (names and masked
    numbers have no business outliving the import)."""
    return {"report": summary.get("report", {}), **more}


def _fail(job: ImportJob, message: str) -> None:
    if job.token:
        upload_remove(job.token)
    ImportJob.objects.filter(pk=job.pk).update(
        state=State.FAILED,
        error=message[:IMPORT_JOB_ERROR_MAX],
        summary=_outcome(job.summary),
        token="",
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def _load(job_id: int, state: str) -> ImportJob | None:
    job = ImportJob.objects.select_related("owner", "organization").filter(pk=job_id).first()
    if job is None or job.state != state:
        return None  # gone, or run already (a task delivered twice does nothing twice)
    return job


@task()
def import_job_preview(job_id: int) -> str:
    """Read and check the job's file; leave the preview on the job, ready to save."""
    with translation.override(settings.LANGUAGE_CODE):
        job = _load(job_id, State.QUEUED)
        if job is None:
            return "skipped"
        _last_checked.clear()
        ImportJob.objects.filter(pk=job.pk).update(
            state=State.INSPECTING, updated_at=timezone.now()
        )
        report = _run(job, State.PREVIEWING, commit=False)
        if report is None:
            return State.FAILED
        if report.file_errors:
            _fail(job, "".join(report.file_errors))
            return State.FAILED
        _last_checked.update(job=job.pk, sha256=report.sha256, at=time.time(), report=report)
        ImportJob.objects.filter(pk=job.pk).update(
            state=State.READY,
            summary=_preview_summary(report),
            updated_at=timezone.now(),
        )
        return State.READY


@task()
def import_job_write(job_id: int) -> str:
    """Check the job's file again and write it in one transaction; or nothing, and say why."""
    with translation.override(settings.LANGUAGE_CODE):
        job = _load(job_id, State.COMMITTING)
        if job is None:
            return "skipped"
        ip, agent, via = job.summary.get("client") or [None, "", "web"]
        with client_context(Client(ip=ip, user_agent=agent, via=via)):
            report = _run(job, State.COMMITTING, commit=True)
        if report is None:
            return State.FAILED
        if report.file_errors or not report.committed:
            _fail(job, "".join(report.file_errors) or _("Nothing was written."))
            return State.FAILED
        upload_remove(job.token)
        counts = {"new": report.new, "updated": report.updated, "refused": report.refused}
        ImportJob.objects.filter(pk=job.pk).update(
            state=State.DONE,
            summary=_outcome(job.summary, written=counts),
            token="",
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        return State.DONE


def _run(job: ImportJob, state: str, *, commit: bool) -> ImportReport | None:
    """Run the import for the job's owner; on failure mark the job failed, return None."""
    stored = upload_read(job.token, user_id=job.owner_id)
    if stored is None:
        _fail(job, _("The upload has expired (after an hour); upload the file again."))
        return None
    checked = _checked_report(job, stored.data) if commit else None
    try:
        if checked is not None:
            return roster_write_checked(
                actor=job.owner,
                report=checked,
                default_org=job.organization,
                progress=_Progress(job, state),
            )
        return roster_import(
            actor=job.owner,
            data=stored.data,
            filename=job.filename,
            default_org=job.organization,
            commit=commit,
            progress=_Progress(job, state),
        )
    except PermissionDenied as exc:
        _fail(job, str(exc))
    except DatabaseError:
        logger.exception("roster import job %s: the database refused the import", job.pk)
        _fail(
            job,
            _("The database refused the import; nothing was written. Try again, or ask for help."),
        )
    except Exception:
        logger.exception("roster import job %s failed", job.pk)
        _fail(job, _("The import failed; nothing was written. Try again, or ask for help."))
    return None


def _checked_report(job: ImportJob, data: bytes) -> ImportReport | None:
    """This job's preview, if this process still holds it for exactly these bytes, checked
    within the upload's hour; taken, so it is used once."""
    held = dict(_last_checked)
    _last_checked.clear()
    if (
        held.get("job") != job.pk
        or held.get("sha256") != hashlib.sha256(data).hexdigest()
        or time.time() - held.get("at", 0) > MAX_AGE_SECONDS
    ):
        return None
    report: ImportReport = held["report"]
    return report


def _preview_summary(report: ImportReport) -> dict[str, Any]:
    """What the preview page shows, as plain data the job row keeps (no values of a row but
    its number, name, masked ID number, organization, action and problems)."""
    context = preview_context(report)

    def row(r: Any) -> dict[str, Any]:
        return {
            "row_number": r.row_number,
            "name": r.name,
            "id_masked": r.id_masked,
            "organization": r.organization,
            "action": r.action,
            "changes": r.changes,
            "errors": r.errors,
        }

    return {
        "report": {
            "filename": report.filename,
            "sheet": report.sheet,
            "header_row": report.header_row,
            "file_errors": report.file_errors,
            "new": report.new,
            "updated": report.updated,
            "refused": report.refused,
        },
        "ignored_columns": context["ignored_columns"],
        "ignored_hidden": context["ignored_hidden"],
        "cell_chars": context["cell_chars"],
        "problems": [row(r) for r in context["problems"]],
        "problems_hidden": context["problems_hidden"],
        "good": [row(r) for r in context["good"]],
        "good_hidden": context["good_hidden"],
        "can_commit": context["can_commit"],
    }
