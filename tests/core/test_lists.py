"""Every list counts, pages, sorts and keeps its filters, one way (core/paging.py), and costs
the same number of queries for 5 rows as for 25 (issues 13 and 14)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.activities.conftest import make_activity
from tests.conftest import login, make_org
from tests.conftest import register_volunteer as register
from vetserve.activities.models import Activity
from vetserve.activities.services import shift_create, signup_create
from vetserve.core.paging import CappedPaginator
from vetserve.notify.services import notification_send
from vetserve.orgs.models import Kind
from vetserve.skills.services import course_create, enrolment_add, session_create

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹"


def queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as seen:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(seen)


def days(n: float) -> Any:
    return timezone.now() + timedelta(days=n)


# --- query counts: 5 rows shown cost what 25 rows cost ----------------------------------------


def _activities(cast: Any, start: int, n: int) -> None:
    for i in range(start, start + n):
        make_activity(cast, title=f"清雪{i:03d}", starts_at=days(i + 1), ends_at=days(i + 1.5))


def _volunteers(cast: Any, start: int, n: int) -> None:
    for i in range(start, start + n):
        register(
            cast.bob,
            cast.rescue,
            name=SURNAMES[i % len(SURNAMES)] + "建国",
            serial=100 + i,
            phone=f"139{i:08d}",
            born=date(1970, 1, 1) + timedelta(days=i),
        )


def _orgs(cast: Any, start: int, n: int) -> None:
    for i in range(start, start + n):
        make_org(f"崇礼测试队{i:03d}", "130709100", Kind.GRASSROOTS, cast.chongli_fed)


def _courses(cast: Any, start: int, n: int) -> None:
    for i in range(start, start + n):
        course = course_create(
            actor=cast.bob, organizer=cast.rescue, name=f"急救{i:03d}", study_hours=Decimal(4)
        )
        session_create(
            actor=cast.bob, course=course, date=date(2031, 1, 5), place="礼堂", capacity=5
        )


def _enrolees(cast: Any, start: int, n: int) -> None:
    from vetserve.skills.models import TrainingSession

    session = TrainingSession.objects.order_by("id").first()
    if session is None:
        course = course_create(
            actor=cast.bob, organizer=cast.rescue, name="急救", study_hours=Decimal(4)
        )
        session = session_create(
            actor=cast.bob, course=course, date=date(2031, 1, 5), place="礼堂", capacity=200
        )
    for i in range(start, start + n):
        volunteer = register(
            cast.bob,
            cast.rescue,
            name=f"学员{i:03d}",
            serial=300 + i,
            phone=f"138{i:08d}",
            born=date(1980, 1, 1) + timedelta(days=i),
        )
        enrolment_add(actor=cast.bob, session=session, volunteer=volunteer)


def _notifications(cast: Any, start: int, n: int) -> None:
    for i in range(start, start + n):
        notification_send(user=cast.bob, title=f"通知{i}", body="明天清雪")


def _my_shifts(cast: Any, start: int, n: int) -> None:
    from vetserve.people.models import Volunteer

    me = Volunteer.objects.filter(user=cast.erin).first()
    if me is None:
        me = register(cast.bob, cast.xiwanzi_team, name="赵丽", serial=3, phone="13900000003")
        me.user = cast.erin
        me.save(update_fields=["user"])
    for i in range(start, start + n):
        activity = make_activity(
            cast, title=f"值守{i:03d}", starts_at=days(i + 1), ends_at=days(i + 2)
        )
        shift = shift_create(
            actor=cast.dave,
            activity=activity,
            post="入口",
            starts_at=days(i + 1),
            ends_at=days(i + 1.2),
            min_people=1,
            wanted_people=2,
            max_people=2,
        )
        signup_create(actor=cast.erin, shift=shift, volunteer=me)


# (viewer, url, how to add rows the viewer sees)
LISTS: dict[str, tuple[str, str, Callable[[Any, int, int], None]]] = {
    "activity list": ("bob", "/activities/", _activities),
    "activity list, sorted by title": ("bob", "/activities/?sort=title&when=all", _activities),
    "activities API": ("bob", "/api/v1/activities?limit=50", _activities),
    "roster": ("bob", "/people/", _volunteers),
    "roster, sorted by year of birth": ("bob", "/people/?sort=-born", _volunteers),
    "volunteers API": ("bob", "/api/v1/volunteers?limit=50", _volunteers),
    "organization list": ("bob", "/orgs/?sort=name", _orgs),
    "organizations API": ("bob", "/api/v1/orgs?limit=50", _orgs),
    "audit log": ("root", "/audit/", _orgs),
    "audit API": ("root", "/api/v1/audit?limit=50", _volunteers),
    "courses": ("bob", "/skills/courses/", _courses),
    "courses API": ("bob", "/api/v1/skills/courses?limit=50", _courses),
    "notifications": ("bob", "/notifications/", _notifications),
    "my shifts": ("erin", "/activities/mine/", _my_shifts),
    "shifts to lead, with their sign-up counts": ("bob", "/shifts/", _my_shifts),
}


@pytest.mark.parametrize("name", LISTS)
def test_a_list_costs_the_same_queries_for_5_rows_as_for_25(client, cast, name):
    who, url, add = LISTS[name]
    add(cast, 0, 5)
    login(client, getattr(cast, who))
    client.get(url)  # warm the per-process caches (content types, translations)
    few = queries(client, url)
    add(cast, 5, 20)
    assert queries(client, url) == few


def test_a_session_with_many_enrolees_costs_the_same_queries_per_page(client, cast):
    from vetserve.skills.models import TrainingSession

    _enrolees(cast, 0, 5)
    session = TrainingSession.objects.get()
    login(client, cast.bob)
    url = f"/skills/sessions/{session.pk}/"
    client.get(url)
    few = queries(client, url)
    _enrolees(cast, 5, 20)
    assert queries(client, url) == few


# --- the activity list: count, upcoming first, sorts, filters kept --------------------------


def test_the_activity_list_opens_on_what_has_not_ended_soonest_first_and_counts_it(client, cast):
    make_activity(cast, title="去年清雪", starts_at=days(-30), ends_at=days(-29))
    make_activity(cast, title="下月清雪", starts_at=days(30), ends_at=days(31))
    make_activity(cast, title="明日清雪", starts_at=days(1), ends_at=days(1.5))
    make_activity(cast, title="正在清雪", starts_at=days(-0.1), ends_at=days(0.2))
    response = login(client, cast.bob).get("/activities/")
    titles = [a.title for a in response.context["activities"]]
    assert titles == ["正在清雪", "明日清雪", "下月清雪"]
    assert "共 3 项活动" in response.content.decode()
    ended = client.get("/activities/?when=past")
    assert [a.title for a in ended.context["activities"]] == ["去年清雪"]
    everything = client.get("/activities/?when=all")
    assert everything.context["activities"][0].title == "下月清雪"


def test_the_activity_list_sorts_by_a_listed_column_and_ignores_any_other(client, cast):
    for title in ("丙", "甲", "乙"):
        make_activity(cast, title=title, starts_at=days(2), ends_at=days(3))
    login(client, cast.bob)
    by_title = client.get("/activities/?sort=title")
    assert [a.title for a in by_title.context["activities"]] == sorted(["丙", "甲", "乙"])
    reversed_ = client.get("/activities/?sort=-title")
    assert [a.title for a in reversed_.context["activities"]] == sorted(["丙", "甲", "乙"])[::-1]
    # A column not on the list is the default sort, never an ORDER BY from the URL.
    sneaky = client.get("/activities/?sort=organization__name")
    assert sneaky.status_code == 200
    assert sneaky.context["sorting"].key == "starts"


def test_paging_links_sort_links_and_the_jump_box_keep_the_filters(client, cast):
    for i in range(60):
        make_activity(cast, title=f"清雪{i:02d}", starts_at=days(i + 1), ends_at=days(i + 2))
    login(client, cast.bob)
    response = client.get("/activities/?q=%E6%B8%85%E9%9B%AA&sort=title&page=2")
    page = response.content.decode()
    assert response.context["page_obj"].number == 2
    assert "第 2 页，共 2 页" in page
    assert 'href="?q=%E6%B8%85%E9%9B%AA&amp;sort=title&amp;page=1"' in page
    # The jump box carries the filters as hidden fields.
    assert '<input type="hidden" name="q" value="清雪">' in page
    assert '<input type="hidden" name="sort" value="title">' in page
    assert 'name="page" min="1" max="2" value="2"' in page
    # A sort link keeps the search and starts again at page 1.
    assert 'href="?q=%E6%B8%85%E9%9B%AA&amp;sort=-title"' in page
    assert 'href="?q=%E6%B8%85%E9%9B%AA&amp;sort=starts"' in page


def test_an_outsider_finds_no_activity_of_another_county_on_any_page(client, cast):
    for i in range(3):
        make_activity(cast, title=f"崇礼{i}", starts_at=days(i + 1), ends_at=days(i + 2))
    for when in ("upcoming", "past", "all"):
        response = login(client, cast.carol).get(f"/activities/?when={when}&sort=title")
        assert list(response.context["activities"]) == []
        assert response.context["page_obj"].paginator.count == 0


# --- the roster and the other lists ------------------------------------------------------------


def test_the_roster_sorts_by_year_of_birth_and_keeps_the_search_handle_in_its_links(client, cast):
    register(
        cast.bob, cast.rescue, name="王老", serial=1, phone="13900000001", born=date(1955, 1, 1)
    )
    register(
        cast.bob, cast.rescue, name="王少", serial=2, phone="13900000002", born=date(1990, 1, 1)
    )
    login(client, cast.bob)
    oldest = client.get("/people/?sort=born")
    assert [r.volunteer.name for r in oldest.context["rows"]] == ["王老", "王少"]
    youngest = client.get("/people/?sort=-born")
    assert [r.volunteer.name for r in youngest.context["rows"]] == ["王少", "王老"]
    by_name = client.get("/people/?q=%E7%8E%8B&sort=-born")
    assert "sort=born" in by_name.content.decode()
    assert by_name.context["sorting"].links[0].query == "q=%E7%8E%8B&sort=name"


def test_the_roster_of_a_number_search_keeps_its_sort_without_the_number_in_any_link(client, cast):
    register(cast.bob, cast.rescue, name="王建国", serial=1, phone="13900000001")
    login(client, cast.bob)
    response = client.post("/people/", {"q": "13900000001", "sort": "-born"}, follow=True)
    assert [r.volunteer.name for r in response.context["rows"]] == ["王建国"]
    assert response.context["sorting"].param == "-born"
    page = response.content.decode()
    assert "13900000001" not in page.replace('value="13900000001"', "")
    assert all("13900000001" not in link.query for link in response.context["sorting"].links)


def test_a_session_pages_its_enrolees_and_records_results_for_the_page_shown(client, cast):
    from vetserve.skills.models import Enrolment, TrainingSession
    from vetserve.skills.views.training import ENROLEES_PER_PAGE

    _enrolees(cast, 0, 30)
    session = TrainingSession.objects.get()
    login(client, cast.bob)
    first = client.get(f"/skills/sessions/{session.pk}/")
    assert len(first.context["enrolments"]) == ENROLEES_PER_PAGE == 20
    second = client.get(f"/skills/sessions/{session.pk}/?page=2")
    rows = second.context["enrolments"]
    assert len(rows) == 10
    form = {f"attended_{e.pk}": "on" for e in rows} | {f"passed_{e.pk}": "yes" for e in rows}
    done = client.post(f"/skills/sessions/{session.pk}/results/?page=2", form)
    assert done.status_code == 302
    assert done["Location"].endswith("?page=2")
    passed = Enrolment.objects.filter(session=session, passed=True)
    assert set(passed.values_list("pk", flat=True)) == {e.pk for e in rows}


def test_a_count_past_the_cap_says_only_the_first_rows_are_shown(client, cast):
    paginator = CappedPaginator(Activity.objects.order_by("id"), per_page=2, cap=3)
    for i in range(5):
        make_activity(cast, title=f"清雪{i}", starts_at=days(i + 1), ends_at=days(i + 2))
    assert paginator.count == 3
    assert paginator.capped
    assert paginator.num_pages == 2
