"""What is overdue and what falls due this week: in scope, paged, counted, constant queries,
linked from the work queue on home."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import login
from vetserve.activities.models import Activity, Status
from vetserve.ledger import views
from vetserve.ledger.services import ledger_entry_confirm, ledger_entry_record

SH = ZoneInfo("Asia/Shanghai")
# A Wednesday after National Day 2026.
TODAY = date(2026, 10, 21)


@pytest.fixture(autouse=True)
def today(monkeypatch: Any) -> None:
    monkeypatch.setattr(views, "_today", lambda: TODAY)


def ended(cast: Any, snow: Any, day: date, title: str = "") -> Activity:
    """An activity of the rescue team on ``day``, 08:00-16:00, with 王建国's hours recorded by
    hand and not yet confirmed."""
    start = datetime(day.year, day.month, day.day, 8, tzinfo=SH)
    activity = Activity.objects.create(
        title=title or f"巡查{day:%m%d}", category="snow_ice", organization=cast.rescue,
        region=cast.chongli, starts_at=start, ends_at=start + timedelta(hours=8),
        status=Status.FINISHED,
    )  # fmt: skip
    ledger_entry_record(
        actor=cast.dave, volunteer=snow.wang, activity=activity, service_date=day, minutes=60
    )
    return activity


def titles(client: Any, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return [a.title for a in response.context["activities"]]


def test_overdue_and_due_this_week_in_working_days(client: Any, cast: Any, snow: Any) -> None:
    late = ended(cast, snow, date(2026, 9, 30), "国庆前巡查")  # due Tue 20 Oct: overdue
    soon = ended(cast, snow, date(2026, 10, 9), "节后巡查")  # due Thu 22 Oct: this week
    ended(cast, snow, date(2026, 10, 20), "本周巡查")  # due in November: neither
    login(client, cast.dave)
    overdue = titles(client, "/ledger/overdue/")
    assert late.title in overdue and soon.title not in overdue
    # The snow activity of 2022 had a confirmed sign-up and nothing recorded: overdue too.
    assert snow.activity.title in overdue
    assert titles(client, "/ledger/overdue/?due=week") == [soon.title]
    page = client.get("/ledger/overdue/?due=week").content.decode()
    assert "2026-10-22" in page


def test_confirmed_hours_leave_the_list(client: Any, cast: Any, snow: Any) -> None:
    late = ended(cast, snow, date(2026, 9, 30), "国庆前巡查")
    from vetserve.ledger.models import LedgerEntry

    entry = LedgerEntry.objects.get(activity=late)
    ledger_entry_confirm(actor=cast.bob, entry=entry)
    login(client, cast.dave)
    assert late.title not in titles(client, "/ledger/overdue/")


def test_a_deadline_in_an_unknown_year_is_shown_as_estimated(
    client: Any, cast: Any, snow: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(views, "_today", lambda: date(2027, 3, 1))
    ended(cast, snow, date(2027, 1, 20), "冬季巡查")
    login(client, cast.dave)
    page = client.get("/ledger/overdue/").content.decode()
    assert "冬季巡查" in page and "估算（仅按周末）" in page


def test_outsiders_see_nothing(client: Any, cast: Any, snow: Any) -> None:
    ended(cast, snow, date(2026, 9, 30))
    login(client, cast.carol)
    assert titles(client, "/ledger/overdue/") == []
    login(client, cast.mallory)
    assert client.get("/ledger/overdue/").status_code == 404


def test_linked_from_the_work_queue_on_home(client: Any, cast: Any, snow: Any) -> None:
    for user in (cast.dave, cast.bob):
        login(client, user)
        page = client.get("/").content.decode()
        assert "/ledger/overdue/" in page and "/ledger/overdue/?due=week" in page


def test_the_same_queries_for_one_row_or_many(client: Any, cast: Any, snow: Any) -> None:
    ended(cast, snow, date(2026, 9, 1))
    login(client, cast.dave)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/ledger/overdue/").status_code == 200
        return len(captured)

    one = queries()
    for day in range(2, 10):
        ended(cast, snow, date(2026, 9, day))
    assert queries() == one


def test_home_counts_what_is_overdue_up_to_its_cap_and_says_so_past_it(
    client: Any, cast: Any, snow: Any, monkeypatch: Any
) -> None:
    from django.utils import timezone

    from vetserve.home import selectors as home
    from vetserve.ledger.selectors import hours_due_counts

    for day in range(1, 4):
        ended(cast, snow, date(2026, 9, day))
    today = timezone.localdate()  # as home counts
    overdue, _week = hours_due_counts(user=cast.dave, today=today)
    assert overdue >= 3
    assert hours_due_counts(user=cast.dave, today=today, most=2) == (2, _week if _week < 2 else 2)
    login(client, cast.dave)
    page = client.get("/").content.decode()
    assert f'<span class="stat__number">{overdue}</span>' in page
    monkeypatch.setattr(home, "HOME_COUNT_CAP", 2)
    page = client.get("/").content.decode()
    assert '<span class="stat__number">2+</span>' in page
