"""Each role's home page: what is shown, and nothing of another team's or region's."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login
from tests.home.conftest import make_shift
from vetserve.activities.models import SignUp, SignUpState


def home(client: Client, user: Any) -> str:
    response = login(client, user).get(reverse("home:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_volunteer_sees_their_next_shift_hours_this_year_and_check_in(
    client: Client, cast: Any, homes: Any
) -> None:
    page = home(client, cast.erin)
    assert "停车场入口" in page
    assert "太舞清雪" in page
    assert reverse("attendance:me") in page
    assert "2小时" in page  # served this year
    # Nothing of an office's work queue, nor a leader's stations.
    assert reverse("attendance:post", args=[homes.dave_shift.pk]) not in page
    assert reverse("people:corrections") not in page


def test_a_volunteer_sees_open_activities_of_their_county_but_not_of_another(
    client: Client, cast: Any, homes: Any
) -> None:
    page = home(client, cast.erin)
    assert "太舞清雪" in page
    assert "张北镇清雪" not in page


def test_a_leader_sees_their_teams_shifts_with_staffing_and_the_station(
    client: Client, cast: Any, homes: Any
) -> None:
    page = home(client, cast.dave)
    assert "停车场入口" in page
    assert "1 / 2" in page  # one confirmed of two needed
    assert reverse("attendance:post", args=[homes.dave_shift.pk]) in page
    assert reverse("attendance:exceptions") in page
    assert reverse("people:corrections") in page


def test_another_teams_shifts_are_never_on_a_leaders_home(
    client: Client, cast: Any, homes: Any
) -> None:
    page = home(client, homes.grace)
    assert "镇政府门口" in page
    assert "停车场入口" not in page
    assert reverse("attendance:post", args=[homes.dave_shift.pk]) not in page


def test_a_county_admin_sees_the_work_queue_of_their_region(
    client: Client, cast: Any, homes: Any
) -> None:
    page = home(client, cast.bob)
    assert reverse("attendance:exceptions") in page
    assert reverse("skills:expiring") in page
    assert reverse("spreadsheets:qualification_import") in page
    assert reverse("badges:list") in page
    assert reverse("home:shifts") + "?need=short" in page


def test_the_unstaffed_shift_list_stays_inside_the_admins_region(
    client: Client, cast: Any, homes: Any
) -> None:
    login(client, cast.bob)
    page = client.get(reverse("home:shifts") + "?need=short").content.decode()
    assert "停车场入口" in page
    assert "镇政府门口" not in page
    login(client, cast.carol)
    page = client.get(reverse("home:shifts") + "?need=short").content.decode()
    assert "镇政府门口" in page
    assert "停车场入口" not in page


def test_the_shift_list_is_not_found_for_a_volunteer_or_nobody(
    client: Client, cast: Any, homes: Any
) -> None:
    for user in (cast.erin, cast.mallory, cast.frank):
        login(client, user)
        assert client.get(reverse("home:shifts")).status_code == 404


def test_an_auditor_sees_the_audit_log_and_no_work_queue(
    client: Client, cast: Any, homes: Any
) -> None:
    page = home(client, cast.frank)
    assert reverse("audit:list") in page
    assert reverse("attendance:exceptions") not in page
    assert reverse("people:create") not in page


def test_the_superuser_sees_the_admin_queue(client: Client, cast: Any, homes: Any) -> None:
    page = home(client, cast.root)
    assert reverse("attendance:exceptions") in page
    assert reverse("audit:list") in page


def test_a_person_with_two_grants_sees_the_sections_of_each(
    client: Client, cast: Any, homes: Any
) -> None:
    from vetserve.accounts.models import Grant, Role

    Grant.objects.create(user=cast.erin, role=Role.ORG_LEADER, organization=cast.rescue)
    page = home(client, cast.erin)
    assert reverse("attendance:me") in page  # her own service
    assert reverse("attendance:post", args=[homes.dave_shift.pk]) in page  # the team she leads


def test_someone_without_a_grant_is_told_to_ask_for_one(client: Client, cast: Any) -> None:
    page = home(client, cast.mallory)
    assert "attendance/exceptions" not in page


def test_the_home_page_asks_the_same_number_of_queries_whatever_the_number_of_shifts(
    client: Client, cast: Any, homes: Any
) -> None:
    users = (cast.dave, cast.erin, cast.bob, cast.root)
    few = {}
    for user in users:
        login(client, user)
        client.get(reverse("home:home"))  # session and caches warm
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("home:home"))
        few[user.username] = len(queries)
    for n in range(12):
        shift = make_shift(cast.rescue, cast.chongli, f"加班{n}", f"岗位{n}", 3 + n % 5)
        SignUp.objects.create(
            shift=shift,
            volunteer=homes.zhao,
            state=SignUpState.CONFIRMED,
            confirmed_at=shift.starts_at,
        )
    for user in users:
        login(client, user)
        client.get(reverse("home:home"))
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("home:home"))
        assert len(queries) == few[user.username], user.username


def test_the_audit_count_is_exact_up_to_the_cap_and_says_so_past_it(
    client: Client, cast: Any, homes: Any
) -> None:
    from tests.conftest import register_volunteer
    from vetserve.audit.models import AuditEntry
    from vetserve.home.selectors import capped_count

    for n in range(3):  # each registration is audited, in 崇礼
        register_volunteer(
            cast.bob, cast.rescue, name=f"张{n}兵", serial=10 + n, phone=f"1390000{n:04d}"
        )
    frank = AuditEntry.objects.visible_to(cast.frank, "audit")
    carol = AuditEntry.objects.visible_to(cast.carol, "audit")
    seen = frank.count()
    assert seen > 2 and carol.count() < seen
    assert capped_count(frank, cap=seen) == str(seen)
    assert capped_count(frank, cap=2) == "2+"
    assert capped_count(carol, cap=2) == str(carol.count())
    page = home(client, cast.frank)
    assert f'<span class="stat__number">{seen}</span>' in page
