"""Benchmark: proofs of service — issuing a proof over a volunteer's 10,000 entries (totals and
lines frozen), drawing and signing its PDF (PAdES, pyHanko), and the public check.

    uv run python bench/proofs.py [--entries 10000] [--activities 40] [--runs 20]

On a temporary SQLite file (migrated, divisions loaded, a county federation with one team):
one volunteer with ``--entries`` entries spread over ``--activities`` activities; times
``proofs.services.proof_issue`` (a proof of everything), ``proofs.views.proof_document`` (draw
and sign), drawing alone, and ``proofs.selectors.proof_verify``: median and 95th percentile of
``--runs`` calls after 3 warm-ups. Runs in a child process. Not a test.
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

from _shared import timed_ms

from vetserve.core.crypto import new_key as _key

ROOT = Path(__file__).resolve().parent.parent


def child(entries: int, activities: int, runs: int) -> dict[str, object]:
    import django

    django.setup()
    from zoneinfo import ZoneInfo

    from django.core.management import call_command
    from django.db import transaction
    from django.test import RequestFactory

    from vetserve.accounts.models import Grant, Role, User
    from vetserve.activities.models import Activity, Status
    from vetserve.ledger.models import Source
    from vetserve.ledger.services import _chained
    from vetserve.orgs.models import Kind, Organization
    from vetserve.people.models import Volunteer
    from vetserve.proofs.keys import proof_keys_create
    from vetserve.proofs.pdf import Holder, draw_pdf
    from vetserve.proofs.selectors import proof_period, proof_verify
    from vetserve.proofs.services import proof_issue
    from vetserve.proofs.tokens import proof_token
    from vetserve.proofs.views import proof_document
    from vetserve.regions.models import Region
    from vetserve.regions.services import regions_load_csv

    call_command("migrate", verbosity=0)
    regions_load_csv()
    proof_keys_create(common_name="张家口退役军人志愿者")
    county = Region.objects.get(code="130709")
    fed = Organization.objects.create(
        name="崇礼区联合会", kind=Kind.FEDERATION, region=county, path=""
    )
    fed.path = f"/{fed.pk}/"
    fed.save(update_fields=["path"])
    team = Organization.objects.create(
        name="崇礼蓝天应急救援队", kind=Kind.SPECIALIST, region=county, parent=fed, path="",
        leader_name="杨卫东",
    )  # fmt: skip
    team.path = f"{fed.path}{team.pk}/"
    team.save(update_fields=["path"])
    sh = ZoneInfo("Asia/Shanghai")
    start = datetime(2022, 2, 11, 8, tzinfo=sh)
    acts = [
        Activity.objects.create(
            title=f"冬奥城市志愿服务第{i + 1}场", category="snow_ice", organization=team,
            region=county, place="太子城", starts_at=start + timedelta(days=i),
            ends_at=start + timedelta(days=i, hours=8), status=Status.FINISHED,
        )
        for i in range(activities)
    ]  # fmt: skip
    volunteer = Volunteer.objects.create(
        name="王建国", gender="male", id_number_enc="x", id_number_masked="130709********1234",
        residence_region=county, home_org=team, region=county, status="active",
        birth_year=1970,
    )  # fmt: skip
    leader = User.objects.create_user(username="leader", password="x")  # noqa: S106
    Grant.objects.create(user=leader, role=Role.ORG_LEADER, organization=team)
    now = datetime.now(sh)
    base = {
        "volunteer_id": volunteer.pk, "region_id": county.pk, "attendance_id": None,
        "refers_to_id": None, "place": "太子城", "content": "", "organizing_unit": team.name,
        "person_in_charge": "杨卫东", "minutes": 60, "confirmed_minutes": 0, "reason": "",
        "recorded_by_id": None, "recorded_by_name": "bench", "recorded_at": now,
        "category": "snow_ice", "source": Source.LEADER,
    }  # fmt: skip
    with transaction.atomic():
        rows = [
            {**base, "activity_id": (a := acts[i % activities]).pk, "activity_name": a.title,
             "service_date": (day := (start + timedelta(days=i % 1500)).date()),
             "service_year": day.year}
            for i in range(entries)
        ]  # fmt: skip
        _chained(team.pk, rows)
    leader = User.objects.get(pk=leader.pk)
    issue = timed_ms(
        lambda: proof_issue(actor=leader, volunteer=volunteer, organization=team), runs
    )
    proof = proof_issue(actor=leader, volunteer=volunteer, organization=team)
    assert proof.minutes == entries * 60, proof.minutes
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    signed = timed_ms(lambda: proof_document(request, proof), runs)
    holder = Holder(name="王建国", id_masked="130709********1234", birth_year=1970)
    period = proof_period(proof)
    drawn = timed_ms(
        lambda: draw_pdf(proof, holder=holder, verify_url="http://testserver/v", period=period),
        runs,
    )
    token = proof_token(proof.number)
    verify = timed_ms(lambda: proof_verify(code=token), runs)
    return {
        "entries": entries,
        "activities": activities,
        "issue_ms": issue,
        "draw_and_sign_ms": signed,
        "draw_ms": drawn,
        "verify_ms": verify,
        "pdf_bytes": len(proof_document(request, proof)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--activities", type=int, default=40)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.entries, args.activities, args.runs)))
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
            [sys.executable, __file__, "--child", "--entries", str(args.entries),
             "--activities", str(args.activities), "--runs", str(args.runs)],
            env=env, cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"proofs of service, SQLite, {result['entries']:,} entries over "
          f"{result['activities']} activities (median / p95, ms)")  # fmt: skip
    for label, key in (
        ("issue a proof of everything", "issue_ms"),
        ("draw the PDF", "draw_ms"),
        ("draw and sign the PDF (PAdES)", "draw_and_sign_ms"),
        ("public check of the QR token", "verify_ms"),
    ):
        median, p95 = result[key]
        print(f"  {label:<32} {median:8.1f} {p95:8.1f}")
    print(f"  signed PDF size: {result['pdf_bytes']:,} bytes")


if __name__ == "__main__":
    main()
