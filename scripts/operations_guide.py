"""docs/operations.md, run as written, on a clean PostgreSQL database (issue 17).

    uv run python scripts/operations_guide.py [--keep]

The guide cannot drift from the code: this script takes its commands out of the guide itself
(the fenced blocks under "Install", "The first organization and its roster", "Behind a proxy
or load balancer", the worker's unit and "Backups") and runs them, in this order:

1. keys into a fresh environment file (the Install block's `vetserve keys` line), then the
   values the guide says to fill in (DATABASE_URL of a fresh database `vetserve_guide`,
   VETSERVE_ALLOWED_HOSTS, a private VETSERVE_VAR_DIR, one trusted proxy);
2. the "then once" block: migrate, load-regions, createsuperuser (given --noinput here, as a
   script cannot type a password), grant, serve --check;
3. the first organization and its roster: create-org twice and import-roster of a 20-row
   workbook;
4. two `vetserve serve` processes (the systemd unit's ExecStart, on ports 18001 and 18002) and
   the worker (its unit's ExecStart), behind nginx with the guide's `location /` block and a
   round-robin upstream of both;
5. a balancer's health probe by IP address on each server; an administrator logs in through
   nginx, uploads a roster on the import page, and saves it: the preview and the save are
   answered by different servers (nginx's X-Upstream header says which);
6. `vetserve backup`, the database dropped, `vetserve restore` into a database that no longer
   exists; every table's count equals the backup's; the servers start again and the
   administrator logs in.

Prints each step with its time; exits 1 at the first failure. Needs PostgreSQL on
127.0.0.1:5432 (trust) and nginx (`apt-get install nginx-light`); .ci/run runs it.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "operations.md"
DB = "vetserve_guide"
PG = "postgres://postgres@127.0.0.1:5432"
HOST = "guide.example.cn"
PORTS = (18001, 18002)
PROXY_PORT = 18080
PASSWORD = "guide-admin-password-2026"  # noqa: S105 - a throw-away database's own
ENV_FILE_IN_GUIDE = "/etc/vetserve/vetserve.env"
APP_IN_GUIDE = "/srv/vetserve"  # where the guide installs the code: this checkout here


class GuideError(Exception):
    pass


# --- the guide's blocks ------------------------------------------------------------------------


def blocks(text: str, language: str) -> list[tuple[str, str]]:
    """(the heading above, the block's body) for every fenced block in ``language``."""
    found = []
    heading = ""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        if line.strip() == f"```{language}":
            body = []
            i += 1
            while lines[i].strip() != "```":
                body.append(lines[i])
                i += 1
            found.append((heading, "\n".join(body)))
        i += 1
    return found


def block_after(text: str, marker: str, language: str = "sh") -> str:
    """The first ``language`` block after the sentence ``marker``."""
    at = text.index(marker)
    start = text.index(f"```{language}\n", at) + len(language) + 4
    return text[start : text.index("```", start)]


def exec_start(unit_comment: str, text: str) -> list[str]:
    """The ExecStart command line of the systemd unit whose block starts with this comment."""
    for _, body in blocks(text, "ini"):
        if body.startswith(unit_comment):
            line = next(x for x in body.splitlines() if x.startswith("ExecStart="))
            return line.removeprefix("ExecStart=").split()
    raise GuideError(f"no unit {unit_comment} in the guide")


# --- running -----------------------------------------------------------------------------------


class Guide:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.env_file = work / "etc" / "vetserve.env"
        self.env_file.parent.mkdir(mode=0o700)
        self.env_file.touch(mode=0o600)
        self.var = work / "var"
        self.var.mkdir(mode=0o700)
        self.text = GUIDE.read_text()
        self.started = time.perf_counter()
        self.processes: list[subprocess.Popen[bytes]] = []

    def step(self, title: str) -> None:
        print(f"[{time.perf_counter() - self.started:7.1f} s] {title}", flush=True)

    def sh(self, script: str, *, cwd: Path = ROOT, extra: dict[str, str] | None = None) -> str:
        """A block of the guide through bash, with the environment file sourced as it says."""
        script = script.replace(ENV_FILE_IN_GUIDE, str(self.env_file))
        script = script.replace(APP_IN_GUIDE, str(ROOT))
        prelude = f"set -euo pipefail\nset -a; . {self.env_file}; set +a\n"
        result = subprocess.run(
            ["bash", "-c", prelude + script],
            cwd=cwd,
            env={
                **os.environ,
                **(extra or {}),
                "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}",
            },
            capture_output=True,
            text=True,
            timeout=900,
        )
        if result.returncode != 0:
            raise GuideError(
                f"failed:\n{script}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
            )
        return result.stdout

    def shell(self, code: str) -> str:
        """The last line printed by ``code`` in `vetserve shell` with the deployment's settings."""
        out = self.sh(f".venv/bin/vetserve shell -v 0 -c {shlex.quote(code)}")
        return out.strip().splitlines()[-1]

    def start(self, command: list[str], log: str) -> subprocess.Popen[bytes]:
        line = " ".join(command).replace(APP_IN_GUIDE, str(ROOT))
        env_line = f"set -a; . {self.env_file}; set +a; exec {line}"
        process = subprocess.Popen(
            ["bash", "-c", env_line],
            cwd=ROOT,
            stdout=(self.work / log).open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", f"{PG}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
    )


# --- HTTP like a browser -----------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    def __init__(self, port: int, host: str = HOST) -> None:
        self.port, self.host = port, host
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(_NoRedirect)

    def request(
        self, path: str, data: bytes | None = None, **headers: str
    ) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=data,
            headers={
                "Host": self.host,
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                "Referer": f"http://{self.host}{path}",
                **headers,
            },
        )
        try:
            with self.opener.open(request, timeout=120) as response:
                status, head, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, head, body = error.code, error.headers, error.read()
        for cookie in head.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return status, dict(head), body

    def csrf(self, path: str) -> str:
        status, _, body = self.request(path)
        if status != 200:
            raise GuideError(f"GET {path}: {status}")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if token is None:
            raise GuideError(f"no form on {path}")
        return token.group(1).decode()

    def post(
        self, path: str, fields: dict[str, str], *, form_on: str | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """POST ``fields`` to ``path`` with the CSRF token of the form on ``form_on`` (the
        page the button is on; default ``path`` itself)."""
        token = self.csrf(form_on or path)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields})
        return self.request(
            path, body.encode(), **{"Content-Type": "application/x-www-form-urlencoded"}
        )

    def login(self, username: str, password: str) -> None:
        status, _, _ = self.post("/accounts/login/", {"username": username, "password": password})
        if status != 302:
            raise GuideError(f"login of {username}: {status}")


