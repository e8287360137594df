"""Roster exports written in the background (issue 14): an .xlsx can't be streamed, and a
streamed CSV holds a worker's thread until its last byte (12 s for 50,000 rows), so past
``BACKGROUND_ROWS`` rows either becomes a job: no export holds a worker for more than about
half a second.

The request checks, counts and writes the audit entry (``roster_export``), then leaves a job
row and a task; the worker writes the workbook as the requester (their scope, their full-
numbers choice), counting its progress per chunk of rows; the file is sealed with the data
key (AES-GCM, bound to the job) and kept in the shared database (``core.sealed_files``: any
app server behind a balancer can hand it over), and fetched by the requester alone
(``core.access.may_fetch_export``). After ``MAX_AGE_SECONDS`` the file is removed and the job
marked expired: at every new job, and by the ``purge_exports`` task.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from vetserve.core.access import Actor, may_fetch_export
from vetserve.core.crypto import DecryptionError, seal, unseal
from vetserve.core.sealed_files import sealed_get, sealed_purge, sealed_put
from vetserve.orgs.models import Organization
from vetserve.people.exporting import CHUNK_ROWS, ExportFilters, RosterExport, roster_rows
from vetserve.people.models import ExportJob, ExportJobState
from vetserve.regions.models import Region
from vetserve.spreadsheets.writers import csv_bytes, xlsx_bytes

# More rows than this, in either format: written in the background (about half a second of
# a worker's time on the benchmark machine, bench/exports.py).
BACKGROUND_ROWS = 2000
MAX_AGE_SECONDS = 3600


def _name(job: ExportJob) -> str:
    return f"export:{job.pk}"


def _context(job: ExportJob) -> str:
    return f"people.export:{job.pk}"


def needs_background(exported: RosterExport) -> bool:
    return exported.rows > BACKGROUND_ROWS


def export_job_start(
    *, actor: Actor, exported: RosterExport, filters: ExportFilters, reveal: bool
) -> ExportJob:
    """The job for an export ``roster_export`` approved and recorded; its task runs once the
    job row is committed."""
    purge_expired_exports()
    params = {
        "search": filters.search,
        "region": filters.region.pk if filters.region else None,
        "org": filters.organization.pk if filters.organization else None,
        "status": filters.status,
        "reveal": reveal,
    }
    job = ExportJob(
        requested_by_id=actor.pk,
        fmt=exported.fmt,
        rows_total=exported.rows,
        filename=exported.filename,
    )
    job.params_sealed = seal(json.dumps(params).encode(), context=_context(job))
    job.save()

    transaction.on_commit(lambda: roster_export_run.enqueue(str(job.pk)))
    return job


def export_job_run(job_id: str) -> str:
    """Write the job's workbook; its state at the end."""
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    if job.state != ExportJobState.QUEUED:
        return str(job.state)
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJobState.RUNNING)
    try:
        params = json.loads(unseal(bytes(job.params_sealed), context=_context(job)))
        filters = ExportFilters(
            search=params["search"],
            region=Region.objects.filter(pk=params["region"]).first() if params["region"] else None,
            organization=Organization.objects.filter(pk=params["org"]).first()
            if params["org"]
            else None,
            status=params["status"],
        )
        titles, lines = roster_rows(
            actor=job.requested_by, filters=filters, reveal=bool(params["reveal"])
        )
        rows = _counted(job, lines)
        if job.fmt == "csv":
            content = csv_bytes(titles, rows)
        else:
            content = xlsx_bytes(_("Volunteers"), titles, rows)
        sealed_put(_name(job), seal(content, context=_context(job)))
    except Exception:
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJobState.FAILED, finished_at=timezone.now()
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJobState.DONE, rows_done=job.rows_total, finished_at=timezone.now()
    )
    return str(ExportJobState.DONE)


def _counted(job: ExportJob, lines: Iterator[list[str]]) -> Iterator[list[str]]:
    """The rows, the job's progress written once per chunk (one UPDATE per 2,000 rows)."""
    for done, line in enumerate(lines, start=1):
        yield line
        if done % CHUNK_ROWS == 0:
            # Rows registered since the count may make more; the bar stops at the total.
            ExportJob.objects.filter(pk=job.pk).update(rows_done=min(done, job.rows_total))


def access_export_job(user: Actor | None, job_id: Any) -> ExportJob:
    """The job, for its requester only; Http404 alike for "not yours" and "no such job"."""
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None or not may_fetch_export(user, job):
        raise Http404
    return job


def export_job_file(job: ExportJob) -> bytes | None:
    """The finished file, or None (not done, expired, or unreadable)."""
    if job.state != ExportJobState.DONE:
        return None
    sealed = sealed_get(_name(job))
    if sealed is None:
        return None
    try:
        return unseal(sealed, context=_context(job))
    except DecryptionError:
        return None


def purge_expired_exports(now: float | None = None) -> int:
    """Remove files older than an hour and mark their jobs expired; the number of files."""
    ahead = 0.0 if now is None else now - time.time()  # tests move the clock forward
    removed = sealed_purge("export:", older_than_seconds=int(MAX_AGE_SECONDS - ahead))
    cutoff = timezone.now() + timedelta(seconds=ahead) - timedelta(seconds=MAX_AGE_SECONDS)
    ExportJob.objects.filter(state=ExportJobState.DONE, finished_at__lt=cutoff).update(
        state=ExportJobState.EXPIRED
    )
    return removed


# The tasks themselves (listed in people/tasks.py with the app's other background work).


@task()
def roster_export_run(job_id: str) -> str:
    """Write one background roster export."""
    return export_job_run(job_id)


@task()
def purge_exports() -> int:
    """Remove background exports older than an hour (docs/operations.md, retention)."""
    return purge_expired_exports()
