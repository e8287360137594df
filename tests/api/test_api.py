from __future__ import annotations

from typing import Any

from django.test import Client
from openapi_spec_validator import validate

from vetserve.accounts.services import api_token_create, api_token_revoke
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


def test_openapi_schema_follows_the_language_asked_for(client):
    english = client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="en").json()
    again = client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english == again  # built once, answered the same
    assert english["paths"]["/api/v1/attendance/scans"]["post"]
