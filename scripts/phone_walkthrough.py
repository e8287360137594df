#!/usr/bin/env python3
"""Phone walkthrough: a new volunteer on a phone-sized headless browser signs up, checks in by
the post's QR code, loses the signal, checks out, gets the signal back, and the hours appear
once; later a post code link opened without any signal comes from the service worker and its
check-in is sent once the signal is back. Repeatable; see docs/phone-walkthrough.md.

    python3 scripts/phone_walkthrough.py            # about 2½ minutes
    python3 scripts/phone_walkthrough.py --serve-seconds 0   # fast; minutes may be 0

Runs with the system ``python3`` that has the ``playwright`` package and Debian's chromium
(``/usr/bin/chromium``); the project itself does not depend on playwright. Every step that needs
Django runs this same file again under the project's environment (``uv run python
scripts/phone_walkthrough.py --inside STEP``), on a throw-away SQLite database in a temporary
directory, served by ``vetserve serve`` (gunicorn, DEBUG off) on a free port.

Exit status 0 when every check passed; screenshots go to docs/walkthrough/.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "docs" / "walkthrough"
CHROMIUM = "/usr/bin/chromium"
UV = shutil.which("uv") or "uv"
SH = ZoneInfo("Asia/Shanghai")
PASSWORD = "walk-through-2022"  # noqa: S105 - a throw-away database
SCREEN = {"width": 360, "height": 740}
PHONE: dict[str, Any] = {
    "viewport": SCREEN,
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Mobile Safari/537.36"
    ),
}


# --- steps that run inside the project (uv run python scripts/phone_walkthrough.py --inside) ---


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetserve.settings")
    import django

    django.setup()


def inside_scenario(lead_seconds: int) -> dict[str, Any]:
    """A team in 西湾子镇 with a leader and two volunteers with logins; a snow-clearing activity
    under way with one shift that starts ``lead_seconds`` from now (sign-up closes at the start,
    check-in opens an hour before it)."""
    from datetime import date

    from django.utils import timezone

    from vetserve.accounts.models import Role, User
    from vetserve.accounts.services import grant_create
    from vetserve.activities.models import Status
    from vetserve.activities.services import (
        activity_create,
        activity_status_change,
        shift_create,
    )
    from vetserve.orgs.models import Kind
    from vetserve.orgs.services import organization_create
    from vetserve.people.fakes import fictitious_id_number
    from vetserve.people.services import volunteer_register
    from vetserve.regions.models import Region

    admin = User.objects.create_superuser("admin", password=PASSWORD)
    county = Region.objects.get(code="130709")
    town = Region.objects.get(code="130709100")
    federation = organization_create(
        actor=admin, name="崇礼区爱国拥军联合会", kind=Kind.FEDERATION, region=county
    )
    team = organization_create(
        actor=admin,
        name="西湾子镇退役军人志愿服务队",
        kind=Kind.GRASSROOTS,
        region=town,
        parent=federation,
    )
    leader = User.objects.create_user("duizhang", password=PASSWORD)
    grant_create(actor=admin, user=leader, role=Role.ORG_LEADER, organization=team)
    people = {}
    for serial, (username, name, born, phone) in enumerate(
        [
            ("laowang", "王建国", date(1962, 3, 8), "13903130001"),
            ("laoli", "李卫东", date(1958, 11, 2), "13903130002"),
        ],
        start=1,
    ):
        user = User.objects.create_user(username, password=PASSWORD)
        grant_create(actor=admin, user=user, role=Role.VOLUNTEER, organization=team)
        volunteer = volunteer_register(
            actor=admin,
            name=name,
            id_number=fictitious_id_number(
                address_code="130709", birth_date=born, male=True, serial=serial
            ),
            phone=phone,
            residence_region=town,
            home_org=team,
        )
        volunteer.user = user
        volunteer.save(update_fields=["user"])
        people[username] = volunteer.pk
    now = timezone.now().replace(microsecond=0)
    start = now + timedelta(seconds=lead_seconds)
    activity = activity_create(
        actor=leader,
        organization=team,
        title="太子城场馆周边除雪",
        category="snow_ice",
        place="太子城冰雪小镇东门",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=8),
    )
    shift = shift_create(
        actor=leader,
        activity=activity,
        post="东门",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        min_people=1,
        wanted_people=2,
        max_people=4,
    )
    activity_status_change(actor=leader, activity=activity, to_status=Status.PUBLISHED)
    activity_status_change(actor=leader, activity=activity, to_status=Status.UNDER_WAY)
    return {
        "shift": shift.pk,
        "activity": activity.pk,
        "starts_at": start.isoformat(),
        "ends_at": shift.ends_at.isoformat(),
        "volunteers": people,
    }


def inside_qr(url: str) -> dict[str, Any]:
    from vetserve.attendance.tokens import qr_svg

    return {"svg": qr_svg(url)}


def inside_check(volunteer_id: int) -> dict[str, Any]:
    """The volunteer's attendance rows as stored, and what the hours ledger reads from them."""
    from vetserve.attendance.hours import served_minutes_between
    from vetserve.attendance.models import Attendance
    from vetserve.attendance.selectors import served_minutes

    rows = []
    for stay in Attendance.objects.filter(volunteer_id=volunteer_id).select_related("shift"):
        rows.append(
            {
                "id": stay.pk,
                "in_at": stay.in_at.isoformat(),
                "in_received_at": stay.in_received_at.isoformat(),
                "in_method": stay.in_method,
                "out_at": stay.out_at.isoformat() if stay.out_at else None,
                "out_received_at": (
                    stay.out_received_at.isoformat() if stay.out_received_at else None
                ),
                "out_method": stay.out_method,
                "minutes": stay.minutes,
                "expected": served_minutes_between(
                    checked_in_at=stay.in_at,
                    checked_out_at=stay.out_at,
                    starts_at=stay.shift.starts_at,
                    ends_at=stay.shift.ends_at,
                )
                if stay.out_at
                else None,
            }
        )
    return {"rows": rows, "served_minutes": served_minutes(volunteer=volunteer_id)}


