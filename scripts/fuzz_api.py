"""Fuzz the JSON API with schemathesis against a running server, as CI does (`.ci/run`).

    uv run python scripts/fuzz_api.py [--max-examples N] [--seed N] [--keep]

1. Builds a throwaway SQLite database in a temporary directory with the demo city (regions,
   organizations, 5,173 volunteers with badges, skills, qualifications, courses and sessions,
   campaigns, activities, shifts and sign-ups), so the ids the fuzzer tries exist.
2. Makes two API tokens: the superuser ``admin``'s and the volunteer ``volunteer``'s.
3. Starts the app with ``vetserve serve`` (gunicorn, DEBUG off, two workers) on a free local
   port: the production server, so a server error is a real 500, as a user would meet it, and
   not Django's debug page (runserver) or a test client's re-raised exception.
4. Runs ``schemathesis run`` once per token with a fixed seed and a case budget per operation,
   checking: no server error, responses that match the documented schema and status codes, and
   invalid requests refused with a 4xx (``negative_data_rejection``).
5. Prints per token: operations, cases, server errors, schema violations, invalid accepted;
   exits non-zero unless there are no server errors, no schema violations and no invalid
   request accepted.

The server is stopped in every case (also on Ctrl-C). Writes (erase, revoke, cancel …) are
allowed to change the fixture: later operations may then see more 404s, which the budget
absorbs; the volunteer token runs first, since the superuser's run may erase the volunteer's
own record.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The checks the CI gate counts; other failures (e.g. a missing documented header) are listed
# but do not fail the run.
CHECKS = [
    "not_a_server_error",
    "response_schema_conformance",
    "status_code_conformance",
    "content_type_conformance",
    "negative_data_rejection",
]
SCHEMA_CHECKS = {
    "response_schema_conformance",
    "status_code_conformance",
    "content_type_conformance",
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(tmp: Path) -> dict[str, str]:
    key = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
    index = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("VETSERVE_") and k != "DATABASE_URL"
    }
    env.update(
        {
            "VETSERVE_VAR_DIR": str(tmp),
            "DATABASE_URL": f"sqlite:///{tmp / 'fuzz.sqlite3'}",
            "VETSERVE_SECRET_KEY": secrets.token_urlsafe(50),
            "VETSERVE_DATA_KEYS": f"fuzz:{key}",
            "VETSERVE_DATA_KEY_ID": "fuzz",
            "VETSERVE_BLIND_INDEX_KEY": index,
            "VETSERVE_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "VETSERVE_STATIC_ROOT": str(tmp / "static"),
            "VETSERVE_MEDIA_ROOT": str(tmp / "media"),
            "VETSERVE_LOG_LEVEL": "ERROR",
            "DJANGO_SETTINGS_MODULE": "vetserve.settings",
        }
    )
    (tmp / "static").mkdir(exist_ok=True)
    return env


PREPARE = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from vetserve.demo.builder import demo_build
ctx = demo_build()
# The deployment's key that signs proofs of service, as `vetserve demo` makes it.
from vetserve.proofs.keys import proof_keys_create
proof_keys_create(common_name="fuzz")
from vetserve.accounts.models import ApiToken, User
from vetserve.accounts.services import api_token_create
tokens = {}
for n, username in enumerate(("admin", "volunteer")):
    user = User.objects.get(username=username)
    for _ in range(3):  # tokens the fuzzer may list and revoke
        api_token_create(user=user, name="spare")
    token, raw = api_token_create(user=user, name="fuzz")
    # Far from the small ids and the bounds a fuzzer tries first, so that DELETE
    # /tokens/{id} does not revoke the fuzzer's own token and leave it with 401s.
    ApiToken.objects.filter(pk=token.pk).update(id=(7_340_033, 9_120_077)[n])
    tokens[username] = raw
print(json.dumps({"tokens": tokens, "counts": ctx.counts}))
"""


