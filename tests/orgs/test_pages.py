from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import login, make_org
from vetserve.audit.models import AuditEntry
from vetserve.orgs.models import Kind, Organization

HTMX = {"HTTP_HX_REQUEST": "true"}


def listed(response: Any) -> set[str]:
    assert response.status_code == 200
    return {org.name for org in response.context["orgs"]}


def form_data(**values: Any) -> dict[str, Any]:
    data = {
        "name": "崇礼区冰雪应急分队",
        "kind": Kind.SPECIALIST,
        "specialty": "rescue",
        "region": "130709000000",
        "parent": "",
        "founded_on": "2021-12-01",
        "leader_name": "王建国",
        "flag_awarded_on": "",
        "description": "冬奥赛区除雪保障",
    }
    data.update(values)
    return data


def test_the_organization_list_shows_what_the_user_may_see(client, cast):
    assert listed(login(client, cast.alice).get("/orgs/")) == set(
        Organization.objects.values_list("name", flat=True)
    )
    assert listed(login(client, cast.carol).get("/orgs/")) == {
        "张北县爱国拥军联合会",
        "张北镇退役军人志愿服务队",
    }


def test_an_outsider_gets_an_empty_organization_list(client, cast):
    assert listed(login(client, cast.mallory).get("/orgs/")) == set()
    assert listed(login(client, cast.mallory).get("/orgs/?q=zb")) == set()


@pytest.mark.parametrize("query", ["zb", "zhangbei", "张北"])
def test_search_by_pinyin_initials_full_pinyin_or_name_finds_zhangbei(client, cast, query):
    assert listed(login(client, cast.alice).get("/orgs/", {"q": query})) == {
        "张北县爱国拥军联合会",
        "张北镇退役军人志愿服务队",
    }


def test_live_search_returns_only_the_results_fragment(client, cast):
    response = login(client, cast.alice).get("/orgs/", {"q": "zb"}, **HTMX)
    page = response.content.decode()
    assert "张北镇退役军人志愿服务队" in page
    assert "崇礼" not in page
    assert "<html" not in page


def test_the_list_filters_by_kind_region_and_parent(client, cast):
    login(client, cast.alice)
    assert listed(client.get("/orgs/?kind=specialist")) == {
        "崇礼蓝天应急救援队",
        "崇礼蓝天应急救援队山地分队",
    }
    assert listed(client.get("/orgs/?region=130709100")) == {"西湾子镇退役军人志愿服务队"}
    assert listed(client.get(f"/orgs/?parent={cast.chongli_fed.pk}")) == {
        "崇礼蓝天应急救援队",
        "西湾子镇退役军人志愿服务队",
    }


def test_filtering_by_a_region_or_parent_outside_the_area_shows_nothing(client, cast):
    login(client, cast.carol)
    assert listed(client.get("/orgs/?region=130709")) == set()
    assert listed(client.get(f"/orgs/?parent={cast.chongli_fed.pk}")) == set()


def test_the_list_is_paginated_and_keeps_its_filters(client, cast):
    for n in range(55):
        make_org(f"崇礼测试队{n:02d}", "130709", Kind.GRASSROOTS)
    login(client, cast.bob)
    first = client.get("/orgs/?kind=grassroots")
    assert len(first.context["orgs"]) == 50
    assert "kind=grassroots&amp;page=2" in first.content.decode()
    second = client.get("/orgs/?kind=grassroots&page=2")
    assert len(second.context["orgs"]) == 6


def test_the_list_costs_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    for n in range(30):
        make_org(f"张北测试队{n:02d}", "130722100", Kind.GRASSROOTS, cast.zhangbei_fed)
    login(client, cast.alice)
    with django_assert_max_num_queries(9):
        response = client.get("/orgs/?region=130722")
    assert len(response.context["orgs"]) == 32
    with django_assert_max_num_queries(7):
        client.get("/orgs/?q=zb", **HTMX)


def test_organization_detail_shows_chain_sub_teams_and_details(client, cast):
    response = login(client, cast.bob).get(f"/orgs/{cast.rescue.pk}/")
    assert response.status_code == 200
    assert [o.name for o in response.context["chain"]] == ["崇礼区爱国拥军联合会"]
    assert [o.name for o in response.context["children"]] == ["崇礼蓝天应急救援队山地分队"]
    page = response.content.decode()
    assert f"/orgs/{cast.rescue.pk}/edit/" in page
    assert "应急救援" in page


@pytest.mark.parametrize(
    ("who", "org"),
    [
        ("carol", "rescue"),  # 张北's admin and a 崇礼 team
        ("carol", "chongli_fed"),
        ("bob", "zhangbei_team"),
        ("dave", "chongli_fed"),  # a team leader does not see the federation above
        ("erin", "rescue"),
        ("mallory", "xiwanzi_team"),
        ("mallory", "city_fed"),
    ],
)
def test_organization_pages_outside_the_users_scope_are_404(client, cast, who, org):
    login(client, getattr(cast, who))
    assert client.get(f"/orgs/{getattr(cast, org).pk}/").status_code == 404


def test_a_missing_organization_is_404_too(client, cast):
    assert login(client, cast.alice).get("/orgs/999999/").status_code == 404


@pytest.mark.parametrize("who", ["erin", "frank", "mallory"])
def test_users_without_change_rights_reach_neither_create_nor_edit(client, cast, who):
    login(client, getattr(cast, who))
    assert client.get("/orgs/new/").status_code == 404
    assert client.get(f"/orgs/{cast.xiwanzi_team.pk}/edit/").status_code == 404
    response = client.post(f"/orgs/{cast.xiwanzi_team.pk}/edit/", form_data(name="改名"))
    assert response.status_code == 404
    assert not Organization.objects.filter(name="改名").exists()


