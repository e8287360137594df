from __future__ import annotations

from typing import Any

from django.test import Client

from tests.badges.conftest import register
from vetserve.accounts.services import api_token_create
from vetserve.badges.models import Badge, Status
from vetserve.badges.services import badge_token


def bearer(user: Any) -> Client:
    _token, raw = api_token_create(user=user, name="test script")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_badges_are_listed_and_read_within_scope(cast, wang, badge):
    bob = bearer(cast.bob)
    listing = bob.get("/api/v1/badges?status=active").json()
    assert listing["count"] == 1
    item = listing["items"][0]
    assert (item["number"], item["volunteer_name"], item["status"]) == (
        badge.number,
        "王建国",
        "active",
    )
    assert item["verify_url"].endswith(f"/v/{badge_token(badge)}")
    detail = bob.get(f"/api/v1/badges/{badge.pk}").json()
    assert [e["to_status"] for e in detail["history"]] == ["active"]
    assert bob.get(f"/api/v1/badges?volunteer={wang.pk}").json()["count"] == 1
    assert bob.get("/api/v1/badges?status=bogus").status_code == 422


def test_outsiders_get_404_through_the_api(cast, wang, badge):
    for who in ("carol", "mallory", "erin"):
        client = bearer(getattr(cast, who))
        assert client.get("/api/v1/badges").json()["count"] == 0
        for response in (
            client.get(f"/api/v1/badges/{badge.pk}"),
            client.get(f"/api/v1/badges?volunteer={wang.pk}"),
            client.post(
                f"/api/v1/badges/{badge.pk}/revoke",
                {"reason": "x"},
                content_type="application/json",
            ),
            client.post(
                "/api/v1/badges", {"volunteer_id": wang.pk}, content_type="application/json"
            ),
        ):
            assert response.status_code == 404, (who, response.content)
            assert response.json()["code"] == "not_found"
    badge.refresh_from_db()
    assert badge.status == Status.ACTIVE


def test_a_volunteer_cannot_issue_a_badge_even_to_themself(cast, wang):
    wang.user = cast.erin
    wang.save(update_fields=["user"])
    response = bearer(cast.erin).post(
        "/api/v1/badges", {"volunteer_id": wang.pk}, content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert not Badge.objects.exists()


def test_issue_lose_reissue_and_revoke_through_the_api(cast, wang):
    bob = bearer(cast.bob)
    json = "application/json"
    issued = bob.post("/api/v1/badges", {"volunteer_id": wang.pk, "issued_on": "2022-02-11"}, json)
    assert issued.status_code == 201
    first = issued.json()
    assert (first["number"], first["issued_on"]) == ("ZJK-130709-00001", "2022-02-11")
    again = bob.post("/api/v1/badges", {"volunteer_id": wang.pk}, json)
    assert again.status_code == 422 and again.json()["code"] == "invalid"
    lost = bob.post(f"/api/v1/badges/{first['id']}/lost", {"reason": "遗失"}, json).json()
    assert lost["status"] == "lost" and lost["history"][-1]["reason"] == "遗失"
    new = bob.post(f"/api/v1/badges/{first['id']}/reissue", {"reason": "补办"}, json)
    assert new.status_code == 201
    assert new.json()["replaces_id"] == first["id"] and new.json()["number"].endswith("-00002")
    assert bob.get(f"/api/v1/badges/{first['id']}").json()["replaced_by_id"] == new.json()["id"]
    no_reason = bob.post(f"/api/v1/badges/{new.json()['id']}/revoke", {}, json)
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["errors"]
    revoked = bob.post(f"/api/v1/badges/{new.json()['id']}/revoke", {"reason": "离队"}, json)
    assert revoked.json()["status"] == "revoked"


def test_the_public_check_works_without_authentication(client, cast, wang, badge):
    url = f"/api/v1/public/badges/verify?code={badge_token(badge)}"
    assert client.get(url).json() == {
        "state": "active",
        "valid": True,
        "name": "王*国",
        "organization": "西湾子镇退役军人志愿服务队",
    }
    # The whole scanned address works too.
    scanned = client.get(
        "/api/v1/public/badges/verify", {"code": f"https://vs.example.cn/v/{badge_token(badge)}"}
    )
    assert scanned.json()["state"] == "active"
    forged = client.get("/api/v1/public/badges/verify", {"code": badge_token(badge)[:-2] + "xx"})
    assert forged.json() == {
        "state": "not_genuine",
        "valid": False,
        "name": "",
        "organization": "",
    }


def test_the_rest_of_the_badge_api_needs_authentication(client, badge):
    assert client.get("/api/v1/badges").status_code == 401
    assert client.get(f"/api/v1/badges/{badge.pk}").status_code == 401


def test_leaders_see_badges_of_their_teams_members(cast, wang, badge):
    other = register(cast.bob, cast.rescue_sub, name="李卫东", serial=2, phone="13700002222")
    dave = bearer(cast.dave)
    assert dave.get("/api/v1/badges").json()["count"] == 0
    new = dave.post("/api/v1/badges", {"volunteer_id": other.pk}, "application/json")
    assert new.status_code == 201
    assert [b["volunteer_name"] for b in dave.get("/api/v1/badges").json()["items"]] == ["李卫东"]


def test_the_api_list_costs_the_same_queries_for_one_badge_or_many(cast, badge):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vetserve.badges.services import badge_issue

    bob = bearer(cast.bob)
    bob.get("/api/v1/me")  # the first use of a token records it; not part of the list's cost
    with CaptureQueriesContext(connection) as one:
        bob.get("/api/v1/badges")
    for n in range(3):
        other = register(
            cast.bob, cast.rescue, name=f"张{n}兵", serial=10 + n, phone=f"1390000{n:04d}"
        )
        badge_issue(actor=cast.bob, volunteer=other)
    with CaptureQueriesContext(connection) as four:
        assert bob.get("/api/v1/badges").json()["count"] == 4
    assert len(four) == len(one)
