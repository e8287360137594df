"""Benchmark: import a 100,000-row .xlsx roster on SQLite and on PostgreSQL.

    uv run python bench/import_roster.py [--rows 100000] [--db sqlite,postgres]

Generates a roster as an office would send it (a title row, a header, 17 columns, fictitious
but valid ID numbers from `vetserve.people.fakes`, all different), then for each database:
creates a fresh one (a temporary SQLite file; a PostgreSQL database `vetserve_bench` that it
creates and drops), migrates it, loads the divisions, and times

1. reading the file alone (`readers.read_tables`): the floor no import can beat;
2. the whole import (`importing.roster_import(commit=True)`): read, check every row, encrypt,
   blind-index and insert volunteers, status changes and consents in one transaction.

It prints rows, seconds, rows/s, the ratio to the floor, and pass/fail against 60 s. Each
database runs in a child process (settings are read once per process). PostgreSQL is reached
at $BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres). Not a test.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _shared import postgres as _postgres
from _shared import postgres_admin_url as _postgres_admin_url

from vetserve.core.crypto import new_key as _key

LIMIT_SECONDS = 60.0
BENCH_DB = "vetserve_bench"
ROOT = Path(__file__).resolve().parent.parent
TEAMS = [
    ("崇礼区退役军人志愿服务总队", "130709"),
    ("西湾子镇退役军人志愿服务队", "130709100"),
    ("高家营镇退役军人志愿服务队", "130709101"),
    ("张北县退役军人志愿服务总队", "130722"),
    ("张北镇退役军人志愿服务队", "130722100"),
]
COUNTIES = ["130702", "130705", "130708", "130709", "130722", "130723", "130726", "130730"]
HEADER = [
    "序号",
    "姓名",
    "性别",
    "出生日期",
    "公民身份号码",
    "联系电话",
    "居住地",
    "家庭住址",
    "所属组织",
    "军种",
    "入伍时间",
    "退伍时间",
    "政治面貌",
    "紧急联系人",
    "紧急联系人电话",
    "专业技能",
    "服务类别",
]
TOWNS = ["西湾子镇", "高家营镇", "张北镇", "崇礼区四台嘴乡", "130709100", ""]
BRANCHES = ["陆军", "海军", "空军", "火箭军", "武警", ""]
PARTIES = ["中共党员", "群众", "共青团员", "预备党员"]
SKILLS = ["驾驶", "急救", "电工", "厨师", "通信", ""]
CATEGORIES = ["应急救援", "秩序维护", "文明宣传", "医疗救护", "交通引导"]


def generate(rows: int, seed: int = 2022) -> bytes:
    """A roster as an office sends it: title row, header, then ``rows`` volunteers."""
    from openpyxl import Workbook

    from vetserve.people.fakes import fictitious_person

    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(["张家口市退役军人志愿者花名册（基准测试，虚构数据）"])
    sheet.append(HEADER)
    seen: set[str] = set()
    serial = 0
    while len(seen) < rows:
        serial += 1
        person = fictitious_person(rng, address_code=rng.choice(COUNTIES), serial=serial)
        number = str(person["id_number"])
        if number in seen:
            continue
        seen.add(number)
        enlisted = rng.randrange(1975, 2015)
        sheet.append(
            [
                len(seen),
                person["name"],
                "男" if person["gender"] == "male" else "女",
                str(person["birth_date"]),
                number,
                person["phone"],
                rng.choice(TOWNS),
                f"{rng.randrange(1, 300)}号",
                TEAMS[len(seen) % len(TEAMS)][0],
                rng.choice(BRANCHES),
                enlisted,
                min(enlisted + rng.randrange(2, 16), 2024),
                rng.choice(PARTIES),
                "",
                "",
                rng.choice(SKILLS),
                rng.choice(CATEGORIES),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the child: one database, one process ------------------------------------------------------


def child(path: Path) -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from vetserve.accounts.models import User
    from vetserve.core.text import pinyin_keys
    from vetserve.orgs.models import Kind, Organization
    from vetserve.people.importing import roster_import
    from vetserve.people.models import Volunteer
    from vetserve.regions.models import Region
    from vetserve.regions.services import regions_load_csv
    from vetserve.spreadsheets.readers import read_tables

    call_command("migrate", verbosity=0)
    regions_load_csv()
    root = User.objects.create_superuser("bench", password=None)
    for name, code in TEAMS:
        initials, full = pinyin_keys(name)
        org = Organization.objects.create(
            name=name,
            kind=Kind.GRASSROOTS,
            region=Region.objects.get(code=code),
            path="",
            name_initials=initials,
            name_pinyin=full,
        )
        org.path = f"/{org.pk}/"
        org.save(update_fields=["path"])
    data = path.read_bytes()

    started = time.perf_counter()
    tables = read_tables(data)
    read_seconds = time.perf_counter() - started
    cells = sum(len(row) for row in tables[0].rows)

    started = time.perf_counter()
    report = roster_import(actor=root, data=data, filename=path.name, commit=True)
    import_seconds = time.perf_counter() - started
    if report.file_errors or report.refused:
        raise SystemExit(f"unexpected refusals: {report.file_errors or report.problems[:3]}")
    return {
        "vendor": connection.vendor,
        "rows": report.new,
        "cells": cells,
        "stored": Volunteer.objects.count(),
        "read": read_seconds,
        "import": import_seconds,
    }


# --- the parent: file, databases, table ---------------------------------------------------------


def run_child(db: str, path: Path, workdir: Path) -> dict[str, object]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="vetserve.settings",
        VETSERVE_DEBUG="0",  # DEBUG would keep every query in memory
        VETSERVE_SECRET_KEY=_key(),
        VETSERVE_DATA_KEYS=f"b1:{_key()}",
        VETSERVE_DATA_KEY_ID="b1",
        VETSERVE_BLIND_INDEX_KEY=_key(),
        VETSERVE_VAR_DIR=str(workdir / db),
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
            [sys.executable, __file__, "--child", str(path)],
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        print(json.dumps(child(args.child)))
        return 0

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetserve.settings")
    os.environ.setdefault("VETSERVE_DEBUG", "1")  # generating needs no keys; fakes need Django
    import django

    django.setup()
    with tempfile.TemporaryDirectory(prefix="vetserve-bench-") as tmp:
        workdir = Path(tmp)
        started = time.perf_counter()
        path = workdir / "roster-100k.xlsx"
        path.write_bytes(generate(args.rows))
        print(
            f"generated {args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        results = [run_child(db, path, workdir) for db in args.db.split(",")]
    print()
    print(
        f"{'database':<11}{'rows':>9}{'read s':>9}{'import s':>10}{'rows/s':>9}{'ratio':>8}  ≤60 s"
    )
    ok = True
    for r in results:
        rows, read, total = int(r["rows"]), float(r["read"]), float(r["import"])  # type: ignore[call-overload]
        passed = total <= LIMIT_SECONDS and rows == args.rows
        ok &= passed
        print(
            f"{r['vendor']!s:<11}{rows:>9,}{read:>9.1f}{total:>10.1f}{rows / total:>9,.0f}"
            f"{total / read:>7.1f}x  {'pass' if passed else 'FAIL'}"
        )
    print(
        "\nread = the file alone (the floor); "
        "import = read + check + encrypt + insert, in one transaction"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
