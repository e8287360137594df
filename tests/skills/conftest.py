"""Skills fixtures on top of the shared cast: 王建国, a former army medic, lives in 崇礼 and
belongs to Dave's rescue team; 李卫东 belongs to Carol's 张北 team."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import register_volunteer as register
from vetserve.people.models import Volunteer
from vetserve.skills.models import QualificationType


@pytest.fixture
def wang(cast: Any) -> Volunteer:
    return register(
        cast.bob,
        cast.rescue,
        name="王建国",
        serial=1,
        phone="13900001111",
        military_specialty="卫生员",
    )


@pytest.fixture
def li(cast: Any) -> Volunteer:
    return register(cast.carol, cast.zhangbei_team, name="李卫东", serial=2, phone="13700002222")


def qtype(code: str) -> QualificationType:
    return QualificationType.objects.get(code=code)
