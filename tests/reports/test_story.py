"""The report's figures next to the city's own: counted from the records each time, shown to
those who see the whole city, the same on the page, in the API and on the command line.

The demo's season reaching every figure is tested where the demo is built
(tests/demo/test_demo_command.py); here a small city shows that the counts follow the rows."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tests.conftest import PASSWORD, make_org
from vetserve.activities.models import OutcomeType
from vetserve.activities.services import activity_create, outcome_record
from vetserve.orgs.models import Kind, Specialty
from vetserve.reports.story import CONVOY, FIGURES

SHANGHAI = ZoneInfo("Asia/Shanghai")


def client_for(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def figures(client: Client) -> dict[str, dict[str, Any]]:
    response = client.get("/api/v1/reports/story")
    assert response.status_code == 200
    return {f["key"]: f for f in response.json()}


def disinfect(cast: SimpleNamespace, convoy: Any, m2: int) -> None:
    begin = datetime(2022, 1, 8, 8, tzinfo=SHANGHAI)
    activity = activity_create(
        actor=cast.alice,
        organization=convoy,
        title="疫情防控学校消杀",
        category="disinfection",
        place="桥东区学校",
        starts_at=begin,
        ends_at=begin + timedelta(hours=8),
    )
    outcome_record(
        actor=cast.alice,
        activity=activity,
        outcome_type=OutcomeType.objects.get(code="disinfected_m2"),
        quantity=Decimal(m2),
    )


@pytest.fixture
def convoy(cast: SimpleNamespace) -> Any:
    return make_org(CONVOY, "130700", Kind.SPECIALIST, cast.city_fed, Specialty.RESCUE)


def test_the_city_admin_sees_every_figure_of_the_report_beside_the_citys_own_count(cast, convoy):
    response = client_for(cast.alice).get("/reports/story/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.figure.key for r in rows] == [f.key for f in FIGURES]
    ours = {r.figure.key: r.ours for r in rows}
    # The cast's city: two grassroots teams, no volunteers, no activities, nothing reached.
    assert ours["grassroots_teams"] == 2
    assert ours["volunteers"] == 0
    assert ours["disinfected"] == 0
    assert not any(r.reaches for r in rows)
    page = response.content.decode()
    assert "开展各类服务活动2790场" in page
    assert "✗" in page and "✓" not in page


def test_a_figure_follows_the_records_and_is_reached_once_they_reach_the_report(cast, convoy):
    client = client_for(cast.alice)
    disinfect(cast, convoy, 5_999_999)
    shown = figures(client)["disinfected"]
    assert (shown["report"], shown["ours"], shown["reaches"]) == (6_000_000, 5_999_999, False)
    disinfect(cast, convoy, 1)
    shown = figures(client)["disinfected"]
    assert (shown["ours"], shown["reaches"]) == (6_000_000, True)
    # Another team's disinfection is not the convoy's figure.
    disinfect(cast, cast.rescue, 500)
    assert figures(client)["disinfected"]["ours"] == 6_000_000
    page = client.get("/reports/story/").content.decode()
    assert "✓" in page


@pytest.mark.parametrize("who", ["bob", "frank", "dave", "erin", "mallory"])
def test_nobody_short_of_the_whole_city_sees_the_figures(cast, who):
    client = client_for(getattr(cast, who))
    assert client.get("/reports/story/").status_code == 404
    assert client.get("/api/v1/reports/story").status_code == 404


def test_the_home_of_the_city_admin_links_the_figures_and_a_county_admins_does_not(cast):
    assert "/reports/story/" in client_for(cast.alice).get("/").content.decode()
    assert "/reports/story/" not in client_for(cast.bob).get("/").content.decode()
    assert "/reports/story/" not in client_for(cast.dave).get("/").content.decode()


def test_the_figures_cost_the_same_queries_however_many_rows_they_count(
    cast, convoy, django_assert_max_num_queries
):
    client = client_for(cast.alice)
    client.get("/reports/story/")
    with django_assert_max_num_queries(30) as few:
        client.get("/reports/story/")
    for _ in range(5):
        disinfect(cast, convoy, 1000)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/reports/story/")


def test_the_command_prints_each_figure_and_check_fails_while_one_falls_short(cast, convoy):
    out = StringIO()
    call_command("report_figures", stdout=out)
    text = out.getvalue()
    assert text.count("✗") == len(FIGURES)
    assert f"0 / {len(FIGURES)}" in text or f"0 of {len(FIGURES)}" in text
    with pytest.raises(CommandError):
        call_command("report_figures", "--check", stdout=StringIO())
