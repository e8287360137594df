"""A search by ID or phone number leaves the number in no URL and no log (issue 12, item 7).

URLs land in access logs, browser history, proxies and the Referer of the next request. The
roster's search form posts; the answer's address carries a short-lived handle (?s=) instead of
the number; a number typed into ?q= is refused, on the pages and in the API.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import date
from typing import Any

import pytest

from tests.api.test_api import bearer
from tests.conftest import login
from tests.conftest import register_volunteer as register
from vetserve.audit.models import AuditEntry
from vetserve.people.fakes import fictitious_id_number

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ID = fictitious_id_number(address_code="130709", birth_date=date(1975, 3, 15), male=True, serial=1)
PHONE = "13900001111"
NUMBERS = (ID, PHONE, ID[:14], "139 0000 1111", "+86 139-0000-1111")


@pytest.fixture
def wang(cast: Any) -> Any:
    return register(cast.bob, cast.xiwanzi_team, ID, phone=PHONE)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _urls(response: Any) -> list[str]:
    """Every URL a response hands the browser: its redirects, pushed address, and links."""
    urls = [url for url, _status in getattr(response, "redirect_chain", [])]
    for header in ("Location", "HX-Push-Url", "HX-Redirect", "Content-Location"):
        if header in response:
            urls.append(response[header])
    body = response.content.decode() if not getattr(response, "streaming", False) else ""
    urls += re.findall(r"""(?:href|action|hx-get|hx-post|src)=["']([^"']*)["']""", body)
    return urls


def _assert_no_number_in(urls: list[str], number: str) -> None:
    for url in urls:
        assert _digits(number) not in _digits(url), url


@pytest.mark.parametrize("number", NUMBERS)
def test_a_roster_search_by_number_posts_and_no_url_it_leads_to_holds_the_number(
    client, cast, wang, number
):
    login(client, cast.bob)
    response = client.post("/people/", {"q": number}, follow=True)
    assert response.status_code == 200
    (url, status), *_ = response.redirect_chain
    assert status in (302, 303) and url.startswith("/people/?s=")
    _assert_no_number_in(_urls(response), number)
    found = {row.volunteer.name for row in response.context["rows"]}
    # The search itself is as before: exact numbers find, partial ones do not.
    assert found == ({"王建国"} if number in (ID, PHONE, "139 0000 1111") else set())


def test_the_page_of_a_search_by_number_is_kept_by_no_browser_cache(client, cast, wang):
    """The search box shows the typed number again; the page must not stay on the disk of a
    shared office computer (or in a proxy)."""
    login(client, cast.bob)
    response = client.post("/people/", {"q": ID}, follow=True)
    assert ID in response.content.decode()
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


def test_the_live_search_pushes_a_handle_not_the_number(client, cast, wang):
    login(client, cast.bob)
    response = client.post("/people/", {"q": ID}, **HTMX)
    assert "王建国" in response.content.decode()
    assert response["HX-Push-Url"].startswith("/people/?s=")
    _assert_no_number_in(_urls(response), ID)
    # The pushed address, opened again (history, reload), shows the same search.
    again = client.get(response["HX-Push-Url"])
    assert {row.volunteer.name for row in again.context["rows"]} == {"王建国"}
    _assert_no_number_in(_urls(again), ID)


def test_paging_and_the_export_link_keep_the_handle(client, cast, wang):
    login(client, cast.bob)
    response = client.post("/people/", {"q": PHONE, "status": "active"}, follow=True)
    query = response.context["query"]
    assert "s=" in query and "status=active" in query and PHONE not in query
    export = re.search(r'href="(/spreadsheets/roster/export/\?[^"]*)"', response.content.decode())
    assert export is not None and "s=" in export.group(1)
    choose = export.group(1).replace("&amp;", "&")
    assert "choose=1" in choose and client.get(choose).status_code == 200  # masked or full
    download = client.get(choose.replace("choose=1&", "") + "&format=csv")
    assert download.status_code == 200
    lines = b"".join(download.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and "王建国" in lines[1]  # the header and the one person searched
    # The audit entry of the export names the search only masked.
    entry = AuditEntry.objects.filter(action="roster.export").latest("pk")
    assert PHONE not in str(entry.changes) and "139****1111" in str(entry.changes)


def test_an_expired_search_handle_finds_nothing_and_exports_nothing(
    client, cast, wang, monkeypatch
):
    from vetserve.people import search_handles as _search

    login(client, cast.bob)
    url = client.post("/people/", {"q": ID})["Location"]
    later = time.time() + _search.LIFETIME_SECONDS + 1
    monkeypatch.setattr(_search.time, "time", lambda: later)
    page = client.get(url)
    assert "已过期" in page.content.decode() or "expired" in page.content.decode()
    handle = url.split("s=", 1)[1]
    assert client.get("/spreadsheets/roster/export/", {"s": handle}).status_code == 400


def test_the_session_keeps_the_searched_number_only_encrypted(client, cast, wang):
    from django.contrib.sessions.models import Session

    login(client, cast.bob)
    client.post("/people/", {"q": ID})
    (session,) = Session.objects.all()
    assert ID not in session.session_data and ID not in str(session.get_decoded())


@pytest.mark.parametrize("number", [ID, ID.lower(), PHONE, "0313-1234567"])
def test_a_number_in_the_roster_address_is_refused_with_a_way_to_search(client, cast, wang, number):
    login(client, cast.bob)
    response = client.get("/people/", {"q": number})
    assert response.status_code == 400
    page = response.content.decode()
    assert list(response.context["rows"]) == []  # no results
    assert "不能放在网址中" in page or "not accepted in the page address" in page
    assert 'method="post"' in page
    _assert_no_number_in(_urls(response), number)


def test_a_number_in_the_export_address_is_refused(client, cast, wang):
    login(client, cast.bob)
    response = client.get("/spreadsheets/roster/export/", {"q": ID, "format": "csv"})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="roster.export").exists()


def test_names_still_search_by_address(client, cast, wang):
    login(client, cast.bob)
    response = client.post("/people/", {"q": "wjg"})
    assert response["Location"] == "/people/?q=wjg"
    assert {row.volunteer.name for row in client.get("/people/?q=wjg").context["rows"]} == {
        "王建国"
    }


def _bearer(client: Any, user: Any) -> Any:
    return bearer(user)


@pytest.mark.parametrize("number", [ID, PHONE])
def test_the_api_refuses_a_number_in_the_query_string_and_finds_it_by_post(
    client, cast, wang, number
):
    api = _bearer(client, cast.bob)
    refused = api.get("/api/v1/volunteers", {"q": number})
    assert refused.status_code == 400
    assert "/api/v1/volunteers/search" in refused.json()["message"]
    found = api.post("/api/v1/volunteers/search", {"q": number}, content_type="application/json")
    assert found.status_code == 200
    assert [v["name"] for v in found.json()["items"]] == ["王建国"]
    assert api.get("/api/v1/volunteers", {"q": "wjg"}).json()["count"] == 1


def test_no_log_record_holds_a_searched_number(client, cast, wang, caplog):
    caplog.set_level(logging.DEBUG)
    login(client, cast.bob)
    client.post("/people/", {"q": ID}, follow=True)
    client.post("/people/", {"q": PHONE}, **HTMX)
    client.get("/people/", {"q": ID})  # refused, logged as a bad request
    client.get("/spreadsheets/roster/export/", {"q": PHONE})
    api = _bearer(client, cast.bob)
    api.get("/api/v1/volunteers", {"q": ID})
    api.post("/api/v1/volunteers/search", {"q": PHONE}, content_type="application/json")
    assert caplog.records, "the refusals are logged (as bad requests), so the check is real"
    for record in caplog.records:
        text = record.getMessage()
        assert ID not in text and PHONE not in text, text


def test_the_log_filter_masks_numbers_in_messages_and_tracebacks():
    from vetserve.core.logs import RedactPersonalNumbers

    try:
        raise ValueError(f"no volunteer with {ID} or {PHONE}")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed for %s", (ID,), None)
        import sys

        record.exc_info = sys.exc_info()
    assert RedactPersonalNumbers().filter(record)
    text = logging.Formatter().format(record)
    assert ID not in text and PHONE not in text
    assert "130709********" in text and "139****1111" in text
    # Other long numbers (ids, times) stay.
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "order 2026120605301234567", None, None
    )
    RedactPersonalNumbers().filter(record)
    assert record.getMessage() == "order 2026120605301234567"


def test_the_access_log_leaves_out_query_strings_and_referers():
    from vetserve.core.management.commands._gunicorn import gunicorn_options

    options = gunicorn_options(bind=["127.0.0.1:8000"], workers=1, timeout=30, access_log=True)
    fmt = options["access_log_format"]
    assert "%(U)s" in fmt  # the path alone
    for atom in ("%(r)s", "%(q)s", "%(f)s", "{referer}i", "{Referer}i"):
        assert atom not in fmt


def test_the_registration_form_checks_a_number_by_post_never_in_a_url(client, cast):
    login(client, cast.bob)
    form = client.get("/people/new/").content.decode()
    assert 'hx-post="/people/check/"' in form and 'hx-get="/people/check/"' not in form
    assert client.get("/people/check/", {"field": "id_number", "id_number": ID}).status_code == 405
    checked = client.post("/people/check/", {"field": "id_number", "id_number": ID}, **HTMX)
    assert "1975-03-15" in checked.content.decode()
