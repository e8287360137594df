"""A small world for the summaries: activities of four organizations at four levels (the city
federation, 崇礼's rescue team, the 西湾子 and 张北 township teams) in two categories and three
months, three volunteers; Alice (the city's administrator) records, root confirms."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import register_volunteer
from vetserve.activities.models import Activity, Status

SH = ZoneInfo("Asia/Shanghai")
MONTHS = ((2022, 1), (2022, 2), (2022, 3))


def _activity(org: Any, category: str, year: int, month: int) -> Activity:
    return Activity.objects.create(
        title=f"{org.name[:6]}{category}{month}月",
        category=category,
        organization=org,
        region=org.region,
        place="张家口",
        description="",
        contact_name="张队长",
        starts_at=datetime(year, month, 10, 8, tzinfo=SH),
        ends_at=datetime(year, month, 10, 20, tzinfo=SH),
        status=Status.FINISHED,
    )


@pytest.fixture
def world(cast: Any) -> SimpleNamespace:
    orgs = [cast.city_fed, cast.rescue, cast.xiwanzi_team, cast.zhangbei_team]
    activities = [
        _activity(org, category, year, month)
        for org in orgs
        for category in ("snow_ice", "traffic")
        for year, month in MONTHS
    ]
    volunteers = [
        register_volunteer(cast.alice, cast.rescue, name="王建国", serial=1),
        register_volunteer(
            cast.alice, cast.xiwanzi_team, name="李卫东", serial=2, phone="13700002222"
        ),
        register_volunteer(
            cast.alice, cast.zhangbei_team, name="赵红", serial=3, phone="13700003333",
            address_code="130722",
        ),
    ]  # fmt: skip
    return SimpleNamespace(cast=cast, activities=activities, volunteers=volunteers)


def day_of(activity: Activity) -> date:
    return activity.starts_at.astimezone(SH).date()
