"""Benchmark: the exchange format — importing a file of ``--records`` service records of
``--people`` people the database does not know (registered on the way), importing it again
(nothing added), and exporting the records with full numbers.

    uv run python bench/exchange.py [--people 500] [--records 5000]

On a temporary SQLite file (migrated, divisions loaded, a county administrator and a team):
builds the file with ``exchange.fileformat.json_document``; times ``exchange_import`` (commit)
once, again once, and ``exchange_export`` (JSON, full numbers) once. Runs in a child process.
Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from vetserve.core.crypto import new_key as _key

ROOT = Path(__file__).resolve().parent.parent


def child(people: int, records: int) -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command

    from vetserve.accounts.models import Grant, Role, User
    from vetserve.exchange.fileformat import hours_text, json_document
    from vetserve.exchange.selectors import Selection
    from vetserve.exchange.services import exchange_export, exchange_import
    from vetserve.ledger.models import LedgerEntry
    from vetserve.orgs.models import Kind, Organization
    from vetserve.people.fakes import fictitious_id_number
    from vetserve.regions.models import Region
    from vetserve.regions.services import regions_load_csv

    call_command("migrate", verbosity=0)
    regions_load_csv()
    county = Region.objects.get(code="130722")
    team = Organization.objects.create(
        name="张北镇退役军人志愿服务队", kind=Kind.GRASSROOTS, region=county, path=""
    )
    team.path = f"/{team.pk}/"
    team.save(update_fields=["path"])
    admin = User.objects.create_user(username="admin", password="x")  # noqa: S106
    Grant.objects.create(user=admin, role=Role.COUNTY_ADMIN, region=county)
    admin = User.objects.get(pk=admin.pk)
    persons = [
        {
            "volunteer_number": "", "name": f"志愿者{i}", "gender": "male",
            "birth_date": (born := date(1960, 1, 1) + timedelta(days=i % 7000)).isoformat(),
            "id_number": fictitious_id_number(
                address_code="130722", birth_date=born, male=True, serial=i // 7000 * 2 + 1
            ),
            "residence_area_code": "130722", "residence_area": "张北县",
            "phone": f"139{i:08d}", "skills": "", "service_categories": "",
        }
        for i in range(people)
    ]  # fmt: skip
    rows = sorted(
        (
            (
                {
                    "record_id": f"prov:{n:07d}", "activity_name": "高速卡口值守",
                    "service_date": (date(2021, 1, 1) + timedelta(days=n % 700)).isoformat(),
                    "place": "张北收费站", "content": "车辆登记", "service_minutes": "240",
                    "service_hours": hours_text(240), "organizing_unit": "宣化区服务队",
                    "person_in_charge": "刘队长", "category": "checkpoint", "status": "confirmed",
                    "recorded_at": "2022-03-01T09:30:00+08:00",
                },
                persons[n % people],
            )
            for n in range(records)
        ),
        key=lambda r: (r[0]["service_date"], r[0]["record_id"]),
    )  # fmt: skip
    document = json_document(rows, numbers="full")

    def timed(fn: object) -> tuple[float, object]:
        started = time.perf_counter()
        result = fn()  # type: ignore[operator]
        return (time.perf_counter() - started) * 1000, result

    first_ms, first = timed(
        lambda: exchange_import(
            actor=admin, organization=team, data=document, fmt="json", commit=True
        )
    )
    assert first.committed and first.new_records == records, first.errors[:3]  # type: ignore[attr-defined]
    again_ms, again = timed(
        lambda: exchange_import(
            actor=admin, organization=team, data=document, fmt="json", commit=True
        )
    )
    assert again.unchanged == records  # type: ignore[attr-defined]
    export_ms, exported = timed(
        lambda: exchange_export(
            actor=admin, fmt="json", selection=Selection(), full=True, reason="bench"
        )
    )
    assert exported.content == document  # type: ignore[attr-defined]
    return {
        "people": people,
        "records": records,
        "entries": LedgerEntry.objects.count(),
        "file_bytes": len(document),
        "import_ms": first_ms,
        "reimport_ms": again_ms,
        "export_ms": export_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.people, args.records)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="vetserve.settings",
            VETSERVE_DEBUG="0",
            VETSERVE_SECRET_KEY=_key(),
            VETSERVE_DATA_KEYS=f"b1:{_key()}",
            VETSERVE_DATA_KEY_ID="b1",
            VETSERVE_BLIND_INDEX_KEY=_key(),
            VETSERVE_VAR_DIR=str(workdir / "var"),
            VETSERVE_ALLOWED_HOSTS="testserver",
            VETSERVE_STATIC_MANIFEST="0",
            DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        )
        done = subprocess.run(
            [sys.executable, __file__, "--child", "--people", str(args.people),
             "--records", str(args.records)],
            env=env, cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"exchange format, SQLite: {result['records']:,} records of {result['people']:,} new "
        f"people, a {result['file_bytes']:,}-byte JSON file (one run each, ms)"
    )
    for label, key in (
        ("import (register people, append)", "import_ms"),
        ("import the same file again", "reimport_ms"),
        ("export with full numbers", "export_ms"),
    ):
        print(f"  {label:<34} {result[key]:10.0f}")


if __name__ == "__main__":
    main()
