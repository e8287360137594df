"""Public-face fixtures on the shared cast: Bob (崇礼区) and Alice (the city) publish; 王建国
consents to publication and served 8 hours; 李卫东 never consented, and his name, phone and
ID number must appear on no public page."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import register_volunteer as register
from vetserve.activities.models import Activity, Status
from vetserve.ledger.services import ledger_entry_confirm, ledger_entry_record
from vetserve.people.models import Consent
from vetserve.people.services import consent_record

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2022, 2, 11, 8, 0, tzinfo=SH)
END = datetime(2022, 2, 11, 16, 0, tzinfo=SH)
LI_PHONE = "13700002222"


@pytest.fixture
def world(cast: Any) -> Any:
    activity = Activity.objects.create(
        title="太子城场馆除雪",
        category="snow_ice",
        organization=cast.rescue,
        region=cast.chongli,
        place="太子城冰雪小镇",
        contact_name="张队长",
        starts_at=START,
        ends_at=END,
        status=Status.FINISHED,
    )
    wang = register(cast.bob, cast.rescue, name="王建国", serial=1, born=date(1970, 5, 1))
    consent_record(
        actor=cast.bob, volunteer=wang, purpose=Consent.Purpose.PUBLICATION, granted=True,
        text_version="2022-1",
    )  # fmt: skip
    li = register(
        cast.bob, cast.rescue, name="李卫东", serial=2, phone=LI_PHONE, born=date(1970, 5, 1)
    )
    for person in (wang, li):
        # Recorded by the team's leader, confirmed by the county: honour rolls count confirmed
        # hours (recognition.selectors.honour_roll).
        ledger_entry_confirm(
            actor=cast.bob,
            entry=ledger_entry_record(
                actor=cast.dave, volunteer=person, activity=activity, service_date=START.date(),
                minutes=480, now=END,
            ),
            now=END,
        )  # fmt: skip
    return type("World", (), {"activity": activity, "wang": wang, "li": li})
