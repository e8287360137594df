"""Every page carries a Content-Security-Policy that forbids inline script and style, and no
page needs either; HTTPS deployments get HSTS and secure cookies (issue 12, item 11)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.badges.conftest import badge, wang  # noqa: F401 - fixtures
from tests.conftest import login
from vetserve.badges.services import badge_token

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "vetserve").rglob("*.html"))

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b|<[^>]*\sstyle\s*=", re.I)


def page_routes() -> list[str]:
    def walk(resolver: URLResolver, prefix: str) -> Any:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, prefix + str(pattern.pattern))
            else:
                assert isinstance(pattern, URLPattern)
                yield prefix + str(pattern.pattern)

    return list(dict.fromkeys(walk(get_resolver(), "")))


def inline_code(html: str) -> list[str]:
    return [
        m.group(0)[:80]
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, INLINE_STYLE)
        for m in pattern.finditer(html)
    ]


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {part[0]: part[1:] for part in parts}


def test_the_policy_allows_this_site_only_and_nothing_inline(client, db):
    policy = directives(client.get("/accounts/login/")["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_holds_inline_script_event_handlers_or_inline_style(template: Path):
    assert inline_code(template.read_text()) == []


def test_every_page_answers_with_the_policy_and_no_inline_code(client, cast, request):
    """Every route of the URL conf, as root (who may open the most), with the cast's objects
    where a route names one: a page that would not render still carries the header."""
    a_badge = request.getfixturevalue("badge")
    values = {
        "token": badge_token(a_badge),
        "code": cast.chongli.code,
        "org_id": cast.rescue.pk,
        "volunteer_id": a_badge.volunteer_id,
        "badge_id": a_badge.pk,
        "user_id": cast.erin.pk,
    }
    login(client, cast.root)
    checked, rendered = 0, 0
    for route in page_routes():
        if route.startswith("api/v1/"):
            continue  # JSON; the documentation page is the API's (issue 12, item 14)
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m.group(1), 1)), route)
        if "<" in path or "(?P" in path or "^" in path:
            continue  # the Django admin's regular expressions: its index is tried below
        response = client.get(path)
        checked += 1
        assert "Content-Security-Policy" in response, path
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            rendered += 1
            assert inline_code(response.content.decode()) == [], path
    for path in ("/django-admin/", "/django-admin/accounts/user/"):
        response = client.get(path)
        assert "Content-Security-Policy" in response
        assert [c for c in inline_code(response.content.decode()) if "script" in c] == []
    assert checked > 100 and rendered > 40, (checked, rendered)


def _settings_under(env: dict[str, str]) -> dict[str, Any]:
    """Import the settings in a fresh process with this environment; the security values."""
    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
    ]
    code = (
        "import json, vetserve.settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}))"
    )
    keep = {k: v for k, v in os.environ.items() if not k.startswith("VETSERVE_HTTPS")}
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code],
        env={**keep, **env},
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    values: dict[str, Any] = json.loads(result.stdout)
    return values


def test_https_deployments_get_hsts_and_secure_cookies():
    values = _settings_under({"VETSERVE_HTTPS": "1", "VETSERVE_BEHIND_PROXY": "1"})
    assert values["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_SSL_REDIRECT"] is False
    redirecting = _settings_under({"VETSERVE_HTTPS": "1", "VETSERVE_SSL_REDIRECT": "1"})
    assert redirecting["SECURE_SSL_REDIRECT"] is True


def test_plain_http_deployments_set_no_hsts_and_keep_cookies_usable():
    values = _settings_under({"VETSERVE_HTTPS": "0"})
    assert not values["SECURE_HSTS_SECONDS"]
    assert values["SESSION_COOKIE_SECURE"] is False
