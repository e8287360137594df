"""Each role's main path in a real browser, on a phone (390×844) and a desktop (1366×900), and
axe-core on every page each role reaches from its home page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from tests.browser.conftest import (
    VIEWPORTS,
    Viewport,
    axe_violations,
    follow,
    log_in,
    new_context,
    open_menu,
)
from vetserve.activities.models import SignUp, SignUpState
from vetserve.attendance.models import Attendance
from vetserve.attendance.tokens import post_token

by_viewport = pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: v.name)


@by_viewport
def test_a_volunteer_signs_up_from_home_and_checks_in_by_the_post_code(
    browser: Any, world: Any, live_server: Any, viewport: Viewport
) -> None:
    context = new_context(browser, viewport)
    page = context.new_page()
    log_in(page, live_server.url, "wang")
    open_menu(page)
    follow(page, "nav.main-nav a[href='/activities/']")
    follow(page, f"a[href='/activities/{world.activity.pk}/']")
    follow(page, f"a[href='/activities/shifts/{world.next_week.pk}/']")
    page.get_by_role("button", name="报名").click()
    page.get_by_text("您已报名。").first.wait_for()
    assert SignUp.objects.filter(
        shift=world.next_week, volunteer=world.wang, state=SignUpState.CONFIRMED
    ).exists()

    # The phone's camera opens the code the leader shows at the post.
    token = post_token(world.today.pk, at=timezone.now())
    page.goto(f"{live_server.url}/attendance/scan/{token}")
    page.get_by_role("button", name="立即签到").click()
    page.get_by_text("已签到").first.wait_for()
    assert axe_violations(page, f"{viewport.name} post code page") == []
    assert Attendance.objects.filter(volunteer=world.wang, shift=world.today).count() == 1
    context.close()


@by_viewport
def test_a_leader_goes_from_home_to_the_station_and_checks_someone_in_with_one_tap(
    browser: Any, world: Any, live_server: Any, viewport: Viewport
) -> None:
    context = new_context(browser, viewport)
    page = context.new_page()
    log_in(page, live_server.url, "dave")
    open_menu(page)
    follow(page, "nav.main-nav a[href='/activities/']")
    follow(page, f"a[href='/activities/{world.activity.pk}/']")
    follow(page, f"a[href='/activities/shifts/{world.today.pk}/']")
    follow(page, f"a[href='/attendance/post/{world.today.pk}/']")
    row = page.locator(".att-roster li", has=page.locator("strong", has_text=world.wang.name))
    row.get_by_role("button", name="签到").click()
    row.locator("[data-att-status]").filter(has_text="已发送").wait_for()
    # The station is reached from the shift, not from home: axe it here, a row's state shown.
    assert axe_violations(page, f"{viewport.name} station") == []
    stay = Attendance.objects.get()
    assert (stay.volunteer_id, stay.in_method, stay.in_reason) == (world.wang.pk, "manual", "")
    context.close()


@by_viewport
def test_a_county_admin_opens_the_roster_and_an_activity_from_home(
    browser: Any, world: Any, live_server: Any, viewport: Viewport
) -> None:
    context = new_context(browser, viewport)
    page = context.new_page()
    log_in(page, live_server.url, "bob")
    open_menu(page)
    follow(page, "nav.main-nav a[href='/people/']")
    page.get_by_text(world.wang.name).first.wait_for()
    open_menu(page)
    follow(page, "nav.main-nav a[href='/activities/']")
    follow(page, f"a[href='/activities/{world.activity.pk}/']")
    assert world.activity.title in page.locator("h1").inner_text()
    context.close()


@by_viewport
def test_an_auditor_opens_the_audit_log_from_home(
    browser: Any, world: Any, live_server: Any, viewport: Viewport
) -> None:
    context = new_context(browser, viewport)
    page = context.new_page()
    log_in(page, live_server.url, "frank")
    open_menu(page)
    follow(page, "nav.main-nav a[href='/audit/']")
    # Bob registered the volunteers of 崇礼: the auditor of 崇礼 sees those entries.
    page.get_by_text(world.wang.name).first.wait_for()
    context.close()


# --- axe-core on every page of every role -----------------------------------------------------

ROLES = {
    "volunteer": "wang",
    "leader": "dave",
    "county admin": "bob",
    "city admin": "alice",
    "auditor": "frank",
}

# Links that are actions, not pages: logging out, changing language (both are forms anyway).
_NOT_PAGES = ("/accounts/logout/", "/i18n/")


def _links_from(page: Any, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    seen: list[str] = []
    for href in hrefs:
        parts = urlsplit(href)
        url = f"{base}{parts.path}" + (f"?{parts.query}" if parts.query else "")
        if not href.startswith(base) or parts.path.startswith(_NOT_PAGES) or url in seen:
            continue
        seen.append(url)
    return seen


@pytest.mark.parametrize("role", list(ROLES), ids=lambda r: r.replace(" ", "-"))
def test_every_page_a_role_reaches_from_home_has_no_axe_violation(
    browser: Any, world: Any, live_server: Any, role: str
) -> None:
    base = live_server.url
    problems: list[str] = []
    for viewport in VIEWPORTS:
        context = new_context(browser, viewport)
        page = context.new_page()
        log_in(page, base, ROLES[role])
        page.goto(f"{base}/")
        problems += axe_violations(page, f"{viewport.name} {urlsplit(page.url).path}")
        for url in _links_from(page, base):
            try:
                response = page.goto(url)
            except Exception as error:  # a download (an export) is not a page
                if "Download is starting" in str(error):
                    continue
                raise
            where = f"{viewport.name} {urlsplit(url).path}"
            if response is None or response.status >= 400:
                problems.append(f"{where}: answered {response.status if response else 'nothing'}")
                continue
            problems += axe_violations(page, where)
        context.close()
    assert not problems, f"{len(problems)} axe violations or broken links:\n" + "\n".join(problems)
