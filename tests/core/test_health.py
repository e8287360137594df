from __future__ import annotations

from unittest import mock

from django.db import DatabaseError


def test_healthz_answers_200_when_the_database_is_reachable(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_not(client, db):
    with mock.patch("vetserve.core.health.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_healthz_needs_no_login(client, db):
    assert client.get("/healthz").status_code == 200


def test_the_audit_address_ignores_forwarded_headers_unless_proxies_are_trusted(rf, settings):
    from vetserve.core.context import client_ip

    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.7", REMOTE_ADDR="10.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "10.0.0.7"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"


def test_a_forged_forwarded_header_sent_straight_to_the_app_port_is_not_believed(rf, settings):
    """Issue 17: with a proxy configured, a client that skips it and talks to the app port
    itself writes X-Forwarded-For as it likes; only the proxies' own addresses are trusted."""
    from vetserve.core.context import client_ip

    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    direct = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="192.168.5.9")
    assert client_ip(direct) == "192.168.5.9"
    via_proxy = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="127.0.0.1")
    assert client_ip(via_proxy) == "1.2.3.4"


def test_a_forged_forwarded_header_does_not_reach_the_audit_log(client, cast, settings):
    from vetserve.audit.models import AuditEntry

    settings.TRUSTED_PROXY_COUNT = 1
    client.post(
        "/accounts/login/",
        {"username": "nobody", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="6.6.6.6",
        REMOTE_ADDR="192.168.5.9",
    )
    entry = AuditEntry.objects.get(action="login.failed")
    assert entry.ip == "192.168.5.9"


def test_healthz_answers_a_balancer_probing_by_ip_address_without_a_traceback(client, db, caplog):
    """Issue 17: the Host header is the server's IP, not in ALLOWED_HOSTS."""
    response = client.get("/healthz", HTTP_HOST="10.20.30.40:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "WARNING")]
    # Every other path still checks the host.
    assert client.get("/accounts/login/", HTTP_HOST="10.20.30.40:8000").status_code == 400


def test_healthz_refuses_a_post(client, db):
    assert client.post("/healthz").status_code == 405


def test_pages_are_chinese_even_for_an_english_browser_until_english_is_chosen(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in response.content.decode()
    client.cookies["django_language"] = "en"
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "Log in" in response.content.decode()


def test_the_api_follows_accept_language(client, db):
    response = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["message"] == "A valid API token or login is required."


def test_each_response_carries_a_request_id_and_a_proxys_own_is_kept(client, db):
    first = client.get("/accounts/login/")["X-Request-ID"]
    second = client.get("/accounts/login/")["X-Request-ID"]
    assert first != second and len(first) == 16
    # From the trusted proxy (loopback by default) its id is kept; a client's own is not.
    kept = client.get("/accounts/login/", HTTP_X_REQUEST_ID="abc-123", REMOTE_ADDR="127.0.0.1")
    assert kept["X-Request-ID"] == "abc-123"
    forged = client.get("/accounts/login/", HTTP_X_REQUEST_ID="abc-123", REMOTE_ADDR="10.9.9.9")
    assert forged["X-Request-ID"] != "abc-123"


def test_log_lines_are_in_utc_with_the_offset_and_carry_the_request_id():
    import logging

    from vetserve.core.context import Client, client_context
    from vetserve.core.logs import RequestContext, UTCFormatter

    formatter = UTCFormatter("%(asctime)s %(levelname)s [%(request_id)s] %(message)s")
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "hello", None, None)
    record.created = 0.0
    with client_context(Client(request_id="r1")):
        RequestContext().filter(record)
    assert formatter.format(record) == "1970-01-01T00:00:00.000+00:00 WARNING [r1] hello"
