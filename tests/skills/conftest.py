"""Skills fixtures on top of the shared cast: 王建国, a former army medic, lives in 崇礼 and
belongs to Dave's rescue team; 李卫东 belongs to Carol's 张北 team."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from vetserve.people.fakes import fictitious_id_number
from vetserve.people.models import Volunteer
from vetserve.people.services import volunteer_register
from vetserve.skills.models import QualificationType


def register(
    actor: Any, org: Any, *, name: str, serial: int, phone: str, **extra: Any
) -> Volunteer:
    return volunteer_register(
        actor=actor,
        name=name,
        id_number=fictitious_id_number(
            address_code="130709", birth_date=date(1975, 3, 15), male=True, serial=serial
        ),
        phone=phone,
        residence_region=org.region,
        home_org=org,
        **extra,
    )


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
