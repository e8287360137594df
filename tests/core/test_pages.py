from __future__ import annotations

from tests.conftest import login


def test_home_greets_the_user_and_shows_the_work_queue_of_their_region(client, cast):
    # The home page per role (issue 13) replaced the organization counts by kind: an
    # administrator's home is their region's work queue (tests/home has the rest).
    response = login(client, cast.bob).get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "您好" in page
    assert "县级管理员" in page
    assert "本辖区待办" in page
    assert "/attendance/exceptions/" in page
    assert [r.name for r in response.context["roots"]] == ["崇礼区"]


def test_home_shows_an_outsider_nothing(client, cast):
    response = login(client, cast.mallory).get("/")
    assert response.status_code == 200
    assert "queue" not in response.context
    assert list(response.context["roots"]) == []
    assert "崇礼" not in response.content.decode()


def test_the_audit_menu_appears_only_for_users_with_the_audit_right(client, cast):
    assert 'href="/audit/"' in login(client, cast.frank).get("/").content.decode()
    assert 'href="/audit/"' not in login(client, cast.erin).get("/").content.decode()


def test_pages_are_chinese_by_default_and_english_after_switching(client, cast):
    login(client, cast.bob)
    assert "首页" in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "Home" in page
    assert "首页" not in page


def test_an_unknown_page_gets_the_chinese_404_page(client, cast):
    response = login(client, cast.bob).get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_the_layout_loads_nothing_from_the_internet(client, cast):
    page = login(client, cast.bob).get("/").content.decode()
    assert "/static/vetserve/app.css" in page
    assert "/static/htmx/htmx.min.js" in page
    assert "http://" not in page
    assert "https://" not in page
    assert "X-CSRFToken" in page


def test_the_stylesheet_and_htmx_are_served_locally(client, db):
    assert client.get("/static/vetserve/app.css").status_code == 200
    assert client.get("/static/htmx/htmx.min.js").status_code == 200


def test_the_menu_is_a_fold_that_is_open_without_javascript(client, cast):
    page = login(client, cast.erin).get("/").content.decode()
    assert '<details class="menu" open data-fold-narrow>' in page
    assert '<summary class="menu__toggle">菜单</summary>' in page
    assert "vetserve/menu.js" in page
