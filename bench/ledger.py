"""Benchmark: the hours ledger — a volunteer's balance with 10,000 entries, and 5,173 closed
stays (the check-in burst's people) turned into entries.

    uv run python bench/ledger.py [--entries 10000] [--stays 5173] [--runs 30] [--db sqlite]

For each database (a temporary SQLite file; with ``--db postgres`` also a PostgreSQL database
`vetserve_bench_ledger` it creates and drops) it migrates, loads the divisions, makes a county
federation with a team and one activity with one shift, then:

- ``--stays`` volunteers (bulk-inserted, minimal records), each signed up and with one closed
  stay of 4 h; times ``ledger.services.ledger_from_attendance`` turning them into chained
  entries (and a second run, which must find nothing to do);
- one volunteer with ``--entries`` entries of their own (through the same chained bulk append),
  one in ten confirmed; times ``ledger.selectors.volunteer_balance`` as the volunteer (their own
  scope) and as the county administrator (a region scope): median and 95th percentile of
  ``--runs`` calls after 3 warm-ups, and the page ``/ledger/me/`` through the test client.

Targets (issue 15): balance ≤ 10 ms, 5,173 stays → entries ≤ 3 s. Each database runs in a child
process. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from _shared import postgres as _postgres
from _shared import postgres_admin_url as _postgres_admin_url
from _shared import timed_ms

from vetserve.core.crypto import new_key as _key

BALANCE_MS = 10.0
CONVERT_S = 3.0
BENCH_DB = "vetserve_bench_ledger"
ROOT = Path(__file__).resolve().parent.parent


def child(entries: int, stays: int, runs: int) -> dict[str, object]:
    import django

    django.setup()
    from zoneinfo import ZoneInfo

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from vetserve.accounts.models import Grant, Role, User
    from vetserve.activities.models import Activity, Shift, SignUp, SignUpState, Status
    from vetserve.attendance.models import Attendance, Method
    from vetserve.ledger.models import LedgerEntry, Source
    from vetserve.ledger.selectors import volunteer_balance
    from vetserve.ledger.services import _chained, ledger_from_attendance
    from vetserve.orgs.models import Kind, Organization
    from vetserve.people.models import Volunteer
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
    shift = Shift.objects.create(
        activity=activity, post="东门", starts_at=start, ends_at=start + timedelta(hours=8),
        max_people=stays + 1, wanted_people=stays,
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

    people = volunteers(stays, "志愿者")
    signups = SignUp.objects.bulk_create(
        [SignUp(shift=shift, volunteer=v, state=SignUpState.CONFIRMED) for v in people],
        batch_size=1000,
    )
    Attendance.objects.bulk_create(
        [
            Attendance(
                signup=s, shift=shift, volunteer_id=s.volunteer_id, region=county,
                organization=team, in_at=start, in_method=Method.POST_QR, in_key=uuid.uuid4(),
                out_at=start + timedelta(hours=4), out_method=Method.SELF, minutes=240,
            )
            for s in signups
        ],
        batch_size=1000,
    )  # fmt: skip
    started = time.perf_counter()
    made = ledger_from_attendance()
    convert_s = time.perf_counter() - started
    started = time.perf_counter()
    again = ledger_from_attendance()
    again_s = time.perf_counter() - started

    # One volunteer with many entries of their own.
    (heavy,) = volunteers(1, "王建国")
    user = User.objects.create_user(username="heavy", password="x")  # noqa: S106
    Grant.objects.create(user=user, role=Role.VOLUNTEER, organization=team)
    Volunteer.objects.filter(pk=heavy.pk).update(user=user)
    admin = User.objects.create_user(username="county", password="x")  # noqa: S106
    Grant.objects.create(user=admin, role=Role.COUNTY_ADMIN, region=county)
    now = datetime.now(sh)
    base = {
        "volunteer_id": heavy.pk, "activity_id": activity.pk, "region_id": county.pk,
        "attendance_id": None, "refers_to_id": None, "activity_name": activity.title,
        "place": "太子城", "content": "", "organizing_unit": team.name,
        "person_in_charge": "", "minutes": 60, "confirmed_minutes": 0, "reason": "",
        "recorded_by_id": None,
        "recorded_by_name": "bench", "recorded_at": now,
    }  # fmt: skip
    categories = ["snow_ice", "first_aid", "traffic", "checkpoint"]
    with transaction.atomic():
        rows = [
            {**base, "source": Source.LEADER, "category": categories[i % 4],
             "service_date": (day := (start + timedelta(days=i % 1500)).date()),
             "service_year": day.year}
            for i in range(entries)
        ]  # fmt: skip
        made_heavy = _chained(team.pk, rows)
        confirmations = [
            {**base, "source": Source.CONFIRMATION, "minutes": 0, "refers_to_id": e.pk,
             "confirmed_minutes": e.minutes, "category": e.category,
             "service_date": e.service_date, "service_year": e.service_year}
            for e in made_heavy[::10]
        ]  # fmt: skip
        _chained(team.pk, confirmations)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    heavy = Volunteer.objects.get(pk=heavy.pk)
    user = User.objects.get(pk=user.pk)
    admin = User.objects.get(pk=admin.pk)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        check = volunteer_balance(user=user, volunteer=heavy)
    plan = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            if connection.vendor == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                plan.append([query["sql"], [row[-1] for row in cursor.fetchall()]])
    assert check.total == entries * 60, check
    own = timed_ms(lambda: volunteer_balance(user=user, volunteer=heavy), runs)
    county_admin = timed_ms(lambda: volunteer_balance(user=admin, volunteer=heavy), runs)
    client = Client()
    client.force_login(user)
    page = timed_ms(lambda: client.get("/ledger/me/"), max(5, runs // 3))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        version = cursor.fetchone()[0]
    return {
        "vendor": connection.vendor,
        "version": version,
        "stays": stays,
        "made": made,
        "convert_s": convert_s,
        "again": again,
        "again_s": again_s,
        "entries": LedgerEntry.objects.filter(volunteer=heavy).count(),
        "own": own,
        "county_admin": county_admin,
        "page": page,
        "plan": plan,
    }


def run_child(db: str, entries: int, stays: int, runs: int, workdir: Path) -> dict[str, object]:
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
        VETSERVE_STATIC_MANIFEST="0",  # no collectstatic for a benchmark
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
             "--stays", str(stays), "--runs", str(runs)],
            env=env, cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
    finally:
        if db == "postgres":
            _postgres(f"DROP DATABASE IF EXISTS {BENCH_DB}")
    if done.returncode != 0:
        raise SystemExit(f"{db} failed:\n{done.stderr[-3000:]}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--stays", type=int, default=5_173)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--explain", action="store_true", help="print the balance's plan")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        print(json.dumps(child(args.entries, args.stays, args.runs)))
        return 0
    ok = True
    with tempfile.TemporaryDirectory(prefix="vetserve-bench-ledger-") as tmp:
        for db in args.db.split(","):
            r = run_child(db, args.entries, args.stays, args.runs, Path(tmp))
            convert_ok = float(r["convert_s"]) <= CONVERT_S  # type: ignore[arg-type]
            own_ok = r["own"][0] <= BALANCE_MS  # type: ignore[index]
            ok = ok and convert_ok and own_ok
            print(f"\n{r['vendor']} {r['version']}")
            print("| measure | median | p95 | target |")
            print("|---|---|---|---|")
            print(
                f"| {r['stays']:,} closed stays → {r['made']:,} entries | "
                f"{float(r['convert_s']):.2f} s | | ≤ {CONVERT_S:g} s: "  # type: ignore[arg-type]
                f"{'pass' if convert_ok else 'FAIL'} |"
            )
            print(f"| the same run again (nothing to do: {r['again']}) | "
                  f"{float(r['again_s']):.2f} s | | |")  # type: ignore[arg-type]  # fmt: skip
            for key, label, target in (
                ("own", f"balance of {r['entries']:,} entries, as the volunteer", True),
                ("county_admin", "the same, as the county administrator", False),
                ("page", "GET /ledger/me/ (balance + first page)", False),
            ):
                median, p95 = r[key]  # type: ignore[misc]
                verdict = (
                    f"≤ {BALANCE_MS:g} ms: {'pass' if median <= BALANCE_MS else 'FAIL'}"
                    if target
                    else "(info)"
                )
                print(f"| {label} | {median:.1f} ms | {p95:.1f} ms | {verdict} |")
            if args.explain:
                for sql, steps in r["plan"]:  # type: ignore[attr-defined]
                    print(f"\n{sql}\n  " + "\n  ".join(steps))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
