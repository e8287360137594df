"""The searchable select in a real browser (issue 13): typed, picked with the keyboard alone,
submitted as an id; axe-core finds nothing wrong with the list open."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import DESKTOP, PHONE, axe_violations, log_in, new_context


def test_an_organization_is_found_by_typing_and_picked_with_the_keyboard(
    browser: Any, world: Any, live_server: Any
) -> None:
    context = new_context(browser, PHONE)
    page = context.new_page()
    log_in(page, live_server.url, "bob")
    page.goto(f"{live_server.url}/people/{world.wang.pk}/#memberships")
    page.locator("#memberships details summary").click()
    box = page.get_by_role("combobox", name="组织")
    box.fill("西湾子")
    option = page.get_by_role("option", name="西湾子镇退役军人志愿服务队（西湾子镇）")
    option.wait_for()
    assert axe_violations(page, "membership form, list open") == []
    box.press("ArrowDown")
    assert option.get_attribute("aria-selected") == "true"
    box.press("Enter")
    assert box.input_value() == "西湾子镇退役军人志愿服务队（西湾子镇）"
    assert page.get_by_role("listbox").is_hidden()
    chosen = page.locator("input[type=hidden][name='membership-organization']")
    assert chosen.input_value() == str(world.cast.xiwanzi_team.pk)
    page.locator("form:has(input[name='membership-organization']) button[type=submit]").click()
    page.wait_for_load_state()
    assert world.wang.memberships.get().organization == world.cast.xiwanzi_team
    context.close()


def test_the_roster_filters_by_an_organization_picked_from_the_search(
    browser: Any, world: Any, live_server: Any
) -> None:
    context = new_context(browser, DESKTOP)
    page = context.new_page()
    log_in(page, live_server.url, "bob")
    page.goto(f"{live_server.url}/people/")
    page.get_by_text(world.wang.name).first.wait_for()
    box = page.get_by_role("combobox", name="组织")
    box.fill("西湾子")
    page.get_by_role("option", name="西湾子镇退役军人志愿服务队（西湾子镇）").click()
    # The results follow the pick (htmx), without a press of 搜索.
    page.wait_for_function(
        "name => !document.querySelector('#results').textContent.includes(name)",
        arg=world.wang.name,
    )
    assert "org=" in page.url
    context.close()
