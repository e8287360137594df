from __future__ import annotations

import pytest

from tests.api.test_api import bearer, names
from vetserve.audit.models import AuditEntry
from vetserve.orgs.models import Organization


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("alice", 7),
        ("bob", 4),
        ("carol", 2),
        ("dave", 2),
        ("erin", 1),
        ("frank", 4),
        ("mallory", 0),
    ],
)
def test_organization_lists_are_scoped_through_the_api(cast, who, expected):
    response = bearer(getattr(cast, who)).get("/api/v1/orgs?limit=100")
    assert response.json()["count"] == expected
    assert len(response.json()["items"]) == expected


def test_outsiders_get_the_same_404_as_for_a_missing_organization(cast):
    carol = bearer(cast.carol)
    not_hers = carol.get(f"/api/v1/orgs/{cast.rescue.pk}")
    missing = carol.get("/api/v1/orgs/999999")
    assert not_hers.status_code == missing.status_code == 404
    assert not_hers.json() == missing.json()
    assert bearer(cast.mallory).get(f"/api/v1/orgs/{cast.rescue.pk}").status_code == 404


def test_pinyin_initials_find_organizations(cast):
    assert names(bearer(cast.alice).get("/api/v1/orgs?q=zb")) == {
        "张北县爱国拥军联合会",
        "张北镇退役军人志愿服务队",
    }


def test_county_admin_creates_a_team_in_own_county_and_it_is_audited(cast):
    response = bearer(cast.bob).post(
        "/api/v1/orgs",
        {
            "name": "高家营镇退役军人志愿服务队",
            "kind": "grassroots",
            "region_code": "130709101",
            "parent_id": cast.chongli_fed.pk,
            "founded_on": "2021-06-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    org = Organization.objects.get(pk=response.json()["id"])
    assert org.path == f"{cast.chongli_fed.path}{org.pk}/"
    entry = AuditEntry.objects.get(action="organization.create", object_id=str(org.pk))
    assert entry.actor == cast.bob and entry.via == "api"


def test_county_admin_cannot_create_in_another_county(cast):
    response = bearer(cast.carol).post(
        "/api/v1/orgs",
        {"name": "越界服务队", "kind": "grassroots", "region_code": "130709101"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Organization.objects.filter(name="越界服务队").exists()


def test_auditor_and_volunteer_cannot_change_what_they_see(cast):
    for user in (cast.frank, cast.erin):
        response = bearer(user).patch(
            f"/api/v1/orgs/{cast.xiwanzi_team.pk}",
            {"leader_name": "改名"},
            content_type="application/json",
        )
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    cast.xiwanzi_team.refresh_from_db()
    assert cast.xiwanzi_team.leader_name == ""


def test_team_leader_edits_own_team_and_the_change_is_audited(cast):
    response = bearer(cast.dave).patch(
        f"/api/v1/orgs/{cast.rescue.pk}",
        {"leader_name": "王建军", "flag_awarded_on": "2021-09-30"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["leader_name"] == "王建军"
    entry = AuditEntry.objects.get(action="organization.update", object_id=str(cast.rescue.pk))
    assert entry.changes["leader_name"] == ["", "王建军"]


def test_moving_a_team_re_roots_its_sub_teams(cast):
    response = bearer(cast.bob).patch(
        f"/api/v1/orgs/{cast.rescue.pk}",
        {"parent_id": cast.xiwanzi_team.pk},
        content_type="application/json",
    )
    assert response.status_code == 200
    cast.rescue_sub.refresh_from_db()
    assert cast.rescue_sub.path.startswith(cast.xiwanzi_team.path)


def test_an_organization_cannot_move_under_its_own_sub_team(cast):
    response = bearer(cast.bob).patch(
        f"/api/v1/orgs/{cast.rescue.pk}",
        {"parent_id": cast.rescue_sub.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "parent" in response.json()["errors"]


def test_org_list_query_count_does_not_grow_with_rows(cast, django_assert_max_num_queries):
    alice = bearer(cast.alice)
    with django_assert_max_num_queries(8):
        alice.get("/api/v1/orgs?limit=100")
