"""The campaign page (issue 13): targets against results with headers, units and thousands
separators; a breakdown by county and organization; county and township administrators open
the city's campaign and count only their own area; a fixed number of queries."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import login
from tests.conftest import register_volunteer as register
from vetserve.accounts.models import Role
from vetserve.activities.models import Campaign, OutcomeType, SignUp, SignUpState
from vetserve.activities.services import (
    activity_create,
    campaign_create,
    outcome_record,
    shift_create,
)
from vetserve.attendance.services import ScanIn, attendance_scan


def _city_campaign(cast: Any) -> Campaign:
    return campaign_create(
        actor=cast.alice,
        organization=cast.city_fed,
        name="相约冬奥—扛红旗、当先锋",
        starts_on=date(2021, 11, 1),
        ends_on=date(2031, 3, 31),
        target_activities=2790,
        target_volunteers=5173,
        target_hours=100000,
        targets={OutcomeType.objects.get(code="disinfected_m2").pk: Decimal(6_000_000)},
    )


def _activity_with_an_hour(
    cast: Any, campaign: Campaign | None, *, actor: Any, org: Any, title: str, person: Any
) -> Any:
    """An activity of the campaign under way now, where ``person`` served 60 minutes."""
    now = timezone.now()
    activity = activity_create(
        actor=actor,
        organization=org,
        title=title,
        category="disinfection",
        place=title,
        starts_at=now - timedelta(hours=3),
        ends_at=now + timedelta(hours=3),
    )
    # Placed in the city's campaign by the city (a team leader cannot see the campaign).
    type(activity).objects.filter(pk=activity.pk).update(campaign=campaign)
    shift = shift_create(
        actor=actor,
        activity=activity,
        post="大门",
        starts_at=now - timedelta(hours=3),
        ends_at=now + timedelta(hours=3),
        min_people=1,
        wanted_people=2,
        max_people=5,
    )
    signup = SignUp.objects.create(
        shift=shift, volunteer=person, state=SignUpState.CONFIRMED, confirmed_at=now
    )
    for kind, ago in (("in", 70), ("out", 10)):
        result = attendance_scan(
            actor=cast.root,
            scan=ScanIn(
                key=uuid.uuid4(),
                kind=kind,
                method="manual",
                scanned_at=now - timedelta(minutes=ago),
                shift_id=shift.pk,
                signup_id=signup.pk,
                reason="测试",
            ),
        )
        assert result.status == "ok", result
    return activity


@pytest.fixture
def city_campaign(cast: Any) -> Campaign:
    campaign = _city_campaign(cast)
    wang = register(cast.bob, cast.rescue, name="王建国", serial=1, phone="13900001111")
    li = register(cast.carol, cast.zhangbei_team, name="李卫东", serial=2, phone="13900000002")
    chongli = _activity_with_an_hour(
        cast, campaign, actor=cast.dave, org=cast.rescue, title="崇礼学校消杀", person=wang
    )
    _activity_with_an_hour(
        cast, campaign, actor=cast.carol, org=cast.zhangbei_team, title="张北商场消杀", person=li
    )
    disinfection = OutcomeType.objects.get(code="disinfected_m2")
    outcome_record(
        actor=cast.dave, activity=chongli, outcome_type=disinfection, quantity=Decimal(1_250_000)
    )
    return campaign


def test_the_whole_campaign_shows_targets_results_units_and_separators(cast, client, city_campaign):
    page = login(client, cast.alice).get(f"/activities/campaigns/{city_campaign.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    for header in ("指标", "单位", "目标", "完成率"):  # the column headers, in Chinese
        assert '<th scope="col"' in text and f">{header}</th>" in text
    assert "6,000,000" in text  # the target, with separators
    assert "1,250,000" in text  # done
    assert "5,173" in text and "2,790" in text and "100,000" in text
    report = page.context["report"]
    assert report.whole
    assert report.progress["activities"].done == 2
    assert report.progress["volunteers"].done == 2
    assert report.progress["hours"].done == Decimal("2.0")
    assert {b.name: b.activities for b in report.by_county} == {"崇礼区": 1, "张北县": 1}
    assert {b.name: b.hours for b in report.by_organization} == {
        "崇礼蓝天应急救援队": Decimal("1.0"),
        "张北镇退役军人志愿服务队": Decimal("1.0"),
    }


@pytest.mark.parametrize("who", ["bob", "carol", "frank"])
def test_county_admins_and_auditors_open_the_city_campaign_and_count_their_area_only(
    cast, client, city_campaign, who
):
    page = login(client, getattr(cast, who)).get(f"/activities/campaigns/{city_campaign.pk}/")
    assert page.status_code == 200
    report = page.context["report"]
    assert not report.whole
    assert report.progress["activities"].done == 1
    assert report.progress["hours"].done == Decimal("1.0")
    text = page.content.decode()
    assert "data-campaign-part" in text
    mine, theirs = ("崇礼学校消杀", "张北商场消杀")[:: 1 if who != "carol" else -1]
    assert mine in text and theirs not in text
    assert [b.name for b in report.by_county] == ["张北县" if who == "carol" else "崇礼区"]


def test_a_township_admin_opens_the_city_campaign_and_sees_nothing_of_other_townships(
    cast, client, city_campaign
):
    from tests.conftest import make_user

    tina = make_user("tina", (Role.TOWNSHIP_ADMIN, cast.xiwanzi))
    page = login(client, tina).get(f"/activities/campaigns/{city_campaign.pk}/")
    assert page.status_code == 200
    assert page.context["report"].progress["activities"].done == 0
    assert "崇礼学校消杀" not in page.content.decode()
    assert city_campaign.name in login(client, tina).get("/activities/campaigns/").content.decode()


@pytest.mark.parametrize("who", ["dave", "erin", "mallory"])
def test_team_leaders_volunteers_and_strangers_still_do_not_open_the_city_campaign(
    cast, client, city_campaign, who
):
    login(client, getattr(cast, who))
    assert client.get(f"/activities/campaigns/{city_campaign.pk}/").status_code == 404
    assert city_campaign.name not in client.get("/activities/campaigns/").content.decode()


def test_a_county_admin_may_open_but_not_change_the_city_campaign(cast, client, city_campaign):
    login(client, cast.bob)
    assert client.get(f"/activities/campaigns/{city_campaign.pk}/edit/").status_code == 404
    page = client.get(f"/activities/campaigns/{city_campaign.pk}/")
    assert f"/activities/campaigns/{city_campaign.pk}/edit/" not in page.content.decode()


def test_the_campaign_page_takes_as_many_queries_for_many_activities_as_for_few(
    cast, client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    campaign = _city_campaign(cast)
    login(client, cast.alice)
    people = [
        register(cast.bob, cast.rescue, name=f"志愿者{i}", serial=10 + i, phone=f"139000020{i:02d}")
        for i in range(3)
    ]

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/activities/campaigns/{campaign.pk}/").status_code == 200
        return len(queries)

    _activity_with_an_hour(
        cast, campaign, actor=cast.dave, org=cast.rescue, title="一", person=people[0]
    )
    few = count()
    _activity_with_an_hour(
        cast, campaign, actor=cast.dave, org=cast.rescue_sub, title="二", person=people[1]
    )
    _activity_with_an_hour(
        cast, campaign, actor=cast.carol, org=cast.zhangbei_team, title="三", person=people[2]
    )
    assert count() == few
