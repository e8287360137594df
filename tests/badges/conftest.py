"""Badge fixtures on top of the shared cast: 王建国 lives in 崇礼 (Bob's county) and was born
in 张北 — his ID starts 130722, his badge must not."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import register_volunteer as register
from vetserve.badges.models import Badge
from vetserve.badges.services import badge_issue
from vetserve.people.fakes import fictitious_id_number
from vetserve.people.models import Volunteer

ID_WANG = fictitious_id_number(
    address_code="130722", birth_date=date(1975, 3, 15), male=True, serial=1
)


@pytest.fixture
def wang(cast: Any) -> Volunteer:
    return register(cast.bob, cast.xiwanzi_team, ID_WANG)


@pytest.fixture
def badge(cast: Any, wang: Volunteer) -> Badge:
    return badge_issue(actor=cast.bob, volunteer=wang, issued_on=date(2022, 2, 11))
