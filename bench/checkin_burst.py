"""Benchmark: the check-in burst — the whole city (5,173 people) checked in at once over HTTP.

    uv run python bench/checkin_burst.py [--scans 5173] [--clients 64] [--workers 2]
        [--threads 4] [--socket /var/run/postgresql] [--port N]

Creates a PostgreSQL database `vetserve_bench_checkin` (dropped at the end) at
$BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres), migrates it, loads
the divisions, and builds in a child process: a team, an activity under way with one shift,
``--scans`` volunteers with confirmed sign-ups (bulk), and a leader of the team with an API
token. A second shift with one sign-up is the probe: one scan through `django.test.Client`
there counts the queries of one check-in (it is not counted with the burst's rows).

Then it starts `vetserve serve` (gunicorn, ``--workers`` × ``--threads``: its defaults on 2
cores; 127.0.0.1 on ``--port`` or $BENCH_PORT, else a free port; fresh keys from
`vetserve keys`), waits for /healthz, and sends each check-in as its own request — one
scan per POST /api/v1/attendance/scans, each with its own idempotency key, the leader
checking people in by hand — from ``--clients`` threads, each keeping its connection alive
where the server allows, the requests encoded before the clock starts. It reports how busy
the machine was and the CPU time per check-in of the server, PostgreSQL and the client (from
/proc). Afterwards it counts the attendance rows (must equal the scans, one per sign-up),
re-sends 200 of the scans with the same keys (must answer `duplicate` and add no row), and stops the
server.

The floor: the same number of plain INSERTs into a one-table database (a uuid key, a number,
a time) from the same number of threads, each with its own psycopg connection (opened before
the clock starts, as the server's are kept with CONN_MAX_AGE), autocommit. Loopback only; every
loop is bounded. Not a test.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _shared import postgres as _postgres
from _shared import postgres_admin_url as _admin_url

BENCH_DB = "vetserve_bench_checkin"
ROOT = Path(__file__).resolve().parent.parent
TOTAL_LIMIT_S = 10.0
P99_LIMIT_MS = 250.0
RESEND = 200
BATCH = 2000


# --- the child: build the data -----------------------------------------------------------------


def _count_queries(seen: list[str]):  # type: ignore[no-untyped-def]
    def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        seen.append(sql)
        return execute(sql, params, many, context)

    return wrapper


def build(scans: int) -> dict[str, object]:
    import random

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from vetserve.accounts.models import Grant, Role, User
    from vetserve.accounts.services import api_token_create
    from vetserve.activities.models import Activity, Category, Shift, SignUp, SignUpState
    from vetserve.activities.models import Status as ActivityStatus
    from vetserve.core import crypto
    from vetserve.core.text import pinyin_keys
    from vetserve.orgs.models import Kind, Organization
    from vetserve.people import services
    from vetserve.people.fakes import fictitious_person
    from vetserve.people.idnumbers import mask_id_number, mask_phone
    from vetserve.people.models import Status, Volunteer
    from vetserve.regions.models import Region
    from vetserve.regions.services import regions_load_csv

    call_command("migrate", verbosity=0)
    regions_load_csv()
    started = time.perf_counter()
    rng = random.Random(2022)
    region = Region.objects.get(code="130700")
    initials, full = pinyin_keys("张家口市退役军人志愿服务队")
    team = Organization.objects.create(
        name="张家口市退役军人志愿服务队",
        kind=Kind.GRASSROOTS,
        region=region,
        path="",
        name_initials=initials,
        name_pinyin=full,
    )
    team.path = f"/{team.pk}/"
    team.save(update_fields=["path"])
    leader = User.objects.create_user("bench-leader", password=None)
    Grant.objects.create(user=leader, role=Role.ORG_LEADER, organization=team)
    _, token = api_token_create(user=leader, name="check-in burst")

    now = timezone.now()
    activity = Activity.objects.create(
        title="全城文明引导",
        category=Category.CIVILITY,
        organization=team,
        region=region,
        place="张家口市",
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(hours=8),
        status=ActivityStatus.UNDER_WAY,
    )

    def shift(post: str, people: int) -> Shift:
        return Shift.objects.create(
            activity=activity,
            post=post,
            starts_at=now - timedelta(minutes=30),
            ends_at=now + timedelta(hours=8),
            min_people=people,
            wanted_people=people,
            max_people=people,
        )

    main_shift, probe_shift = shift("全市各点位", scans), shift("探针", 1)
    pending, seen = [], set()
    serial = 0
    while len(pending) < scans + 1:
        serial += 1
        person = fictitious_person(rng, address_code="130702", serial=serial)
        number, phone, name = str(person["id_number"]), str(person["phone"]), str(person["name"])
        if number in seen:
            continue
        seen.add(number)
        name_initials, name_full = pinyin_keys(name)
        pending.append(
            Volunteer(
                name=name,
                name_initials=name_initials,
                name_pinyin=name_full,
                gender=person["gender"],
                birth_date=person["birth_date"],
                id_number_enc=crypto.encrypt(number, context=services.ID_CONTEXT),
                id_number_index=services.id_index(number),
                id_number_masked=mask_id_number(number),
                phone_enc=crypto.encrypt(phone, context=services.PHONE_CONTEXT),
                phone_index=services.phone_index(phone),
                phone_masked=mask_phone(phone),
                residence_region_id=region.pk,
                home_org_id=team.pk,
                region_id=region.pk,
                status=Status.ACTIVE,
            )
        )
    volunteers = Volunteer.objects.bulk_create(pending, batch_size=BATCH)
    signups = SignUp.objects.bulk_create(
        [
            SignUp(
                shift=main_shift if i < scans else probe_shift,
                volunteer=v,
                state=SignUpState.CONFIRMED,
                confirmed_at=now,
            )
            for i, v in enumerate(volunteers)
        ],
        batch_size=BATCH,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    build_s = time.perf_counter() - started

    # One check-in on the probe shift through the test client: the queries it costs.
    queries: list[str] = []
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {"scans": [_scan(signups[-1].pk, probe_shift.pk, uuid.uuid4())]}
    with connection.execute_wrapper(_count_queries(queries)):
        response = client.post(
            "/api/v1/attendance/scans", json.dumps(body), content_type="application/json"
        )
    assert response.status_code == 200, response.content
    assert response.json()["results"][0]["status"] == "ok", response.content
    return {
        "token": token,
        "shift": main_shift.pk,
        "signups": [s.pk for s in signups[:scans]],
        "build_s": build_s,
        "queries": queries,
    }


def _scan(signup_id: int, shift_id: int, key: uuid.UUID) -> dict[str, object]:
    return {
        "idempotency_key": str(key),
        "kind": "in",
        "method": "manual",
        "scanned_at": datetime.now(UTC).isoformat(),
        "shift_id": shift_id,
        "signup_id": signup_id,
        "reason": "全城同时到岗",
    }


# --- the parent --------------------------------------------------------------------------------


SOCKET = ""  # PostgreSQL's socket directory when --socket is given


def _db_url(name: str) -> str:
    url = f"{_admin_url().rsplit('/', 1)[0]}/{name}"
    return f"{url}?host={SOCKET}" if SOCKET else url


def _app_db_url(name: str) -> str:
    """The server's DATABASE_URL: prepared statements, as docs/operations.md recommends for a
    busy check-in day (VetServe reads these two options; libpq would refuse them)."""
    url = _db_url(name)
    return f"{url}{'&' if '?' in url else '?'}server_side_binding=true&prepare_threshold=5"


def _keys() -> dict[str, str]:
    vetserve = Path(sys.executable).parent / "vetserve"
    out = subprocess.run(
        [str(vetserve), "keys"], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat (Linux)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def _cpu_by_process(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the server (``server_pid`` and its workers), PostgreSQL's
    background processes and its backends of the benchmark's database, and this client, from
    /proc (Linux; empty elsewhere). Only these: other work on a shared machine (another
    gunicorn, another database's tests) is not counted as ours."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {"server": 0.0, "database": 0.0}
    parents: dict[int, int] = {}
    seconds: dict[int, float] = {}
    titles: dict[int, bytes] = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(proc.name)
        parents[pid], titles[pid] = int(stat[1]), cmdline
        seconds[pid] = (int(stat[11]) + int(stat[12])) / tick

    def ours(pid: int) -> bool:
        for _ in range(64):  # bounded walk up the tree
            if pid == server_pid:
                return True
            if pid <= 1 or pid not in parents:
                return False
            pid = parents[pid]
        return False

    for pid, title in titles.items():
        if ours(pid):
            used["server"] += seconds[pid]
        elif title.startswith(b"postgres"):
            # A backend's title names its database and client ("… db 127.0.0.1(5432) idle");
            # the background processes (WAL writer, checkpointer …) name no client.
            backend = b"(" in title or b"[local]" in title
            if not backend or BENCH_DB.encode() + b" " in title:
                used["database"] += seconds[pid]
    times = os.times()
    used["client"] = times.user + times.system
    return used


def _percentile(sorted_ms: list[float], p: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, round(p * (len(sorted_ms) - 1)))]


def _wait_healthy(port: int, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("vetserve serve exited before it was ready")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("vetserve serve did not answer /healthz in time")


def _request(port: int, token: str, job: tuple[int, int, uuid.UUID]) -> bytes:
    signup_id, shift_id, key = job
    body = json.dumps({"scans": [_scan(signup_id, shift_id, key)]}).encode()
    head = (
        f"POST /api/v1/attendance/scans HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class _Connection:
    """One client's HTTP/1.1 connection, kept alive while the server allows (gunicorn's
    threaded workers do; its sync workers close after each response, and then the next request
    connects again). A plain socket, not http.client: the client shares the two cores with the
    server, and http.client's header parsing costs more than the request."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def exchange(self, request: bytes) -> bytes:
        # A refused or reset connection: send again (the key makes a resend harmless).
        for attempt in range(3):
            try:
                if self.sock is None:
                    self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
                    self.buffer = b""
                self.sock.sendall(request)
                return self._response()
            except OSError:
                self.close()
                if attempt == 2:
                    raise
                time.sleep(0.05)
        raise AssertionError("unreachable")

    def _recv(self) -> None:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("closed by the server")
        self.buffer += chunk

    def _response(self) -> bytes:
        while b"\r\n\r\n" not in self.buffer:
            self._recv()
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        lower = head.lower()
        length = int(lower.split(b"\r\ncontent-length:", 1)[1].split(b"\r\n", 1)[0])
        while len(self.buffer) < length:
            self._recv()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        if b"\r\nconnection: close" in lower:
            self.close()
        return head + b"\r\n\r\n" + body

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None


