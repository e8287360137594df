"""Benchmark: every page and API list each role reaches, at 1× and 10× the season.

    uv run python bench/pages.py                       # PostgreSQL and SQLite, 1× and 10×
    uv run python bench/pages.py --db postgres --scale 1 --runs 10 --roles leader,volunteer
    uv run python bench/pages.py --http                # over HTTP against `vetserve serve` too

For each database and scale it builds (or reuses, see ``--rebuild``) the dataset of
bench/dataset.py, then, in a child process with DEBUG off, for each demo login (superuser,
city, county, township, leader, volunteer, auditor):

- **pages**: starts at the role's home and follows the links on each page (same site, GET,
  breadth first, two levels deep) — so it measures what a person of that role can reach, and
  new pages join the table as soon as something links to them. One URL per page route; for a
  list, also its last page when the page links to it. Downloads, exports, logout and the
  public badge check are left out (they are not pages; exports have their own benchmark).
- **API**: every GET operation of /api/v1/openapi.json with the role's API token: the lists
  with their default page, and each object read with an id the list returned.
- **a single write**: the volunteer signs up for a future shift through the page (the POST
  alone; the sign-up is withdrawn again, untimed, before the next run).

Each is requested twice to warm up and then ``--runs`` times. Server time is measured
in-process: the wall time around `django.test.Client` (URL resolution, middleware, the view,
its queries and the template; no network). With ``--http`` the same URLs are requested again
from `vetserve serve` (gunicorn, 2 workers) over a local TCP connection, one at a time, and the
wall time of each request is shown too. The table prints, per row: rows in scope (what the
role may see of the list's model), the rows the page shows, median and p95 in ms, the queries
of one request, and the verdict against issue 14's targets: lists ≤ 40 ms median and ≤ 80 ms
p95, object pages and reads ≤ 25 ms median, single writes ≤ 25 ms median. A summary at the end
counts passes and lists the misses. Not a test: nothing here fails a build.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import dataset  # noqa: E402  (a sibling script, not a package)

ROLES = ["admin", "city", "chongli", "xiwanzi", "leader", "volunteer", "auditor"]
LIST_MEDIAN, LIST_P95, OBJECT_MEDIAN, WRITE_MEDIAN = 40.0, 80.0, 25.0, 25.0
MAX_PAGES_PER_ROLE = 120
SKIP = re.compile(
    r"^/(static|media|i18n|django-admin|api|v/)|logout|download|export|\.pdf|\.xlsx|\.csv|"
    r"template|/qr/|/sw\.js|/reveal/"
)
# Pages that show a form to fill (a new record, an import, a check), not a list: held to the
# object pages' 25 ms.
FORM = re.compile(r"(create|new|edit|import|check|password|merge)\b|_edit$|_create$")
HREF = re.compile(r'href="(/[^"#]*)"')


# --- the child ------------------------------------------------------------------------------


class _Queries:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.count += 1
        return execute(sql, params, many, context)


def _scope_models() -> dict[str, Any]:
    """The model each list page shows, to count what the role may see of it."""
    from vetserve.activities.models import Activity, Campaign
    from vetserve.attendance.models import Attendance
    from vetserve.audit.models import AuditEntry
    from vetserve.badges.models import Badge
    from vetserve.orgs.models import Organization
    from vetserve.people.models import Volunteer
    from vetserve.regions.models import Region
    from vetserve.skills.models import Course

    return {
        "activities:list": Activity,
        "activities:campaigns": Campaign,
        "people:list": Volunteer,
        "orgs:list": Organization,
        "regions:list": Region,
        "audit:list": AuditEntry,
        "attendance_audit": Attendance,
        "badges:list": Badge,
        "skills:courses": Course,
    }


def _in_scope(user: Any, route: str) -> int | None:
    from vetserve.core.access import AUDIT, VIEW

    model = _scope_models().get(route)
    if model is None or not hasattr(model.objects, "visible_to"):
        return None
    action = AUDIT if route in {"audit:list", "attendance_audit"} else VIEW
    try:
        return int(model.objects.visible_to(user, action).count())
    except Exception:  # a model scoped another way: no count rather than a wrong one
        return None


def _route(path: str) -> tuple[str, bool] | None:
    """The page's route name and whether it takes arguments (an object page)."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name, bool(match.args or match.kwargs)


