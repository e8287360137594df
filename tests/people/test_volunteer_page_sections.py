"""A volunteer's page, and one's own page, show the work (issue 13): service hours this year
and in all, the attendance history paged with dates that carry the year (Asia/Shanghai),
upcoming shifts, qualifications, skills and training; each part scoped to the viewer, in a
number of queries that does not grow with the record."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.activities.test_campaign_page import _activity_with_an_hour
from tests.conftest import login
from tests.conftest import register_volunteer as register
from vetserve.skills.models import QualificationType
from vetserve.skills.services import qualification_add


def _sections(page: Any) -> dict[str, Any]:
    return {s["template"]: s for s in page.context["sections"]}


def _wang(cast: Any) -> Any:
    wang = register(cast.bob, cast.rescue, name="王建国", serial=1, phone="13900001111")
    qualification_add(
        actor=cast.bob,
        volunteer=wang,
        type=QualificationType.objects.get(code="rc_first_aider"),
        issued_on=date(2024, 1, 1),
        expires_on=date(2099, 1, 1),
        verified=True,
    )
    return wang


def test_a_volunteers_page_shows_hours_history_shifts_and_qualifications(cast, client):
    wang = _wang(cast)
    _activity_with_an_hour(
        cast, None, actor=cast.dave, org=cast.rescue, title="崇礼除雪", person=wang
    )
    page = login(client, cast.bob).get(f"/people/{wang.pk}/")
    sections = _sections(page)
    hours = sections["attendance/_hours.html"]["hours"]
    assert hours.this_year == hours.total == 1
    text = page.content.decode()
    today = timezone.localdate().strftime("%Y-%m-%d")
    assert today in text  # the history's date, with the year, in Shanghai time
    assert "崇礼除雪" in text and "救护员证" in text
    assert [
        su.shift.activity.title for su in sections["activities/_volunteer_shifts.html"]["signups"]
    ] == ["崇礼除雪"]


def test_a_volunteer_sees_the_same_on_their_own_page(cast, client):
    wang = _wang(cast)
    wang.user = cast.erin
    wang.save(update_fields=["user"])
    _activity_with_an_hour(
        cast, None, actor=cast.dave, org=cast.rescue, title="崇礼除雪", person=wang
    )
    page = login(client, cast.erin).get("/people/me/")
    assert page.status_code == 200
    sections = _sections(page)
    assert sections["attendance/_hours.html"]["hours"].total == 1
    assert sections["attendance/_history.html"]["page_obj"].paginator.count == 1
    assert "救护员证" in page.content.decode()


def test_a_county_admin_sees_no_stay_served_in_another_county(cast, client):
    wang = _wang(cast)
    _activity_with_an_hour(
        cast, None, actor=cast.dave, org=cast.rescue, title="崇礼除雪", person=wang
    )
    _activity_with_an_hour(
        cast, None, actor=cast.carol, org=cast.zhangbei_team, title="张北助老", person=wang
    )
    page = login(client, cast.bob).get(f"/people/{wang.pk}/")
    sections = _sections(page)
    assert sections["attendance/_hours.html"]["hours"].total == 1
    assert "张北助老" not in page.content.decode()
    root = login(client, cast.root).get(f"/people/{wang.pk}/")
    assert _sections(root)["attendance/_hours.html"]["hours"].total == 2


def test_outsiders_do_not_open_a_volunteers_page(cast, client):
    wang = _wang(cast)
    for who in ("carol", "mallory"):
        assert login(client, getattr(cast, who)).get(f"/people/{wang.pk}/").status_code == 404


def test_the_attendance_history_pages_and_the_query_count_stays_fixed(cast, client):
    wang = _wang(cast)
    _activity_with_an_hour(cast, None, actor=cast.dave, org=cast.rescue, title="一", person=wang)
    login(client, cast.root)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/people/{wang.pk}/").status_code == 200
        return len(queries)

    few = count()
    for i in range(3):
        _activity_with_an_hour(
            cast, None, actor=cast.dave, org=cast.rescue, title=f"活动{i}", person=wang
        )
    assert count() == few