def _status(response: bytes) -> str:
    head, _, body = response.partition(b"\r\n\r\n")
    code = head[9:12]
    if code != b"200":
        return f"http {code.decode(errors='replace')}"
    return str(json.loads(body)["results"][0]["status"])


def _burst(
    port: int, token: str, jobs: list[tuple[int, int, uuid.UUID]], clients: int
) -> tuple[float, list[float], dict[str, int]]:
    """Send every job as its own request from ``clients`` threads; (seconds, ms, statuses).
    The requests are encoded before the clock starts; each carries its scan time (now)."""
    requests = [_request(port, token, job) for job in jobs]
    lock = threading.Lock()
    position = iter(range(len(requests)))
    latencies: list[float] = []
    statuses: dict[str, int] = {}

    def worker() -> None:
        mine: list[float] = []
        counts: dict[str, int] = {}
        conn = _Connection(port)
        while True:
            with lock:
                i = next(position, None)
            if i is None:
                break
            began = time.perf_counter()
            response = conn.exchange(requests[i])
            mine.append((time.perf_counter() - began) * 1000)
            status = _status(response)
            counts[status] = counts.get(status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for k, v in counts.items():
                statuses[k] = statuses.get(k, 0) + v

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - began, sorted(latencies), statuses


def _floor(rows: int, clients: int) -> tuple[float, list[float]]:
    """The same number of plain INSERTs from the same number of threads (own connections)."""
    import psycopg

    name = f"{BENCH_DB}_floor"
    _postgres(f"DROP DATABASE IF EXISTS {name}")
    _postgres(f"CREATE DATABASE {name}")
    try:
        with psycopg.connect(_db_url(name), autocommit=True) as conn:
            conn.execute(
                "CREATE TABLE scan (id bigserial PRIMARY KEY, key uuid UNIQUE NOT NULL, "
                "signup integer NOT NULL, at timestamptz NOT NULL)"
            )
        conns = [psycopg.connect(_db_url(name), autocommit=True) for _ in range(clients)]
        lock = threading.Lock()
        position = iter(range(rows))
        latencies: list[float] = []

        def worker(conn: psycopg.Connection) -> None:
            mine = []
            while True:
                with lock:
                    i = next(position, None)
                if i is None:
                    break
                began = time.perf_counter()
                conn.execute(
                    "INSERT INTO scan (key, signup, at) VALUES (%s, %s, now())", (uuid.uuid4(), i)
                )
                mine.append((time.perf_counter() - began) * 1000)
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=worker, args=(c,)) for c in conns]
        began = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - began
        with conns[0].cursor() as cur:
            counted = cur.execute("SELECT count(*) FROM scan").fetchone()[0]  # type: ignore[index]
        assert counted == rows, counted
        for c in conns:
            c.close()
    finally:
        _postgres(f"DROP DATABASE IF EXISTS {name}")
    return seconds, sorted(latencies)


