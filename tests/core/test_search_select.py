"""Searchable selects (issue 13): forms render only the chosen organization or region, never a
list of every option; the search endpoints behind them offer only what the user may see, at
most 20 at a time, in a constant number of queries; the server still refuses any other id."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import login, make_org, register_volunteer
from vetserve.core.widgets import SEARCH_LIMIT
from vetserve.orgs.models import Kind, Organization
from vetserve.people.models import Volunteer


def offered(response: Any) -> list[str]:
    """The labels of the options a search answered with."""
    assert response.status_code == 200
    return re.findall(r'data-label="([^"]*)"', response.content.decode())


def many_teams(count: int, start: int = 0) -> None:
    parent = Organization.objects.get(name="崇礼区爱国拥军联合会")
    for n in range(start, start + count):
        make_org(f"崇礼第{n}志愿服务队", "130709", Kind.GRASSROOTS, parent)


# --- the forms ---------------------------------------------------------------------------------


def test_the_volunteer_form_holds_no_option_per_organization(client, cast):
    many_teams(30)
    page = login(client, cast.alice).get("/people/new/").content.decode()
    assert "崇礼第7志愿服务队" not in page
    assert 'data-search-select data-url="/orgs/search/"' in page


def test_the_search_select_is_labelled_and_keyboard_ready(client, cast):
    page = login(client, cast.bob).get("/orgs/new/").content.decode()
    # The field's label names the text box; the list it controls is a labelled listbox.
    assert '<label for="id_parent">' in page
    assert re.search(r'<input type="text" name="parent" value=""[^>]*id="id_parent"', page)
    assert 'id="id_parent_options" role="listbox" aria-label="匹配项"' in page
    assert "vetserve/search-select.js" in page  # arrow keys, Enter and Escape (the script)


def test_an_edit_form_shows_only_the_chosen_organization_and_region(client, cast):
    page = login(client, cast.bob).get(f"/orgs/{cast.rescue.pk}/edit/").content.decode()
    assert 'value="崇礼区爱国拥军联合会（崇礼区）"' in page
    assert f'data-chosen="{cast.chongli_fed.pk}"' in page
    assert 'value="崇礼区（130709）"' in page
    assert "<option" not in page.split('id="id_region"')[1].split("</div>")[0]


def test_the_form_costs_the_same_queries_whatever_the_number_of_organizations(client, cast):
    login(client, cast.alice)
    url = f"/orgs/{cast.rescue.pk}/edit/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    many_teams(40)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "崇礼第39志愿服务队" not in page
    assert len(many) == len(few)


def test_an_out_of_scope_organization_is_refused_in_chinese_and_the_input_kept(client, cast):
    wang = register_volunteer(cast.bob, cast.xiwanzi_team)
    response = login(client, cast.bob).post(
        f"/people/{wang.pk}/memberships/",
        {
            "membership-organization": cast.zhangbei_team.pk,  # 张北: not Bob's
            "membership-role": "member",
            "membership-started_on": "2021-10-01",
        },
    )
    assert response.status_code == 400
    assert not wang.memberships.exists()
    page = response.content.decode()
    assert "不是您在此可选的" in page


def test_without_javascript_a_typed_name_is_understood(client, cast):
    wang = register_volunteer(cast.bob, cast.xiwanzi_team)
    response = login(client, cast.bob).post(
        f"/people/{wang.pk}/memberships/",
        {
            "membership-organization": "崇礼蓝天应急救援队",
            "membership-role": "member",
            "membership-started_on": "2021-10-01",
        },
    )
    assert response.status_code == 302
    assert wang.memberships.get().organization == cast.rescue


def test_a_typed_name_outside_the_scope_is_refused_and_kept(client, cast):
    response = login(client, cast.bob).post(
        "/orgs/new/",
        {
            "name": "新队",
            "kind": Kind.GRASSROOTS,
            "specialty": "general",
            "region": "张北县",
            "parent": "张北县爱国拥军联合会",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("不是您在此可选的") == 2
    assert 'value="张北县爱国拥军联合会"' in page  # what was typed stays in the box
    assert not Organization.objects.filter(name="新队").exists()


def test_a_region_is_understood_by_its_official_code(client, cast):
    response = login(client, cast.bob).post(
        "/orgs/new/",
        {"name": "新队", "kind": Kind.GRASSROOTS, "specialty": "general", "region": "130709100"},
    )
    assert response.status_code == 302
    assert Organization.objects.get(name="新队").region == cast.xiwanzi


# --- the search endpoints ----------------------------------------------------------------------


def test_the_organization_search_offers_what_the_user_sees(client, cast):
    assert offered(login(client, cast.alice).post("/orgs/search/", {"q": "zb"})) == [
        "张北县爱国拥军联合会（张北县）",
        "张北镇退役军人志愿服务队（张北镇）",
    ]


@pytest.mark.parametrize("who", ["bob", "mallory", "erin"])
def test_the_organization_search_never_offers_an_outsider_zhangbei(client, cast, who):
    assert offered(login(client, getattr(cast, who)).post("/orgs/search/", {"q": "张北"})) == []


def test_the_organization_search_for_changing_leaves_out_what_one_only_sees(client, cast):
    login(client, cast.erin)
    assert offered(client.post("/orgs/search/", {"q": "西湾子"})) == [
        "西湾子镇退役军人志愿服务队（西湾子镇）"
    ]
    assert offered(client.post("/orgs/search/", {"q": "西湾子", "action": "change"})) == []


def test_the_organization_search_pages_at_twenty_in_constant_queries(client, cast):
    login(client, cast.alice)
    many_teams(5)
    with CaptureQueriesContext(connection) as few:
        client.post("/orgs/search/", {"q": "崇礼第"})
    many_teams(30, start=5)
    with CaptureQueriesContext(connection) as many:
        response = client.post("/orgs/search/", {"q": "崇礼第"})
    assert len(offered(response)) == SEARCH_LIMIT
    assert "只显示前 20 个" in response.content.decode()
    assert len(many) == len(few)


def test_the_region_search_offers_only_visible_regions(client, cast):
    assert offered(login(client, cast.bob).post("/regions/search/", {"q": "张北"})) == []
    assert offered(login(client, cast.carol).get("/regions/search/", {"q": "张北"})) == [
        "张北县（130722）",
        "张北镇（130722100）",
    ]
    assert offered(login(client, cast.mallory).post("/regions/search/", {"q": "崇礼"})) == []


def test_the_volunteer_search_is_post_only_and_scoped(client, cast):
    register_volunteer(cast.bob, cast.xiwanzi_team, name="王建国")
    register_volunteer(
        cast.carol,
        cast.zhangbei_team,
        name="王张北",
        serial=2,
        address_code="130722",
        phone="13900002222",
    )
    login(client, cast.bob)
    # A badge, ID or phone number typed into the box must not travel in a URL.
    assert client.get("/people/search/", {"q": "王"}).status_code == 405
    assert offered(client.post("/people/search/", {"q": "王"})) == ["王建国"]
    assert offered(client.post("/people/search/", {"q": "wjg"})) == ["王建国"]
    assert offered(login(client, cast.carol).post("/people/search/", {"q": "王"})) == ["王张北"]
    assert offered(login(client, cast.mallory).post("/people/search/", {"q": "王"})) == []


def test_the_search_endpoints_need_a_login(client, cast):
    assert client.post("/orgs/search/", {"q": "张北"}).status_code == 302
    assert client.post("/people/search/", {"q": "王"}).status_code == 302


def test_the_residence_search_offers_the_counties_one_sees_and_their_townships(client, cast):
    login(client, cast.bob)
    found = offered(client.post("/regions/search/", {"q": "西湾子", "within": "residence"}))
    assert found == ["西湾子镇（130709100）"]
    assert offered(client.post("/regions/search/", {"q": "张北", "within": "residence"})) == []
    assert (
        offered(
            login(client, cast.mallory).post(
                "/regions/search/", {"q": "西湾子", "within": "residence"}
            )
        )
        == []
    )


def test_the_volunteer_form_renders_no_residence_options_and_reads_a_typed_township(client, cast):
    page = login(client, cast.alice).get("/people/new/").content.decode()
    field = page.split('id="id_residence_region"')[0].rsplit("<div", 1)[1]
    assert "<option" not in page.split('id="id_residence_region"')[1].split("</div>")[0]
    assert 'data-params="action=view&amp;within=residence"' in field


def test_a_typed_township_is_a_residence_and_a_neighbours_is_refused(client, cast):
    from tests.people.test_pages import form_data

    login(client, cast.bob)
    response = client.post("/people/new/", form_data(cast, residence_region="张北镇"))
    assert response.status_code == 400
    assert "不是您在此可选的" in response.content.decode()
    response = client.post("/people/new/", form_data(cast, residence_region="西湾子镇"))
    assert response.status_code == 302
    assert Volunteer.objects.get().residence_region == cast.xiwanzi


@pytest.mark.parametrize("url", ["/people/", "/orgs/"])
def test_the_list_filters_render_no_option_per_region_or_organization(client, cast, url):
    page = login(client, cast.alice).get(url).content.decode()
    assert "张北镇（130722100）" not in page and "<optgroup" not in page
    assert 'data-search-select data-url="/regions/search/"' in page
    assert 'placeholder="全部区划"' in page


def test_a_region_filter_shows_the_chosen_region_alone_and_by_code_or_id(client, cast):
    login(client, cast.bob)
    for value in ("130709100", str(cast.xiwanzi.pk)):
        page = client.get("/orgs/", {"region": value}).content.decode()
        assert 'value="西湾子镇（130709100）"' in page


def test_a_name_two_organizations_share_is_asked_again_unless_the_label_tells_them_apart(
    client, cast
):
    make_org("红旗服务队", "130709", Kind.GRASSROOTS, cast.chongli_fed)
    theirs = make_org("红旗服务队", "130709100", Kind.GRASSROOTS, cast.chongli_fed)
    wang = register_volunteer(cast.bob, cast.xiwanzi_team)
    login(client, cast.bob)
    url = f"/people/{wang.pk}/memberships/"
    data = {"membership-role": "member", "membership-started_on": "2021-10-01"}
    response = client.post(url, {**data, "membership-organization": "红旗服务队"})
    assert response.status_code == 400
    assert "有多个同名项" in response.content.decode()
    response = client.post(url, {**data, "membership-organization": "红旗服务队（西湾子镇）"})
    assert response.status_code == 302
    assert wang.memberships.get().organization == theirs


def test_the_roster_links_name_a_picked_region_by_its_code(client, cast):
    register_volunteer(cast.bob, cast.xiwanzi_team)
    response = login(client, cast.bob).get("/people/", {"region": str(cast.xiwanzi.pk)})
    assert response.context["query"] == "region=130709100"
