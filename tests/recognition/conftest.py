"""Recognition fixtures on the shared cast: Dave's rescue team ran a patrol in 崇礼 through all
of 2022 (so any day of the year takes up to 24 hours); 王建国 (login ``wang``, of Dave's team)
and 李卫东 (of the 西湾子 team) served on it. ``serve`` records hours by Bob and has Alice
confirm them, as the organizing unit would."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import make_user
from tests.conftest import register_volunteer as register
from vetserve.accounts.models import Role
from vetserve.activities.models import Activity, Campaign, Status
from vetserve.ledger.models import LedgerEntry
from vetserve.ledger.services import ledger_entry_confirm, ledger_entry_record
from vetserve.people.models import Consent, Volunteer
from vetserve.people.services import consent_record

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def patrol(cast: Any) -> Any:
    campaign = Campaign.objects.create(
        name="相约冬奥—扛红旗、当先锋",
        organization=cast.chongli_fed,
        region=cast.chongli,
        starts_on=date(2022, 1, 1),
        ends_on=date(2022, 12, 31),
    )
    activity = Activity.objects.create(
        title="崇礼山地巡逻",
        category="rescue",
        campaign=campaign,
        organization=cast.rescue,
        region=cast.chongli,
        place="太子城",
        starts_at=datetime(2022, 1, 1, 0, 0, tzinfo=SH),
        ends_at=datetime(2022, 12, 31, 23, 59, tzinfo=SH),
        status=Status.FINISHED,
    )
    other = Activity.objects.create(
        title="张北交通引导",
        category="traffic",
        organization=cast.zhangbei_team,
        region=cast.zhangbei,
        place="张北",
        starts_at=datetime(2022, 1, 1, 0, 0, tzinfo=SH),
        ends_at=datetime(2022, 12, 31, 23, 59, tzinfo=SH),
        status=Status.FINISHED,
    )
    wang = register(cast.bob, cast.rescue, name="王建国", serial=1, born=date(1970, 5, 1))
    wang.user = make_user("wang", (Role.VOLUNTEER, cast.rescue))
    wang.save(update_fields=["user"])
    li = register(
        cast.bob, cast.xiwanzi_team, name="李卫东", serial=2, phone="13700002222",
        born=date(1971, 5, 1),
    )  # fmt: skip
    return type(
        "Patrol",
        (),
        {"campaign": campaign, "activity": activity, "other": other, "wang": wang, "li": li},
    )


def serve(
    cast: Any, activity: Activity, volunteer: Volunteer, day: date, minutes: int,
    *, confirm: bool = True,
) -> LedgerEntry:  # fmt: skip
    """Hours recorded by the county's administrator, confirmed by the city's."""
    recorder = cast.bob if activity.region_id == cast.chongli.pk else cast.carol
    entry = ledger_entry_record(
        actor=recorder, volunteer=volunteer, activity=activity, service_date=day, minutes=minutes
    )
    if confirm:
        ledger_entry_confirm(actor=cast.alice, entry=entry)
    return entry


def publish(volunteer: Volunteer, granted: bool = True) -> None:
    consent_record(
        actor=volunteer.user, volunteer=volunteer, purpose=Consent.Purpose.PUBLICATION,
        granted=granted, text_version="2022-1",
    )  # fmt: skip