def inside_shrink(folder: str) -> dict[str, Any]:
    """Screenshots as 256-colour PNGs (Pillow comes with reportlab): a third of the size,
    and text on flat colours loses nothing."""
    from PIL import Image

    sizes = {}
    for path in sorted(Path(folder).glob("*.png")):
        with Image.open(path) as image:
            small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
        small.save(path, optimize=True)
        sizes[path.name] = path.stat().st_size
    return sizes


def inside(step: str, arg: str) -> None:
    if step == "shrink":
        print(json.dumps(inside_shrink(arg)))
        return
    _django()
    if step == "scenario":
        result = inside_scenario(int(arg))
    elif step == "qr":
        result = inside_qr(arg)
    elif step == "check":
        result = inside_check(int(arg))
    else:
        raise SystemExit(f"unknown step {step}")
    print(json.dumps(result, ensure_ascii=False))


# --- the walkthrough (system python3 with playwright) ---------------------------------------


class Failed(Exception):
    pass


def check(condition: bool, what: str) -> None:
    if not condition:
        raise Failed(what)
    print(f"  ok  {what}")


class Project:
    """The project on a throw-away database: ``vetserve`` commands and the inside steps."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = data_dir
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("VETSERVE_") and key != "DATABASE_URL"
        }
        keys = subprocess.run(
            [UV, "run", "vetserve", "keys"],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for line in keys.splitlines():
            name, sep, value = line.partition("=")
            if sep and name.startswith("VETSERVE_"):
                self.env[name] = value
        self.env |= {
            "VETSERVE_VAR_DIR": str(data_dir),
            "DATABASE_URL": f"sqlite:///{data_dir / 'walkthrough.sqlite3'}",
            "VETSERVE_DEBUG": "0",
            "VETSERVE_LOG_LEVEL": "WARNING",
        }
        self.server: subprocess.Popen[str] | None = None
        self.log: Any = None

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [UV, "run", *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise Failed(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def inside(self, step: str, arg: Any) -> Any:
        out = self.run("python", str(Path(__file__).resolve()), "--inside", step, str(arg))
        return json.loads(out.strip().splitlines()[-1])

    def serve(self, port: int) -> str:
        self.env["VETSERVE_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
        self.log = open(self.dir / "server.log", "w")  # noqa: SIM115 - closed in stop()
        log = self.log
        self.server = subprocess.Popen(
            [UV, "run", "vetserve", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return base
            except OSError:
                pass
            if self.server.poll() is not None:
                break
            time.sleep(0.3)
        raise Failed(f"the server did not start; see {self.dir / 'server.log'}")

    def stop(self) -> None:
        if self.log is not None:
            self.log.close()
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Shots:
    def __init__(self, keep: bool) -> None:
        self.n = 0
        self.keep = keep
        self.names: list[str] = []
        if keep:
            SHOTS.mkdir(parents=True, exist_ok=True)
            for old in SHOTS.glob("*.png"):
                old.unlink()

    def take(self, page: Any, name: str, *, full: bool = False) -> None:
        self.n += 1
        filename = f"{self.n:02d}-{name}.png"
        self.names.append(filename)
        if self.keep:
            # CSS pixels (360 wide): small files, and what the eye sees at arm's length.
            page.screenshot(path=str(SHOTS / filename), full_page=full, scale="css")


def login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").tap()
    check("/accounts/login/" not in page.url, f"{username} logged in")


def scan_url_from_leader(leader: Any, project: Project, base: str, shift: int) -> str:
    """The address the code on the leader's phone encodes: read from the page and proved by
    drawing it again with the same encoder (the SVG must be the one on screen)."""
    leader.goto(f"{base}/attendance/post/{shift}/qr/")
    code = leader.locator("[data-scan-url]")
    url = code.get_attribute("data-scan-url") or ""
    check(url.startswith(f"{base}/attendance/scan/"), "the leader's code leads to the scan page")
    shown = code.locator("svg").evaluate(
        "svg => [svg.getAttribute('viewBox'), svg.querySelector('path').getAttribute('d')]"
    )
    drawn = project.inside("qr", url)["svg"]
    wanted = [
        re.search(r'viewBox="([^"]+)"', drawn).group(1),  # type: ignore[union-attr]
        re.search(r' d="([^"]+)"', drawn).group(1),  # type: ignore[union-attr]
    ]
    same = shown == wanted
    box = code.locator("svg").bounding_box()
    check(
        box is not None and box["y"] >= 0 and box["y"] + box["height"] <= SCREEN["height"],
        f"the whole code is on the leader's screen ({box and round(box['width'])} px wide)",
    )
    check(same, "the QR picture on the leader's screen encodes exactly that address")
    return url


def watch(page: Any, errors: list[str]) -> None:
    """Collect script errors and failed requests (other than the browser's own favicon guess;
    and requests cut off by the offline switch, which is the point)."""
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))

    def answered(response: Any) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            errors.append(f"{response.status} {response.url}")

    page.on("response", answered)


def big_enough(page: Any, selector: str) -> None:
    """Buttons an older thumb can hit and text an older eye can read without glasses."""
    box = page.locator(selector).first.bounding_box()
    size = page.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    check(
        box is not None and box["height"] >= 48 and size >= 18,
        f"{selector}: {box and round(box['height'])} px high, text {size} px",
    )


def offline_link(
    page: Any,
    phone: Any,
    leader: Any,
    project: Project,
    shots: Shots,
    *,
    base: str,
    shift: int,
    volunteer: int,
) -> dict[str, Any]:
    """王建国 comes back to the post after a break, where there is no signal at all: the link in
    the code cannot load, and the service worker his phone took from the check-in pages shows
    the offline page in its place. His tap is kept on the phone; with the signal back the page
    opens 我的班次, which sends it: one new stay, from the moment the link was opened."""
    from playwright.sync_api import expect

    ready = page.evaluate(
        """async () => {
          const registration = await navigator.serviceWorker.ready;
          return { scope: registration.scope, controlled: !!navigator.serviceWorker.controller };
        }"""
    )
    check(
        ready["scope"] == f"{base}/attendance/" and ready["controlled"],
        f"a service worker in place for {ready['scope']}, in charge of this page",
    )
    page.wait_for_function("async () => !!(await caches.match('/attendance/offline/'))")
    print("  ok  the offline page is kept on the phone")
    url = scan_url_from_leader(leader, project, base, shift)
    token = url.rsplit("/", 1)[1]
    before = project.inside("check", volunteer)["rows"]
    phone.set_offline(True)
    page.goto(url)
    shell = page.locator("[data-att-offline-shell]")
    expect(shell).to_have_attribute("data-att-copy", "")
    expect(page.locator("main")).to_contain_text("现在没有信号")
    expect(page.locator("main")).to_contain_text("有信号时自动发送")
    form = page.locator("main form[data-att-scan]")
    check(
        form.locator("input[name=token]").input_value() == token,
        "no signal: the offline page opens in place of the link, with the code's token",
    )
    scanned = form.locator("input[name=scanned_at]").input_value()
    key = form.locator("input[name=key]").input_value()
    shots.take(page, "offline-page")
    big_enough(page, "main form[data-att-scan] .att-button--big")
    form.locator("button").tap()
    page.evaluate("() => document.querySelector('form[data-att-scan]').requestSubmit()")
    expect(page.locator("main [data-att-status]")).to_contain_text("恢复信号后自动发送")
    expect(form).to_be_hidden()
    shots.take(page, "offline-check-in-kept")
    # The same link opened again, still without signal: the same scan, not a second one.
    page.goto(url)
    expect(page.locator("main [data-att-status]")).to_contain_text("恢复信号后自动发送")
    check(
        form.locator("input[name=key]").input_value() == key,
        "opened again: the same key and scan time",
    )
    queued = json.loads(page.evaluate("localStorage['vetserve.attendance.queue']"))
    waiting = [i for i in queued if i["state"] == "pending"]
    check(
        len(waiting) == 1 and waiting[0]["scan"]["idempotency_key"] == key,
        "a double tap and a second opening: one check-in waiting on the phone",
    )
    offline = project.inside("check", volunteer)["rows"]
    check(len(offline) == len(before), "the server has nothing new yet")
    online_at = datetime.now(UTC)
    phone.set_offline(False)
    page.wait_for_url(f"{base}/attendance/me/")
    in_at = datetime.fromisoformat(scanned)
    expect(page.locator("main .att-card")).to_contain_text(f"{in_at.astimezone(SH):%H:%M} 起在岗")
    expect(page.locator("[data-att-pending] .is-pending")).to_have_count(0)
    shots.take(page, "offline-check-in-sent")
    rows = project.inside("check", volunteer)["rows"]
    new = [row for row in rows if row["id"] not in {b["id"] for b in before}]
    check(len(new) == 1, f"one new stay ({len(rows)} in all)")
    received = datetime.fromisoformat(new[0]["in_received_at"])
    check(
        datetime.fromisoformat(new[0]["in_at"]) == in_at
        and new[0]["in_method"] == "post_qr"
        and received >= online_at,
        f"its check-in time is the opening of the link ({in_at.astimezone(SH):%H:%M:%S}), "
        f"received {received.astimezone(SH):%H:%M:%S} after the signal came back",
    )
    # Logged out: the login page it leads to deletes what the phone kept for him.
    page.locator("details.menu summary").tap()
    with page.expect_navigation():
        page.locator(".main-nav__logout button").tap()
    page.wait_for_function(
        """async () => !(await caches.keys()).some(n => n.startsWith('vetserve-attendance-'))"""
    )
    check("/accounts/login/" in page.url, "logged out: the offline page is gone from the phone")
    return {"scanned_at": scanned, "stay": new[0]}


def walkthrough(args: argparse.Namespace) -> dict[str, Any]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=15_000)
    data_dir = Path(tempfile.mkdtemp(prefix="vetserve-walk-"))
    project = Project(data_dir)
    shots = Shots(keep=not args.no_screenshots)
    numbers: dict[str, Any] = {"data_dir": str(data_dir)}
    try:
        print("setting up a throw-away database in", data_dir)
        project.run("vetserve", "migrate", "-v0")
        project.run("vetserve", "load-regions")
        scenario = project.inside("scenario", args.lead_seconds)
        shift = scenario["shift"]
        starts_at = datetime.fromisoformat(scenario["starts_at"])
        base = project.serve(args.port or free_port())
        print(
            "serving at", base, "; shift", shift, "starts", f"{starts_at.astimezone(SH):%H:%M:%S}"
        )

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=not args.headed)
            try:
                leader_ctx = browser.new_context(**PHONE)
                phone = browser.new_context(**PHONE)
                leader = leader_ctx.new_page()
                page = phone.new_page()
                errors: list[str] = []
                watch(page, errors)
                watch(leader, errors)

                print("1. the volunteer signs up for the shift")
                login(page, base, "laowang")
                page.goto(f"{base}/activities/shifts/{shift}/")
                shots.take(page, "shift-before-sign-up")
                with page.expect_navigation():
                    page.get_by_role("button", name="报名").tap()
                expect(page.locator("main")).to_contain_text("您已报名")
                shots.take(page, "signed-up")
                # 李卫东 signs up too, on his own phone (he checks in without signal in step 7).
                other = browser.new_context(**PHONE)
                li = other.new_page()
                watch(li, errors)
                login(li, base, "laoli")
                li.goto(f"{base}/activities/shifts/{shift}/")
                with li.expect_navigation():
                    li.get_by_role("button", name="报名").tap()
                expect(li.locator("main")).to_contain_text("您已报名")
                check(datetime.now(UTC) < starts_at, "both signed up before the shift starts")

                print("2. the leader shows the post code; the volunteer opens it and checks in")
                login(leader, base, "duizhang")
                url = scan_url_from_leader(leader, project, base, shift)
                shots.take(leader, "leader-post-code")
                page.goto(url)
                expect(page.locator("main")).to_contain_text("东门")
                shots.take(page, "scan-page")
                big_enough(page, "main .att-button--big")
                # A double tap: two submits before the page can react. The page made one key.
                page.locator("main form[data-att-scan] button").tap()
                page.evaluate("() => document.querySelector('form[data-att-scan]').requestSubmit()")
                expect(page.locator("[data-att-status]")).to_contain_text("已签到")
                expect(page.locator("[data-att-after]")).to_be_visible()
                shots.take(page, "checked-in")
                first = project.inside("check", scenario["volunteers"]["laowang"])
                check(len(first["rows"]) == 1, "one attendance row after a double tap on check-in")
                check(first["rows"][0]["out_at"] is None, "the stay is open")

                print("3. on post: the signal goes, the volunteer checks out")
                with page.expect_navigation():
                    page.locator("[data-att-after] a").tap()
                expect(page.locator("main .att-card")).to_contain_text("在岗")
                shots.take(page, "on-post")
                phone.set_offline(True)
                serve_until = starts_at + timedelta(seconds=args.serve_seconds)
                wait = (serve_until - datetime.now(UTC)).total_seconds()
                if wait > 0:
                    print(f"   on post without signal for {wait:.0f} s")
                    page.wait_for_timeout(wait * 1000)
                checkout = page.locator("main .att-card").get_by_role("button", name="签退")
                big_enough(page, "main .att-card .att-button--big")
                tapped_at = datetime.now(UTC)
                checkout.tap()
                # An impatient second tap, before the page could hide the button.
                page.evaluate("() => document.querySelector('form[data-att-scan]').requestSubmit()")
                expect(page.locator("[data-att-net]")).to_contain_text("无信号")
                expect(page.locator("main .att-card")).to_contain_text("恢复信号后自动发送")
                expect(checkout).to_be_hidden()
                expect(page.locator("[data-att-pending]")).to_contain_text("待发送")
                shots.take(page, "check-out-queued-offline")
                queued = json.loads(page.evaluate("localStorage['vetserve.attendance.queue']"))
                waiting = [i for i in queued if i["state"] == "pending"]
                check(len(waiting) == 1, "two taps, one check-out waiting on the phone")
                offline = project.inside("check", scenario["volunteers"]["laowang"])
                check(offline["rows"][0]["out_at"] is None, "the server has no check-out yet")
                page.wait_for_timeout(args.offline_seconds * 1000)

                print("4. the signal comes back: the queue sends itself")
                online_at = datetime.now(UTC)
                phone.set_offline(False)
                # The check-in (sent at once) and the check-out (sent now).
                expect(page.locator("[data-att-pending] .is-sent")).to_have_count(2)
                expect(page.locator("[data-att-pending] .is-pending")).to_have_count(0)
                expect(page.locator("[data-att-net]")).to_have_text("")
                expect(page.locator("main .att-card")).to_contain_text("已签退")
                shots.take(page, "check-out-sent")
                after = project.inside("check", scenario["volunteers"]["laowang"])
                rows = after["rows"]
                check(len(rows) == 1, "exactly one attendance row")
                row = rows[0]
                out_at = datetime.fromisoformat(row["out_at"])
                received = datetime.fromisoformat(row["out_received_at"])
                check(
                    abs((out_at - tapped_at).total_seconds()) < 5,
                    f"the check-out time is the tap ({tapped_at.astimezone(SH):%H:%M:%S}), "
                    f"not the upload ({received.astimezone(SH):%H:%M:%S})",
                )
                check(
                    received >= online_at, "it reached the server only after the signal came back"
                )
                check(row["minutes"] == row["expected"], f"minutes counted: {row['minutes']}")
                if args.serve_seconds >= 60:
                    check(
                        row["minutes"] >= args.serve_seconds // 60, "the minutes served are there"
                    )
                check(
                    after["served_minutes"] == row["minutes"], "the hours ledger counts them once"
                )

                print("5. the hours on the volunteer's page")
                page.reload()
                hours = page.locator("[data-att-hours]")
                expect(hours).to_contain_text("服务时长")
                check(
                    hours.locator("[data-att-total]").get_attribute("data-minutes")
                    == str(row["minutes"]),
                    "the page's total is the row's minutes",
                )
                check(hours.locator("li").count() == 1, "one stay listed on the volunteer's page")
                shots.take(page, "hours-on-my-page", full=True)
                api = phone.request.get(f"{base}/api/v1/attendance").json()
                check(api["count"] == 1, "the API lists one stay")
                check(api["items"][0]["minutes"] == row["minutes"], "the API has the same minutes")

                print("6. replays: the whole queue sent again, the same batch posted twice")
                page.evaluate(
                    """() => { const k = 'vetserve.attendance.queue';
                      const q = JSON.parse(localStorage[k]);
                      q.forEach(i => { i.state = 'pending'; i.result = null; });
                      localStorage[k] = JSON.stringify(q);
                      window.dispatchEvent(new Event('online')); }"""
                )
                page.wait_for_function(
                    """() => JSON.parse(localStorage['vetserve.attendance.queue'])
                              .every(i => i.state !== 'pending')"""
                )
                replayed = json.loads(page.evaluate("localStorage['vetserve.attendance.queue']"))
                statuses = sorted(i["result"]["status"] for i in replayed)
                check(statuses == ["duplicate", "duplicate"], f"queue replayed: {statuses}")
                scans = [i["scan"] for i in replayed]
                csrf = next(c["value"] for c in phone.cookies(base) if c["name"] == "csrftoken")
                for _ in range(2):
                    answer = phone.request.post(
                        f"{base}/api/v1/attendance/scans",
                        data={"scans": scans + scans},
                        headers={"X-CSRFToken": csrf},
                    ).json()
                    statuses = [r["status"] for r in answer["results"]]
                    check(set(statuses) == {"duplicate"}, f"the same batch again: {statuses}")
                final = project.inside("check", scenario["volunteers"]["laowang"])
                check(len(final["rows"]) == 1, "still exactly one attendance row")
                check(final["rows"][0]["minutes"] == row["minutes"], "with the same minutes")
                check(final["served_minutes"] == row["minutes"], "and the ledger unchanged")
                page.reload()
                expect(page.locator("[data-att-total]")).to_have_attribute(
                    "data-minutes", str(row["minutes"])
                )
                leader.goto(f"{base}/attendance/post/{shift}/")
                expect(leader.locator(".att-roster")).to_contain_text("王建国")
                shots.take(leader, "leader-roster", full=True)
                numbers["laowang"] = final

                print("7. a second volunteer presses check-in without signal")
                url = scan_url_from_leader(leader, project, base, shift)
                li.goto(url)
                shown_at = datetime.fromisoformat(
                    li.locator("input[name=scanned_at]").get_attribute("value") or ""
                )
                other.set_offline(True)
                li.wait_for_timeout(args.offline_seconds * 1000)
                tapped_at = datetime.now(UTC)
                li.locator("main form[data-att-scan] button").tap()
                expect(li.locator("[data-att-status]")).to_contain_text("恢复信号后自动发送")
                expect(li.locator("[data-att-net]")).to_contain_text("无信号")
                shots.take(li, "check-in-queued-offline")
                li.wait_for_timeout(args.offline_seconds * 1000)
                online_at = datetime.now(UTC)
                other.set_offline(False)
                expect(li.locator("[data-att-status]")).to_contain_text("已签到")
                shots.take(li, "check-in-sent")
                stays = project.inside("check", scenario["volunteers"]["laoli"])["rows"]
                check(len(stays) == 1, "one attendance row for the second volunteer")
                in_at = datetime.fromisoformat(stays[0]["in_at"])
                received = datetime.fromisoformat(stays[0]["in_received_at"])
                check(
                    in_at == shown_at and in_at < tapped_at and received >= online_at,
                    f"check-in time {in_at.astimezone(SH):%H:%M:%S} is the scan (page shown), "
                    f"not the tap ({tapped_at.astimezone(SH):%H:%M:%S}) "
                    f"or the upload ({received.astimezone(SH):%H:%M:%S})",
                )
                numbers["laoli"] = stays

                print("8. no signal at all: the post code link opens from the phone itself")
                numbers["offline_page"] = offline_link(
                    page,
                    phone,
                    leader,
                    project,
                    shots,
                    base=base,
                    shift=shift,
                    volunteer=scenario["volunteers"]["laowang"],
                )
                check(not errors, f"no script errors or failed requests on the pages {errors}")
            except Exception:
                # Keep what the phones showed when it went wrong, and the database.
                args.keep_data = True
                for n, context in enumerate(browser.contexts):
                    for m, shown in enumerate(context.pages):
                        shown.screenshot(path=str(data_dir / f"failure-{n}-{m}.png"))
                raise
            finally:
                browser.close()
        if shots.keep:
            sizes = project.inside("shrink", SHOTS)
            numbers["screenshots"] = {name: f"{size // 1024} KB" for name, size in sizes.items()}
        return numbers
    finally:
        project.stop()
        if args.keep_data:
            print("data, server log (and failure screenshots) kept in", data_dir)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inside", nargs=2, metavar=("STEP", "ARG"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--serve-seconds",
        type=int,
        default=65,
        help="time on post after the shift starts before checking out (default 65: 1 minute)",
    )
    parser.add_argument(
        "--lead-seconds",
        type=int,
        default=40,
        help="the shift starts this long after the scenario is made (sign-up closes then)",
    )
    parser.add_argument("--offline-seconds", type=int, default=3, help="extra time without signal")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--headed", action="store_true", help="show the browser window")
    parser.add_argument("--no-screenshots", action="store_true")
    parser.add_argument("--keep-data", action="store_true", help="keep the temporary database")
    args = parser.parse_args()
    if args.inside:
        inside(*args.inside)
        return 0
    started = time.monotonic()
    try:
        numbers = walkthrough(args)
    except (Failed, AssertionError) as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    print(json.dumps(numbers, ensure_ascii=False, indent=1))
    print(f"PASSED in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
