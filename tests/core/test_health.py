from __future__ import annotations

from unittest import mock

from django.db import DatabaseError


def test_healthz_answers_200_when_the_database_is_reachable(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_not(client, db):
    with mock.patch("vetserve.core.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_healthz_needs_no_login(client, db):
    assert client.get("/healthz").status_code == 200


def test_the_audit_address_ignores_forwarded_headers_unless_proxies_are_trusted(rf, settings):
    from vetserve.core.context import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.7", REMOTE_ADDR="10.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "10.0.0.7"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"


def test_pages_are_chinese_even_for_an_english_browser_until_english_is_chosen(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in response.content.decode()
    client.cookies["django_language"] = "en"
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "Log in" in response.content.decode()


def test_the_api_follows_accept_language(client, db):
    response = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["message"] == "A valid API token or login is required."
