"""Benchmark: the dashboards at province scale — a city's and a county's dashboard over
millions of ledger entries, the same figures by plain GROUP BY over the raw ledger, and what
keeping the summaries current costs the attendance-to-ledger step.

    uv run python bench/dashboard.py [--entries 100000] [--volunteers 10000] [--runs 20]
                                     [--stays 5173] [--db sqlite,postgres]

For each database (a temporary SQLite file; with ``--db postgres`` a PostgreSQL database
`vetserve_bench_dashboard` it creates and drops) it migrates, loads the divisions, makes the
city federation, a federation per county and a team per township, ``--volunteers`` volunteers
and ``--entries`` ledger entries spread over two years, the organizations and the categories
(on PostgreSQL with COPY; on SQLite by executemany), all records (no confirmations:
a confirmation must refer to an entry's id, which a COPY does not know). Entries are written
straight into the table (the chain's hashes are random, not chained: the dashboard does not read
them), so the summaries are then made by ``vetserve stats-rebuild`` (timed). Then:

- the city's and 崇礼区's dashboard page ``/stats/?period=2022`` as their administrators (charts
  already drawn once: they are cached by spec) and the dashboard's selector alone: median and
  p95 of ``--runs`` after three warm-ups;
- the same service figures (hours, records, confirmed hours, active volunteers, hours by month
  and category) by plain GROUP BY over ``ledger_ledgerentry``, timed, and checked equal;
- ``--stays`` closed stays turned into entries (``ledger_from_attendance``) with the summaries'
  hook and, on a second set of stays, without it: the difference is the summaries' cost.

Targets (issue 18): city ≤ 200 ms, county ≤ 100 ms median server time; the summaries slow the
attendance-to-ledger step by ≤ 10 %. Each database runs in a child process. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from _shared import postgres as _postgres
from _shared import postgres_admin_url as _postgres_admin_url
from _shared import timed_ms

from vetserve.core.crypto import new_key as _key

CITY_MS = 200.0
COUNTY_MS = 100.0
OVERHEAD = 0.10
BENCH_DB = "vetserve_bench_dashboard"
ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = ["snow_ice", "first_aid", "traffic", "civility", "checkpoint", "disinfection",
              "transport", "patrol"]  # fmt: skip


def _copy_rows(table: str, columns: list[str], rows: Any, chunk: int = 50_000) -> None:
    """Rows into ``table``: COPY on PostgreSQL, executemany in chunks on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        raw = connection.connection
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    batch: list[Any] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def child(entries: int, volunteers: int, runs: int, stays: int) -> dict[str, object]:
    import django

    django.setup()
    from zoneinfo import ZoneInfo

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from vetserve.accounts.models import Grant, Role, User
    from vetserve.activities.models import Activity, Shift, SignUp, SignUpState, Status
    from vetserve.attendance.models import Attendance, Method
    from vetserve.ledger import services as ledger_services
    from vetserve.orgs.models import Kind, Organization
    from vetserve.people.models import Volunteer
    from vetserve.regions.models import Region
    from vetserve.regions.services import regions_load_csv
    from vetserve.stats.selectors import Period, dashboard
    from vetserve.stats.services import summaries_add_entries, summaries_rebuild

    call_command("migrate", verbosity=0)
    regions_load_csv()
    city = Region.objects.get(code="130700")
    chongli = Region.objects.get(code="130709")

    def org(name: str, kind: str, region: Region, parent: Organization | None) -> Organization:
        o = Organization.objects.create(name=name, kind=kind, region=region, parent=parent, path="")
        o.path = f"{parent.path if parent else '/'}{o.pk}/"
        o.save(update_fields=["path"])
        return o

    city_fed = org("张家口市爱国拥军联合会", Kind.FEDERATION, city, None)
    orgs: list[Organization] = [city_fed]
    for county in Region.objects.filter(parent=city).order_by("id"):
        fed = org(f"{county.name}爱国拥军联合会", Kind.FEDERATION, county, city_fed)
        orgs.append(fed)
        for township in Region.objects.filter(parent=county).order_by("id"):
            orgs.append(org(f"{township.name}退役军人志愿服务队", Kind.GRASSROOTS, township, fed))
    rng = random.Random(18)
    sh = ZoneInfo("Asia/Shanghai")
    now = datetime.now(sh)

    started = time.perf_counter()
    # Every column, with the model's defaults, from one unsaved volunteer; per row only the
    # name, organization, region and registration time change.
    sample = Volunteer(name="x", gender="male", id_number_enc="x", id_number_masked="x",
                       residence_region=city, home_org=city_fed, region=city, status="active",
                       created_at=now, updated_at=now)  # fmt: skip
    fields = [f for f in Volunteer._meta.concrete_fields if not f.primary_key]
    vcols = [f.column for f in fields]
    template = {
        f.column: f.get_db_prep_save(getattr(sample, f.attname), connection) for f in fields
    }
    home = [orgs[rng.randrange(len(orgs))] for _ in range(min(volunteers, 50_000))]

    def stamp(moment: datetime) -> Any:
        return connection.ops.adapt_datetimefield_value(moment)

    def volunteer_rows() -> Any:
        for i in range(volunteers):
            o = home[i % len(home)]
            values = {**template, "name": f"志愿者{i}", "residence_region_id": o.region_id,
                      "home_org_id": o.pk, "region_id": o.region_id,
                      "created_at": stamp(now - timedelta(days=i % 900))}  # fmt: skip
            yield [values[c] for c in vcols]

    with transaction.atomic():
        _copy_rows(Volunteer._meta.db_table, vcols, volunteer_rows())
    volunteer_ids = list(Volunteer.objects.order_by("id").values_list("id", flat=True))
    volunteers_s = time.perf_counter() - started

    started = time.perf_counter()
    ecols = ["organization_id", "region_id", "seq", "volunteer_id", "source", "activity_name",
             "service_date", "service_year", "place", "content", "organizing_unit",
             "person_in_charge", "category", "minutes", "confirmed_minutes", "reason",
             "recorded_by_name", "recorded_at", "prev_hash", "hash", "refers_to_id"]  # fmt: skip
    seqs = dict.fromkeys((o.pk for o in orgs), 0)
    first_day = date(2021, 1, 1)

    recorded = stamp(now)

    def entry_rows() -> Any:
        for _ in range(entries):
            o = orgs[rng.randrange(len(orgs))]
            seqs[o.pk] += 1
            day = first_day + timedelta(days=rng.randrange(730))
            minutes = rng.randrange(30, 480)
            source, confirmed = "leader", 0
            yield [o.pk, o.region_id, seqs[o.pk], volunteer_ids[rng.randrange(len(volunteer_ids))],
                   source, "志愿服务", day, day.year, "", "", o.name, "",
                   CATEGORIES[rng.randrange(len(CATEGORIES))], minutes, confirmed, "", "bench",
                   recorded, "", uuid.uuid4().hex + uuid.uuid4().hex, None]  # fmt: skip

    with transaction.atomic():
        _copy_rows("ledger_ledgerentry", ecols, entry_rows())
    entries_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    started = time.perf_counter()
    made = summaries_rebuild(actor="bench")
    rebuild_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    def admin(name: str, role: str, region: Region) -> User:
        user = User.objects.create_user(username=name, password="x")  # noqa: S106
        Grant.objects.create(user=user, role=role, region=region)
        return User.objects.get(pk=user.pk)

    city_admin = admin("city", Role.CITY_ADMIN, city)
    county_admin = admin("county", Role.COUNTY_ADMIN, chongli)
    period = Period("y", date(2022, 1, 1))
    results: dict[str, Any] = {}
    for key, user, region in (("city", city_admin, city), ("county", county_admin, chongli)):
        client = Client()
        client.force_login(user)
        assert client.get("/stats/", {"period": "2022"}).status_code == 200
        results[f"{key}_page"] = timed_ms(lambda c=client: c.get("/stats/", {"period": "2022"}),
                                          runs)  # fmt: skip
        results[f"{key}_selector"] = timed_ms(
            lambda u=user, r=region: dashboard(actor=u, region=r, period=period), runs
        )
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            board = dashboard(actor=user, region=region, period=period)
        results[f"{key}_queries"] = sorted(
            ((float(q["time"]) * 1000, q["sql"][:160]) for q in queries.captured_queries),
            reverse=True,
        )[:6]
        low, high = region.id_range

        def raw(low: int = low, high: int = high) -> dict[str, Any]:
            """The service figures by plain GROUP BY over the raw ledger."""
            out: dict[str, Any] = {}
            where = ("region_id BETWEEN %s AND %s AND service_date >= %s "
                     "AND service_date < %s")  # fmt: skip
            args = [low, high, "2022-01-01", "2023-01-01"]
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT SUM(minutes), SUM(confirmed_minutes), SUM(CASE WHEN source IN "  # noqa: S608
                    "('attendance','leader','back_entry','transfer_in') THEN 1 ELSE 0 END), "
                    "COUNT(DISTINCT CASE WHEN source IN ('attendance','leader','back_entry',"
                    f"'transfer_in') THEN volunteer_id END) FROM ledger_ledgerentry WHERE {where}",
                    args,
                )
                out["totals"] = cursor.fetchone()
                cursor.execute(
                    f"SELECT category, SUM(minutes) FROM ledger_ledgerentry WHERE {where} "  # noqa: S608
                    "GROUP BY category",
                    args,
                )
                out["categories"] = dict(cursor.fetchall())
            return out

        results[f"{key}_raw"] = timed_ms(raw, max(3, runs // 4))
        plain = raw()
        minutes, confirmed, records, active = plain["totals"]
        results[f"{key}_figures"] = {
            "hours (summary)": str(board.ledger["hours"].value),
            "hours (GROUP BY)": str(round(minutes / 60, 1)),
            "records (summary)": board.ledger["records"].value,
            "records (GROUP BY)": records,
            "confirmed h (summary)": str(board.ledger["confirmed"].value),
            "confirmed h (GROUP BY)": str(round(confirmed / 60, 1)),
            "active (summary)": board.ledger["active"].value,
            "active (GROUP BY)": active,
        }
        results[f"{key}_equal"] = (
            f"{minutes / 60:.1f}" == f"{board.ledger['hours'].value:.1f}"
            and records == board.ledger["records"].value
            and active == board.ledger["active"].value
        )

    # Attendance to ledger, with and without the summaries' hook.
    team = orgs[-1]
    start = datetime(2022, 2, 11, 8, tzinfo=sh)

    def closed_stays(title: str) -> None:
        activity = Activity.objects.create(
            title=title, category="snow_ice", organization=team, region_id=team.region_id,
            place="太子城", starts_at=start, ends_at=start + timedelta(hours=8),
            status=Status.FINISHED,
        )  # fmt: skip
        shift = Shift.objects.create(
            activity=activity, post="东门", starts_at=start, ends_at=start + timedelta(hours=8),
            max_people=stays + 1, wanted_people=stays,
        )  # fmt: skip
        people = rng.sample(volunteer_ids, min(stays, len(volunteer_ids)))
        signups = SignUp.objects.bulk_create(
            [SignUp(shift=shift, volunteer_id=v, state=SignUpState.CONFIRMED) for v in people],
            batch_size=1000,
        )
        Attendance.objects.bulk_create(
            [
                Attendance(
                    signup=s, shift=shift, volunteer_id=s.volunteer_id,
                    region_id=team.region_id, organization=team, in_at=start,
                    in_method=Method.POST_QR, in_key=uuid.uuid4(),
                    out_at=start + timedelta(hours=4), out_method=Method.SELF, minutes=240,
                )
                for s in signups
            ],
            batch_size=1000,
        )  # fmt: skip

    timings: dict[str, list[float]] = {"with": [], "without": []}
    for round_ in range(3):
        for mode in ("without", "with") if round_ % 2 == 0 else ("with", "without"):
            closed_stays(f"冬奥城市志愿服务{mode}{round_}")
            hooked = summaries_add_entries in ledger_services.AFTER_ENTRIES
            if mode == "without" and hooked:
                ledger_services.AFTER_ENTRIES.remove(summaries_add_entries)
            if mode == "with" and not hooked:
                ledger_services.AFTER_ENTRIES.append(summaries_add_entries)
            t0 = time.perf_counter()
            ledger_services.ledger_from_attendance()
            timings[mode].append(time.perf_counter() - t0)
    if summaries_add_entries not in ledger_services.AFTER_ENTRIES:
        ledger_services.AFTER_ENTRIES.append(summaries_add_entries)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        version = cursor.fetchone()[0]
    return {
        "vendor": connection.vendor,
        "version": version,
        "entries": entries,
        "volunteers": volunteers,
        "organizations": len(orgs),
        "volunteers_s": volunteers_s,
        "entries_s": entries_s,
        "rebuild_s": rebuild_s,
        "summary_rows": made,
        "stays": stays,
        "with_s": sorted(timings["with"])[1],
        "without_s": sorted(timings["without"])[1],
        **results,
    }


def run_child(db: str, args: argparse.Namespace, workdir: Path) -> dict[str, object]:
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
            [sys.executable, __file__, "--child", "--entries", str(args.entries),
             "--volunteers", str(args.volunteers), "--runs", str(args.runs),
             "--stays", str(args.stays)],
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
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--volunteers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--stays", type=int, default=5_173)
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--profile", action="store_true", help="the slowest queries of each")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        print(json.dumps(child(args.entries, args.volunteers, args.runs, args.stays),
                         default=str))  # fmt: skip
        return 0
    ok = True
    with tempfile.TemporaryDirectory(prefix="vetserve-bench-dashboard-") as tmp:
        for db in args.db.split(","):
            r: Any = run_child(db, args, Path(tmp))
            print(f"\n{r['vendor']} {r['version']}: {r['entries']:,} entries, "
                  f"{r['volunteers']:,} volunteers, {r['organizations']} orgs")  # fmt: skip
            print(f"generated in {r['volunteers_s'] + r['entries_s']:.1f} s; "
                  f"stats-rebuild {r['rebuild_s']:.1f} s ({r['summary_rows']})")  # fmt: skip
            print("| measure | median | p95 | target |")
            print("|---|---|---|---|")
            for key, label, target in (
                ("city_page", "city dashboard page (GET /stats/?period=2022)", CITY_MS),
                ("city_selector", "city dashboard, figures only (selector)", None),
                ("city_raw", "city service figures by plain GROUP BY", None),
                ("county_page", "county dashboard page (崇礼区)", COUNTY_MS),
                ("county_selector", "county dashboard, figures only (selector)", None),
                ("county_raw", "county service figures by plain GROUP BY", None),
            ):
                median, p95 = r[key]
                verdict = "(info)"
                if target is not None:
                    verdict = f"≤ {target:g} ms: {'pass' if median <= target else 'FAIL'}"
                    ok = ok and median <= target
                print(f"| {label} | {median:.1f} ms | {p95:.1f} ms | {verdict} |")
            slower = r["with_s"] / r["without_s"] - 1
            ok = ok and slower <= OVERHEAD
            verdict = "pass" if slower <= OVERHEAD else "FAIL"
            print(f"| {r['stays']:,} stays → entries, without summaries | {r['without_s']:.2f} s "
                  f"| | |\n| the same with summaries kept current | {r['with_s']:.2f} s | | "
                  f"{slower:+.0%}, ≤ +{OVERHEAD:.0%}: {verdict} |")  # fmt: skip
            for key in ("city", "county"):
                print(
                    f"{key}: summaries equal GROUP BY: {r[f'{key}_equal']}; {r[f'{key}_figures']}"
                )
                ok = ok and bool(r[f"{key}_equal"])
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
