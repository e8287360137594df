"""A team's page shows the work (issue 13): its members (paged, numbers masked), service hours,
the qualifications its members hold, the activities it runs; each part scoped to the viewer,
in a number of queries that does not grow with the team."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.activities.test_campaign_page import _activity_with_an_hour
from tests.conftest import login
from tests.conftest import register_volunteer as register
from vetserve.activities.services import activity_create
from vetserve.skills.models import QualificationType
from vetserve.skills.services import qualification_add


def _members(cast: Any, n: int, start: int = 0) -> list[Any]:
    return [
        register(
            cast.bob, cast.rescue, name=f"队员{i:02d}", serial=100 + i, phone=f"1390000{i:04d}"
        )
        for i in range(start, start + n)
    ]


def _page(client: Any, org: Any, **params: Any) -> Any:
    return client.get(f"/orgs/{org.pk}/", params)


def test_a_team_page_lists_its_members_paged_with_masked_numbers(cast, client):
    _members(cast, 30)
    login(client, cast.bob)
    first = _page(client, cast.rescue)
    text = first.content.decode()
    assert "30 名志愿者" in text or "30 volunteers" in text
    assert text.count("/people/") >= 25
    assert "139****0001" in text and "13900000001" not in text
    second = _page(client, cast.rescue, page=2).content.decode()
    assert "队员29" in second and "队员00" not in second


def test_a_team_page_shows_hours_activities_and_qualifications(cast, client):
    wang, li = _members(cast, 2)
    _activity_with_an_hour(
        cast, None, actor=cast.dave, org=cast.rescue, title="崇礼除雪", person=wang
    )
    now = timezone.now()
    activity_create(
        actor=cast.dave,
        organization=cast.rescue,
        title="明年演练",
        category="other",
        place="崇礼",
        starts_at=now + timedelta(days=30),
        ends_at=now + timedelta(days=30, hours=4),
    )
    first_aid = QualificationType.objects.get(code="rc_first_aider")
    for person, expires in ((wang, timezone.localdate() + timedelta(days=10)), (li, None)):
        qualification_add(
            actor=cast.bob,
            volunteer=person,
            type=first_aid,
            issued_on=date(2024, 1, 1),
            expires_on=expires or date(2099, 1, 1),
            verified=True,
        )
    page = _page(login(client, cast.bob), cast.rescue)
    sections = {s["template"]: s for s in page.context["sections"]}
    hours = sections["attendance/_hours.html"]["hours"]
    assert hours.total == hours.this_year == 1
    acts = sections["activities/_team_activities.html"]
    assert [a.title for a in acts["upcoming"]] == ["崇礼除雪", "明年演练"]
    quals = sections["skills/_team_qualifications.html"]["rows"]
    assert quals == [
        {"type_id": first_aid.pk, "type__name": "救护员证", "holders": 2, "expiring": 1}
    ]
    text = page.content.decode()
    assert "明年演练" in text and "救护员证" in text


def test_a_volunteer_sees_only_themself_among_their_teams_members(cast, client):
    _members(cast, 2)
    me = register(cast.bob, cast.xiwanzi_team, name="赵丽", serial=3, phone="13900000003")
    other = register(cast.bob, cast.xiwanzi_team, name="钱多", serial=4, phone="13900000004")
    me.user = cast.erin
    me.save(update_fields=["user"])
    page = _page(login(client, cast.erin), cast.xiwanzi_team)
    assert page.status_code == 200
    members = {s["template"]: s for s in page.context["sections"]}["people/_team_members.html"]
    assert [v.name for v in members["members"]] == ["赵丽"]
    assert other.name not in page.content.decode()


def test_outsiders_do_not_open_a_team_page(cast, client):
    _members(cast, 1)
    for who in ("carol", "mallory"):
        assert _page(login(client, getattr(cast, who)), cast.rescue).status_code == 404


def test_a_team_page_takes_as_many_queries_for_a_big_team_as_for_a_small_one(cast, client):
    people = _members(cast, 2)
    _activity_with_an_hour(
        cast, None, actor=cast.dave, org=cast.rescue, title="一", person=people[0]
    )
    login(client, cast.bob)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert _page(client, cast.rescue).status_code == 200
        return len(queries)

    small = count()
    more = _members(cast, 28, start=2)
    for i, person in enumerate(more[:3]):
        _activity_with_an_hour(
            cast, None, actor=cast.dave, org=cast.rescue_sub, title=f"活动{i}", person=person
        )
    assert count() == small
