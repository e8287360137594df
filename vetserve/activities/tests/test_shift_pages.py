"""The shift edit page."""

from __future__ import annotations

from typing import Any

import pytest

from vetserve.activities.models import Shift
from vetserve.activities.services import signup_create
from vetserve.conftest import login


def edit_form(**extra: Any) -> dict[str, Any]:
    return {
        "post": "停车场东入口",
        "min_people": 1,
        "wanted_people": 2,
        "max_people": 3,
        "requirements": '{"min_age": 18}',
        "notes": "带铁锹",
        **extra,
    }


# --- editing a shift --------------------------------------------------------------------------


def test_a_leader_changes_a_shift_from_its_page(cast, shift, client):
    login(client, cast.dave)
    page = client.get(f"/activities/shifts/{shift.pk}/").content.decode()
    assert f"/activities/shifts/{shift.pk}/edit/" in page
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


def test_emptying_the_requirements_box_clears_them(cast, shift, client):
    login(client, cast.dave)
    client.post(f"/activities/shifts/{shift.pk}/edit/", edit_form())
    client.post(f"/activities/shifts/{shift.pk}/edit/", edit_form(requirements=""))
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
        # They see the shift, but no edit link on it.
        page = client.get(f"/activities/shifts/{shift.pk}/").content.decode()
        assert "/edit/" not in page