def prepare(env: dict[str, str]) -> dict[str, object]:
    """Migrate, build the demo city and make the two tokens in a child process (the settings
    are read from its environment)."""
    out = subprocess.run(
        [sys.executable, "-c", PREPARE],
        env=env,
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise RuntimeError(f"building the fuzzing database failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    vetserve = Path(sys.executable).with_name("vetserve")
    command = [
        str(vetserve),
        "serve",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--threads",
        "2",
        "--no-access-log",
    ]
    handle = log.open("wb")
    # Its own process group: stopping it stops gunicorn's workers too.
    return subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer {url} within {timeout:.0f} s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


# Revoking a token: schemathesis reuses ids it has seen in responses (GET /tokens), so in the
# main run it would revoke its own token and test nothing but 401s after that. It runs alone,
# last.
REVOKE_OPERATION = "vetserve_api_api_token_revoke"


# An address longer than gunicorn reads (4 KB) is refused with 414 before the application sees
# it: a refusal of invalid data like any 4xx (schemathesis's list lacks it). The rest is its
# default list.
CONFIG = """
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "414", "415", "422",
  "428", "429", "5xx"]
"""


def run_schemathesis(
    *,
    base: str,
    token: str,
    seed: int,
    max_examples: int,
    report: Path,
    workers: int,
    only: list[str],
) -> int:
    config = report.parent / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(config),
        "run",
        f"{base}/api/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        ",".join(CHECKS),
        "--phases",
        "examples,coverage,fuzzing",
        "--seed",
        str(seed),
        "--max-examples",
        str(max_examples),
        "--workers",
        str(workers),
        "--continue-on-failure",
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--suppress-health-check",
        "all",
        "--no-color",
        "--output-truncate",
        "true",
        "--warnings",
        "off",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
        *only,
    ]
    # Run in the report directory: schemathesis leaves a .schemathesis folder where it runs.
    done = subprocess.run(command, cwd=report.parent, capture_output=True, text=True, check=False)
    report.with_suffix(".log").write_text(done.stdout + done.stderr, encoding="utf-8")
    return done.returncode


def token_works(base: str, token: str) -> bool:
    """Whether the token still authenticates after the run (a fuzzer that revoked its own token
    would have tested little but 401s)."""
    request = urllib.request.Request(  # noqa: S310 - our own server
        f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return bool(response.status == 200)
    except OSError:
        return False


def summarize(reports: list[Path]) -> dict[str, object]:
    """Count from the NDJSON event stream: each scenario's recorder holds its cases and the
    results of every check on every case."""
    operations: set[str] = set()
    cases = 0
    failed: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    examples: dict[str, set[str]] = {}
    lines = [line for r in reports for line in r.read_text(encoding="utf-8").splitlines()]
    errors = 0
    for line in lines:
        event = json.loads(line)
        # A request that got no answer at all (connection reset, timeout): a crashed or
        # hung worker. Gated like a server error (0 in every run since issue 12).
        errors += "NonFatalError" in event
        finished = event.get("ScenarioFinished")
        if not finished:
            continue
        recorder = finished.get("recorder") or {}
        label = recorder.get("label") or ""
        if label:
            operations.add(label)
        cases += len(recorder.get("cases") or {})
        for interaction in (recorder.get("interactions") or {}).values():
            response = interaction.get("response") or {}
            if "status_code" in response:
                statuses[int(response["status_code"])] += 1
        for checks in (recorder.get("checks") or {}).values():
            for check in checks:
                if str(check.get("status", "")).lower() == "failure":
                    name = check.get("name", "?")
                    failed[name] += 1
                    examples.setdefault(name, set()).add(label)
    return {
        "operations": len(operations),
        "cases": cases,
        # Responses, not failed checks: schemathesis reports one failure per distinct cause.
        "server_errors": sum(n for status, n in statuses.items() if status >= 500),
        "schema_violations": sum(n for name, n in failed.items() if name in SCHEMA_CHECKS),
        "invalid_accepted": failed["negative_data_rejection"],
        "no_answer": errors,
        "failures": dict(failed),
        "statuses": dict(sorted(statuses.items())),
        "where": {name: sorted(labels) for name, labels in examples.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=15, help="cases per operation")
    parser.add_argument("--seed", type=int, default=20221)
    parser.add_argument("--workers", type=int, default=2, help="schemathesis workers")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--only", choices=["admin", "volunteer"], help="one token only (default: both)"
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="vetserve-fuzz-"))
    tmp.chmod(0o700)
    env = environment(tmp)
    started = time.monotonic()
    print(f"== fuzz: building the demo database in {tmp}", flush=True)
    try:
        prepared = prepare(env)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    tokens: dict[str, str] = prepared["tokens"]  # type: ignore[assignment]
    print(f"   built in {time.monotonic() - started:.0f} s: {prepared['counts']}", flush=True)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(env, port, tmp / "server.log")
    results: dict[str, dict[str, object]] = {}
    try:
        wait_until_up(f"{base}/healthz", server)
        # The volunteer first: the superuser's run may erase the volunteer's own record.
        for who in ["volunteer", "admin"]:
            if args.only and who != args.only:
                continue
            began = time.monotonic()
            reports, codes, valid = [], [], []
            for part, only in [
                ("main", ["--exclude-operation-id", REVOKE_OPERATION]),
                ("revoke", ["--include-operation-id", REVOKE_OPERATION]),
            ]:
                report = tmp / f"schemathesis-{who}-{part}.ndjson"
                codes.append(
                    run_schemathesis(
                        base=base,
                        token=tokens[who],
                        seed=args.seed,
                        max_examples=args.max_examples,
                        report=report,
                        workers=args.workers,
                        only=only,
                    )
                )
                valid.append(token_works(base, tokens[who]))
                reports.append(report)
            summary = summarize(reports) if all(r.exists() for r in reports) else {"error": codes}
            summary["seconds"] = round(time.monotonic() - began)
            # Checked after the main run; the revoking run may end it, as it should.
            summary["token_still_valid"] = valid[0]
            summary["exit"] = codes
            results[who] = summary
            print(f"== fuzz as {who}: {json.dumps(summary, ensure_ascii=False)}", flush=True)
    finally:
        stop_server(server)
    server_log = (tmp / "server.log").read_text(encoding="utf-8", errors="replace")

    print("\n== API fuzzing (schemathesis)")
    header = f"{'token':<10} {'operations':>10} {'cases':>7} {'server errors':>14} "
    header += f"{'schema violations':>18} {'invalid accepted':>17} {'no answer':>10}"
    print(header)
    ok = bool(results)
    for who, s in results.items():
        if "error" in s:
            print(f"{who:<10} schemathesis failed to run (exit {s['error']})")
            ok = False
            continue
        print(
            f"{who:<10} {s['operations']:>10} {s['cases']:>7} {s['server_errors']:>14} "
            f"{s['schema_violations']:>18} {s['invalid_accepted']:>17} {s['no_answer']:>10}"
        )
        if s["server_errors"] or s["schema_violations"] or s["invalid_accepted"] or s["no_answer"]:
            ok = False
        if not s["token_still_valid"]:
            print(f"{who:<10} the token no longer works after the run: the figures are void")
            ok = False
    print(f"total time {time.monotonic() - started:.0f} s")
    if not ok:
        tail = server_log.strip().splitlines()[-60:]
        print("\nserver log (last lines):\n" + "\n".join(tail))
        print(f"\nreports kept in {tmp}")
    elif not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print(f"reports kept in {tmp}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
