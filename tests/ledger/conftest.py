"""Ledger fixtures on the shared cast: Dave's rescue team ran a snow-clearing activity in 崇礼
on 2022-02-11, 08:00-16:00, with one shift; 王建国 (login ``wang``) served on it; 李卫东 is a
member of the 西湾子 team. Bob (崇礼's administrator) and Dave (the team's leader) may record
and confirm hours of it; Carol (张北) and Mallory may not."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import make_user
from tests.conftest import register_volunteer as register
from vetserve.accounts.models import Role
from vetserve.activities.models import Activity, Shift, SignUp, SignUpState, Status
from vetserve.attendance.models import Attendance, Method

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2022, 2, 11, 8, 0, tzinfo=SH)
END = datetime(2022, 2, 11, 16, 0, tzinfo=SH)


def at(hour: int, minute: int = 0, day: int = 11) -> datetime:
    return datetime(2022, 2, day, hour, minute, tzinfo=SH)


@pytest.fixture
def snow(cast: Any) -> Any:
    activity = Activity.objects.create(
        title="太子城场馆除雪",
        category="snow_ice",
        organization=cast.rescue,
        region=cast.chongli,
        place="太子城冰雪小镇",
        description="清扫场馆周边道路积雪",
        contact_name="张队长",
        starts_at=START,
        ends_at=END,
        status=Status.FINISHED,
    )
    shift = Shift.objects.create(
        activity=activity, post="东门", starts_at=START, ends_at=END, max_people=10, wanted_people=5
    )
    wang = register(cast.bob, cast.rescue, name="王建国", serial=1, born=date(1970, 5, 1))
    wang.user = make_user("wang", (Role.VOLUNTEER, cast.rescue))
    wang.save(update_fields=["user"])
    li = register(
        cast.bob, cast.xiwanzi_team, name="李卫东", serial=2, phone="13700002222",
        born=date(1970, 5, 1),
    )  # fmt: skip
    signup = SignUp.objects.create(
        shift=shift, volunteer=wang, state=SignUpState.CONFIRMED,
        confirmed_at=START - timedelta(days=2),
    )  # fmt: skip
    return type(
        "Snow",
        (),
        {"activity": activity, "shift": shift, "wang": wang, "li": li, "signup": signup},
    )


def stay(snow: Any, in_at: datetime, out_at: datetime | None, *, auto: bool = False) -> Attendance:
    """A stay as check-in and check-out leave it (minutes inside the shift)."""
    import uuid

    minutes = None
    if out_at is not None:
        minutes = max(0, int((min(out_at, END) - max(in_at, START)).total_seconds() // 60))
    return Attendance.objects.create(
        signup=snow.signup,
        shift=snow.shift,
        volunteer=snow.wang,
        region_id=snow.activity.region_id,
        organization_id=snow.activity.organization_id,
        in_at=in_at,
        in_method=Method.MANUAL,
        in_key=uuid.uuid4(),
        out_at=out_at,
        out_method=(Method.AUTO if auto else Method.MANUAL) if out_at else "",
        auto_closed=auto,
        minutes=minutes,
    )
