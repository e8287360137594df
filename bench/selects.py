"""Benchmark: forms that pick an organization or a place, before and after searchable selects.

    uv run python bench/selects.py                  # SQLite ×1 (the story's season)
    uv run python bench/selects.py --scale 10 --runs 20

Issue 13/14: the forms with an organization select took 60–97 ms at 10× as the city office,
rendering every one of the 671 organizations as an <option>. With `core/widgets.py` they
render only the chosen one. For the city office (the widest scope of the demo logins) this
prints, per form page: median and p95 ms of the whole page (test client, in-process, DEBUG
off) and its queries; then the cost of the field alone, the old <select> of every organization
the user may change against the SearchSelect; then the search endpoints. Uses (and builds when
missing) the dataset of bench/dataset.py. Not a test: nothing here fails a build.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import dataset  # noqa: E402  (a sibling script, not a package)

PAGES = [
    ("new volunteer", "/people/new/"),
    ("new organization", "/orgs/new/"),
    ("roster import", "/spreadsheets/roster/import/"),
    ("new activity", "/activities/new/"),
    ("new campaign", "/activities/campaigns/new/"),
    ("roster (organization filter)", "/people/"),
]
SEARCHES = [
    ("organizations «崇礼»", "/orgs/search/", {"q": "崇礼", "action": "change"}),
    ("organizations «z»", "/orgs/search/", {"q": "z"}),
    ("regions «西»", "/regions/search/", {"q": "西", "within": "residence"}),
    ("volunteers «王»", "/people/search/", {"q": "王"}),
]


def timed(call: Any, runs: int) -> tuple[float, float, int]:
    """Median and p95 ms of ``call`` after two warm-ups, and the queries of one call."""
    from django.db import connection

    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    call()
    # A wrapper, not CaptureQueriesContext: each request resets Django's own query log.
    with connection.execute_wrapper(count):
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], len(executed)


def child(runs: int) -> list[dict[str, Any]]:
    import django

    django.setup()
    from django import forms
    from django.test import Client

    from vetserve.accounts.models import User
    from vetserve.core.access import CHANGE
    from vetserve.orgs.forms import OrganizationSearchField
    from vetserve.orgs.selectors import organization_list

    user = User.objects.get(username="city")
    client = Client()
    client.force_login(user)
    rows: list[dict[str, Any]] = []
    for name, url in PAGES:

        def page(url: str = url) -> None:
            assert client.get(url).status_code == 200, url

        median, p95, queries = timed(page, runs)
        rows.append({"what": f"page: {name}", "median": median, "p95": p95, "queries": queries})

    orgs = organization_list(user=user, action=CHANGE).select_related("region").order_by("path")

    class Old(forms.Form):
        organization = forms.ModelChoiceField(queryset=orgs)

    class New(forms.Form):
        organization = OrganizationSearchField(orgs, action=CHANGE)

    chosen = orgs.values_list("pk", flat=True).last()
    for label, form_class in (("field: <select> of all", Old), ("field: SearchSelect", New)):

        def field(form_class: Any = form_class) -> None:
            str(form_class(initial={"organization": chosen})["organization"])

        median, p95, queries = timed(field, runs)
        rows.append({"what": label, "median": median, "p95": p95, "queries": queries})
    rows.append({"what": f"(organizations the city office may change: {orgs.count()})"})
    for name, url, data in SEARCHES:

        def search(url: str = url, data: dict[str, str] = data) -> None:
            assert client.post(url, data).status_code == 200

        median, p95, queries = timed(search, runs)
        rows.append({"what": f"search: {name}", "median": median, "p95": p95, "queries": queries})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.runs)))
        return 0
    var_dir = ROOT / "var"
    report = dataset.ensure("sqlite", args.scale, var_dir, rebuild=args.rebuild)
    if report:
        dataset.print_report("sqlite", report)
    env = dataset.bench_env(dataset.database_url("sqlite", args.scale, var_dir), var_dir)
    env["VETSERVE_STATIC_MANIFEST"] = "0"  # no collectstatic needed; static URLs unhashed
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--runs", str(args.runs)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr[-4000:])
    print(f"SQLite ×{args.scale}, city office, {args.runs} runs each")
    print(f"{'':<44}{'median ms':>10}{'p95 ms':>10}{'queries':>9}")
    for row in json.loads(done.stdout.strip().splitlines()[-1]):
        if "median" not in row:
            print(f"  {row['what']}")
            continue
        print(f"{row['what']:<44}{row['median']:>10.1f}{row['p95']:>10.1f}{row['queries']:>9}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
