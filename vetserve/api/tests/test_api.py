from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from openapi_spec_validator import validate

from vetserve.accounts.services import api_token_create, api_token_revoke
from vetserve.audit.models import AuditEntry
from vetserve.orgs.models import Organization


def bearer(user: Any) -> Client:
    _token, raw = api_token_create(user=user, name="test script")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def names(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


def test_openapi_schema_is_a_valid_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    validate(response.json())


def test_requests_without_a_token_get_401_with_a_code(client, cast):
    response = client.get("/api/v1/orgs")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_revoked_or_forged_token_is_refused(cast):
    token, raw = api_token_create(user=cast.bob, name="old")
    api_token_revoke(user=cast.bob, token_id=token.pk)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer vs_forged").get("/api/v1/me").status_code == 401


def test_tokens_are_stored_only_as_hashes(cast):
    token, raw = api_token_create(user=cast.bob, name="s")
    assert raw not in (token.token_hash, token.prefix)
    assert token.token_hash != raw and len(token.token_hash) == 64


def test_me_lists_the_users_grants(cast):
    response = bearer(cast.bob).get("/api/v1/me")
    assert response.json()["grants"] == [
        {
            "role": "county_admin",
            "region_code": "130709",
            "organization_id": None,
            "scope_name": "崇礼区",
        }
    ]


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


def test_region_lists_and_objects_are_scoped(cast):
    bob = bearer(cast.bob)
    assert bob.get("/api/v1/regions/130709100").status_code == 200
    assert bob.get("/api/v1/regions/130722").status_code == 404
    assert bob.get("/api/v1/regions/130722100").status_code == 404
    children = names(bob.get("/api/v1/regions?parent=130709&limit=100"))
    assert "西湾子镇" in children and "张北镇" not in children
    assert bearer(cast.mallory).get("/api/v1/regions").json()["count"] == 0


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


def test_invalid_input_gets_422_with_field_errors_in_chinese_and_writes_nothing(cast):
    before = Organization.objects.count()
    response = bearer(cast.alice).post(
        "/api/v1/orgs",
        {"name": "", "kind": "nonsense", "region_code": "130709"},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) >= {"name", "kind"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])  # Chinese by default
    assert Organization.objects.count() == before


def test_malformed_json_body_gets_a_json_422(cast):
    response = bearer(cast.alice).post(
        "/api/v1/orgs", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert "kind" in response.json()["errors"]


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


def test_township_admin_adds_a_village_with_a_checked_code(cast):
    bob = bearer(cast.bob)
    bad = bob.post(
        "/api/v1/regions",
        {"parent_code": "130709100", "code": "130722100201", "name": "错村"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "code" in bad.json()["errors"]
    good = bob.post(
        "/api/v1/regions",
        {"parent_code": "130709100", "code": "130709100201", "name": "东沟村"},
        content_type="application/json",
    )
    assert good.status_code == 201
    assert good.json() == {
        "code": "130709100201",
        "name": "东沟村",
        "level": "village",
        "parent_code": "130709100",
        "lon": None,
        "lat": None,
    }
    assert bearer(cast.carol).get("/api/v1/regions/130709100201").status_code == 404


def test_county_admin_cannot_rename_the_city_it_can_see(cast):
    bob = bearer(cast.bob)
    assert bob.get("/api/v1/regions/130700").status_code == 200
    response = bob.patch(
        "/api/v1/regions/130700", {"name": "改名"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_audit_entries_are_scoped_to_auditors_and_admins(cast):
    bearer(cast.bob).patch(
        f"/api/v1/orgs/{cast.xiwanzi_team.pk}",
        {"leader_name": "李卫国"},
        content_type="application/json",
    )
    assert bearer(cast.frank).get("/api/v1/audit?action=organization.update").json()["count"] == 1
    assert bearer(cast.alice).get("/api/v1/audit?action=organization.update").json()["count"] == 1
    assert bearer(cast.carol).get("/api/v1/audit?action=organization.update").json()["count"] == 0
    assert bearer(cast.dave).get("/api/v1/audit").json()["count"] == 0


def test_users_manage_their_own_tokens_only(cast):
    bob = bearer(cast.bob)
    created = bob.post("/api/v1/tokens", {"name": "nightly"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["token"].startswith("vs_")
    token_id = created.json()["id"]
    assert bearer(cast.carol).delete(f"/api/v1/tokens/{token_id}").status_code == 404
    assert bob.delete(f"/api/v1/tokens/{token_id}").json()["revoked_at"] is not None


def test_org_list_query_count_does_not_grow_with_rows(cast, django_assert_max_num_queries):
    alice = bearer(cast.alice)
    with django_assert_max_num_queries(8):
        alice.get("/api/v1/orgs?limit=100")


def test_openapi_schema_follows_the_language_asked_for(client):
    english = client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="en").json()
    again = client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english == again  # built once, answered the same
    assert english["paths"]["/api/v1/attendance/scans"]["post"]