def wait_until(check: Callable[[], bool], what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.5)
    raise GuideError(f"timed out waiting for {what}")


def healthy(port: int, host: str = HOST) -> bool:
    status, _, _ = Browser(port, host).request("/healthz")
    return status == 200


# --- the roster --------------------------------------------------------------------------------


def roster(rows: int, first_serial: int) -> bytes:
    sys.path.insert(0, str(ROOT))
    from tests.spreadsheets.files import an_id, xlsx

    header = ["姓名", "性别", "身份证号", "手机", "居住地"]
    body = [
        [f"志愿者{first_serial + n}", "男", an_id(serial=first_serial + n),
         f"139{first_serial + n:08d}", "西湾子镇"]
        for n in range(rows)
    ]  # fmt: skip
    return xlsx([header, *body])


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- nginx -------------------------------------------------------------------------------------


def nginx_conf(guide: Guide) -> Path:
    location = block_after(guide.text, "nginx in front, terminating HTTPS:", "nginx")
    location = location.replace("proxy_pass http://127.0.0.1:8000;", "proxy_pass http://vetserve;")
    # Which server answered, for this script only.
    location = location.replace(
        "location / {", "location / {\n    add_header X-Upstream $upstream_addr always;", 1
    )
    log_format = block_after(guide.text, "Log the same way in front of it: in nginx,", "nginx")
    log_format = log_format.replace("/var/log/nginx/vetserve.log", str(guide.work / "nginx.log"))
    run = guide.work / "nginx"
    run.mkdir()
    servers = "\n".join(f"    server 127.0.0.1:{port};" for port in PORTS)
    conf = run / "nginx.conf"
    conf.write_text(
        f"""daemon off;
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log;
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
{log_format}
    upstream vetserve {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{PROXY_PORT};
        server_name {HOST};
{location}
    }}
}}
"""
    )
    return conf


