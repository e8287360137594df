"""Static files with content hashes and long lifetimes; compressed JSON for scripts, never
compressed pages (docs/decisions/0005)."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from tests.conftest import login
from vetserve.accounts.services import api_token_create

MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"
YEAR = 365 * 24 * 3600


@pytest.fixture(scope="module")
def collected_root(tmp_path_factory):
    """The static files collected once, as `vetserve serve` collects them at start."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STATIC_MANIFEST=True, STORAGES=_manifest()):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


def _manifest():
    from django.conf import settings

    return {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}


@pytest.fixture
def collected(collected_root, settings):
    settings.STORAGES = _manifest()
    settings.STATIC_ROOT = collected_root
    settings.STATIC_MANIFEST = True
    return collected_root


def test_a_page_links_its_stylesheet_by_a_content_hash_that_browsers_keep_a_year(
    db, collected, cast
):
    page = login(Client(), cast.bob).get("/").content.decode()
    found = re.search(r'href="(/static/vetserve/app\.[0-9a-f]{12}\.css)"', page)
    assert found, "the stylesheet's name carries no content hash"

    response = Client().get(found.group(1))
    assert response.status_code == 200
    max_age = re.search(r"max-age=(\d+)", response["Cache-Control"])
    assert max_age and int(max_age.group(1)) >= YEAR
    assert "immutable" in response["Cache-Control"]


def test_a_hashed_static_file_comes_gzipped_to_a_browser_that_takes_gzip(db, collected, cast):
    page = login(Client(), cast.bob).get("/").content.decode()
    url = re.search(r'src="(/static/vetserve/menu\.[0-9a-f]{12}\.js)"', page)
    assert url

    response = Client().get(url.group(1), headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    body = gzip.decompress(b"".join(response.streaming_content))
    assert body == (collected / "vetserve" / "menu.js").read_bytes()


def test_the_api_answers_a_token_holder_in_gzip_when_asked(cast):
    _token, raw = api_token_create(user=cast.alice, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    response = client.get("/api/v1/regions", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert json.loads(gzip.decompress(response.content))["count"] > 0

    plain = client.get("/api/v1/regions")
    assert not plain.has_header("Content-Encoding")
    assert plain.json() == json.loads(gzip.decompress(response.content))


def test_pages_and_session_api_calls_are_never_compressed_since_they_carry_csrf_tokens(
    client, cast
):
    login(client, cast.alice)
    for url in ("/", "/people/", "/api/v1/regions"):
        response = client.get(url, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200, url
        assert not response.has_header("Content-Encoding"), url


def test_a_small_api_answer_is_sent_as_it_is(cast):
    _token, raw = api_token_create(user=cast.mallory, name="script")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(
        "/api/v1/me", headers={"accept-encoding": "gzip"}
    )
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
