"""The main menu shows each role exactly the pages that open for them, and every task of a
role is a tap or two from home (issue 13)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import login
from tests.home.test_links_crawl import crawl


def menu(client: Client) -> list[str]:
    page = client.get(reverse("home:home")).content.decode()
    nav = re.search(r'<nav class="main-nav".*?</nav>', page, re.S)
    assert nav is not None
    return re.findall(r'<a href="([^"]+)"', nav.group(0))


@pytest.mark.parametrize("who", ["root", "alice", "bob", "dave", "erin", "frank", "mallory"])
def test_every_link_of_the_menu_opens_for_the_viewer(
    client: Client, cast: Any, homes: Any, who: str
) -> None:
    login(client, getattr(cast, who))
    for url in menu(client):
        assert client.get(url).status_code == 200, url


def test_a_volunteer_is_offered_check_in_and_their_record_but_no_office_pages(
    client: Client, cast: Any, homes: Any
) -> None:
    login(client, cast.erin)
    links = menu(client)
    assert reverse("attendance:me") in links and reverse("people:me") in links
    for office in ("people:list", "spreadsheets:import", "attendance:exceptions", "badges:list"):
        assert reverse(office) not in links


def test_a_leader_is_offered_shifts_stations_exceptions_badges_and_imports(
    client: Client, cast: Any, homes: Any
) -> None:
    login(client, cast.dave)
    links = menu(client)
    for task in ("home:shifts", "attendance:exceptions", "badges:list", "spreadsheets:import"):
        assert reverse(task) in links
    assert reverse("audit:list") not in links  # a leader audits nothing


def test_an_auditor_is_offered_the_audit_log_and_no_imports(
    client: Client, cast: Any, homes: Any
) -> None:
    login(client, cast.frank)
    links = menu(client)
    assert reverse("audit:list") in links and reverse("people:list") in links
    assert reverse("spreadsheets:import") not in links
    assert reverse("attendance:exceptions") not in links


def test_a_leader_reaches_the_check_in_station_from_the_shift_and_the_activity_pages(
    client: Client, cast: Any, homes: Any
) -> None:
    login(client, cast.dave)
    station = reverse("attendance:post", args=[homes.dave_shift.pk])
    shift_page = client.get(reverse("activities:shift", args=[homes.dave_shift.pk]))
    activity_page = client.get(reverse("activities:detail", args=[homes.dave_shift.activity_id]))
    assert station in shift_page.content.decode()
    assert station in activity_page.content.decode()
    # A volunteer on the same shift is offered no station.
    login(client, cast.erin)
    assert (
        station
        not in client.get(reverse("activities:shift", args=[homes.dave_shift.pk])).content.decode()
    )


def test_every_task_of_a_leader_and_an_admin_is_reachable_by_links_from_home(
    client: Client, cast: Any, homes: Any
) -> None:
    login(client, cast.dave)
    _, seen = crawl(client)
    for url in (
        reverse("attendance:post", args=[homes.dave_shift.pk]),
        reverse("attendance:exceptions"),
        reverse("spreadsheets:qualification_import"),
        reverse("spreadsheets:import"),
        reverse("badges:list"),
    ):
        assert url in seen, url
    login(client, cast.bob)
    _, seen = crawl(client)
    for url in (
        reverse("attendance:exceptions"),
        reverse("spreadsheets:qualification_import"),
        reverse("badges:list"),
        reverse("people:corrections"),
        reverse("skills:expiring"),
    ):
        assert url in seen, url
