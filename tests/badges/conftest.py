"""Badge fixtures on top of the shared cast: 王建国 lives in 崇礼 (Bob's county) and was born
in 张北 — his ID starts 130722, his badge must not."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from vetserve.badges.models import Badge
from vetserve.badges.services import badge_issue
from vetserve.people.fakes import fictitious_id_number
from vetserve.people.models import Volunteer
from vetserve.people.services import volunteer_register

ID_WANG = fictitious_id_number(
    address_code="130722", birth_date=date(1975, 3, 15), male=True, serial=1
)


def register(
    actor: Any,
    org: Any,
    *,
    name: str = "王建国",
    serial: int = 1,
    phone: str = "13900001111",
    address_code: str = "130722",
    **extra: Any,
) -> Volunteer:
    return volunteer_register(
        actor=actor,
        name=name,
        id_number=fictitious_id_number(
            address_code=address_code, birth_date=date(1975, 3, 15), male=True, serial=serial
        ),
        phone=phone,
        residence_region=org.region,
        home_org=org,
        **extra,
    )


@pytest.fixture
def wang(cast: Any) -> Volunteer:
    return register(cast.bob, cast.xiwanzi_team)


@pytest.fixture
def badge(cast: Any, wang: Volunteer) -> Badge:
    return badge_issue(actor=cast.bob, volunteer=wang, issued_on=date(2022, 2, 11))
