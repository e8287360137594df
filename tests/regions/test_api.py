from __future__ import annotations

from tests.api.test_api import bearer, names


def test_region_lists_and_objects_are_scoped(cast):
    bob = bearer(cast.bob)
    assert bob.get("/api/v1/regions/130709100").status_code == 200
    assert bob.get("/api/v1/regions/130722").status_code == 404
    assert bob.get("/api/v1/regions/130722100").status_code == 404
    children = names(bob.get("/api/v1/regions?parent=130709&limit=100"))
    assert "西湾子镇" in children and "张北镇" not in children
    assert bearer(cast.mallory).get("/api/v1/regions").json()["count"] == 0


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
