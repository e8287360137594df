"""Benchmark: peak memory of the upload path on hostile office files.

    uv run python bench/hostile_files.py [--only NAME] [--control-rows 100000]

Generates each hostile file in memory (`tests/spreadsheets/hostile.py`; nothing is committed
as a binary), and for each runs the whole upload path of the roster import in a fresh child
process: inspect, read, find the header, check every row, build the preview's context
(`people.importing.roster_import` then `spreadsheets.previews.preview_context`), without a
database write. The child reports its peak resident memory (``ru_maxrss``) and its own time;
it runs under a 4 GB address-space limit, so that a file that would take the machine down
fails alone ("killed" in the table). A plain 100,000-row roster is the control: it must be
accepted. Target: at most 200 MB on every hostile file. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MB = 200
CHILD_LIMIT_BYTES = 4 * 1024**3


def files(control_rows: int) -> dict[str, bytes]:
    from tests.spreadsheets import hostile

    return {
        "dimension declared A1:XFD1048576": hostile.declared_dimension_bomb(),
        "cell at XFD1048576": hostile.far_cell_bomb(),
        "cells without position, 16,384 columns": hostile.implicit_column_bomb(),
        "shared string 4 MB x 500": hostile.shared_string_bomb(),
        "shared string 30,000 chars x 20,000": hostile.shared_string_reuse(),
        "uniqueCount 10^12": hostile.unique_count_bomb(),
        "zip bomb 200 MB of one part": hostile.zip_bomb(200),
        "deep XML, 100,000 levels": hostile.deep_shared_strings(),
        "many sheets (500)": hostile.many_sheets(500),
        "CSV, 1,000,000 columns": hostile.wide_csv(),
        "CSV, field of 131,073 chars": hostile.long_field_csv(),
        "xls, cell at IV65536": hostile.xls_far_cell(),
        "xls, 4 billion rows declared": hostile.xls_declared_dimension_bomb(),
        f"control: roster {control_rows:,} x 17": _control(control_rows),
    }


def _control(rows: int) -> bytes:
    sys.path.insert(0, str(ROOT / "bench"))
    from import_roster import generate

    return generate(rows)


def child(path: str) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_LIMIT_BYTES, CHILD_LIMIT_BYTES))
    import django

    django.setup()
    from django.core.management import call_command

    from vetserve.accounts.models import User
    from vetserve.people.importing import roster_import
    from vetserve.spreadsheets.previews import preview_context

    data = Path(path).read_bytes()
    # The import checks rows against the roster: a fresh database (in the bench's folder).
    call_command("migrate", verbosity=0)
    actor = User.objects.get_or_create(username="bench", is_superuser=True)[0]
    started = time.perf_counter()
    report = roster_import(actor=actor, data=data, filename="upload")
    preview_context(report)
    elapsed = time.perf_counter() - started
    outcome = (
        "refused: " + report.file_errors[0]
        if report.file_errors
        else f"accepted: {len(report.rows):,} rows"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"outcome": outcome, "peak_mb": peak, "seconds": elapsed}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="")
    parser.add_argument("--control-rows", type=int, default=100_000)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vetserve.settings",
        "VETSERVE_DEBUG": "1",
    }
    var = tempfile.mkdtemp(prefix="vetserve-bench-")
    env["VETSERVE_VAR_DIR"] = var
    env["DATABASE_URL"] = f"sqlite:///{var}/bench.sqlite3"
    # Baseline: the same child on an empty CSV, for what Django and the app cost alone.
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        cases = {"baseline: empty CSV": b"\xef\xbb\xbf"} | files(args.control_rows)
        for name, data in cases.items():
            if args.only and args.only not in name:
                continue
            path = Path(folder) / "file"
            path.write_bytes(data)
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(path)],
                capture_output=True,
                text=True,
                env=env,
                cwd=ROOT,
            )
            wall = time.perf_counter() - started
            if done.returncode == 0 and done.stdout.strip():
                result = json.loads(done.stdout.strip().splitlines()[-1])
            else:
                tail = (done.stderr.strip().splitlines() or ["?"])[-1][:60]
                result = {"outcome": f"killed ({tail})", "peak_mb": float("nan"), "seconds": wall}
            rows.append((name, len(data), result))
            print(
                f"{name:40} {len(data):>12,} B  {result['peak_mb']:8.0f} MB  "
                f"{result['seconds']:6.2f} s  {result['outcome'][:90]}",
                flush=True,
            )
    print()
    print("| file | size | outcome | peak MB | s |")
    print("|---|---:|---|---:|---:|")
    for name, size, result in rows:
        print(
            f"| {name} | {size:,} B | {result['outcome']} | {result['peak_mb']:.0f} | "
            f"{result['seconds']:.2f} |"
        )
    hostile = [r for n, _s, r in rows if not n.startswith(("control", "baseline"))]
    worst = max((r["peak_mb"] for r in hostile), default=0.0)
    verdict = "pass" if worst <= TARGET_MB else "FAIL"
    print(f"\nworst hostile file: {worst:.0f} MB peak (target ≤ {TARGET_MB} MB): {verdict}")


if __name__ == "__main__":
    main()
