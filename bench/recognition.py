"""Benchmark: recognition — reading a volunteer's star with 10,000 confirmed entries, and an
honour roll over many volunteers.

    uv run python bench/recognition.py [--entries 10000] [--people 5173] [--runs 30] [--db sqlite]

For each database (a temporary SQLite file; with ``--db postgres`` also a PostgreSQL database
`vetserve_bench_recognition` it creates and drops) it migrates, loads the divisions, makes a
county federation with a team and one activity, then:

- one volunteer with ``--entries`` records over some 1,500 service days, each confirmed (so
  2 × entries ledger rows, through the ledger's chained bulk append); times
  ``recognition.selectors.star_status`` without the dates (the star: one SUM on the ledger's
  covering index, plus the rules) and with them (the confirmed minutes per service day), and
  the page ``/recognition/me/``;
- ``--people`` volunteers with one confirmed record each, half of them consenting to
  publication; times ``honour_roll`` of the county (top 20).

Median and 95th percentile of ``--runs`` calls after 3 warm-ups. Each database runs in a child
process. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from _shared import postgres as _postgres
from _shared import postgres_admin_url as _postgres_admin_url
from _shared import timed_ms

from vetserve.core.crypto import new_key as _key

BENCH_DB = "vetserve_bench_recognition"
ROOT = Path(__file__).resolve().parent.parent


def child(entries: int, people: int, runs: int) -> dict[str, object]:
    import django

    django.setup()
    from zoneinfo import ZoneInfo

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Max
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from vetserve.accounts.models import Grant, Role, User
    from vetserve.activities.models import Activity, Status
    from vetserve.ledger.models import LedgerEntry, Source
    from vetserve.ledger.services import _chained
    from vetserve.orgs.models import Kind, Organization
    from vetserve.people.models import Consent, Volunteer
    from vetserve.recognition.selectors import honour_roll, star_status
    from vetserve.regions.models import Region
    from vetserve.regions.services import regions_load_csv

    call_command("migrate", verbosity=0)
    regions_load_csv()
    county = Region.objects.get(code="130709")
    fed = Organization.objects.create(
        name="崇礼区联合会", kind=Kind.FEDERATION, region=county, path=""
    )
    fed.path = f"/{fed.pk}/"
    fed.save(update_fields=["path"])
    team = Organization.objects.create(
        name="崇礼蓝天应急救援队", kind=Kind.SPECIALIST, region=county, parent=fed, path=""
    )
    team.path = f"{fed.path}{team.pk}/"
    team.save(update_fields=["path"])
    sh = ZoneInfo("Asia/Shanghai")
    start = datetime(2022, 2, 11, 8, tzinfo=sh)
    activity = Activity.objects.create(
        title="冬奥城市志愿服务", category="snow_ice", organization=team, region=county,
        place="太子城", starts_at=start, ends_at=start + timedelta(hours=8),
        status=Status.FINISHED,
    )  # fmt: skip

    def volunteers(n: int, prefix: str) -> list[Volunteer]:
        rows = [
            Volunteer(
                name=f"{prefix}{i}", gender="male", id_number_enc="x", id_number_masked="x",
                residence_region=county, home_org=team, region=county, status="active",
            )
            for i in range(n)
        ]  # fmt: skip
        return Volunteer.objects.bulk_create(rows, batch_size=1000)

    now = datetime.now(sh)
    base = {
        "activity_id": activity.pk, "region_id": county.pk, "attendance_id": None,
        "refers_to_id": None, "activity_name": activity.title, "place": "太子城",
        "content": "", "organizing_unit": team.name, "person_in_charge": "",
        "minutes": 60, "confirmed_minutes": 0, "reason": "", "recorded_by_id": None,
        "recorded_by_name": "bench", "recorded_at": now, "category": "snow_ice",
    }  # fmt: skip

    def confirmed(volunteer_ids: list[int], per_person: int) -> None:
        with transaction.atomic():
            rows = [
                {**base, "volunteer_id": pk, "source": Source.LEADER,
                 "minutes": 60 + (pk % 50) * 3,
                 "service_date": (day := (start + timedelta(days=i % 1500)).date()),
                 "service_year": day.year}
                for pk in volunteer_ids
                for i in range(per_person)
            ]  # fmt: skip
            made = _chained(team.pk, rows)
            _chained(
                team.pk,
                [
                    {**base, "volunteer_id": e.volunteer_id, "source": Source.CONFIRMATION,
                     "minutes": 0, "refers_to_id": e.pk, "confirmed_minutes": e.minutes,
                     "service_date": e.service_date, "service_year": e.service_year}
                    for e in made
                ],
            )  # fmt: skip

    (heavy,) = volunteers(1, "王建国")
    user = User.objects.create_user(username="heavy", password="x")  # noqa: S106
    Grant.objects.create(user=user, role=Role.VOLUNTEER, organization=team)
    Volunteer.objects.filter(pk=heavy.pk).update(user=user)
    confirmed([heavy.pk], entries)
    crowd = volunteers(people, "志愿者")
    confirmed([v.pk for v in crowd], 1)
    Consent.objects.bulk_create(
        [
            Consent(volunteer=v, purpose=Consent.Purpose.PUBLICATION, granted=True,
                    text_version="bench")
            for v in crowd[::2]
        ],
        batch_size=1000,
    )  # fmt: skip
    # Statistics, as autovacuum would gather them on a live database (PostgreSQL planned the
    # roll as a nested loop over 15,000 rows without them: 1.3 s).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    heavy = Volunteer.objects.get(pk=heavy.pk)
    status = star_status(heavy)
    assert status.confirmed_minutes == sum(
        LedgerEntry.objects.filter(volunteer=heavy).values_list("confirmed_minutes", flat=True)
    )
    # The query log keeps at most 9,000 entries and the set-up filled it: empty it before
    # each count, or the counts come out short.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as star_queries:
        star_status(heavy, with_dates=False)
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as dated_queries:
        star_status(heavy)
    if os.environ.get("BENCH_SHOW_SQL"):
        import time as _t

        for q in star_queries.captured_queries + dated_queries.captured_queries:
            with connection.cursor() as cursor:
                t0 = _t.perf_counter()
                cursor.execute(q["sql"])
                cursor.fetchall()
                print(f"{(_t.perf_counter() - t0) * 1000:.2f} ms {q['sql'][:300]}", file=sys.stderr)
    star = timed_ms(lambda: star_status(heavy, with_dates=False), runs)
    dated = timed_ms(lambda: star_status(heavy), runs)
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))
    page = timed_ms(lambda: client.get("/recognition/me/"), max(5, runs // 3))
    roll = honour_roll(region=county)
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as roll_queries:
        honour_roll(region=county)
    if os.environ.get("BENCH_SHOW_SQL"):
        import time as _t

        for q in roll_queries.captured_queries:
            with connection.cursor() as cursor:
                t0 = _t.perf_counter()
                cursor.execute(q["sql"])
                cursor.fetchall()
                ms = (_t.perf_counter() - t0) * 1000
                print(f"{ms:.2f} ms {q['sql'][:2000]}", file=sys.stderr)
                if connection.vendor == "postgresql" and ms > 50:
                    cursor.execute("EXPLAIN ANALYZE " + q["sql"])
                    print("\n".join(r[0] for r in cursor.fetchall()), file=sys.stderr)
    rolled = timed_ms(lambda: honour_roll(region=county), max(5, runs // 3))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        version = cursor.fetchone()[0]
    return {
        "vendor": connection.vendor,
        "version": version,
        "rows": LedgerEntry.objects.filter(volunteer=heavy).count(),
        "days": LedgerEntry.objects.filter(volunteer=heavy)
        .values("service_date")
        .distinct()
        .count(),
        "level": status.level,
        "star": star,
        "star_queries": len(star_queries.captured_queries),
        "dated": dated,
        "dated_queries": len(dated_queries.captured_queries),
        "page": page,
        "people": people,
        "roll_lines": len(roll.lines),
        "roll_top": roll.lines[0].minutes if roll.lines else 0,
        "roll": rolled,
        "roll_queries": len(roll_queries.captured_queries),
        "max_seq": LedgerEntry.objects.aggregate(n=Max("seq"))["n"],
    }


def run_child(db: str, entries: int, people: int, runs: int, workdir: Path) -> dict[str, object]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="vetserve.settings",
        VETSERVE_DEBUG="0",
        VETSERVE_SECRET_KEY=_key(),
        VETSERVE_DATA_KEYS=f"b1:{_key()}",
        VETSERVE_DATA_KEY_ID="b1",
        VETSERVE_BLIND_INDEX_KEY=_key(),
        VETSERVE_VAR_DIR=str(workdir / db),
        VETSERVE_ALLOWED_HOSTS="testserver",
        VETSERVE_STATIC_MANIFEST="0",
    )
    if db == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        base = _postgres_admin_url().rsplit("/", 1)[0]
        env["DATABASE_URL"] = f"{base}/{BENCH_DB}"
        _postgres(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        _postgres(f"CREATE DATABASE {BENCH_DB}")
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--child", "--entries", str(entries),
             "--people", str(people), "--runs", str(runs)],
            env=env, cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
    finally:
        if db == "postgres":
            _postgres(f"DROP DATABASE IF EXISTS {BENCH_DB}")
    if done.returncode != 0:
        raise SystemExit(f"{db} failed:\n{done.stderr[-3000:]}")
    if os.environ.get("BENCH_SHOW_SQL"):
        print(done.stderr[-5000:])
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=5_173)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        print(json.dumps(child(args.entries, args.people, args.runs)))
        return 0
    with tempfile.TemporaryDirectory(prefix="vetserve-bench-recognition-") as tmp:
        for db in args.db.split(","):
            r = run_child(db, args.entries, args.people, args.runs, Path(tmp))
            print(f"\n{r['vendor']} {r['version']}")
            print("| measure | queries | median | p95 |")
            print("|---|---|---|---|")
            print(
                f"| star of one volunteer, {r['rows']:,} ledger rows ({r['level']}★) | "
                f"{r['star_queries']} | {r['star'][0]:.2f} ms | {r['star'][1]:.2f} ms |"  # type: ignore[index]
            )
            print(
                f"| star with dates reached ({r['days']:,} service days) | "
                f"{r['dated_queries']} | {r['dated'][0]:.2f} ms | {r['dated'][1]:.2f} ms |"  # type: ignore[index]
            )
            print(
                f"| page /recognition/me/ | — | {r['page'][0]:.1f} ms | {r['page'][1]:.1f} ms |"  # type: ignore[index]
            )
            print(
                f"| honour roll of the county, {r['people']:,} people (half consenting), "
                f"top {r['roll_lines']} | {r['roll_queries']} | {r['roll'][0]:.1f} ms | "
                f"{r['roll'][1]:.1f} ms |"  # type: ignore[index]
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
