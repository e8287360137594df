"""Attendance fixtures on the shared cast: Dave's rescue team runs a snow-clearing activity in
崇礼 with one shift, 08:00-16:00 on 2022-02-11; 王建国 is on its roster, 李卫东 is not."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import make_user
from tests.conftest import register_volunteer as register
from vetserve.accounts.models import Role
from vetserve.activities.models import Activity, Shift, SignUp, SignUpState, Status
from vetserve.attendance.services import ScanIn

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2022, 2, 11, 8, 0, tzinfo=SH)
END = datetime(2022, 2, 11, 16, 0, tzinfo=SH)


def at(hour: int, minute: int = 0, day: int = 11) -> datetime:
    return datetime(2022, 2, day, hour, minute, tzinfo=SH)


def scan(kind: str, method: str, when: datetime, **extra: Any) -> ScanIn:
    return ScanIn(
        key=extra.pop("key", uuid.uuid4()), kind=kind, method=method, scanned_at=when, **extra
    )


@pytest.fixture
def post(cast: Any) -> Any:
    activity = Activity.objects.create(
        title="太子城场馆除雪",
        category="snow_ice",
        organization=cast.rescue,
        region=cast.chongli,
        place="太子城冰雪小镇",
        lat=40.9,
        lon=115.45,
        starts_at=START,
        ends_at=END,
        status=Status.UNDER_WAY,
    )
    shift = Shift.objects.create(
        activity=activity, post="东门", starts_at=START, ends_at=END, max_people=10, wanted_people=5
    )
    wang = register(cast.bob, cast.rescue, name="王建国", serial=1, born=date(1970, 5, 1))
    wang.user = make_user("wang", (Role.VOLUNTEER, cast.rescue))
    wang.save(update_fields=["user"])
    li = register(
        cast.bob,
        cast.xiwanzi_team,
        name="李卫东",
        serial=2,
        phone="13700002222",
        born=date(1970, 5, 1),
    )
    signup = SignUp.objects.create(
        shift=shift,
        volunteer=wang,
        state=SignUpState.CONFIRMED,
        confirmed_at=START - timedelta(days=2),
    )
    return type(
        "Post", (), {"activity": activity, "shift": shift, "wang": wang, "li": li, "signup": signup}
    )
