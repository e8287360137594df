"""The dashboard through its page and the API: figures equal the records behind them, every
figure opens those records, each region's administrators see their region and nobody else
sees it, the page reads without JavaScript and costs the same queries however much is in it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import login, make_user
from tests.stats.conftest import day_of
from vetserve.accounts.models import Role
from vetserve.activities.models import (
    Activity,
    Campaign,
    CampaignTarget,
    Outcome,
    OutcomeType,
    Shift,
    Status,
)
from vetserve.ledger.models import RECORD_SOURCES, LedgerEntry
from vetserve.ledger.services import ledger_entry_confirm, ledger_entry_correct, ledger_entry_record


def record_all(world: Any, minutes: int = 60) -> list[LedgerEntry]:
    """One record per activity, by the three volunteers in turn, each a few minutes longer."""
    made = []
    for i, activity in enumerate(world.activities):
        made.append(
            ledger_entry_record(
                actor=world.cast.alice,
                volunteer=world.volunteers[i % 3],
                activity=activity,
                service_date=day_of(activity),
                minutes=minutes + i,
            )
        )
    return made


def api(client: Client, **query: Any) -> Any:
    response = client.get("/api/v1/stats/dashboard", query)
    assert response.status_code == 200, response.content
    return response.json()


def figures(data: dict[str, Any]) -> dict[str, Decimal]:
    return {f["key"]: Decimal(str(f["value"])) for f in data["service"] + data["headline"]}


def minutes_in(region: Any, first: date, last: date, **filters: Any) -> int:
    low, high = region.id_range
    rows = LedgerEntry.objects.filter(
        region_id__gte=low, region_id__lte=high, service_date__gte=first,
        service_date__lte=last, **filters,
    )  # fmt: skip
    return int(rows.aggregate(m=Sum("minutes"))["m"] or 0)


def hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"))


# --- the figures are the records' sums ---------------------------------------------------------


def test_the_citys_figures_equal_the_sums_of_the_ledger_entries(world: Any, client: Any) -> None:
    entries = record_all(world)
    ledger_entry_correct(actor=world.cast.alice, entry=entries[0], minutes=10, reason="核对")
    ledger_entry_confirm(actor=world.cast.root, entry=entries[1])
    city = world.cast.city
    data = api(login(client, world.cast.alice), period="2022")
    got = figures(data)
    year = (date(2022, 1, 1), date(2022, 12, 31))
    assert got["hours"] == hours(minutes_in(city, *year))
    assert got["records"] == LedgerEntry.objects.filter(source__in=RECORD_SOURCES).count() == 24
    assert got["confirmed"] == hours(entries[1].minutes)
    assert got["active"] == 3
    assert got["activities"] == len(world.activities)
    # Breakdowns add up to the same, by month, category and county.
    by_month = {r["key"]: Decimal(str(r["hours"])) for r in data["by_month"]}
    assert by_month["2022-02"] == hours(minutes_in(city, date(2022, 2, 1), date(2022, 2, 28)))
    by_category = {r["key"]: Decimal(str(r["hours"])) for r in data["by_category"]}
    assert by_category["traffic"] == hours(minutes_in(city, *year, category="traffic"))
    by_unit = {r["label"]: r for r in data["by_unit"]}
    assert Decimal(str(by_unit["崇礼区"]["hours"])) == hours(minutes_in(world.cast.chongli, *year))
    assert Decimal(str(by_unit["张北县"]["hours"])) == hours(minutes_in(world.cast.zhangbei, *year))
    low, high = world.cast.chongli.id_range
    served = LedgerEntry.objects.filter(region_id__gte=low, region_id__lte=high)
    assert by_unit["崇礼区"]["active"] == served.values("volunteer").distinct().count() == 3
    assert by_unit["康保县"]["records"] == 0


def test_a_month_is_compared_with_the_month_before(world: Any, client: Any) -> None:
    record_all(world)
    data = api(login(client, world.cast.bob), period="2022-02")
    hours_figure = next(f for f in data["service"] if f["key"] == "hours")
    chongli = world.cast.chongli
    assert data["previous_period"] == "2022-01"
    assert Decimal(str(hours_figure["value"])) == hours(
        minutes_in(chongli, date(2022, 2, 1), date(2022, 2, 28))
    )
    assert Decimal(str(hours_figure["previous"])) == hours(
        minutes_in(chongli, date(2022, 1, 1), date(2022, 1, 31))
    )


def test_outcomes_campaigns_and_staffing_are_counted_in_the_region(world: Any, client: Any) -> None:
    cast = world.cast
    snow = OutcomeType.objects.create(code="dash_m2", name="清雪面积", unit="m²")
    campaign = Campaign.objects.create(
        name="相约冬奥—扛红旗、当先锋", organization=cast.chongli_fed, region=cast.chongli,
        starts_on=date(2022, 1, 1), ends_on=date(2022, 3, 31), target_activities=10,
    )  # fmt: skip
    CampaignTarget.objects.create(campaign=campaign, outcome_type=snow, quantity=Decimal(16000))
    rescue_feb = world.activities[7]
    Activity.objects.filter(pk=rescue_feb.pk).update(campaign=campaign)
    Outcome.objects.create(activity=rescue_feb, outcome_type=snow, quantity=Decimal(8000))
    Outcome.objects.create(activity=world.activities[19], outcome_type=snow, quantity=Decimal(5))
    soon = timezone.now() + timedelta(days=2)
    upcoming = Activity.objects.create(
        title="下周巡逻", category="patrol", organization=cast.rescue, region=cast.chongli,
        place="崇礼", contact_name="张队长", starts_at=soon, ends_at=soon + timedelta(hours=4),
        status=Status.PUBLISHED,
    )  # fmt: skip
    Shift.objects.create(activity=upcoming, post="北门", starts_at=soon,
                         ends_at=soon + timedelta(hours=4), min_people=2, wanted_people=3,
                         max_people=4)  # fmt: skip
    data = api(login(client, cast.bob), period="2022")
    assert [(o["label"], Decimal(str(o["value"]))) for o in data["outcomes"]] == [
        ("清雪面积", Decimal(8000))  # 张北's five m² are not 崇礼's
    ]
    (line,) = data["campaigns"]
    done = {row["label"]: Decimal(str(row["done"])) for row in line["lines"]}
    assert done["activities"] == 1 and done["清雪面积"] == Decimal(8000)
    staffing = {row["key"]: row["records"] for row in data["staffing"]}
    assert staffing == {"empty": 1, "short": 0, "adequate": 0, "full": 0}


# --- every figure opens the records behind it ----------------------------------------------------


def test_a_categorys_row_opens_exactly_its_entries_in_the_ledger(world: Any, client: Any) -> None:
    record_all(world)
    login(client, world.cast.bob)
    page = client.get("/stats/", {"period": "2022"})
    assert page.status_code == 200
    link = next(row for row in page.context["board"].categories if row.key == "snow_ice").url
    listed = client.get(link)
    assert listed.status_code == 200
    entries = list(listed.context["entries"])
    expected = LedgerEntry.objects.filter(
        category="snow_ice", region_id__gte=world.cast.chongli.id_range[0],
        region_id__lte=world.cast.chongli.id_range[1],
    )  # fmt: skip
    assert {e.pk for e in entries} == set(expected.values_list("pk", flat=True))
    assert len(entries) == 6  # two organizations in 崇礼 × three months


def test_a_unit_on_the_map_opens_its_own_dashboard(world: Any, client: Any) -> None:
    record_all(world)
    login(client, world.cast.alice)
    page = client.get("/stats/", {"period": "2022", "figure": "records"})
    html = page.content.decode()
    assert f"/stats/?region={world.cast.chongli.code}&amp;period=2022&amp;figure=records" in html
    county = client.get("/stats/", {"region": world.cast.chongli.code, "period": "2022"})
    assert county.status_code == 200
    townships = {row.label: row for row in county.context["board"].units}
    low, high = world.cast.xiwanzi.id_range
    records = LedgerEntry.objects.filter(region_id__gte=low, region_id__lte=high).count()
    assert townships[world.cast.xiwanzi.name].records == records == 6
    assert county.context["map"].schematic_tiles  # townships have no centre points


# --- scope ---------------------------------------------------------------------------------


def test_a_county_administrator_sees_their_county_and_never_the_neighbours(
    world: Any, client: Any
) -> None:
    record_all(world)
    carol = world.cast.carol
    login(client, carol)
    data = api(client, period="2022")
    assert data["region_code"] == world.cast.zhangbei.code
    got = figures(data)
    assert got["hours"] == hours(
        minutes_in(world.cast.zhangbei, date(2022, 1, 1), date(2022, 12, 31))
    )
    assert {r["label"] for r in data["by_organization"]} == {"张北镇退役军人志愿服务队"}
    # 崇礼's dashboard, the city's, and 崇礼's township: as if they did not exist.
    for region in (world.cast.chongli, world.cast.city, world.cast.xiwanzi):
        assert client.get("/stats/", {"region": region.code}).status_code == 404
        response = client.get("/api/v1/stats/dashboard", {"region": region.code})
        assert response.status_code == 404
    assert client.get("/stats/", {"region": "999999"}).status_code == 404
    assert client.get("/stats/", {"region": "13070"}).status_code == 404


@pytest.mark.parametrize("who", ["dave", "erin", "mallory"])
def test_nobody_without_a_region_grant_sees_a_dashboard(world: Any, client: Any, who: str) -> None:
    login(client, getattr(world.cast, who))
    assert client.get("/stats/").status_code == 404
    assert client.get("/stats/", {"region": world.cast.chongli.code}).status_code == 404
    assert client.get("/api/v1/stats/dashboard").status_code == 404
    assert "/stats/" not in client.get("/").content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client: Any, cast: Any) -> None:
    assert client.get("/stats/").status_code == 302
    assert client.get("/api/v1/stats/dashboard").status_code == 401


def test_an_auditor_of_the_county_sees_its_dashboard(world: Any, client: Any) -> None:
    login(client, world.cast.frank)
    assert client.get("/stats/").context["board"].region == world.cast.chongli


def test_federation_staff_find_the_dashboard_on_their_home_page(world: Any, client: Any) -> None:
    for user in (world.cast.alice, world.cast.bob):
        login(client, user)
        assert 'href="/stats/"' in client.get("/").content.decode()


# --- the page ----------------------------------------------------------------------------------


def test_the_page_reads_without_javascript(world: Any, client: Any) -> None:
    record_all(world)
    login(client, world.cast.alice)
    html = client.get("/stats/", {"period": "2022"}).content.decode()
    content = html[html.index('<nav aria-label="') : html.index("</main>")]
    assert "<script" not in content and "hx-" not in content
    # The charts are pictures drawn on the server, each beside its numbers.
    assert content.count('src="data:image/svg+xml;base64,') == 3
    assert "<table" in content and "2022年2月" in content
    assert "<polygon" in content  # the map


def test_a_wrong_period_is_refused_in_words_and_the_default_shown(world: Any, client: Any) -> None:
    login(client, world.cast.bob)
    response = client.get("/stats/", {"period": "2022-13"})
    assert response.status_code == 200
    assert "请输入年份（2022）或月份（2022-02）。" in response.content.decode()
    assert client.get("/api/v1/stats/dashboard", {"period": "22"}).status_code == 422


def test_the_dashboard_costs_the_same_queries_however_much_it_shows(
    world: Any, client: Any
) -> None:
    login(client, world.cast.alice)
    client.get("/stats/", {"period": "2022"})  # warm caches (scope, charts drawn once)
    with CaptureQueriesContext(connection) as few:
        client.get("/stats/", {"period": "2022"})
    record_all(world)
    more = make_user("more", (Role.CITY_ADMIN, world.cast.city))
    login(client, more)
    client.get("/stats/", {"period": "2022"})
    with CaptureQueriesContext(connection) as many:
        assert client.get("/stats/", {"period": "2022"}).status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_summaries_follow_entries_from_attendance_too(world: Any) -> None:
    """Closed stays become entries through the same append (ledger-from-attendance)."""
    from vetserve.stats.models import LedgerMonth

    assert not LedgerMonth.objects.exists()
    record_all(world, minutes=30)
    assert (
        LedgerMonth.objects.aggregate(m=Sum("minutes"))["m"]
        == LedgerEntry.objects.aggregate(m=Sum("minutes"))["m"]
    )
