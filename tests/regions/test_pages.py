from __future__ import annotations

import pytest

from tests.conftest import login
from vetserve.audit.models import AuditEntry
from vetserve.regions.models import Region

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_region_list_starts_at_the_users_own_area(client, cast):
    response = login(client, cast.bob).get("/regions/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "崇礼区" in page
    assert "西湾子镇" in page
    assert "张北县" not in page


def test_an_outsider_gets_an_empty_region_list(client, cast):
    response = login(client, cast.mallory).get("/regions/")
    assert response.status_code == 200
    assert response.context["tree"] == []
    assert login(client, cast.mallory).get("/regions/?q=崇礼").context["results"] == []


def test_region_search_finds_by_pinyin_initials_name_and_code(client, cast):
    login(client, cast.alice)
    assert "张北县" in [r.name for r in client.get("/regions/?q=zb").context["results"]]
    assert "张北县" in [r.name for r in client.get("/regions/?q=张北").context["results"]]
    by_code = client.get("/regions/?q=130722").context["results"]
    assert by_code[0].name == "张北县"


def test_region_search_stays_inside_the_users_area(client, cast):
    # "镇" matches townships of both counties: Carol finds hers, never 崇礼's.
    names = [r.name for r in login(client, cast.carol).get("/regions/?q=镇").context["results"]]
    assert "张北镇" in names
    assert "西湾子镇" not in names


def test_live_search_returns_only_the_results_fragment(client, cast):
    response = login(client, cast.bob).get("/regions/?q=xwz", **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "西湾子镇" in page
    assert "<html" not in page


def test_region_detail_shows_breadcrumb_units_below_and_organization_count(client, cast):
    response = login(client, cast.bob).get("/regions/130709/")
    assert response.status_code == 200
    assert [r.name for r in response.context["ancestors"]] == ["河北省", "张家口市"]
    assert "西湾子镇" in [r.name for r in response.context["children"]]
    assert response.context["org_count"] == 4
    page = response.content.decode()
    assert "/orgs/?region=130709" in page
    assert "/regions/130709/edit/" in page


def test_units_above_a_grant_are_shown_without_edit_buttons(client, cast):
    response = login(client, cast.bob).get("/regions/130700/")
    assert response.status_code == 200
    assert [r.name for r in response.context["children"]] == ["崇礼区"]
    assert "/regions/130700/edit/" not in response.content.decode()


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("carol", "130709"),  # 张北's admin and a 崇礼 region
        ("carol", "130709100"),
        ("bob", "130722"),
        ("mallory", "130709"),
        ("mallory", "130700"),
        ("bob", "130799"),  # does not exist
        ("bob", "abc"),
    ],
)
def test_region_pages_outside_the_users_area_are_404(client, cast, who, code):
    assert login(client, getattr(cast, who)).get(f"/regions/{code}/").status_code == 404


@pytest.mark.parametrize("who", ["erin", "frank", "dave", "carol", "mallory"])
def test_only_users_who_may_change_a_region_reach_its_forms(client, cast, who):
    login(client, getattr(cast, who))
    assert client.get("/regions/130709100/edit/").status_code == 404
    assert client.get("/regions/130709100/new/").status_code == 404


def test_an_auditor_reads_a_region_but_sees_no_edit_buttons(client, cast):
    response = login(client, cast.frank).get("/regions/130709100/")
    assert response.status_code == 200
    assert "/edit/" not in response.content.decode()


def test_adding_a_village_through_the_form_creates_it_and_audits_it(client, cast):
    response = login(client, cast.bob).post(
        "/regions/130709100/new/",
        {"code": "130709100201", "name": "东山村", "lon": "115.28", "lat": "40.97"},
    )
    assert response.status_code == 302
    village = Region.objects.get(code="130709100201")
    assert response["Location"] == "/regions/130709100201/"
    assert village.level == "village"
    assert village.parent == cast.xiwanzi
    assert AuditEntry.objects.filter(action="region.create", object_id=str(village.pk)).exists()


def test_a_wrong_code_is_shown_in_chinese_next_to_the_field_and_creates_nothing(client, cast):
    before = Region.objects.count()
    response = login(client, cast.bob).post(
        "/regions/130709100/new/", {"code": "130722100201", "name": "错码村"}
    )
    assert response.status_code == 400
    assert Region.objects.count() == before
    assert "code" in response.context["form"].errors
    page = response.content.decode()
    assert "编码必须以 130709100 开头" in page
    assert 'value="错码村"' in page


def test_editing_a_region_through_the_form_saves_and_audits_the_change(client, cast):
    response = login(client, cast.bob).post(
        "/regions/130709100/edit/", {"name": "西湾子镇（新）", "lon": "115.3", "lat": "40.9"}
    )
    assert response.status_code == 302
    cast.xiwanzi.refresh_from_db()
    assert cast.xiwanzi.name == "西湾子镇（新）"
    entry = AuditEntry.objects.get(action="region.update")
    assert entry.changes["name"] == ["西湾子镇", "西湾子镇（新）"]


def test_a_village_offers_no_form_for_units_below_it(client, cast):
    login(client, cast.bob).post(
        "/regions/130709100/new/", {"code": "130709100201", "name": "东山村"}
    )
    page = client.get("/regions/130709100201/").content.decode()
    assert "/regions/130709100201/edit/" in page
    assert "/regions/130709100201/new/" not in page
    assert client.get("/regions/130709100201/new/").status_code == 404
