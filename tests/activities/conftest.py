"""Activities fixtures on top of the shared cast: Dave's rescue team runs a published snow
clearing at 崇礼 with one shift; 王建国 (rescue team) and Erin's own volunteer record 赵丽
(西湾子 team, linked to Erin's login) can sign up; 李卫东 lives in 张北."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.conftest import register_volunteer as register
from vetserve.activities.models import Activity, Shift, Status
from vetserve.activities.services import activity_create, shift_create
from vetserve.people.models import Volunteer

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 8, month: int = 1, year: int = 2031) -> datetime:
    """A moment in the future (2031) in Shanghai time, so sign-ups are still open."""
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def wang(cast: Any) -> Volunteer:
    return register(cast.bob, cast.rescue, name="王建国", serial=1, phone="13900001111")


@pytest.fixture
def zhao(cast: Any) -> Volunteer:
    volunteer = register(cast.bob, cast.xiwanzi_team, name="赵丽", serial=3, phone="13900000003")
    volunteer.user = cast.erin
    volunteer.save(update_fields=["user"])
    return volunteer


@pytest.fixture
def li(cast: Any) -> Volunteer:
    return register(cast.carol, cast.zhangbei_team, name="李卫东", serial=2, phone="13900000002")


def make_activity(cast: Any, *, publish: bool = True, **extra: Any) -> Activity:
    fields: dict[str, Any] = {
        "title": "太舞滑雪小镇清雪",
        "category": "snow_ice",
        "place": "太舞滑雪小镇停车场",
        "starts_at": at(10, 6),
        "ends_at": at(10, 20),
    }
    fields.update(extra)
    activity = activity_create(actor=cast.dave, organization=cast.rescue, **fields)
    if publish:
        activity.status = Status.PUBLISHED
        activity.save(update_fields=["status"])
    return activity


@pytest.fixture
def activity(cast: Any) -> Activity:
    return make_activity(cast)


@pytest.fixture
def shift(cast: Any, activity: Activity) -> Shift:
    return shift_create(
        actor=cast.dave,
        activity=activity,
        post="停车场入口",
        starts_at=at(10, 8),
        ends_at=at(10, 12),
        min_people=1,
        wanted_people=2,
        max_people=2,
    )


def soon(hours: float) -> datetime:
    return timezone.now() + timedelta(hours=hours)


def requirement_fields(
    skills: Any = (), groups: Any = (), verified_only: bool = True, **conditions: Any
) -> dict[str, Any]:
    """What the requirements editor posts: skill rows (skill id, level), qualification rows
    (type ids), and the other conditions (``min_age=18`` …)."""
    data: dict[str, Any] = {
        "req-skills-TOTAL_FORMS": str(len(skills)),
        "req-skills-INITIAL_FORMS": "0",
        "req-groups-TOTAL_FORMS": str(len(groups)),
        "req-groups-INITIAL_FORMS": "0",
    }
    for i, (skill, level) in enumerate(skills):
        data[f"req-skills-{i}-skill"] = str(skill)
        data[f"req-skills-{i}-level"] = str(level)
    for i, types in enumerate(groups):
        data[f"req-groups-{i}-types"] = [str(t) for t in types]
    if verified_only:
        data["req-verified_only"] = "on"
    for key, value in conditions.items():
        if value is True:
            data[f"req-{key}"] = "on"
        elif value not in (None, False):
            data[f"req-{key}"] = str(value)
    return data