def _crawl(client: Any) -> list[tuple[str, str, str]]:
    """(kind, route, url) of the pages reachable from home: one per route, plus last pages."""
    seen_routes: dict[str, str] = {}
    last_pages: dict[str, tuple[int, str]] = {}
    queue: deque[tuple[str, int]] = deque([("/", 0)])
    visited: set[str] = set()
    queued: set[str] = {"home:home"}
    while queue and len(visited) < MAX_PAGES_PER_ROLE:
        url, depth = queue.popleft()
        if url in visited:
            continue
        visited.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        route = _route(url)
        if route is None:
            continue
        seen_routes.setdefault(route[0], url)
        page = parse_qs(urlsplit(url).query).get("page", [""])[0]
        if page.isdigit() and int(page) > last_pages.get(route[0], (1, ""))[0]:
            last_pages[route[0]] = (int(page), url)
        if depth >= 2:
            continue
        for href in HREF.findall(response.content.decode()):
            link = html.unescape(href)
            if SKIP.search(link) or link in visited:
                continue
            target = _route(link)
            if target is None:
                continue
            query = parse_qs(urlsplit(link).query)
            # Follow one URL per route, and paging links (for the last page).
            if target[0] in queued and "page" not in query:
                continue
            queued.add(target[0])
            queue.append((link, depth + 1))
    pages = []
    for route, url in seen_routes.items():
        kind = "object" if _route(url)[1] else "list"  # type: ignore[index]
        if FORM.search(route):
            kind = "form"
        pages.append((kind, route, url))
        if route in last_pages and last_pages[route][1] != url:
            pages.append(
                ("list", f"{route} (last page {last_pages[route][0]:,})", last_pages[route][1])
            )
    return pages


def _api_urls(client: Any, headers: dict[str, str]) -> list[tuple[str, str, str]]:
    """(kind, operation, url): every GET list, and every GET object read with a listed id."""
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    lists, objects = [], []
    for path, operations in schema["paths"].items():
        if "get" not in operations or "openapi" in path:
            continue
        if "{" in path:
            objects.append(path)
        else:
            lists.append(path)
    found = []
    ids: dict[str, Any] = {}
    for path in sorted(lists):
        found.append(("api list", path, path))
        response = client.get(path, **headers)
        if response.status_code == 200:
            body = response.json()
            items = body.get("items") if isinstance(body, dict) else body
            if isinstance(items, list) and items and isinstance(items[0], dict):
                ids[path.rstrip("/")] = items[0].get("id")
    for path in sorted(objects):
        head = path.split("{", 1)[0].rstrip("/")
        if path.count("{") != 1 or ids.get(head) is None:
            continue
        url = re.sub(r"\{[^}]+\}", str(ids[head]), path)
        found.append(("api object", path, url))
    return found


