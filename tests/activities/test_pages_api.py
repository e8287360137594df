from __future__ import annotations

import pytest

from tests.activities.conftest import requirement_fields
from tests.api.test_api import bearer
from tests.conftest import login
from vetserve.activities.models import SignUp
from vetserve.activities.services import signup_create
from vetserve.audit.models import AuditEntry

OUTSIDERS = ("carol", "mallory")


def test_volunteers_see_published_activities_of_their_county_but_not_drafts(cast, activity, client):
    from tests.activities.conftest import make_activity

    draft = make_activity(cast, publish=False, title="草稿活动")
    page = login(client, cast.erin).get("/activities/")
    assert activity.title in page.content.decode()
    assert "草稿活动" not in page.content.decode()
    assert client.get(f"/activities/{draft.pk}/").status_code == 404


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_see_no_activity_shift_or_campaign(cast, shift, client, who):
    user = getattr(cast, who)
    login(client, user)
    assert shift.activity.title not in client.get("/activities/").content.decode()
    assert (
        shift.activity.title
        not in client.get("/activities/calendar/?month=2031-01").content.decode()
    )
    for url in (
        f"/activities/{shift.activity_id}/",
        f"/activities/{shift.activity_id}/edit/",
        f"/activities/shifts/{shift.pk}/",
    ):
        assert client.get(url).status_code == 404
    assert client.post(f"/activities/shifts/{shift.pk}/signup/").status_code == 404
    api = bearer(user)
    assert api.get("/api/v1/activities").json()["items"] == []
    assert api.get(f"/api/v1/activities/{shift.activity_id}").status_code == 404
    assert api.get(f"/api/v1/activities/shifts/{shift.pk}").status_code == 404
    assert api.post(f"/api/v1/activities/shifts/{shift.pk}/signup").status_code == 404


def test_a_volunteer_signs_up_and_withdraws_on_the_phone_pages(cast, shift, zhao, client):
    login(client, cast.erin)
    page = client.get(f"/activities/shifts/{shift.pk}/").content.decode()
    assert "/signup/" in page
    client.post(f"/activities/shifts/{shift.pk}/signup/")
    row = SignUp.objects.get(shift=shift, volunteer=zhao)
    assert row.state == "confirmed"
    assert shift.post in client.get("/activities/mine/").content.decode()
    client.post(f"/activities/signups/{row.pk}/withdraw/")
    assert SignUp.objects.get(pk=row.pk).state == "withdrawn"


def test_the_shift_page_says_why_a_volunteer_cannot_sign_up(cast, activity, zhao, client):
    from tests.activities.conftest import at
    from vetserve.activities.services import shift_create

    shift = shift_create(
        actor=cast.dave,
        activity=activity,
        post="医疗点",
        starts_at=at(10),
        ends_at=at(10, 12),
        requirements={"max_age": 40},
    )
    page = login(client, cast.erin).get(f"/activities/shifts/{shift.pk}/").content.decode()
    assert "年龄超过40岁" in page
    assert "/signup/" not in page


def test_leaders_see_the_roster_masked_and_a_call_is_audited(cast, shift, zhao, client):
    signup_create(actor=cast.erin, shift=shift, volunteer=zhao)
    row = SignUp.objects.get(shift=shift)
    page = login(client, cast.dave).get(f"/activities/shifts/{shift.pk}/").content.decode()
    assert zhao.phone_masked in page
    assert "13900000003" not in page
    call = client.post(f"/activities/signups/{row.pk}/call/", {"reason": "通知集合"})
    assert "tel:13900000003" in call.content.decode()
    assert AuditEntry.objects.filter(action="shift.call", reason="通知集合").exists()
    # Erin (a volunteer) and Frank (auditor) see no roster and cannot call.
    for user in (cast.erin, cast.frank):
        login(client, user)
        assert "13900000003" not in client.get(f"/activities/shifts/{shift.pk}/").content.decode()
        assert client.post(f"/activities/signups/{row.pk}/call/").status_code == 404


