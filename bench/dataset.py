"""The benchmark dataset: a whole season of the corps at a scale factor, on SQLite or PostgreSQL.

    uv run python bench/dataset.py --scale 1 --db sqlite [--path var/bench-1.sqlite3]
    uv run python bench/dataset.py --scale 10 --db postgres [--name vetserve_bench_10]

At ``--scale 1`` it is the story's season: the demo city (the real division tree of Zhangjiakou,
its 612 village and township teams and the federations, specialist, charity and student teams;
the demo's logins, one per role, with their grants; 5,173 volunteers with badges, skills,
qualifications and training), grown to 2,790 activities with ~10,000 shifts, ~100,000
sign-ups and ~90,000 attendance rows (the past shifts' stays), and one audit entry per sign-up
as `signup_create` writes it. ``--scale 10`` is ten times each (51,730 volunteers, 27,900
activities, ~100,000 shifts, ~1,000,000 sign-ups, ~900,000 stays): a province.

The demo builder makes the base (`vetserve.demo.builder.demo_build`, without the bulk of its own
season, `demo.season.step_season`: the season here is the benchmark's); the extra volunteers go
in through `people.bulk.register_many` (the import's own path: encrypted numbers, blind
indexes, masks, pinyin) and get badges from `badges_issue_bulk`. The season's rows go in with
explicit ids through COPY on PostgreSQL and one ``executemany`` INSERT on SQLite, with the
column values the ORM would write (`Rows`). The season spans the 330 days before the build and
the 35 after: nine in ten activities are over (finished or cancelled), the rest published or
draft, so "upcoming" lists have something to show. Fixed seed: the same rows every time.

Used by bench/pages.py; run alone it builds a database and prints what it holds and how long
it took. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEASON_ACTIVITIES = 2790
SEASON_VOLUNTEERS = 5173
PAST_DAYS, FUTURE_DAYS = 330, 35
BATCH = 5000
POSTS = [
    "入口引导",
    "停车场疏导",
    "医疗点",
    "巡逻一组",
    "巡逻二组",
    "物资发放",
    "清雪一组",
    "清雪二组",
    "咨询服务台",
    "交通路口",
]
TITLES = {
    "snow_ice": "清雪除冰",
    "first_aid": "赛场救护保障",
    "traffic": "交通疏导",
    "civility": "文明劝导",
    "checkpoint": "疫情防控卡点值守",
    "disinfection": "公共场所消杀",
    "transport": "物资转运",
    "road_rescue": "道路救援",
    "blood": "无偿献血",
    "patrol": "治安巡逻",
    "poverty_aid": "帮扶慰问",
    "environment": "环境整治",
    "other": "志愿服务",
}


# --- the child: one configured database -----------------------------------------------------


class Rows:
    """INSERT/COPY of every concrete column of ``model`` (the primary key included: ids are
    given, so later rows can point at earlier ones without reading them back)."""

    def __init__(self, model: Any, *, with_pk: bool = True) -> None:
        from django.db import connection, models

        ops = connection.ops
        sqlite = connection.vendor == "sqlite"
        self.model = model
        self.columns: list[tuple[str, Any, Callable[[Any], Any] | None]] = []
        names = []
        for field in model._meta.concrete_fields:
            if field.primary_key and not with_pk:
                continue
            adapt: Callable[[Any], Any] | None = None
            if isinstance(field, models.DateTimeField):
                adapt = ops.adapt_datetimefield_value
            elif isinstance(field, models.DateField):
                adapt = ops.adapt_datefield_value
            elif isinstance(field, models.JSONField):
                adapt = json.dumps
            elif isinstance(field, models.UUIDField) and sqlite:
                adapt = _uuid_hex
            elif isinstance(field, models.DecimalField) and sqlite:
                adapt = str
            default = None if field.primary_key else field.get_default()
            self.columns.append((field.attname, default, adapt))
            names.append(ops.quote_name(str(field.column)))
        table = ops.quote_name(model._meta.db_table)
        marks = ", ".join(["%s"] * len(names))
        self.sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"  # noqa: S608
        self.copy_sql = f"COPY {table} ({', '.join(names)}) FROM STDIN"
        self.count = 0

    def insert(self, rows: Iterable[dict[str, Any]]) -> None:
        from django.db import connection

        pending: list[list[Any]] = []
        for row in rows:
            values = []
            for attname, default, adapt in self.columns:
                value = row.get(attname, default)
                if adapt is not None and value is not None:
                    value = adapt(value)
                values.append(value)
            pending.append(values)
            if len(pending) >= BATCH:
                self._write(connection, pending)
                pending = []
        if pending:
            self._write(connection, pending)

    def _write(self, connection: Any, params: list[list[Any]]) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for values in params:
                        copy.write_row(values)
            else:
                cursor.executemany(self.sql, params)
        self.count += len(params)

    def next_id(self) -> int:
        from django.db.models import Max

        return int(self.model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _uuid_hex(value: uuid.UUID) -> str:
    return value.hex


def _reset_sequences(models: Sequence[Any]) -> None:
    """After explicit ids, PostgreSQL's sequences must move past them (SQLite's follow)."""
    from django.core.management.color import no_style
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)


def _more_volunteers(rng: random.Random, count: int) -> None:
    """``count`` more volunteers, spread over the grassroots teams as the demo's are, through
    the import's own bulk path, each with a badge."""
    from django.db.models import Count

    from vetserve.accounts.models import User
    from vetserve.badges.services import badges_issue_bulk
    from vetserve.demo.roster import _People
    from vetserve.orgs.models import Kind, Organization
    from vetserve.people.bulk import register_many
    from vetserve.people.models import Status, Volunteer
    from vetserve.people.services import id_index

    if count <= 0:
        return
    teams = list(
        Organization.objects.filter(kind=Kind.GRASSROOTS)
        .select_related("region")
        .annotate(n=Count("home_volunteers"))
        .order_by("pk")
    )
    people = _People(rng)
    weights = [max(1, t.n) for t in teams]
    # The fictitious numbers have few serials per county and birth date: skip the ones the
    # roster already holds (by blind index, as the import does).
    taken = set(Volunteer.objects.values_list("id_number_index", flat=True))
    rows, indexes = [], []
    while len(rows) < count:
        row = people.make(rng.choices(teams, weights)[0], born=(1956, 2000))
        index = id_index(row["id_number"])
        if index not in taken:
            taken.add(index)
            rows.append(row)
            indexes.append(index)
    first_new = int(Volunteer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    admin = User.objects.get(username="admin")
    register_many(actor=admin, rows=rows, indexes=indexes)
    new = Volunteer.objects.filter(pk__gt=first_new, status=Status.ACTIVE).order_by("pk")
    badges_issue_bulk(actor=admin, volunteers=new, issued_on=datetime(2021, 9, 30).date())


def _season(rng: random.Random, scale: int, now: datetime) -> dict[str, int]:
    """Activities, shifts, sign-ups, stays and the sign-ups' audit entries up to the scale."""
    from vetserve.accounts.models import User
    from vetserve.activities.models import Activity, Campaign, Shift, SignUp
    from vetserve.attendance.hours import served_minutes_between
    from vetserve.attendance.models import Attendance
    from vetserve.audit.models import AuditEntry
    from vetserve.orgs.models import Kind, Organization
    from vetserve.people.models import Status, Volunteer
    from vetserve.regions.models import Region

    wanted = SEASON_ACTIVITIES * scale - Activity.objects.count()
    orgs = list(
        Organization.objects.exclude(kind=Kind.PARTNER).select_related("region").order_by("pk")
    )
    weights = [{"grassroots": 3, "specialist": 6, "federation": 4}.get(o.kind, 2) for o in orgs]
    centres = {
        r.code: (r.lat, r.lon)
        for r in Region.objects.filter(level="county").exclude(lat=None).only("code", "lat", "lon")
    }
    pools: dict[str, list[int]] = defaultdict(list)
    users_by_volunteer: dict[int, int] = {}
    for pk, region_id, user_id in Volunteer.objects.filter(status=Status.ACTIVE).values_list(
        "pk", "region_id", "user_id"
    ):
        pools[str(region_id)[:6]].append(pk)
        if user_id:
            users_by_volunteer[pk] = user_id
    everyone = [pk for pool in pools.values() for pk in pool]
    campaigns = list(Campaign.objects.values_list("pk", flat=True))
    creator = User.objects.get(username="admin").pk
    categories = list(TITLES)

    activities, shifts, signups = Rows(Activity), Rows(Shift), Rows(SignUp)
    stays, audits = Rows(Attendance, with_pk=False), Rows(AuditEntry)
    next_activity, next_shift = activities.next_id(), shifts.next_id()
    next_signup, next_audit = signups.next_id(), audits.next_id()
    activity_rows: list[dict[str, Any]] = []
    shift_rows: list[dict[str, Any]] = []
    signup_rows: list[dict[str, Any]] = []
    stay_rows: list[dict[str, Any]] = []
    audit_rows: list[dict[str, Any]] = []

    def flush(final: bool = False) -> None:
        if len(signup_rows) < 50_000 and not final:
            return
        activities.insert(activity_rows)
        shifts.insert(shift_rows)
        signups.insert(signup_rows)
        stays.insert(stay_rows)
        audits.insert(audit_rows)
        for rows in (activity_rows, shift_rows, signup_rows, stay_rows, audit_rows):
            rows.clear()

    for _ in range(max(0, wanted)):
        org = rng.choices(orgs, weights)[0]
        county = org.region.code[:6]
        pool = pools.get(county) or everyone
        day = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(
            days=rng.randint(-PAST_DAYS, FUTURE_DAYS)
        )
        # 08:00–14:00 Beijing time is 00:00–06:00 UTC.
        starts = day + timedelta(hours=rng.randint(0, 6), minutes=rng.choice([0, 30]))
        ends = starts + timedelta(hours=rng.randint(2, 8))
        over = ends < now
        if over:
            status = "cancelled" if rng.random() < 0.04 else "finished"
        else:
            status = "draft" if rng.random() < 0.12 else "published"
        category = rng.choice(categories)
        centre = centres.get(county)
        lat = lon = None
        if centre is not None and rng.random() < 0.8:
            lat = (centre[0] + Decimal(rng.randint(-20000, 20000)) / 1_000_000).quantize(
                Decimal("0.000001")
            )
            lon = (centre[1] + Decimal(rng.randint(-20000, 20000)) / 1_000_000).quantize(
                Decimal("0.000001")
            )
        activity_id = next_activity
        next_activity += 1
        activity_rows.append(
            {
                "id": activity_id,
                "title": f"{org.region.name}{TITLES[category]}",
                "category": category,
                "campaign_id": rng.choice(campaigns) if campaigns and rng.random() < 0.3 else None,
                "organization_id": org.pk,
                "region_id": org.region_id,
                "place": f"{org.region.name}{rng.choice(['广场', '服务站', '路口', '村委会'])}",
                "lat": lat,
                "lon": lon,
                "starts_at": starts,
                "ends_at": ends,
                "description": "",
                "risk_disclosure": "",
                "status": status,
                "contact_name": org.leader_name[:50],
                "created_by_id": creator,
                "created_at": starts - timedelta(days=rng.randint(3, 20)),
                "updated_at": starts - timedelta(days=1),
            }
        )
        for post in rng.sample(POSTS, rng.choice([1, 2, 3, 4, 4, 5, 6])):
            shift_id = next_shift
            next_shift += 1
            most = rng.randint(10, 16)
            shift_rows.append(
                {
                    "id": shift_id,
                    "activity_id": activity_id,
                    "post": post,
                    "starts_at": starts,
                    "ends_at": ends,
                    "min_people": 2,
                    "wanted_people": most - 2,
                    "max_people": most,
                    "requirements": {},
                    "notes": "",
                    "created_at": starts - timedelta(days=2),
                }
            )
            if status == "draft":
                continue
            for volunteer in rng.sample(pool, min(len(pool), rng.randint(8, most))):
                signup_id = next_signup
                next_signup += 1
                withdrawn = rng.random() < 0.05
                signed = starts - timedelta(hours=rng.randint(6, 240))
                signup_rows.append(
                    {
                        "id": signup_id,
                        "shift_id": shift_id,
                        "volunteer_id": volunteer,
                        "state": "withdrawn" if withdrawn else "confirmed",
                        "added_by_id": users_by_volunteer.get(volunteer),
                        "override_reason": "",
                        "created_at": signed,
                        "confirmed_at": signed,
                        "ended_at": signed + timedelta(hours=2) if withdrawn else None,
                    }
                )
                audit_rows.append(
                    {
                        "id": next_audit,
                        "at": signed,
                        "actor_id": users_by_volunteer.get(volunteer),
                        "actor_name": "",
                        "action": "signup.create",
                        "object_type": "activities.signup",
                        "object_id": str(signup_id),
                        "object_repr": f"{volunteer} @ {post}",
                        "region_id": org.region_id,
                        "organization_id": org.pk,
                        "changes": {"state": [None, "confirmed"]},
                        "reason": "",
                        "user_agent": "",
                        "via": "web",
                    }
                )
                next_audit += 1
                if withdrawn or status != "finished" or rng.random() < 0.08:
                    continue
                in_at = starts + timedelta(minutes=rng.randint(-15, 6))
                out_at = ends - timedelta(minutes=rng.randint(0, 20))
                stay_rows.append(
                    {
                        "signup_id": signup_id,
                        "shift_id": shift_id,
                        "volunteer_id": volunteer,
                        "region_id": org.region_id,
                        "organization_id": org.pk,
                        "in_at": in_at,
                        "in_method": "badge",
                        "in_key": uuid.UUID(int=rng.getrandbits(128), version=4),
                        "in_reason": "",
                        "in_received_at": in_at,
                        "in_via": "api",
                        "in_agent": "",
                        "out_at": out_at,
                        "out_method": "badge",
                        "out_key": uuid.UUID(int=rng.getrandbits(128), version=4),
                        "out_reason": "",
                        "out_received_at": out_at,
                        "out_via": "api",
                        "out_agent": "",
                        "auto_closed": False,
                        "minutes": served_minutes_between(
                            checked_in_at=in_at,
                            checked_out_at=out_at,
                            starts_at=starts,
                            ends_at=ends,
                        ),
                    }
                )
        flush()
    flush(final=True)
    _reset_sequences([Activity, Shift, SignUp, Attendance, AuditEntry])
    return {
        "activities": activities.count,
        "shifts": shifts.count,
        "sign-ups": signups.count,
        "attendance": stays.count,
        "audit entries": audits.count,
    }


def build(scale: int, seed: int = 2026) -> dict[str, Any]:
    """Build the dataset in the configured (empty, migrated) database; returns counts and times."""
    from django.db import connection, transaction
    from django.utils import timezone

    from vetserve.activities.models import Activity, Shift, SignUp
    from vetserve.attendance.models import Attendance
    from vetserve.audit.models import AuditEntry
    from vetserve.demo import season as demo_season
    from vetserve.demo.builder import STEPS, demo_build
    from vetserve.orgs.models import Organization
    from vetserve.people.models import Volunteer

    rng = random.Random(seed)
    times: dict[str, float] = {}
    began = time.perf_counter()
    # The demo without its own season's bulk (step_season): this dataset grows its own, at
    # scale, below; the demo's named activities and their hours stay.
    demo_build(steps=[step for step in STEPS if step is not demo_season.step_season])
    times["demo city"] = time.perf_counter() - began
    with transaction.atomic():
        began = time.perf_counter()
        _more_volunteers(rng, SEASON_VOLUNTEERS * scale - Volunteer.objects.count())
        times["volunteers"] = time.perf_counter() - began
        began = time.perf_counter()
        _season(rng, scale, timezone.now())
        times["season"] = time.perf_counter() - began
    began = time.perf_counter()
    with connection.cursor() as cursor:
        # What autovacuum / a scheduled ANALYZE does soon after a bulk load.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    times["analyze"] = time.perf_counter() - began
    return {
        "scale": scale,
        "vendor": connection.vendor,
        "counts": {
            "organizations": Organization.objects.count(),
            "volunteers": Volunteer.objects.count(),
            "activities": Activity.objects.count(),
            "shifts": Shift.objects.count(),
            "sign-ups": SignUp.objects.count(),
            "attendance": Attendance.objects.count(),
            "audit entries": AuditEntry.objects.count(),
        },
        "seconds": times,
    }


def child_build(scale: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return build(scale)


# --- the parent: where the database lives ---------------------------------------------------


def bench_env(database_url: str, var_dir: Path) -> dict[str, str]:
    """The settings a benchmark's child runs with: DEBUG off, throwaway keys kept beside the
    database (a reused dataset must decrypt with the keys it was built with)."""
    from vetserve.core.crypto import new_key

    keys = var_dir / "bench-keys.json"
    var_dir.mkdir(parents=True, exist_ok=True)
    if keys.exists():
        saved = json.loads(keys.read_text())
    else:
        saved = {"secret": new_key(), "data": new_key(), "blind": new_key()}
        keys.write_text(json.dumps(saved))
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="vetserve.settings",
        VETSERVE_DEBUG="0",
        VETSERVE_SECRET_KEY=saved["secret"],
        VETSERVE_DATA_KEYS=f"b1:{saved['data']}",
        VETSERVE_DATA_KEY_ID="b1",
        VETSERVE_BLIND_INDEX_KEY=saved["blind"],
        VETSERVE_VAR_DIR=str(var_dir),
        VETSERVE_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        DATABASE_URL=database_url,
    )
    return env


def database_url(db: str, scale: int, var_dir: Path) -> str:
    if db == "sqlite":
        return f"sqlite:///{var_dir / f'bench-{scale}.sqlite3'}"
    from _shared import postgres_admin_url

    return f"{postgres_admin_url().rsplit('/', 1)[0]}/vetserve_bench_pages_{scale}"


def ensure(db: str, scale: int, var_dir: Path, *, rebuild: bool) -> dict[str, Any] | None:
    """Build the dataset unless a built one is there (and ``rebuild`` is off); returns the
    build's report, or None when an existing one was kept."""
    from _shared import postgres

    marker = var_dir / f"bench-{db}-{scale}.built"
    if marker.exists() and not rebuild:
        return None
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            (var_dir / f"bench-{scale}.sqlite3{suffix}").unlink(missing_ok=True)
    else:
        name = f"vetserve_bench_pages_{scale}"
        postgres(f"DROP DATABASE IF EXISTS {name}")
        postgres(f"CREATE DATABASE {name}")
    env = bench_env(database_url(db, scale, var_dir), var_dir)
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--scale", str(scale)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"building {db} ×{scale} failed:\n{done.stderr[-4000:]}")
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    marker.write_text(json.dumps(report))
    return report


def drop(db: str, scale: int, var_dir: Path) -> None:
    from _shared import postgres

    (var_dir / f"bench-{db}-{scale}.built").unlink(missing_ok=True)
    if db == "postgres":
        postgres(f"DROP DATABASE IF EXISTS vetserve_bench_pages_{scale}")
    else:
        for suffix in ("", "-wal", "-shm"):
            (var_dir / f"bench-{scale}.sqlite3{suffix}").unlink(missing_ok=True)


def print_report(db: str, report: dict[str, Any]) -> None:
    counts = ", ".join(f"{n:,} {what}" for what, n in report["counts"].items())
    took = ", ".join(f"{what} {s:.1f} s" for what, s in report["seconds"].items())
    total = sum(report["seconds"].values())
    print(f"{db} ×{report['scale']}: {counts}")
    print(f"  built in {total:.1f} s ({took})")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="1 = the season, 10 = a province")
    parser.add_argument("--db", default="sqlite", help="sqlite, postgres or both (comma)")
    parser.add_argument(
        "--var", default=str(ROOT / "var" / "bench"), help="where SQLite files and keys live"
    )
    parser.add_argument("--drop", action="store_true", help="drop the dataset instead")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    if args.child:
        print(json.dumps(child_build(args.scale)))
        return 0
    var_dir = Path(args.var)
    for db in args.db.split(","):
        if args.drop:
            drop(db, args.scale, var_dir)
            continue
        report = ensure(db, args.scale, var_dir, rebuild=True)
        assert report is not None
        print_report(db, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
