"""Benchmark: selection by criteria at city scale — the demo's 5,173 volunteers (build it first
with `uv run vetserve demo --build-only`): running a selection of 40 people on two posts (every
eligible person scored on five criteria, the posts filled exactly) and rendering its review page.

    uv run python bench/selection.py [--runs 10] [--picks 40]

Works on the demo database (var/demo.sqlite3, or VETSERVE_DEMO_DATABASE_URL) inside a
transaction rolled back at the end, so the demo is left as it was. Prints the median and 95th
percentile of ``--runs`` runs after 3 warm-ups. Not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from _shared import timed_ms

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--picks", type=int, default=40)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetserve.settings")
    from vetserve.demo.environment import prepare_demo_environment

    prepare_demo_environment()
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from vetserve.accounts.models import User
    from vetserve.orgs.models import Organization
    from vetserve.people.models import Volunteer
    from vetserve.regions.models import Region
    from vetserve.selection.models import Selection
    from vetserve.selection.services import selection_create, selection_run
    from vetserve.skills.models import QualificationType

    city = User.objects.get(username="city")
    hubs = args.picks * 3 // 8
    with transaction.atomic():
        selection = selection_create(
            actor=city,
            organization=Organization.objects.get(region_id=Region.objects.get(code="130700").pk,
                                                  parent__isnull=True, kind="federation"),
            name="基准测试选拔",
            posts=[
                {"name": "交通枢纽接驳", "quota": hubs,
                 "qualification_group": [QualificationType.objects.get(code="licence_c1").pk]},
                {"name": "酒店服务", "quota": args.picks - hubs},
            ],
            weights={"hours": 40, "training": 20, "no_shows": 20, "party": 10, "distance": 10},
            min_age=18, max_age=65, place_region=Region.objects.get(code="130702"),
        )  # fmt: skip

        def run() -> Selection:
            return selection_run(actor=city, selection=selection)

        with CaptureQueriesContext(connection) as queries:
            done = run()
        query_count = len(queries.captured_queries)
        run_ms = timed_ms(run, args.runs)
        client = Client(HTTP_HOST="localhost")
        client.force_login(city)
        url = f"/selections/{selection.pk}/"
        page_ms = timed_ms(lambda: client.get(url), args.runs)
        transaction.set_rollback(True)
    roster = Volunteer.objects.count()
    print(
        f"pool {done.pool_size} volunteers ({roster} on the roster), {done.eligible_size} "
        f"eligible, {args.picks} picked, {query_count} queries a run"
    )
    print("| step | median ms | p95 ms |")
    print("|---|---|---|")
    print(f"| run (score, seat, save) | {run_ms[0]:.0f} | {run_ms[1]:.0f} |")
    print(f"| review page | {page_ms[0]:.0f} | {page_ms[1]:.0f} |")


if __name__ == "__main__":
    main()