def _time(call: Any, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def _signup_write(user: Any, client: Any, runs: int) -> dict[str, Any] | None:
    """The volunteer signs up for an upcoming shift through the page, again and again."""
    from django.db import connection
    from django.utils import timezone

    from vetserve.activities.models import Shift, SignUp
    from vetserve.activities.services import signup_withdraw
    from vetserve.people.selectors import volunteer_own

    own = volunteer_own(user=user)
    if own is None:
        return None
    candidates = (
        Shift.objects.visible_to(user)
        .filter(
            activity__status="published", starts_at__gt=timezone.now() + timezone.timedelta(days=3)
        )
        .exclude(signups__volunteer=own)
        .order_by("starts_at")
    )
    for shift in candidates[:20]:
        url = f"/activities/shifts/{shift.pk}/signup/"

        def once(shift: Any = shift, url: str = url) -> None:
            client.post(url)
            row = SignUp.objects.filter(shift=shift, volunteer=own, state="confirmed").first()
            if row is None:
                raise LookupError("refused")
            signup_withdraw(actor=user, signup=row)

        try:
            once()
        except LookupError:
            continue
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            client.post(url)
            times.append((time.perf_counter() - began) * 1000)
            row = SignUp.objects.get(shift=shift, volunteer=own, state="confirmed")
            signup_withdraw(actor=user, signup=row)
        counter = _Queries()
        with connection.execute_wrapper(counter):
            client.post(url)
        signup_withdraw(
            actor=user, signup=SignUp.objects.get(shift=shift, volunteer=own, state="confirmed")
        )
        times.sort()
        return {
            "role": user.username,
            "kind": "write",
            "what": "sign-up (POST /activities/shifts/<id>/signup/)",
            "url": url,
            "scope": None,
            "shown": None,
            "median": statistics.median(times),
            "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
            "queries": counter.count,
        }
    return None


def _shown(content: bytes) -> int:
    text = content.decode(errors="replace")
    rows = text.count("<tr") - text.count("<thead")
    cards = len(re.findall(r'<li class="[^"]*\b(card|row|item)\b', text))
    return max(rows, cards, 0)


def measure(runs: int, roles: list[str], http_port: int | None) -> list[dict[str, Any]]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from vetserve.accounts.models import User
    from vetserve.accounts.services import api_token_create

    results: list[dict[str, Any]] = []
    for username in roles:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        _, raw = api_token_create(user=user, name="bench")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        targets = [(kind, what, url, {}) for kind, what, url in _crawl(client)]
        targets += [(kind, what, url, auth) for kind, what, url in _api_urls(client, auth)]
        for kind, what, url, headers in targets:
            api = kind.startswith("api")
            get_client = Client() if api else client

            def get(url: str = url, headers: dict[str, str] = headers, c: Any = get_client) -> Any:
                return c.get(url, **headers)

            first = get()
            if first.status_code != 200:
                results.append(
                    {
                        "role": username,
                        "kind": kind,
                        "what": what,
                        "url": url,
                        "status": first.status_code,
                    }
                )
                continue
            get()
            counter = _Queries()
            with connection.execute_wrapper(counter):
                response = get()
            median, p95 = _time(get, runs)
            row: dict[str, Any] = {
                "role": username,
                "kind": kind,
                "what": what,
                "url": url,
                "scope": _in_scope(user, what.split(" ")[0]) if kind == "list" else None,
                "shown": _shown(response.content) if kind == "list" else None,
                "median": median,
                "p95": p95,
                "queries": counter.count,
            }
            if api and kind == "api list":
                body = response.json()
                if isinstance(body, dict):
                    row["shown"] = len(body.get("items") or [])
                    # The API counts up to 10,000 (core/paging.py): "> 10,000" past that.
                    count = body.get("count")
                    row["scope"] = f"> {count:,}" if body.get("count_capped") else count
            if http_port is not None:
                name = settings.SESSION_COOKIE_NAME
                cookie = f"{name}={client.cookies[name].value}"
                row["http_median"], row["http_p95"] = _time_http(
                    http_port,
                    url,
                    {"Authorization": headers["HTTP_AUTHORIZATION"]} if api else {"Cookie": cookie},
                    runs,
                )
            results.append(row)
        if username == "volunteer":
            write = _signup_write(user, client, runs)
            if write is not None:
                results.append(write)
    return results


def _time_http(port: int, url: str, headers: dict[str, str], runs: int) -> tuple[float, float]:
    def once() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", url, headers={"Host": "127.0.0.1", **headers})
        response = conn.getresponse()
        response.read()
        conn.close()

    once()
    return _time(once, runs)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def child(runs: int, roles: list[str], use_http: bool) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    # A kept dataset gets the migrations (new indexes) of the code being measured.
    call_command("migrate", verbosity=0)
    server = None
    port = None
    if use_http:
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "vetserve.cli",
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--no-access-log",
            ],
            env=os.environ.copy(),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
    try:
        rows = measure(runs, roles, port)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        version = cursor.fetchone()[0]
    return {"vendor": connection.vendor, "version": version, "rows": rows}