# --- the run -----------------------------------------------------------------------------------


def count_volunteers(guide: Guide) -> int:
    return int(
        guide.shell(
            "from vetserve.people.models import Volunteer; print(Volunteer.objects.count())"
        )
    )


def run(guide: Guide) -> None:
    text = guide.text
    guide.step("a clean database and a fresh environment file")
    psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    psql(f"CREATE DATABASE {DB}")
    install = block_after(text, "As a dedicated user, with the code in `/srv/vetserve`")
    keys_line = next(line for line in install.splitlines() if "vetserve keys" in line)
    guide.sh(keys_line.split("#")[0])
    with guide.env_file.open("a") as env:
        env.write(
            f"DATABASE_URL={PG}/{DB}\n"
            f"VETSERVE_ALLOWED_HOSTS={HOST}\n"
            f"VETSERVE_VAR_DIR={guide.var}\n"
            "VETSERVE_TRUSTED_PROXY_COUNT=1\n"
            "VETSERVE_BEHIND_PROXY=1\n"
        )
    if guide.env_file.stat().st_mode & 0o077:
        raise GuideError("the environment file is readable by others")

    guide.step("the once block: migrate, regions, the first administrator, a grant, checks")
    once = block_after(text, "Fill in `DATABASE_URL`")
    once = "\n".join(
        line + " --noinput --username admin --email admin@example.cn"
        if line.strip().endswith("vetserve createsuperuser")
        else line
        for line in once.splitlines()
    )
    out = guide.sh(once, extra={"DJANGO_SUPERUSER_PASSWORD": PASSWORD})
    if "Start-up checks passed" not in out:
        raise GuideError(f"serve --check did not pass:\n{out}")

    guide.step("the first organization and its roster from the command line")
    (guide.work / "花名册.xlsx").write_bytes(roster(20, first_serial=1))
    first = block_after(text, "the roster's columns are listed under")
    first = first.replace(".venv/bin/vetserve", str(ROOT / ".venv" / "bin" / "vetserve"))
    out = guide.sh(first, cwd=guide.work)
    if count_volunteers(guide) != 20:
        raise GuideError(f"import-roster did not add 20 volunteers:\n{out}")

    guide.step("two app servers and the worker behind nginx, round robin")
    serve = exec_start("# /etc/systemd/system/vetserve.service", text)
    worker = exec_start("# /etc/systemd/system/vetserve-worker.service", text)
    for port in PORTS:
        command = [*serve[:-1], f"127.0.0.1:{port}", "--workers", "2"]
        if serve[-2] != "--bind":
            raise GuideError(f"the unit's ExecStart changed shape: {serve}")
        guide.start(command, f"serve-{port}.log")
        wait_until(lambda port=port: healthy(port), f"the server on {port}")
    guide.start(worker, "worker.log")
    guide.start(["nginx", "-c", str(nginx_conf(guide))], "nginx.out")
    wait_until(lambda: healthy(PROXY_PORT), "nginx")

    guide.step("a balancer probes each server by its IP address")
    for port in PORTS:
        status, _, body = Browser(port, host=f"10.0.0.{port % 100}:{port}").request("/healthz")
        if status != 200 or b'"ok"' not in body:
            raise GuideError(f"/healthz by IP on {port}: {status} {body[:200]!r}")

    guide.step("import through the pages: preview on one server, save on the other")
    admin = Browser(PROXY_PORT)
    admin.login("admin", PASSWORD)
    page = "/spreadsheets/roster/import/"
    team = guide.shell(
        "from vetserve.orgs.models import Organization; "
        "print(Organization.objects.get(name='西湾子镇退役军人志愿服务队').pk)"
    )
    body, content_type = multipart(
        {"csrfmiddlewaretoken": admin.csrf(page), "organization": team},
        "花名册.xlsx",
        roster(15, first_serial=21),
    )
    status, headers, _ = admin.request(page, body, **{"Content-Type": content_type})
    if status != 302:
        raise GuideError(f"upload: {status}")
    uploaded_on = headers.get("X-Upstream")
    job_page = headers["Location"]

    job_id = int(job_page.rstrip("/").rsplit("/", 1)[1])

    def job_state() -> str:
        return guide.shell(
            f"from vetserve.people.models import ImportJob; "
            f"print(ImportJob.objects.get(pk={job_id}).state)"
        )

    wait_until(lambda: job_state() in ("ready", "failed"), "the preview")
    if job_state() != "ready":
        error = guide.shell(
            f"from vetserve.people.models import ImportJob; "
            f"print(ImportJob.objects.get(pk={job_id}).error)"
        )
        raise GuideError(f"the preview failed: {error}")
    csrf = admin.csrf(job_page)
    for _ in range(4):  # the next request goes to the other server than the upload's
        _, probe, _ = admin.request("/healthz")
        if probe.get("X-Upstream") == uploaded_on:
            break
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "consent": "on"}).encode()
    status, headers, html = admin.request(
        f"{job_page}commit/", body, **{"Content-Type": "application/x-www-form-urlencoded"}
    )
    saved_on = headers.get("X-Upstream")
    if status != 302:
        raise GuideError(f"save: {status} {html[:300]!r}")
    if not uploaded_on or uploaded_on == saved_on:
        raise GuideError(f"upload and save on the same server ({uploaded_on}, {saved_on})")
    wait_until(lambda: job_state() in ("done", "failed"), "the save")
    summary = guide.shell(
        f"from vetserve.people.models import ImportJob; "
        f"j = ImportJob.objects.get(pk={job_id}); print(j.state, j.summary, j.error)"
    )
    if count_volunteers(guide) != 35:
        raise GuideError(f"the saved roster: {summary}")
    print(f"           uploaded on {uploaded_on}, saved on {saved_on}; 35 volunteers")

    guide.step("backup, the database lost, restore, every count equal")
    guide.stop_all()
    backup = block_after(text, "`vetserve backup DIR` writes one file", "cron")
    command = next(line for line in backup.splitlines() if "vetserve backup" in line)
    if "/srv/vetserve/.venv/bin/vetserve backup /backup" not in command:
        raise GuideError(f"the backup line changed: {command}")
    out = guide.sh(f".venv/bin/vetserve backup {guide.work / 'backup'}")
    print("          ", out.strip())
    (archive,) = (guide.work / "backup").glob("vetserve-*.tar")
    psql(f"DROP DATABASE {DB} WITH (FORCE)")
    out = guide.sh(f".venv/bin/vetserve restore {archive}")
    print("          ", out.strip())
    if "every count equals the backup's" not in out or count_volunteers(guide) != 35:
        raise GuideError(f"restore: {out}")

    guide.step("the restored deployment serves and the administrator logs in")
    guide.start([*serve[:-1], f"127.0.0.1:{PORTS[0]}", "--workers", "2"], "serve-again.log")
    wait_until(lambda: healthy(PORTS[0]), "the restored server")
    again = Browser(PORTS[0])
    again.login("admin", PASSWORD)
    status, _, _ = again.request("/people/")
    if status != 200:
        raise GuideError(f"the roster page after the restore: {status}")
    guide.step("done: the guide works as written")


@contextmanager
def workdir(keep: bool) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="vetserve-guide-"))
    try:
        yield path
    finally:
        if not keep:
            shutil.rmtree(path, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the work directory and logs")
    args = parser.parse_args()
    if shutil.which("nginx") is None:
        print("nginx is not installed (apt-get install nginx-light)", file=sys.stderr)
        return 2
    with workdir(args.keep) as work:
        guide = Guide(work)
        try:
            run(guide)
        except GuideError as error:
            print(f"FAILED: {error}", file=sys.stderr)
            for log in sorted(work.glob("*.log")):
                print(f"--- {log.name} (last lines)", file=sys.stderr)
                print(
                    "\n".join(log.read_text(errors="replace").splitlines()[-15:]), file=sys.stderr
                )
            return 1
        finally:
            guide.stop_all()
            psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        if args.keep:
            print(f"work directory kept: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
