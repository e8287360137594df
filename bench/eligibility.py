"""Benchmark: the eligibility check for 10,000 volunteers x 1,000 requirements.

    uv run python bench/eligibility.py [--volunteers 10000] [--requirements 1000] [--db sqlite]

1. **in memory**: builds the facts of N volunteers (birth dates, 0-3 skills, 0-4 qualifications
   drawn from the seeded catalogue's shape, some expired, some unverified, health
   declarations) and M requirements (skills with levels, any-of qualification groups, age
   ranges, health, insurance) with a fixed seed, then times `check_many` (best of 3) — the
   evaluation alone, no string building. Target: well under 1 s.
2. **from a database** (`--db sqlite`, and/or `postgres` at $BENCH_POSTGRES_URL): in a child
   process, a fresh database is migrated, N volunteers with ~2 qualifications and ~1 skill each
   are inserted with bulk_create, and the bulk loader (`selectors.eligibility_facts` plus
   `qualification_catalogue`) is timed, then `check_many` on what it loaded.

Prints a table: pairs, seconds, pairs/s, pass/fail against 1 s. Not a test.
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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _shared import postgres as _postgres  # noqa: E402
from _shared import postgres_admin_url as _postgres_admin_url  # noqa: E402

from vetserve.core.crypto import new_key as _key  # noqa: E402
from vetserve.skills.eligibility import (  # noqa: E402 - after the path is set
    HeldQualification,
    QualificationCatalogue,
    QualificationTypeInfo,
    Requirement,
    SkillNeed,
    VolunteerFacts,
    check_many,
)

LIMIT_SECONDS = 1.0
AT = datetime(2022, 2, 4, 4, 0, tzinfo=UTC)  # the opening day, noon in Shanghai
BENCH_DB = "vetserve_bench_eligibility"
N_TYPES, N_SKILLS = 16, 24


def catalogue() -> QualificationCatalogue:
    # The seeded shape: a first-aid pair, licences A1 > A3/B1/B2 > C1 > C2/C3 > C4, insurance.
    includes = {2: {1}, 6: {8, 9, 10, 11}, 7: {9, 10, 11}, 8: {11}, 9: {11}, 10: {11}}
    includes.update({11: {12, 13}, 13: {14}})
    return QualificationCatalogue(
        [
            QualificationTypeInfo(
                t, f"type{t}", frozenset(includes.get(t, ())), is_insurance=t == 16
            )
            for t in range(1, N_TYPES + 1)
        ],
        {s: f"skill{s}" for s in range(1, N_SKILLS + 1)},
    )


def make_facts(n: int, seed: int = 2022) -> list[VolunteerFacts]:
    rng = random.Random(seed)
    day = AT.date()
    facts = []
    for vid in range(1, n + 1):
        quals = tuple(
            HeldQualification(
                rng.randint(1, N_TYPES),
                None if rng.random() < 0.2 else day + timedelta(days=rng.randint(-400, 1000)),
                rng.random() < 0.8,
            )
            for _ in range(rng.randint(0, 4))
        )
        facts.append(
            VolunteerFacts(
                vid,
                birth_date=date(rng.randint(1950, 2003), rng.randint(1, 12), rng.randint(1, 28)),
                skills={
                    rng.randint(1, N_SKILLS): rng.randint(1, 3) for _ in range(rng.randint(0, 3))
                },
                qualifications=quals,
                health_declared_on=None
                if rng.random() < 0.3
                else day - timedelta(days=rng.randint(0, 120)),
            )
        )
    return facts


def make_requirements(m: int, seed: int = 2022) -> list[Requirement]:
    rng = random.Random(seed + 1)
    return [
        Requirement(
            id=rid,
            skills=tuple(
                SkillNeed(rng.randint(1, N_SKILLS), rng.randint(1, 3))
                for _ in range(rng.choice([0, 0, 1, 1, 2]))
            ),
            qualification_groups=tuple(
                frozenset(rng.sample(range(1, N_TYPES), rng.randint(1, 3)))
                for _ in range(rng.choice([0, 1, 1, 2]))
            ),
            verified_only=rng.random() < 0.8,
            min_age=rng.choice([None, 18, 20]),
            max_age=rng.choice([None, 60, 65, 70]),
            health_within_days=rng.choice([None, None, 30, 90]),
            insurance_required=rng.random() < 0.3,
        )
        for rid in range(1, m + 1)
    ]


def time_check_many(
    facts: list[VolunteerFacts], requirements: list[Requirement], cat: QualificationCatalogue
) -> tuple[float, int]:
    best = float("inf")
    eligible = 0
    for _ in range(3):
        started = time.perf_counter()
        result = check_many(facts, requirements, AT, cat)
        best = min(best, time.perf_counter() - started)
        eligible = sum(len(ids) for ids in result.eligible.values())
    return best, eligible


# --- the database part, in a child process ---------------------------------------------------


def child(volunteers: int, requirements: int) -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from vetserve.orgs.models import Kind, Organization
    from vetserve.people.models import Volunteer
    from vetserve.regions.models import Region
    from vetserve.regions.services import regions_load_csv
    from vetserve.skills.models import Qualification, QualificationType, Skill, VolunteerSkill
    from vetserve.skills.selectors import eligibility_facts, qualification_catalogue

    call_command("migrate", verbosity=0)
    regions_load_csv()
    region = Region.objects.get(code="130709")
    org = Organization.objects.create(
        name="崇礼区退役军人志愿服务总队", kind=Kind.GRASSROOTS, region=region, path=""
    )
    rng = random.Random(7)
    Volunteer.objects.bulk_create(
        [
            Volunteer(
                name=f"志愿者{i}",
                gender="male",
                birth_date=date(rng.randint(1950, 2003), 1, 1)
                + timedelta(days=rng.randint(0, 364)),
                id_number_enc="x",
                id_number_masked="x",
                residence_region=region,
                home_org=org,
                region=region,
                health_declared_on=AT.date() - timedelta(days=rng.randint(0, 120)),
            )
            for i in range(volunteers)
        ],
        batch_size=2000,
    )
    ids = list(Volunteer.objects.values_list("pk", flat=True))
    types = list(QualificationType.objects.values_list("pk", flat=True))
    skills = list(Skill.objects.values_list("pk", flat=True))
    today = AT.date()
    Qualification.objects.bulk_create(
        [
            Qualification(
                volunteer_id=vid,
                type_id=rng.choice(types),
                expires_on=today + timedelta(days=rng.randint(-400, 1000)),
                verified_at=AT if rng.random() < 0.8 else None,
            )
            for vid in ids
            for _ in range(2)
        ],
        batch_size=5000,
    )
    VolunteerSkill.objects.bulk_create(
        [
            VolunteerSkill(volunteer_id=vid, skill_id=rng.choice(skills), level=2, source="self")
            for vid in ids
        ],
        batch_size=5000,
    )
    started = time.perf_counter()
    cat = qualification_catalogue()
    facts = eligibility_facts(Volunteer.objects.all())
    load = time.perf_counter() - started
    reqs = make_requirements(requirements)
    type_ids = sorted(cat.types)
    # Map the synthetic requirement ids (1..16) onto the seeded catalogue's real ids.
    reqs = [
        Requirement(
            id=r.id,
            skills=tuple(
                SkillNeed(skills[n.skill_id % len(skills)], n.min_level) for n in r.skills
            ),
            qualification_groups=tuple(
                frozenset(type_ids[t % len(type_ids)] for t in g) for g in r.qualification_groups
            ),
            verified_only=r.verified_only,
            min_age=r.min_age,
            max_age=r.max_age,
            health_within_days=r.health_within_days,
            insurance_required=r.insurance_required,
        )
        for r in reqs
    ]
    seconds, _ = time_check_many(facts, reqs, cat)
    return {
        "vendor": connection.vendor,
        "volunteers": len(facts),
        "qualifications": sum(len(f.qualifications) for f in facts),
        "load": load,
        "check": seconds,
    }


def run_child(db: str, workdir: Path, volunteers: int, requirements: int) -> dict[str, object]:
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
        env["DATABASE_URL"] = f"{_postgres_admin_url().rsplit('/', 1)[0]}/{BENCH_DB}"
        _postgres(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        _postgres(f"CREATE DATABASE {BENCH_DB}")
    try:
        args = ["--child", "--volunteers", str(volunteers), "--requirements", str(requirements)]
        done = subprocess.run(
            [sys.executable, __file__, *args],
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
    parser.add_argument("--volunteers", type=int, default=10_000)
    parser.add_argument("--requirements", type=int, default=1_000)
    parser.add_argument("--db", default="sqlite", help="sqlite,postgres or none")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.volunteers, args.requirements)))
        return 0

    cat = catalogue()
    facts = make_facts(args.volunteers)
    reqs = make_requirements(args.requirements)
    pairs = len(facts) * len(reqs)
    seconds, eligible = time_check_many(facts, reqs, cat)
    ok = seconds < LIMIT_SECONDS
    print(f"check_many in memory: {len(facts):,} volunteers x {len(reqs):,} requirements")
    print(f"{'pairs':>12} {'seconds':>8} {'pairs/s':>14} {'eligible':>10}  < 1 s")
    verdict = "pass" if ok else "FAIL"
    print(f"{pairs:>12,} {seconds:>8.3f} {pairs / seconds:>14,.0f} {eligible:>10,}  {verdict}")

    dbs = [d for d in args.db.split(",") if d and d != "none"]
    if dbs:
        print()
        print("from a database: bulk loader (facts + catalogue), then check_many")
        print(f"{'database':<10} {'volunteers':>10} {'quals':>7} {'load s':>7} {'check s':>8}")
        with tempfile.TemporaryDirectory(prefix="vetserve-bench-") as tmp:
            for db in dbs:
                r = run_child(db, Path(tmp), args.volunteers, args.requirements)
                print(
                    f"{r['vendor']!s:<10} {r['volunteers']:>10,} {r['qualifications']:>7,} "
                    f"{r['load']:>7.3f} {r['check']:>8.3f}"
                )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
