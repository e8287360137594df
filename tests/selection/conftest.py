"""Selection fixtures on the shared cast and the ledger's snow-clearing activity: six active
volunteers of the rescue team's mountain sub-team in 崇礼 (Bob's county), each with a known
figure per criterion.

| name | confirmed hours | party | C1 licence | born |
|---|---|---|---|---|
| 甲 | 6 h | no | yes | 1970 |
| 乙 | 4 h | member | no | 1975 |
| 丙 | 2 h | no | yes | 1980 |
| 丁 | 0 | member | no | 1985 |
| 戊 | 0 | no | no | 1950 (too old for 18–65) |
| 己 | 8 h, suspended | no | yes | 1972 |

Two of Bob's colleagues: ``bob2`` administers 崇礼 too (the second person who approves).
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import make_user
from tests.conftest import register_volunteer as register
from tests.ledger.conftest import at, snow  # noqa: F401  (the fixture, re-exported)
from vetserve.accounts.models import Role
from vetserve.ledger.services import ledger_entry_confirm, ledger_entry_record
from vetserve.people.models import Party, Status, Volunteer
from vetserve.people.services import volunteer_status_change
from vetserve.skills.models import QualificationType
from vetserve.skills.services import qualification_add

PEOPLE = [
    # name, minutes, party, licence, born
    ("甲", 360, "", True, date(1970, 1, 1)),
    ("乙", 240, Party.MEMBER, False, date(1975, 1, 1)),
    ("丙", 120, "", True, date(1980, 1, 1)),
    ("丁", 0, Party.MEMBER, False, date(1985, 1, 1)),
    ("戊", 0, "", False, date(1950, 1, 1)),
    ("己", 480, "", True, date(1972, 1, 1)),
]


def licence() -> QualificationType:
    return QualificationType.objects.get(code="licence_c1")


@pytest.fixture
def world(cast: Any, snow: Any) -> SimpleNamespace:  # noqa: F811
    people: dict[str, Volunteer] = {}
    today = timezone.localdate()
    for serial, (name, minutes, party, has_licence, born) in enumerate(PEOPLE, start=10):
        person = register(
            cast.bob, cast.rescue_sub, name=name, serial=serial, phone=f"139000{serial:05d}",
            born=born, party=party,
        )  # fmt: skip
        Volunteer.objects.filter(pk=person.pk).update(status=Status.ACTIVE)
        person.refresh_from_db()
        if minutes:
            entry = ledger_entry_record(
                actor=cast.dave, volunteer=person, activity=snow.activity,
                service_date=at(8).date(), minutes=minutes,
            )  # fmt: skip
            ledger_entry_confirm(actor=cast.bob, entry=entry)
        if has_licence:
            qualification_add(
                actor=cast.bob, volunteer=person, type=licence(),
                issued_on=today - timedelta(days=100), verified=True, no_expiry=True,
            )  # fmt: skip
        people[name] = person
    volunteer_status_change(
        actor=cast.bob, volunteer=people["己"], to_status=Status.SUSPENDED, reason="违反纪律"
    )
    bob2 = make_user("bob2", (Role.COUNTY_ADMIN, cast.chongli))
    return SimpleNamespace(people=people, bob2=bob2, licence=licence())
