"""The shift edit page and the leader's "add someone" search on the shift page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.activities.conftest import at, register, requirement_fields
from tests.conftest import login
from vetserve.activities.models import Shift, SignUp
from vetserve.activities.services import shift_create, signup_create


def edit_form(**extra: Any) -> dict[str, Any]:
    return {
        "post": "停车场东入口",
        "min_people": 1,
        "wanted_people": 2,
        "max_people": 3,
        "notes": "带铁锹",
        **requirement_fields(min_age=18),
        **extra,
    }


# --- editing a shift --------------------------------------------------------------------------


def test_a_leader_changes_a_shift_from_its_page(cast, shift, client):
    login(client, cast.dave)
    page = client.get(f"/activities/shifts/{shift.pk}/").content.decode()
    assert f"/activities/shifts/{shift.pk}/edit/" in page
    assert '<span class="badge">无人</span>' in page  # the staffing label, not its code
    form = client.get(f"/activities/shifts/{shift.pk}/edit/").content.decode()
    assert 'value="停车场入口"' in form
    response = client.post(f"/activities/shifts/{shift.pk}/edit/", edit_form())
    assert response.status_code == 302
    assert response["Location"] == f"/activities/shifts/{shift.pk}/"
    changed = Shift.objects.get(pk=shift.pk)
    assert (changed.post, changed.max_people, changed.notes) == ("停车场东入口", 3, "带铁锹")
    assert changed.requirements == {"min_age": 18}
    assert changed.starts_at == shift.starts_at
    assert "带铁锹" in client.get(f"/activities/shifts/{shift.pk}/").content.decode()


def test_emptying_the_requirements_editor_clears_them(cast, shift, client):
    login(client, cast.dave)
    client.post(f"/activities/shifts/{shift.pk}/edit/", edit_form())
    client.post(f"/activities/shifts/{shift.pk}/edit/", edit_form(**{"req-min_age": ""}))
    assert Shift.objects.get(pk=shift.pk).requirements == {}


def test_the_edit_page_will_not_drop_confirmed_people(cast, shift, wang, zhao, client):
    signup_create(actor=cast.bob, shift=shift, volunteer=wang)
    signup_create(actor=cast.bob, shift=shift, volunteer=zhao)
    login(client, cast.bob)
    response = client.post(
        f"/activities/shifts/{shift.pk}/edit/", edit_form(max_people=1, wanted_people=1)
    )
    assert response.status_code == 200
    assert "已有 2 人确认" in response.content.decode()
    assert Shift.objects.get(pk=shift.pk).max_people == 2


@pytest.mark.parametrize("who", ["carol", "mallory", "erin", "frank"])
def test_only_those_who_plan_the_activity_reach_the_edit_page(cast, shift, client, who):
    login(client, getattr(cast, who))
    assert client.get(f"/activities/shifts/{shift.pk}/edit/").status_code == 404
    response = client.post(f"/activities/shifts/{shift.pk}/edit/", edit_form(post="改"))
    assert response.status_code == 404
    assert Shift.objects.get(pk=shift.pk).post == "停车场入口"
    if who in ("erin", "frank"):
        # They see the shift, but no edit link on it (the planner does).
        page = client.get(f"/activities/shifts/{shift.pk}/")
        assert page.status_code == 200 and "/edit/" not in page.content.decode()
        planner = login(client, cast.dave).get(f"/activities/shifts/{shift.pk}/")
        assert f"/activities/shifts/{shift.pk}/edit/" in planner.content.decode()


# --- adding someone ---------------------------------------------------------------------------


@pytest.fixture
def wang_zhangbei(cast: Any) -> Any:
    """A namesake in 张北: neither Dave nor Bob may see or add him."""
    return register(cast.carol, cast.zhangbei_team, name="王建军", serial=7, phone="13900002222")


def candidates(client: Any, shift: Shift, text: str) -> str:
    response = client.get(
        f"/activities/shifts/{shift.pk}/", {"q": text}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    return response.content.decode()


@pytest.mark.parametrize("leader", ["dave", "bob"])
def test_the_add_search_finds_only_volunteers_the_leader_may_see(
    cast, shift, wang, wang_zhangbei, client, leader
):
    login(client, getattr(cast, leader))
    for text in ("王", "wj", "1111"):
        fragment = candidates(client, shift, text)
        assert "王建国" in fragment, text
        assert "王建军" not in fragment, text
        assert "<html" not in fragment
    assert "王建国" not in candidates(client, shift, "2222")
    # Names as on the roster; phone numbers masked.
    assert wang.phone_masked in fragment and "13900001111" not in fragment


def test_the_add_search_finds_a_badge_number(cast, shift, wang, client):
    from vetserve.badges.services import badge_issue

    badge = badge_issue(actor=cast.bob, volunteer=wang)
    assert "王建国" in candidates(login(client, cast.dave), shift, badge.number)


def test_the_add_search_works_without_javascript(cast, shift, wang, client):
    page = login(client, cast.dave).get(f"/activities/shifts/{shift.pk}/", {"q": "王"})
    html = page.content.decode()
    assert "<html" in html and "王建国" in html
    assert f'action="/activities/shifts/{shift.pk}/add/"' in html
    assert f'name="volunteer" value="{wang.pk}"' in html


def test_volunteers_and_auditors_get_no_add_search(cast, shift, wang, client):
    # The same page and search give the leader the candidate: the absence below is the rule,
    # not a broken search.
    leader = login(client, cast.dave).get(f"/activities/shifts/{shift.pk}/", {"q": "王"})
    assert "王建国" in leader.content.decode()
    assert 'name="volunteer"' in leader.content.decode()
    for user in (cast.erin, cast.frank):
        page = login(client, user).get(f"/activities/shifts/{shift.pk}/", {"q": "王"})
        assert page.status_code == 200
        assert "王建国" not in page.content.decode()
        assert 'name="volunteer"' not in page.content.decode()


def test_a_leader_adds_someone_and_comes_back_to_the_same_search(cast, shift, wang, client):
    login(client, cast.dave)
    response = client.post(f"/activities/shifts/{shift.pk}/add/", {"volunteer": wang.pk, "q": "王"})
    assert response.status_code == 302
    assert response["Location"] == f"/activities/shifts/{shift.pk}/?q=%E7%8E%8B#add"
    row = SignUp.objects.get(shift=shift, volunteer=wang)
    assert row.state == "confirmed" and row.added_by == cast.dave
    page = client.get(response["Location"]).content.decode()
    # Now on the roster, and the search says so instead of offering "add" again.
    assert "已报名该班次" in page


def test_a_leader_cannot_add_someone_outside_their_area(cast, shift, wang_zhangbei, client):
    login(client, cast.dave)
    response = client.post(f"/activities/shifts/{shift.pk}/add/", {"volunteer": wang_zhangbei.pk})
    assert response.status_code == 404
    assert not SignUp.objects.exists()


def test_a_full_shift_puts_whoever_is_added_on_the_waitlist(cast, shift, wang, zhao, client):
    third = register(cast.bob, cast.rescue, name="张三", serial=5)
    login(client, cast.bob)
    for volunteer in (wang, zhao, third):
        client.post(f"/activities/shifts/{shift.pk}/add/", {"volunteer": volunteer.pk})
    assert SignUp.objects.filter(shift=shift, state="confirmed").count() == 2
    assert SignUp.objects.get(volunteer=third).state == "waitlisted"
    fragment = candidates(client, shift, "张")
    assert "该班次已满" in fragment and "已报名该班次" in fragment
    page = client.get(f"/activities/shifts/{shift.pk}/").content.decode()
    waitlist = page[page.index("<ol>") : page.index('id="add"')]
    assert "张三" in waitlist and "王建国" not in waitlist


def test_a_leader_adds_someone_not_eligible_only_with_a_reason(cast, activity, wang, client):
    shift = shift_create(
        actor=cast.dave,
        activity=activity,
        post="医疗点",
        starts_at=at(11),
        ends_at=at(11, 12),
        requirements={"max_age": 40},
    )
    login(client, cast.dave)
    fragment = candidates(client, shift, "王")
    assert "年龄超过40岁" in fragment
    assert 'name="override_reason"' in fragment
    client.post(f"/activities/shifts/{shift.pk}/add/", {"volunteer": wang.pk})
    assert not SignUp.objects.exists()
    client.post(
        f"/activities/shifts/{shift.pk}/add/",
        {"volunteer": wang.pk, "override_reason": "经验丰富，身体健康"},
    )
    row = SignUp.objects.get(shift=shift, volunteer=wang)
    assert row.override_reason == "经验丰富，身体健康"


# --- a full number stays out of URLs (issue 12, item 7) -------------------------------------


def test_the_add_search_by_a_full_phone_number_posts_and_the_way_back_carries_no_number(
    cast, shift, wang, client
):
    login(client, cast.dave)
    fragment = client.post(
        f"/activities/shifts/{shift.pk}/", {"q": "13900001111"}, headers={"HX-Request": "true"}
    )
    assert "王建国" in fragment.content.decode() and "HX-Push-Url" not in fragment
    page = client.post(f"/activities/shifts/{shift.pk}/", {"q": "13900001111"})
    assert page.status_code == 200 and 'name="volunteer"' in page.content.decode()
    back = client.post(
        f"/activities/shifts/{shift.pk}/add/", {"volunteer": wang.pk, "q": "13900001111"}
    )
    assert "13900001111" not in back["Location"] and "?s=" in back["Location"]
    assert "王建国" in client.get(back["Location"]).content.decode()


def test_a_full_number_in_the_shift_page_address_is_refused(cast, shift, wang, client):
    page = login(client, cast.dave).get(f"/activities/shifts/{shift.pk}/", {"q": "13900001111"})
    html = page.content.decode()
    assert 'name="volunteer"' not in html  # no candidates
    assert "不能放在网址中" in html or "not accepted in the page address" in html
    assert 'method="post"' in html
