"""Home-page fixtures on the shared cast: in a week, Dave's rescue team has a published snow
clearing in 崇礼 with one shift short of people, and 张北镇's team (Carol's county, led by Grace)
a shift of its own; Erin's volunteer record 赵丽 is signed up on Dave's shift and served two
hours this year."""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import make_user
from tests.conftest import register_volunteer as register
from vetserve.accounts.models import Role
from vetserve.activities.models import Activity, Shift, SignUp, SignUpState, Status
from vetserve.attendance.models import Attendance


def make_shift(org: Any, region: Any, title: str, post: str, days: int, **extra: Any) -> Shift:
    starts = timezone.now().replace(microsecond=0) + timedelta(days=days)
    activity = Activity.objects.create(
        title=title,
        category="snow_ice",
        organization=org,
        region=region,
        place=f"{title}现场",
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        status=Status.PUBLISHED,
    )
    fields = {"min_people": 2, "wanted_people": 3, "max_people": 4} | extra
    return Shift.objects.create(
        activity=activity,
        post=post,
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        **fields,
    )


@pytest.fixture
def homes(cast: Any) -> SimpleNamespace:
    dave_shift = make_shift(cast.rescue, cast.chongli, "太舞清雪", "停车场入口", 7)
    grace_shift = make_shift(cast.zhangbei_team, cast.zhangbei, "张北镇清雪", "镇政府门口", 7)
    grace = make_user("grace", (Role.ORG_LEADER, cast.zhangbei_team))
    tina = make_user("tina", (Role.TOWNSHIP_ADMIN, cast.xiwanzi))
    zhao = register(cast.bob, cast.xiwanzi_team, name="赵丽", serial=3, phone="13900000003")
    zhao.user = cast.erin
    zhao.save(update_fields=["user"])
    SignUp.objects.create(
        shift=dave_shift,
        volunteer=zhao,
        state=SignUpState.CONFIRMED,
        confirmed_at=timezone.now(),
    )
    # Two hours served this year, on a shift of last month or so (a closed stay).
    past = make_shift(cast.rescue, cast.chongli, "春节慰问", "社区", -1)
    past_signup = SignUp.objects.create(
        shift=past, volunteer=zhao, state=SignUpState.CONFIRMED, confirmed_at=past.starts_at
    )
    Attendance.objects.create(
        signup=past_signup,
        shift=past,
        volunteer=zhao,
        in_at=past.starts_at,
        out_at=past.starts_at + timedelta(hours=2),
        minutes=120,
        region=cast.chongli,
        organization=cast.rescue,
        in_method="manual",
        in_key=uuid.uuid4(),
        out_method="manual",
        out_key=uuid.uuid4(),
    )
    return SimpleNamespace(
        dave_shift=dave_shift, grace_shift=grace_shift, grace=grace, tina=tina, zhao=zhao
    )