def test_leaders_plan_an_activity_with_recurring_shifts_and_publish_it(cast, client):
    login(client, cast.dave)
    response = client.post(
        "/activities/new/",
        {
            "title": "高速卡口值守",
            "category": "checkpoint",
            "organization": cast.rescue.pk,
            "place": "张承高速崇礼出口",
            "starts_at": "2031-01-01T00:00",
            "ends_at": "2031-03-02T00:00",
        },
    )
    assert response.status_code == 302
    activity_id = int(response["Location"].rstrip("/").split("/")[-1])
    response = client.post(
        f"/activities/{activity_id}/shifts/series/",
        {
            "kind": "rotation",
            "post": "卡口",
            "first_day": "2031-01-01",
            "start": "00:00",
            "shifts_per_day": 3,
            "days": 60,
            "min_people": 3,
            "wanted_people": 4,
            "max_people": 5,
            **requirement_fields(),
        },
    )
    assert response.status_code == 302
    client.post(f"/activities/{activity_id}/status/", {"status": "published"})
    page = client.get(f"/activities/{activity_id}/").content.decode()
    assert page.count("/activities/shifts/") == 180


def test_campaign_pages_show_progress_and_are_scoped(cast, client):
    login(client, cast.bob)
    response = client.post(
        "/activities/campaigns/new/",
        {
            "name": "相约冬奥—扛红旗、当先锋",
            "organization": cast.chongli_fed.pk,
            "starts_on": "2021-11-01",
            "ends_on": "2022-03-31",
            "target_activities": 10,
            "target_volunteers": 400,
            "target_hours": 1000,
            "description": "",
        },
    )
    assert response.status_code == 302
    url = response["Location"]
    assert "相约冬奥" in client.get(url).content.decode()
    login(client, cast.carol)
    assert client.get(url).status_code == 404
    assert "相约冬奥" not in client.get("/activities/campaigns/").content.decode()
    assert bearer(cast.carol).get("/api/v1/activities/campaigns").json()["items"] == []


def test_the_api_mirrors_sign_up_check_and_withdraw(cast, shift, zhao):
    api = bearer(cast.erin)
    listed = api.get("/api/v1/activities").json()["items"]
    assert [a["id"] for a in listed] == [shift.activity_id]
    shifts = api.get(f"/api/v1/activities/{shift.activity_id}/shifts").json()
    assert shifts[0]["staffing"] == "empty"
    assert api.get(f"/api/v1/activities/shifts/{shift.pk}/check").json() == {
        "ok": True,
        "reasons": [],
    }
    created = api.post(f"/api/v1/activities/shifts/{shift.pk}/signup")
    assert created.status_code == 201 and created.json()["state"] == "confirmed"
    again = api.post(f"/api/v1/activities/shifts/{shift.pk}/signup")
    assert again.status_code == 422 and again.json()["code"] == "invalid"
    assert [s["shift_id"] for s in api.get("/api/v1/activities/mine").json()] == [shift.pk]
    withdrawn = api.post(
        f"/api/v1/activities/signups/{created.json()['id']}/withdraw",
        json={},
        content_type="application/json",
    )
    assert withdrawn.json()["state"] == "withdrawn"


def test_leaders_record_outcome_figures_on_the_activity_page(cast, activity, client):
    from vetserve.activities.models import OutcomeType

    snow = OutcomeType.objects.get(code="snow_cleared_m2")
    login(client, cast.dave).post(
        f"/activities/{activity.pk}/outcomes/", {"outcome_type": snow.pk, "quantity": "8000"}
    )
    assert "8000" in client.get(f"/activities/{activity.pk}/").content.decode()
    login(client, cast.erin)
    assert (
        client.post(
            f"/activities/{activity.pk}/outcomes/", {"outcome_type": snow.pk, "quantity": "1"}
        ).status_code
        == 404
    )
