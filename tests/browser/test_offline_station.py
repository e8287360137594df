"""The leader's check-in station on a phone that loses its signal: every tap recorded once,
each row saying at once what became of it, and the station still on screen throughout."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import PHONE, log_in, new_context
from vetserve.attendance.models import Attendance


def _row(page: Any, name: str) -> Any:
    return page.locator(".att-roster li", has=page.locator("strong", has_text=name))


def test_station_checks_in_offline_survives_a_reload_and_records_each_person_once(
    browser: Any, world: Any, live_server: Any
) -> None:
    context = new_context(browser, PHONE)
    page = context.new_page()
    log_in(page, live_server.url, "dave")
    station = f"{live_server.url}/attendance/post/{world.today.pk}/"
    page.goto(station)
    # The service worker takes the page over, then keeps the station each time it loads.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function(
        "navigator.serviceWorker.controller !== null && caches.keys().then(async (names) => {"
        "  for (const name of names) {"
        "    if (await (await caches.open(name)).match(location.href)) return true;"
        "  }"
        "  return false;"
        "})"
    )

    first, second, third = (_row(page, p.name) for p in world.people[1:4])
    first.get_by_role("button", name="签到").click()
    status = first.locator("[data-att-status]")
    status.filter(has_text="已发送").wait_for()
    assert first.locator("form").is_hidden()

    context.set_offline(True)
    # An impatient double tap: one record waits on the phone, not two.
    second.get_by_role("button", name="签到").dblclick()
    # At once, in the row itself: waiting for signal, and no button to tap twice.
    second.locator("[data-att-status]").filter(has_text="等待信号").wait_for()
    assert second.locator("form").is_hidden()
    waiting = page.evaluate(
        "JSON.parse(localStorage.getItem('vetserve.attendance.queue') || '[]')"
        ".filter(i => i.state === 'pending').map(i => i.scan.signup_id)"
    )
    assert waiting == [world.signups[2].pk]
    third.get_by_role("button", name="签到").click()
    third.locator("[data-att-status]").filter(has_text="等待信号").wait_for()

    # A reload without signal brings back the same station (the kept copy), not the
    # volunteers' offline page, with its roster, its forms and the taps still waiting.
    page.reload()
    assert page.url == station
    assert page.locator("[data-att-queue][data-att-copy]").count() == 1
    assert page.locator("h1").inner_text() == "太子城场馆除雪 · 东门"
    for row in (second, third):
        row.locator("[data-att-status]").filter(has_text="等待信号").wait_for()
        assert row.locator("form").is_hidden()
    _row(page, world.wang.name).get_by_role("button", name="签到").wait_for()
    assert Attendance.objects.count() == 1

    context.set_offline(False)
    for row in (second, third):
        row.locator("[data-att-status]").filter(has_text="已发送").wait_for()
    # Syncing sent them from this page: still the station, never another page.
    assert page.url == station
    assert page.locator("h1").inner_text() == "太子城场馆除雪 · 东门"
    recorded = sorted(Attendance.objects.values_list("volunteer__name", flat=True))
    assert recorded == sorted(p.name for p in world.people[1:4])
    context.close()
