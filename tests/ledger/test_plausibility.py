"""Plausibility: hours that cannot be true are refused with a reason, and nothing is written."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from tests.ledger.conftest import at
from vetserve.activities.models import Activity, Status
from vetserve.ledger.models import LedgerEntry
from vetserve.ledger.services import ledger_entry_record
from vetserve.people.models import Status as VolunteerStatus

SH = ZoneInfo("Asia/Shanghai")


def record(cast: Any, snow: Any, minutes: int, activity: Any = None) -> LedgerEntry:
    return ledger_entry_record(
        actor=cast.dave, volunteer=snow.wang, activity=activity or snow.activity,
        service_date=at(8).date(), minutes=minutes,
    )  # fmt: skip


def refused(cast: Any, snow: Any, minutes: int, code: str, activity: Any = None) -> None:
    before = LedgerEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        record(cast, snow, minutes, activity)
    assert caught.value.error_dict["minutes"][0].code == code
    assert LedgerEntry.objects.count() == before


def test_hours_outside_the_activitys_time_are_refused(cast: Any, snow: Any) -> None:
    # The activity ran 08:00-16:00: 480 minutes on the day.
    refused(cast, snow, 481, "outside")
    assert record(cast, snow, 480).minutes == 480


def test_overlapping_entries_for_one_person_are_refused(cast: Any, snow: Any) -> None:
    record(cast, snow, 300)
    refused(cast, snow, 200, "overlap")
    assert record(cast, snow, 180).minutes == 180  # a second part of the day still fits


def test_hours_at_two_activities_at_the_same_time_cannot_overlap(cast: Any, snow: Any) -> None:
    meeting = Activity.objects.create(
        title="安全培训", category="snow_ice", organization=cast.rescue, region=cast.chongli,
        starts_at=datetime(2022, 2, 11, 10, 0, tzinfo=SH),
        ends_at=datetime(2022, 2, 11, 12, 0, tzinfo=SH), status=Status.FINISHED,
    )  # fmt: skip
    record(cast, snow, 420)  # 7 of the 8 hours at the snow clearing, 08:00-16:00
    refused(cast, snow, 120, "overlap", activity=meeting)  # 2 h more in the same 8 h: no
    assert record(cast, snow, 60, activity=meeting).minutes == 60  # 1 h fits


def test_over_24_hours_in_a_day_is_refused(cast: Any, snow: Any) -> None:
    night = Activity.objects.create(
        title="夜间巡查", category="snow_ice", organization=cast.rescue, region=cast.chongli,
        starts_at=datetime(2022, 2, 11, 0, 0, tzinfo=SH),
        ends_at=datetime(2022, 2, 12, 0, 0, tzinfo=SH), status=Status.FINISHED,
    )  # fmt: skip
    record(cast, snow, 480)
    record(cast, snow, 960, activity=night)
    refused(cast, snow, 1, "overlap")
    other = Activity.objects.create(
        title="应急值守", category="snow_ice", organization=cast.rescue, region=cast.chongli,
        starts_at=datetime(2022, 2, 11, 6, 0, tzinfo=SH),
        ends_at=datetime(2022, 2, 11, 7, 0, tzinfo=SH), status=Status.FINISHED,
    )  # fmt: skip
    refused(cast, snow, 30, "day_total", activity=other)


@pytest.mark.parametrize("status", [VolunteerStatus.SUSPENDED, VolunteerStatus.LEFT])
def test_no_hours_for_a_suspended_or_departed_volunteer(cast: Any, snow: Any, status: str) -> None:
    snow.wang.status = status
    snow.wang.save(update_fields=["status"])
    with pytest.raises(ValidationError) as caught:
        record(cast, snow, 60)
    assert caught.value.code == "volunteer_status"
    assert not LedgerEntry.objects.exists()
