"""Badge numbers have five digits (ZJK-130709-00001): the county's counter stops at 99999
with a clear refusal instead of printing a sixth digit (issue 12, bounds everywhere)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from vetserve.badges.models import Badge, BadgeCounter
from vetserve.badges.services import badge_issue


@pytest.fixture(autouse=True)
def chinese() -> Any:
    """The messages are checked in Chinese, whatever language an earlier test left active."""
    with translation.override("zh-hans"):
        yield


def test_a_county_out_of_badge_numbers_is_told_so_and_nothing_is_issued(cast: Any, wang: Any):
    BadgeCounter.objects.create(county_code="130709", last=99999)
    with pytest.raises(ValidationError) as refused:
        badge_issue(actor=cast.bob, volunteer=wang)
    assert refused.value.messages == ["本县（区）的徽章编号已用完（最多 99999 个）。"]
    assert not Badge.objects.exists()


def test_a_badge_dated_before_1900_is_refused_naming_the_limits(cast: Any, wang: Any) -> None:
    with pytest.raises(ValidationError, match="1900-01-01 至 2099-12-31"):
        badge_issue(actor=cast.bob, volunteer=wang, issued_on=date(1899, 12, 31))
    assert not Badge.objects.exists()