# --- the parent -----------------------------------------------------------------------------


def _verdict(row: dict[str, Any]) -> str:
    if "status" in row:
        return f"HTTP {row['status']}"
    if row["kind"] in ("list", "api list"):
        ok = row["median"] <= LIST_MEDIAN and row["p95"] <= LIST_P95
    elif row["kind"] == "write":
        ok = row["median"] <= WRITE_MEDIAN
    else:
        ok = row["median"] <= OBJECT_MEDIAN
    return "pass" if ok else "MISS"


def _fmt(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else f"{value:,}"


def print_table(db: str, scale: int, result: dict[str, Any], use_http: bool) -> list[str]:
    print(f"\n### {result['vendor']} {result['version']}, ×{scale}\n")
    head = "| role | kind | page | in scope | shown | median ms | p95 ms | queries |"
    line = "|---|---|---|--:|--:|--:|--:|--:|"
    if use_http:
        head += " HTTP median | HTTP p95 |"
        line += "--:|--:|"
    print(head + " target |")
    print(line + "---|")
    misses = []
    for row in result["rows"]:
        verdict = _verdict(row)
        if "status" in row:
            print(f"| {row['role']} | {row['kind']} | {row['what']} | | | | | | {verdict} |")
            continue
        cells = (
            f"| {row['role']} | {row['kind']} | {row['what']} | {_fmt(row['scope'])} | "
            f"{_fmt(row['shown'])} | {row['median']:.1f} | {row['p95']:.1f} | {row['queries']} |"
        )
        if use_http:
            cells += f" {row.get('http_median', 0):.1f} | {row.get('http_p95', 0):.1f} |"
        print(cells + f" {verdict} |")
        if verdict != "pass":
            misses.append(
                f"{db} ×{scale} {row['role']} {row['kind']} {row['what']}: "
                f"{row['median']:.1f}/{row['p95']:.1f} ms, {row['queries']} queries"
            )
    passed = sum(1 for row in result["rows"] if _verdict(row) == "pass")
    print(f"\n{passed} of {len(result['rows'])} within target.")
    return misses


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--db", default="postgres,sqlite")
    parser.add_argument("--scale", default="1,10")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--http", action="store_true", help="also time over HTTP (vetserve serve)")
    parser.add_argument("--rebuild", action="store_true", help="build the datasets afresh")
    parser.add_argument("--var", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    roles = args.roles.split(",")
    if args.child:
        print(json.dumps(child(args.runs, roles, args.http)))
        return 0
    var_dir = Path(args.var)
    misses: list[str] = []
    for db in args.db.split(","):
        for scale in (int(s) for s in args.scale.split(",")):
            report = dataset.ensure(db, scale, var_dir, rebuild=args.rebuild)
            if report is not None:
                dataset.print_report(db, report)
            env = dataset.bench_env(dataset.database_url(db, scale, var_dir), var_dir)
            command = [sys.executable, __file__, "--child", "--runs", str(args.runs)]
            command += ["--roles", ",".join(roles)] + (["--http"] if args.http else [])
            done = subprocess.run(
                command, env=env, cwd=ROOT, capture_output=True, text=True, check=False
            )
            if done.returncode != 0:
                raise SystemExit(f"{db} ×{scale} failed:\n{done.stderr[-4000:]}")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            misses += print_table(db, scale, result, args.http)
    how = "in-process server time (django.test.Client, no network)"
    if args.http:
        how += "; HTTP = wall time of one request at a time to `vetserve serve`, 2 workers"
    print(f"\n{how}; {args.runs} runs per row, after 2 warm-up requests")
    if misses:
        print(f"\n{len(misses)} outside target:")
        for miss in misses:
            print(f"  {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
