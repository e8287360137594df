"""Benchmark: the roster list page with 100,000 volunteers, on SQLite and on PostgreSQL.

    uv run python bench/roster_list.py [--rows 100000] [--runs 30] [--db sqlite,postgres]

For each database: creates a fresh one (a temporary SQLite file; a PostgreSQL database
`vetserve_bench_list` that it creates and drops), migrates it, loads the divisions, makes a
city federation, a federation per county and teams in three townships of each county, then
inserts ``--rows`` volunteers with `bulk_create` — fictitious but valid and distinct ID numbers
from `vetserve.people.fakes`, numbers encrypted and blind-indexed exactly as
`people.services` does — and gives every second one a badge.

Then, logged in as a city administrator (who sees all of them), it times GET requests through
`django.test.Client` in the same process: server time is the wall time around the request,
from URL resolution to the rendered page, with the database and template work but no network.
Each URL gets a few warm-up requests and then ``--runs`` timed ones; the table shows the
median and the 95th percentile, the queries of one request, and pass/fail against 100 ms for
the two the target names (the first page, a name search). Each database runs in a child
process (settings are read once per process). PostgreSQL is reached at $BENCH_POSTGRES_URL
(default postgres://postgres@127.0.0.1:5432/postgres). Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

from _shared import postgres as _postgres
from _shared import postgres_admin_url as _postgres_admin_url

from vetserve.core.crypto import new_key as _key

LIMIT_MS = 100.0
BENCH_DB = "vetserve_bench_list"
ROOT = Path(__file__).resolve().parent.parent
BATCH = 2000


def _measured_urls(sample: dict[str, str]) -> list[tuple[str, str, str, dict[str, str], bool]]:
    """(label, user, path, extra headers, counts toward the target)."""
    htmx = {"HTTP_HX_REQUEST": "true"}
    city, county = "bench-city-admin", "bench-county-admin"
    name, prefix = sample["name"], sample["name"][:2]
    return [
        ("first page", city, "/people/", {}, True),
        ("name search 王 (a common surname)", city, "/people/?q=王", {}, True),
        (f"name search {name} (a full name)", city, f"/people/?q={name}", {}, True),
        (f"live search {prefix} (htmx fragment)", city, f"/people/?q={prefix}", htmx, True),
        ("pinyin initials wj", city, "/people/?q=wj", {}, False),
        ("exact ID number", city, f"/people/?q={sample['id']}", {}, False),
        ("given name 建国 (inside names)", city, "/people/?q=建国", {}, False),
        ("status filter: suspended", city, "/people/?status=suspended", {}, False),
        ("first page as a county admin", county, "/people/", {}, False),
        ("page 1,000 (deep)", city, "/people/?page=1000", {}, False),
    ]


# --- the child: one database, one process ------------------------------------------------------


def build(rows: int, seed: int = 2022) -> dict[str, str]:
    """The organizations, two administrators and ``rows`` volunteers; returns an ID number and
    the most common full name, to search for."""

    from vetserve.accounts.models import Grant, Role, User
    from vetserve.badges.models import Badge
    from vetserve.core import crypto
    from vetserve.core.text import pinyin_keys
    from vetserve.orgs.models import Kind, Organization
    from vetserve.people import services
    from vetserve.people.fakes import fictitious_person
    from vetserve.people.idnumbers import mask_id_number, mask_phone
    from vetserve.people.models import Status, Volunteer
    from vetserve.regions.models import Region

    rng = random.Random(seed)

    def org(name: str, region: Region, kind: str, parent: Organization | None) -> Organization:
        initials, full = pinyin_keys(name)
        made = Organization.objects.create(
            name=name,
            kind=kind,
            region=region,
            parent=parent,
            path="",
            name_initials=initials,
            name_pinyin=full,
        )
        made.path = f"{parent.path if parent else '/'}{made.pk}/"
        made.save(update_fields=["path"])
        return made

    city = Region.objects.get(code="130700")
    city_fed = org("张家口市爱国拥军联合会", city, Kind.FEDERATION, None)
    teams: list[Organization] = []
    for county in Region.objects.filter(level="county", parent=city).order_by("id"):
        fed = org(f"{county.name}爱国拥军联合会", county, Kind.FEDERATION, city_fed)
        teams.append(fed)
        for town in Region.objects.filter(parent=county).order_by("id")[:3]:
            teams.append(org(f"{town.name}退役军人志愿服务队", town, Kind.GRASSROOTS, fed))
    admin = User.objects.create_user("bench-city-admin", password=None)
    Grant.objects.create(user=admin, role=Role.CITY_ADMIN, region=city)
    county_admin = User.objects.create_user("bench-county-admin", password=None)
    Grant.objects.create(
        user=county_admin, role=Role.COUNTY_ADMIN, region=Region.objects.get(code="130709")
    )

    statuses = [Status.ACTIVE] * 90 + [Status.SUSPENDED] * 4 + [Status.LEFT] * 4
    statuses += [Status.APPLIED] * 2
    pinyin: dict[str, tuple[str, str]] = {}
    names: Counter[str] = Counter()
    seen: set[str] = set()
    serial = 0
    sample = ""
    pending: list[Volunteer] = []
    made = 0
    while made < rows:
        serial += 1
        team = teams[serial % len(teams)]
        person = fictitious_person(rng, address_code=team.region.code[:6], serial=serial)
        number, phone, name = str(person["id_number"]), str(person["phone"]), str(person["name"])
        if number in seen:
            continue
        seen.add(number)
        sample = sample or number
        if name not in pinyin:
            pinyin[name] = pinyin_keys(name)
        names[name] += 1
        pending.append(
            Volunteer(
                name=name,
                name_initials=pinyin[name][0],
                name_pinyin=pinyin[name][1],
                gender=person["gender"],
                birth_date=person["birth_date"],
                id_number_enc=crypto.encrypt(number, context=services.ID_CONTEXT),
                id_number_index=services.id_index(number),
                id_number_masked=mask_id_number(number),
                phone_enc=crypto.encrypt(phone, context=services.PHONE_CONTEXT),
                phone_index=services.phone_index(phone),
                phone_masked=mask_phone(phone),
                residence_region_id=team.region_id,
                home_org_id=team.pk,
                region_id=team.region_id,
                status=rng.choice(statuses),
            )
        )
        made += 1
        if len(pending) == BATCH or made == rows:
            Volunteer.objects.bulk_create(pending, batch_size=BATCH)
            pending = []

    badges = []
    for index, (pk, region_id) in enumerate(
        Volunteer.objects.order_by("pk").values_list("pk", "region_id")
    ):
        if index % 2:
            continue
        badges.append(
            Badge(
                number=f"ZJK-{str(region_id)[:6]}-{index:06d}",
                volunteer_id=pk,
                region_id=region_id,
                issued_on=date(2022, 1, 10),
                nonce=f"{index:032x}",
            )
        )
    Badge.objects.bulk_create(badges, batch_size=BATCH)
    common = max((count, name) for name, count in names.items() if len(name) == 3)[1]
    return {"id": sample, "name": common}


class _Counter:
    """An execute wrapper that notes each query (it works with DEBUG off, across reconnects)."""

    def __init__(self, seen: list[str]) -> None:
        self.seen = seen

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.seen.append(sql)
        return execute(sql, params, many, context)


def measure(sample: dict[str, str], runs: int) -> list[dict[str, object]]:
    from django.db import connection
    from django.test import Client

    from vetserve.accounts.models import User

    clients = {}
    for username in ("bench-city-admin", "bench-county-admin"):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    results = []
    for label, username, path, headers, target in _measured_urls(sample):
        client = clients[username]
        for _ in range(3):
            response = client.get(path, **headers)  # type: ignore[arg-type]
            assert response.status_code == 200, (path, response.status_code)
        queries: list[str] = []
        with connection.execute_wrapper(_Counter(queries)):
            response = client.get(path, **headers)  # type: ignore[arg-type]
        shown = response.content.decode().count("<tr>") - 1  # less the header row
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            client.get(path, **headers)  # type: ignore[arg-type]
            times.append((time.perf_counter() - began) * 1000)
        times.sort()
        results.append(
            {
                "label": label,
                "target": target,
                "median": statistics.median(times),
                "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
                "queries": len(queries),
                "rows": shown,
            }
        )
    return results


def child(rows: int, runs: int) -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from vetserve.people.models import Volunteer
    from vetserve.regions.services import regions_load_csv

    call_command("migrate", verbosity=0)
    regions_load_csv()
    started = time.perf_counter()
    sample = build(rows)
    build_seconds = time.perf_counter() - started
    runs_by_state = []
    if connection.vendor == "sqlite":
        # As a fresh database has it: SQLite keeps no statistics until ANALYZE runs.
        runs_by_state.append(("no statistics (as created)", measure(sample, runs)))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        runs_by_state.append(("after ANALYZE", measure(sample, runs)))
    else:
        # What autovacuum does soon after a bulk load (statistics, visibility map).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        runs_by_state.append(("after VACUUM ANALYZE (autovacuum)", measure(sample, runs)))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        version = cursor.fetchone()[0]
    return {
        "vendor": connection.vendor,
        "version": version,
        "volunteers": Volunteer.objects.count(),
        "build": build_seconds,
        "states": runs_by_state,
    }


# --- the parent: databases, table ---------------------------------------------------------------


def run_child(db: str, rows: int, runs: int, workdir: Path) -> dict[str, object]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="vetserve.settings",
        VETSERVE_DEBUG="0",  # DEBUG would keep every query in memory and slow templates
        VETSERVE_SECRET_KEY=_key(),
        VETSERVE_DATA_KEYS=f"b1:{_key()}",
        VETSERVE_DATA_KEY_ID="b1",
        VETSERVE_BLIND_INDEX_KEY=_key(),
        VETSERVE_VAR_DIR=str(workdir / db),
        VETSERVE_ALLOWED_HOSTS="testserver",
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
            [sys.executable, __file__, "--child", "--rows", str(rows), "--runs", str(runs)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        if db == "postgres":
            _postgres(f"DROP DATABASE IF EXISTS {BENCH_DB}")
    if done.returncode != 0:
        raise SystemExit(f"{db} failed:\n{done.stderr[-3000:]}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        print(json.dumps(child(args.rows, args.runs)))
        return 0

    ok = True
    with tempfile.TemporaryDirectory(prefix="vetserve-bench-list-") as tmp:
        for db in args.db.split(","):
            r = run_child(db, args.rows, args.runs, Path(tmp))
            print(
                f"\n{r['vendor']} {r['version']}: {int(r['volunteers']):,} volunteers "  # type: ignore[call-overload]
                f"(built in {float(r['build']):.0f} s), {args.runs} runs per URL"  # type: ignore[arg-type]
            )
            for state, results in r["states"]:  # type: ignore[attr-defined]
                print(f"\n  {state}")
                print(
                    f"  {'request':<38}{'median ms':>10}{'p95 ms':>9}{'queries':>8}"
                    f"{'rows':>6}  ≤100 ms"
                )
                for line in results:
                    passed = line["median"] <= LIMIT_MS
                    verdict = ("pass" if passed else "FAIL") if line["target"] else "(info)"
                    if state != "no statistics (as created)":
                        ok &= passed or not line["target"]
                    print(
                        f"  {line['label']:<38}{line['median']:>10.1f}{line['p95']:>9.1f}"
                        f"{line['queries']:>8}{line['rows']:>6}  {verdict}"
                    )
    print("\nserver time = wall time around django.test.Client.get in-process (no network)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
