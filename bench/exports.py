"""Benchmark: roster exports of 5,000 and 50,000 rows, CSV streamed and .xlsx in the background.

    uv run python bench/exports.py [--rows 5000,50000] [--runs 3]

For each size: a fresh SQLite database in a child process (settings are read once per
process), migrated, the divisions loaded, and the volunteers of bench/roster_list.py's
``build`` (fictitious, valid, distinct numbers encrypted as the services do; every second one
with a badge). Logged in as the city administrator, who sees all of them, it measures through
`django.test.Client` in the same process (server time, no network):

- **CSV, streamed** (`GET /spreadsheets/roster/export/?format=csv`): the time until the view
  returns (the first byte can go out), until the first 500 rows are out, and until the last
  byte — one of gunicorn's worker threads is busy sending until then; peak Python memory
  (tracemalloc) over the whole download.
- **.xlsx, background**: the request's time (check, count, audit entry, job, enqueue: what
  holds the web worker), then the task worker's time to write the workbook
  (`export_job_run`), and its peak memory.
- **before**, for comparison: the whole .xlsx and the whole CSV built in the request, as
  every export did until now.

Medians of ``--runs`` runs for times; memory from one extra run under tracemalloc (which
slows everything, so its times are not used). Not a test: nothing here fails a build.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vetserve.core.crypto import new_key as _key

ROOT = Path(__file__).resolve().parent.parent
EXPORT = "/spreadsheets/roster/export/"


def _timed(runs: int, work: Callable[[], dict[str, float]]) -> dict[str, float]:
    samples = [work() for _ in range(runs)]
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]}


def _peak(work: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def child(rows: int, runs: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from vetserve.accounts.models import User
    from vetserve.people.export_jobs import export_job_run
    from vetserve.people.exporting import roster_export
    from vetserve.people.models import ExportJob
    from vetserve.regions.services import regions_load_csv

    sys.path.insert(0, str(ROOT / "bench"))
    from roster_list import build  # a sibling script, not a package

    call_command("migrate", verbosity=0)
    regions_load_csv()
    build(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    admin = User.objects.get(username="bench-city-admin")
    client = Client()
    client.force_login(admin)

    def csv_streamed() -> dict[str, float]:
        began = time.perf_counter()
        response = client.get(EXPORT, {"format": "csv"})
        returned = time.perf_counter()
        chunks = iter(response.streaming_content)
        size = len(next(chunks))  # the byte-order mark
        size += len(next(chunks))  # the header and the first 500 rows
        first = time.perf_counter()
        size += sum(len(c) for c in chunks)
        response.close()
        end = time.perf_counter()
        assert response.status_code == 200 and size > 0
        return {
            "view": (returned - began) * 1000,
            "first_rows": (first - began) * 1000,
            "total": (end - began) * 1000,
        }

    def xlsx_background() -> dict[str, float]:
        began = time.perf_counter()
        response = client.get(EXPORT, {"format": "xlsx"})
        requested = time.perf_counter()
        assert response.status_code == 302, response.status_code
        job = ExportJob.objects.latest("created_at")
        export_job_run(str(job.pk))
        written = time.perf_counter()
        return {
            "request": (requested - began) * 1000,
            "worker": (written - requested) * 1000,
        }

    def xlsx_before() -> dict[str, float]:
        began = time.perf_counter()
        roster_export(actor=admin, fmt="xlsx").content()
        return {"total": (time.perf_counter() - began) * 1000}

    def csv_before() -> dict[str, float]:
        began = time.perf_counter()
        roster_export(actor=admin, fmt="csv").content()
        return {"total": (time.perf_counter() - began) * 1000}

    def worker_only() -> None:
        client.get(EXPORT, {"format": "xlsx"})
        export_job_run(str(ExportJob.objects.latest("created_at").pk))

    csv_streamed()  # warm up (templates, translations, the first connection)
    result = {
        "rows": rows,
        "csv": _timed(runs, csv_streamed),
        "xlsx": _timed(runs, xlsx_background),
        "xlsx_before": _timed(runs, xlsx_before),
        "csv_before": _timed(runs, csv_before),
        "csv_peak_mb": _peak(csv_streamed),
        "xlsx_worker_peak_mb": _peak(worker_only),
        "xlsx_before_peak_mb": _peak(xlsx_before),
        "csv_before_peak_mb": _peak(csv_before),
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()")
        result["sqlite"] = cursor.fetchone()[0]
    return result


def run_child(rows: int, runs: int, workdir: Path) -> dict[str, Any]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="vetserve.settings",
        VETSERVE_DEBUG="0",  # DEBUG would keep every query in memory
        VETSERVE_SECRET_KEY=_key(),
        VETSERVE_DATA_KEYS=f"b1:{_key()}",
        VETSERVE_DATA_KEY_ID="b1",
        VETSERVE_BLIND_INDEX_KEY=_key(),
        VETSERVE_VAR_DIR=str(workdir / f"var-{rows}"),
        VETSERVE_ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{workdir / f'bench-{rows}.sqlite3'}",
    )
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--rows", str(rows), "--runs", str(runs)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{rows} rows failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rows", default="5000,50000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        print(json.dumps(child(int(args.rows), args.runs)))
        return 0
    results = []
    with tempfile.TemporaryDirectory(prefix="vetserve-bench-exports-") as tmp:
        for rows in (int(r) for r in args.rows.split(",")):
            results.append(run_child(rows, args.runs, Path(tmp)))
    print(f"\nSQLite {results[0]['sqlite']}, medians of {args.runs} runs, ms; peak MiB\n")
    print("| rows | export | view returns | first 500 rows | last byte | peak MiB |")
    print("|---:|---|---:|---:|---:|---:|")
    for r in results:
        n = f"{r['rows']:,}"
        c, x = r["csv"], r["xlsx"]
        print(
            f"| {n} | CSV, streamed | {c['view']:.0f} | {c['first_rows']:.0f} | "
            f"{c['total']:.0f} | {r['csv_peak_mb']:.1f} |"
        )
        print(
            f"| {n} | .xlsx, background | {x['request']:.0f} | — | "
            f"{x['request'] + x['worker']:.0f} (worker {x['worker']:.0f}) | "
            f"{r['xlsx_worker_peak_mb']:.1f} (worker) |"
        )
        print(
            f"| {n} | CSV, whole file (before) | {r['csv_before']['total']:.0f} | — | "
            f"{r['csv_before']['total']:.0f} | {r['csv_before_peak_mb']:.1f} |"
        )
        print(
            f"| {n} | .xlsx in the request (before) | {r['xlsx_before']['total']:.0f} | — | "
            f"{r['xlsx_before']['total']:.0f} | {r['xlsx_before_peak_mb']:.1f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
