"""Benchmark: a city's call-out end to end on PostgreSQL (issue 16) — read the candidates and
their eligibility from the database, solve, save the proposal with its reasons; then the
proposal's review page.

    uv run python bench/dispatch_e2e.py [--candidates 10000] [--shifts 1000] [--people 5000]

In a database of its own (created and dropped on BENCH_POSTGRES_URL's server): the divisions,
a city federation and a team per county, ``--candidates`` active volunteers spread over the
city's townships, 30 % of them holding a qualification that every shift asks for (so ~30 %
are eligible per shift, checked by ``skills.eligibility``), one published activity with
``--shifts`` shifts over a week needing ``--people`` people in total, and a call-out for them
made by the city's administrator. Times ``dispatch.services.proposal_run`` (once: it is what
a dispatcher waits for) split into building the Problem, solving and saving, and the review
page ``/dispatch/<id>/`` (median and p95 of 20 renders after 3 warm-ups). Runs in a child
process. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from _shared import postgres, postgres_admin_url, timed_ms

from vetserve.core.crypto import new_key as _key

ROOT = Path(__file__).resolve().parent.parent


def child(n_candidates: int, n_shifts: int, n_people: int) -> dict[str, object]:
    import django

    django.setup()
    import random
    from datetime import date, datetime, timedelta
    from zoneinfo import ZoneInfo

    from django.core.management import call_command
    from django.test import Client

    from vetserve.accounts.models import Grant, Role, User
    from vetserve.activities.models import Activity, Shift, Status
    from vetserve.dispatch import engine, problem, services
    from vetserve.dispatch.models import CallOut, ProposalLine
    from vetserve.orgs.models import Kind, Organization
    from vetserve.people.models import Volunteer
    from vetserve.regions.models import Level, Region
    from vetserve.regions.services import regions_load_csv
    from vetserve.skills.models import Qualification, QualificationType

    call_command("migrate", verbosity=0)
    regions_load_csv()
    rng = random.Random(16)
    city = Region.objects.get(code="130700")
    fed = Organization.objects.create(name="张家口市联合会", kind=Kind.FEDERATION, region=city)
    fed.path = f"/{fed.pk}/"
    fed.save(update_fields=["path"])
    counties = list(Region.objects.filter(level=Level.COUNTY, lat__isnull=False))
    teams = {}
    for county in counties:
        team = Organization.objects.create(
            name=f"{county.name}志愿服务队", kind=Kind.GRASSROOTS, region=county, parent=fed
        )
        team.path = f"{fed.path}{team.pk}/"
        team.save(update_fields=["path"])
        teams[county.code] = team
    townships = list(Region.objects.filter(level=Level.TOWNSHIP))
    volunteers = []
    for i in range(n_candidates):
        township = rng.choice(townships)
        volunteers.append(
            Volunteer(
                name=f"志愿者{i:05d}", gender="male", id_number_enc="x",
                id_number_masked="130709********1234", residence_region=township,
                home_org=teams.get(township.code[:6], teams["130709"]), region=township,
                status="active", birth_year=1970,
            )
        )  # fmt: skip
    Volunteer.objects.bulk_create(volunteers, batch_size=2000)
    cert = QualificationType.objects.create(
        code="bench_cert", name="基准测试证", validity_days=3650
    )
    holders = [v for v in Volunteer.objects.all() if rng.random() < 0.3]
    Qualification.objects.bulk_create(
        [
            Qualification(
                volunteer=v, type=cert, issued_on=date(2025, 1, 1), expires_on=date(2034, 1, 1),
                verified_at=datetime(2025, 1, 2, tzinfo=ZoneInfo("UTC")),
            )
            for v in holders
        ],
        batch_size=2000,
    )  # fmt: skip
    admin = User.objects.create_user(username="city", password="x")  # noqa: S106
    Grant.objects.create(user=admin, role=Role.CITY_ADMIN, region=city)
    sh = ZoneInfo("Asia/Shanghai")
    start = datetime.now(sh).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    activity = Activity.objects.create(
        title="全市冬奥城市志愿服务", category="civility", organization=fed, region=city,
        place="张家口市区", starts_at=start, ends_at=start + timedelta(days=8),
        status=Status.PUBLISHED,
    )  # fmt: skip
    per_shift = n_people // n_shifts
    shifts = []
    for sid in range(n_shifts):
        county = counties[sid % len(counties)]
        begin = start + timedelta(days=sid % 7, hours=rng.choice((6, 8, 14)))
        shifts.append(
            Shift(
                activity=activity, post=f"{county.name}岗位{sid + 1}", starts_at=begin,
                ends_at=begin + timedelta(hours=4), min_people=max(1, per_shift - 2),
                wanted_people=per_shift, max_people=per_shift + 2,
                requirements={"qualification_groups": [[cert.pk]], "verified_only": True},
            )
        )  # fmt: skip
    Shift.objects.bulk_create(shifts, batch_size=2000)
    callout = CallOut.objects.create(
        title="全市冬奥城市志愿服务", activity=activity, region=city, organization=fed,
        answer_minutes=240, created_by=admin, widen=True,
    )  # fmt: skip
    callout.shifts.set(Shift.objects.filter(activity=activity))
    admin = User.objects.get(pk=admin.pk)

    # The three parts timed apart once, then the whole service as a dispatcher runs it.
    t0 = time.perf_counter()
    built = problem.build_problem(
        actor=admin, callout=callout, shifts=problem.callout_shifts(callout)
    )
    t1 = time.perf_counter()
    answer = engine.solve(built.problem)
    t2 = time.perf_counter()
    started = time.perf_counter()
    proposal = services.proposal_run(actor=admin, callout=callout)
    total = time.perf_counter() - started
    lines = ProposalLine.objects.filter(proposal=proposal).count()

    client = Client()
    client.force_login(admin)
    page = timed_ms(lambda: client.get(f"/dispatch/{callout.pk}/"), 20)
    assert client.get(f"/dispatch/{callout.pk}/").status_code == 200
    return {
        "candidates": n_candidates,
        "shifts": n_shifts,
        "wanted": sum(s.wanted for s in built.problem.shifts),
        "assigned": len(answer.assignments),
        "status": answer.status,
        "lines": lines,
        "build_s": round(t1 - t0, 2),
        "solve_s": round(t2 - t1, 2),
        "proposal_run_s": round(total, 2),
        "page_ms": page,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--shifts", type=int, default=1_000)
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.candidates, args.shifts, args.people)))
        return
    name = f"bench_dispatch_{uuid.uuid4().hex[:8]}"
    postgres(f"CREATE DATABASE {name}")
    try:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="vetserve.settings",
            VETSERVE_DEBUG="0",
            VETSERVE_SECRET_KEY=_key(),
            VETSERVE_DATA_KEYS=f"b1:{_key()}",
            VETSERVE_DATA_KEY_ID="b1",
            VETSERVE_BLIND_INDEX_KEY=_key(),
            VETSERVE_ALLOWED_HOSTS="testserver",
            VETSERVE_STATIC_MANIFEST="0",
            DATABASE_URL=postgres_admin_url().rsplit("/", 1)[0] + f"/{name}",
        )
        done = subprocess.run(
            [sys.executable, __file__, "--child", "--candidates", str(args.candidates),
             "--shifts", str(args.shifts), "--people", str(args.people)],
            env=env, cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
    finally:
        postgres(f"DROP DATABASE IF EXISTS {name}")
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    r = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"dispatch end to end, PostgreSQL, {r['candidates']:,} candidates x {r['shifts']:,} "
        f"shifts wanting {r['wanted']:,} people (~30 % eligible per shift)"
    )
    print(f"  proposal_run (read, solve, save)   {r['proposal_run_s']:8.2f} s   (budget 5 s)")
    print(f"    of which: build the problem      {r['build_s']:8.2f} s")
    print(f"              solve                  {r['solve_s']:8.2f} s")
    print(f"  engine status {r['status']}, {r['assigned']:,} assigned, {r['lines']:,} lines saved")
    median, p95 = r["page_ms"]
    print(f"  review page, median / p95          {median:8.1f} / {p95:.1f} ms   (budget 200 ms)")


if __name__ == "__main__":
    main()
