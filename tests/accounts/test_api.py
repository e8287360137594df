from __future__ import annotations

from tests.api.test_api import bearer
from vetserve.accounts.services import api_token_create


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


def test_users_manage_their_own_tokens_only(cast):
    bob = bearer(cast.bob)
    created = bob.post("/api/v1/tokens", {"name": "nightly"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["token"].startswith("vs_")
    token_id = created.json()["id"]
    assert bearer(cast.carol).delete(f"/api/v1/tokens/{token_id}").status_code == 404
    assert bob.delete(f"/api/v1/tokens/{token_id}").json()["revoked_at"] is not None
