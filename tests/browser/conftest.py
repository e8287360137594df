"""A real Chromium (Debian's package) driven by Playwright against pytest-django's live server.

No browser is downloaded (never ``playwright install``): the browser is ``VETSERVE_CHROMIUM``
or /usr/bin/chromium. Where there is none, or Playwright is missing, every test here is
skipped with the reason (``pytest -rs`` shows it). The suite runs on SQLite; under PostgreSQL
it is skipped (its pages and flows do not depend on the database, and CI runs it once).
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from tests.conftest import PASSWORD, build_cast, make_user
from tests.conftest import register_volunteer as register


# Playwright's sync API keeps an event loop in the test's thread, which Django's guard would
# take for async code calling the ORM; the test code is plain synchronous code. The guard is
# off only while a browser test is set up, run and torn down: set for the whole process it
# would fail `vetserve serve --check` (async.E001) in the tests that run after.
@contextlib.contextmanager
def _sync_orm_beside_playwright() -> Iterator[None]:
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if before is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: Any) -> Any:
    with _sync_orm_beside_playwright():
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: Any) -> Any:
    with _sync_orm_beside_playwright():
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: Any, nextitem: Any) -> Any:
    with _sync_orm_beside_playwright():
        return (yield)


def chromium_path() -> str | None:
    """The Chromium to drive: VETSERVE_CHROMIUM, else Debian's /usr/bin/chromium, else one
    on PATH."""
    for candidate in (
        os.environ.get("VETSERVE_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _skip_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser tests need Playwright (uv sync installs it with the dev group)"
    if chromium_path() is None:
        return (
            "browser tests need Chromium: apt-get install chromium fonts-wqy-zenhei, "
            "or set VETSERVE_CHROMIUM to a Chromium binary"
        )
    if connection.vendor != "sqlite":
        return "browser tests run on SQLite only (CI runs them there once)"
    return None


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    reason = _skip_reason()
    if reason is None:
        return
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.skip(reason=reason))


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    phone: bool


PHONE = Viewport("phone", 390, 844, True)
DESKTOP = Viewport("desktop", 1366, 900, False)
VIEWPORTS = [PHONE, DESKTOP]


@pytest.fixture(scope="package")
def browser(django_db_setup: Any, live_server: Any) -> Iterator[Any]:
    """One Chromium for the browser tests: Playwright's event loop ends with them, so the
    tests that run after find no loop in their thread (Django would refuse their ORM calls).
    It asks for the test database and the live server so that it closes first: its last
    kept-alive connections end while the server still shares the database, and Playwright's
    event loop is gone before the database is dropped."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield chromium
        chromium.close()


def new_context(browser: Any, viewport: Viewport) -> Any:
    """A fresh browser profile (no cookies, no service worker) at this size."""
    context = browser.new_context(
        viewport={"width": viewport.width, "height": viewport.height},
        is_mobile=viewport.phone,
        has_touch=viewport.phone,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    # Generous for a shared, busy CI machine (a page seldom takes a second); a test that waits
    # for something that never comes still fails in well under a minute.
    context.set_default_timeout(20_000)
    return context


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


@pytest.fixture
def world(restore_reference_data: Any, transactional_db: Any) -> SimpleNamespace:
    """The shared cast, and Dave's rescue team clearing snow in 崇礼: a shift under way now
    with four people on its roster (王建国 can log in), and a shift next week open for
    sign-up."""
    from vetserve.accounts.models import Role
    from vetserve.activities.models import Activity, Shift, SignUp, SignUpState, Status

    cast = build_cast()
    now = timezone.now()
    activity = Activity.objects.create(
        title="太子城场馆除雪",
        category="snow_ice",
        organization=cast.rescue,
        region=cast.chongli,
        place="太子城冰雪小镇",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=8),
        status=Status.UNDER_WAY,
    )
    today = Shift.objects.create(
        activity=activity,
        post="东门",
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(hours=4),
        max_people=10,
        wanted_people=5,
    )
    next_week = Shift.objects.create(
        activity=activity,
        post="西门",
        starts_at=now + timedelta(days=7),
        ends_at=now + timedelta(days=7, hours=4),
        max_people=10,
        wanted_people=5,
    )
    names = ["王建国", "刘海", "陈平", "赵军"]
    people, signups = [], []
    for serial, name in enumerate(names, start=1):
        person = register(
            cast.bob,
            cast.rescue,
            name=name,
            serial=serial,
            phone=f"1370000{serial:04d}",
            born=date(1965, 5, serial),
        )
        signup = SignUp.objects.create(
            shift=today,
            volunteer=person,
            state=SignUpState.CONFIRMED,
            confirmed_at=now - timedelta(days=1),
        )
        people.append(person)
        signups.append(signup)
    wang = people[0]
    wang.user = make_user("wang", (Role.VOLUNTEER, cast.rescue))
    wang.save(update_fields=["user"])
    return SimpleNamespace(
        cast=cast,
        activity=activity,
        today=today,
        next_week=next_week,
        people=people,
        signups=signups,
        wang=wang,
    )


def open_menu(page: Any) -> None:
    """On a phone the main menu is folded away: unfold it, as a person would."""
    menu = page.locator("details.menu")
    if menu.count() and not menu.evaluate("m => m.open"):
        page.locator("summary.menu__toggle").click()


def follow(page: Any, selector: str) -> None:
    """Tap a link and wait for its page (fails if there is no such link on screen)."""
    page.locator(selector).first.click()
    page.wait_for_load_state()


# --- axe-core ---------------------------------------------------------------------------------
# axe.min.js comes from its registry package (axe-playwright-python ships axe-core's own file);
# the test hands it to each page it visits. Nothing is marked as expected: every violation fails.


@functools.cache
def axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")


def axe_violations(page: Any, where: str) -> list[str]:
    """axe-core's violations on the page as it is now, one line per rule with where it hit."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    found = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    lines = []
    for rule in found["violations"]:
        targets = [" ".join(map(str, node["target"])) for node in rule["nodes"][:3]]
        more = f" (+{len(rule['nodes']) - 3})" if len(rule["nodes"]) > 3 else ""
        lines.append(
            f"{where}: {rule['id']} [{rule['impact']}] {rule['help']}: {'; '.join(targets)}{more}"
        )
    return lines