def test_an_auditor_reads_an_organization_with_its_history_but_no_edit_button(client, cast):
    login(client, cast.bob).post(
        f"/orgs/{cast.rescue.pk}/edit/",
        form_data(name="崇礼蓝天应急救援队", region="130709000000", parent=cast.chongli_fed.pk),
    )
    response = login(client, cast.frank).get(f"/orgs/{cast.rescue.pk}/")
    assert response.status_code == 200
    assert [e.action for e in response.context["recent_audit"]] == ["organization.update"]
    assert "/edit/" not in response.content.decode()


def test_recent_changes_are_hidden_from_users_without_the_audit_right(client, cast):
    response = login(client, cast.dave).get(f"/orgs/{cast.rescue.pk}/")
    assert response.status_code == 200
    assert response.context["recent_audit"] == []


def test_creating_through_the_form_saves_and_audits(client, cast):
    response = login(client, cast.bob).post("/orgs/new/", form_data(parent=cast.chongli_fed.pk))
    assert response.status_code == 302
    org = Organization.objects.get(name="崇礼区冰雪应急分队")
    assert response["Location"] == f"/orgs/{org.pk}/"
    assert org.parent == cast.chongli_fed
    assert org.path == f"{cast.chongli_fed.path}{org.pk}/"
    assert AuditEntry.objects.filter(action="organization.create", object_id=str(org.pk)).exists()


def test_the_create_form_preselects_the_parent_and_its_region(client, cast):
    response = login(client, cast.bob).get(f"/orgs/new/?parent={cast.xiwanzi_team.pk}")
    assert response.status_code == 200
    assert response.context["form"].initial == {
        "parent": cast.xiwanzi_team.pk,
        "region": cast.xiwanzi.pk,
    }


def test_the_create_form_offers_only_places_the_user_may_change(client, cast):
    form = login(client, cast.bob).get("/orgs/new/").context["form"]
    regions = set(form.fields["region"].queryset.values_list("code", flat=True))
    assert "130709" in regions
    assert "130709100" in regions
    assert "130722" not in regions
    assert "130700" not in regions  # visible above Bob's grant, but not his to change
    parents = set(form.fields["parent"].queryset.values_list("name", flat=True))
    assert "张北县爱国拥军联合会" not in parents
    assert "崇礼区爱国拥军联合会" in parents


def test_a_team_leader_adds_a_sub_team_under_their_own_team(client, cast):
    response = login(client, cast.dave).post(
        "/orgs/new/", form_data(name="蓝天救援队冰雪分队", parent=cast.rescue.pk)
    )
    assert response.status_code == 302
    assert Organization.objects.get(name="蓝天救援队冰雪分队").parent == cast.rescue


def test_a_bad_submission_shows_chinese_errors_inline_keeps_the_input_and_creates_nothing(
    client, cast
):
    before = Organization.objects.count()
    response = login(client, cast.bob).post(
        "/orgs/new/",
        form_data(name="西湾子镇退役军人志愿服务队", region="130709100000", leader_name="李卫东"),
    )
    assert response.status_code == 400
    assert Organization.objects.count() == before
    errors = response.context["form"].errors
    assert "该区划内已有同名组织" in errors["name"][0]
    page = response.content.decode()
    assert "请修改下面标出的问题" in page
    assert 'value="李卫东"' in page
    assert "冬奥赛区除雪保障" in page


def test_a_flag_before_the_founding_date_is_refused_next_to_the_flag_date(client, cast):
    response = login(client, cast.bob).post(
        "/orgs/new/", form_data(founded_on="2022-01-10", flag_awarded_on="2021-12-01")
    )
    assert response.status_code == 400
    assert "授旗日期不能早于成立日期" in response.context["form"].errors["flag_awarded_on"][0]
    assert not Organization.objects.filter(name="崇礼区冰雪应急分队").exists()


def test_editing_through_the_form_saves_and_audits_the_changes(client, cast):
    response = login(client, cast.bob).post(
        f"/orgs/{cast.xiwanzi_team.pk}/edit/",
        form_data(
            name="西湾子镇退役军人志愿服务队",
            kind=Kind.GRASSROOTS,
            specialty="general",
            region="130709100000",
            parent=cast.chongli_fed.pk,
            leader_name="赵志刚",
            is_active="on",
        ),
    )
    assert response.status_code == 302
    cast.xiwanzi_team.refresh_from_db()
    assert cast.xiwanzi_team.leader_name == "赵志刚"
    entry = AuditEntry.objects.get(action="organization.update")
    assert entry.changes["leader_name"] == ["", "赵志刚"]
    assert entry.actor == cast.bob


def test_a_county_admin_cannot_move_a_team_to_another_county(client, cast):
    response = login(client, cast.bob).post(
        f"/orgs/{cast.xiwanzi_team.pk}/edit/",
        form_data(name="西湾子镇退役军人志愿服务队", region="130722000000", is_active="on"),
    )
    assert response.status_code == 400
    assert "region" in response.context["form"].errors
    cast.xiwanzi_team.refresh_from_db()
    assert cast.xiwanzi_team.region == cast.xiwanzi


def test_the_detail_page_costs_a_fixed_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    for n in range(20):
        make_org(f"蓝天救援队第{n:02d}分队", "130709101", Kind.SPECIALIST, cast.rescue)
    login(client, cast.bob)
    # 8 for the page itself, 10 for the sections of issue 13 (members: count and page;
    # qualifications; activities: two lists, two counts, staffed shifts ahead and past; hours),
    # 1 for the members' hours in the ledger (issue 15), 1 for the team's honours (issue 15).
    with django_assert_max_num_queries(20):
        response = client.get(f"/orgs/{cast.rescue.pk}/")
    assert len(response.context["children"]) == 21