def _count(cur: Any, shift_id: int) -> tuple[int, int, int]:
    """(rows on the burst's shift, distinct sign-ups among them, distinct keys)."""
    row = cur.execute(
        "SELECT count(*), count(DISTINCT signup_id), count(DISTINCT in_key) "
        "FROM attendance_attendance WHERE shift_id = %s",
        (shift_id,),
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scans", type=int, default=5173)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads", type=int, default=4, help="threads per worker (1: sync workers)"
    )
    parser.add_argument(
        "--socket",
        default="",
        help="PostgreSQL's Unix socket directory for the server and the floor "
        "(e.g. /var/run/postgresql; default: TCP as in $BENCH_POSTGRES_URL)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("BENCH_PORT", "0")),
        help="the server's port on 127.0.0.1 (default: $BENCH_PORT, else a free one)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    global SOCKET
    SOCKET = args.socket
    if args.child:
        print(json.dumps(build(args.scans)))
        return 0

    import psycopg

    env = dict(os.environ)
    env.update(_keys())
    env.update(
        DJANGO_SETTINGS_MODULE="vetserve.settings",
        VETSERVE_DEBUG="0",
        DATABASE_URL=_app_db_url(BENCH_DB),
        VETSERVE_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
    )
    _postgres(f"DROP DATABASE IF EXISTS {BENCH_DB}")
    _postgres(f"CREATE DATABASE {BENCH_DB}")
    server: subprocess.Popen[bytes] | None = None
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--child", "--scans", str(args.scans)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"building failed:\n{done.stderr[-3000:]}")
        built = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"built {len(built['signups']):,} volunteers with confirmed sign-ups "
            f"in {built['build_s']:.0f} s; one check-in costs {len(built['queries'])} queries:"
        )
        for sql in built["queries"]:
            print(f"    {sql[:150]}")

        port = args.port or _free_port()
        vetserve = Path(sys.executable).parent / "vetserve"
        server = subprocess.Popen(
            [
                str(vetserve),
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--no-access-log",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _wait_healthy(port, server)
        shift_id, token = int(built["shift"]), str(built["token"])
        jobs = [(s, shift_id, uuid.uuid4()) for s in built["signups"]]
        busy_before, total_before = _cpu_ticks()
        used_before = _cpu_by_process(server.pid)
        seconds, latencies, statuses = _burst(port, token, jobs, args.clients)
        busy_after, total_after = _cpu_ticks()
        used = {k: v - used_before[k] for k, v in _cpu_by_process(server.pid).items()}
        cpu_busy = (busy_after - busy_before) / max(1, total_after - total_before)
        with psycopg.connect(_db_url(BENCH_DB)) as conn, conn.cursor() as cur:
            rows, distinct_signups, distinct_keys = _count(cur, shift_id)
            conn.rollback()
            resend_s, _, resend_statuses = _burst(port, token, jobs[:RESEND], args.clients)
            rows_after, _, _ = _count(cur, shift_id)
        duplicates = rows - distinct_signups
        floor_s, floor_ms = _floor(args.scans, args.clients)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
        _postgres(f"DROP DATABASE IF EXISTS {BENCH_DB}")

    n = args.scans
    p50, p95, p99 = (_percentile(latencies, p) for p in (0.5, 0.95, 0.99))
    f50, f95, f99 = (_percentile(floor_ms, p) for p in (0.5, 0.95, 0.99))
    ok_total, ok_p99 = seconds <= TOTAL_LIMIT_S, p99 <= P99_LIMIT_MS
    ok_rows = rows == n and duplicates == 0 and distinct_keys == n and rows_after == rows
    ok_resend = resend_statuses.get("duplicate", 0) == min(RESEND, len(jobs))
    print(
        f"\n{n:,} check-ins, one per request, {args.clients} client threads, "
        f"`vetserve serve` with {args.workers} workers × {args.threads} threads on "
        f"{os.cpu_count()} cores, database over {args.socket or 'TCP'}\n"
    )
    print(f"{'':<28}{'total s':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'rows':>7}")
    print(
        f"{'HTTP check-in burst':<28}{seconds:>9.2f}{n / seconds:>9.0f}"
        f"{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}{rows:>7}"
    )
    print(
        f"{'floor: plain INSERTs':<28}{floor_s:>9.2f}{n / floor_s:>9.0f}"
        f"{f50:>9.1f}{f95:>9.1f}{f99:>9.1f}{n:>7}"
    )
    print(f"\nratio to the floor (total time): {seconds / floor_s:.1f}x")
    print(f"machine CPU busy during the burst (all processes, both cores): {cpu_busy:.0%}")
    print(
        "CPU ms per check-in: "
        + ", ".join(f"{k} {v * 1000 / n:.2f}" for k, v in used.items())
        + " (the client's includes its threads' waiting on the GIL)"
    )
    print(f"answers: {dict(sorted(statuses.items()))}")
    print(f"duplicates (rows - distinct sign-ups): {duplicates}; distinct keys: {distinct_keys}")
    print(
        f"re-sent {RESEND} with the same keys in {resend_s:.2f} s: "
        f"{dict(sorted(resend_statuses.items()))}; rows after: {rows_after}"
    )
    print(f"\nall in ≤ {TOTAL_LIMIT_S:.0f} s: {'pass' if ok_total else 'FAIL'}")
    print(f"p99 ≤ {P99_LIMIT_MS:.0f} ms: {'pass' if ok_p99 else 'FAIL'}")
    print(f"none lost, none duplicated: {'pass' if ok_rows else 'FAIL'}")
    print(f"re-sent keys add no rows: {'pass' if ok_resend and rows_after == rows else 'FAIL'}")
    return 0 if (ok_total and ok_p99 and ok_rows and ok_resend) else 1


if __name__ == "__main__":
    sys.exit(main())
