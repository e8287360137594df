"""Planning through the API: campaigns, activities, status, shifts (one and recurring) and
outcome figures, with the same services, scoping and refusals as the pages."""

from __future__ import annotations

from typing import Any

import pytest

from tests.activities.conftest import make_activity, register
from tests.api.test_api import bearer
from vetserve.activities.models import Activity, Campaign, Shift, SignUp
from vetserve.activities.services import signup_create

API = "/api/v1/activities"
OUTSIDERS = ("carol", "mallory")


def post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def patch(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, body, content_type="application/json")


def activity_body(cast: Any, **extra: Any) -> dict[str, Any]:
    return {
        "title": "高速卡口值守",
        "category": "checkpoint",
        "organization_id": cast.rescue.pk,
        "place": "张承高速崇礼出口",
        "starts_at": "2031-01-01T00:00:00+08:00",
        "ends_at": "2031-03-02T00:00:00+08:00",
        **extra,
    }


def shift_body(**extra: Any) -> dict[str, Any]:
    return {
        "post": "卡口",
        "starts_at": "2031-01-10T08:00:00+08:00",
        "ends_at": "2031-01-10T12:00:00+08:00",
        "min_people": 1,
        "wanted_people": 2,
        "max_people": 2,
        **extra,
    }


@pytest.fixture
def campaign(cast: Any) -> Campaign:
    from vetserve.activities.services import campaign_create

    return campaign_create(
        actor=cast.bob,
        organization=cast.chongli_fed,
        name="相约冬奥",
        starts_on="2031-01-01",
        ends_on="2031-03-31",
    )


# --- campaigns --------------------------------------------------------------------------------


def test_a_county_admin_starts_a_campaign_with_figure_targets_and_changes_it(cast):
    api = bearer(cast.bob)
    created = post(
        api,
        f"{API}/campaigns",
        {
            "name": "相约冬奥—扛红旗、当先锋",
            "organization_id": cast.chongli_fed.pk,
            "starts_on": "2031-01-01",
            "ends_on": "2031-03-31",
            "target_hours": 1000,
            "targets": {"snow_cleared_m2": "60000"},
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["target_hours"] == 1000
    assert body["targets"] == [
        {
            "outcome_type": "snow_cleared_m2",
            "name": "清除冰雪面积",
            "unit": "平方米",
            "quantity": "60000.00",
        }
    ]
    changed = patch(
        api, f"{API}/campaigns/{body['id']}", {"name": "相约冬奥", "targets": {"trips": 50}}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["name"] == "相约冬奥"
    assert [t["outcome_type"] for t in changed.json()["targets"]] == ["trips"]
    listed = api.get(f"{API}/campaigns").json()["items"]
    assert listed[0]["targets"][0]["quantity"] == "50.00"


def test_campaign_mistakes_are_422_with_the_field(cast, campaign):
    api = bearer(cast.bob)
    backwards = patch(api, f"{API}/campaigns/{campaign.pk}", {"ends_on": "2030-01-01"})
    assert backwards.status_code == 422
    assert backwards.json()["code"] == "invalid"
    assert "ends_on" in backwards.json()["errors"]
    unknown = patch(api, f"{API}/campaigns/{campaign.pk}", {"targets": {"nonsense": 1}})
    assert unknown.status_code == 422 and "nonsense" in unknown.json()["message"]
    negative = patch(api, f"{API}/campaigns/{campaign.pk}", {"target_hours": -1})
    assert negative.status_code == 422 and "target_hours" in negative.json()["errors"]
    moved = patch(api, f"{API}/campaigns/{campaign.pk}", {"organization_id": cast.rescue.pk})
    assert moved.status_code == 422 and "organization_id" in moved.json()["errors"]
    assert Campaign.objects.get(pk=campaign.pk).ends_on.year == 2031


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_for_chongli_campaigns_and_cannot_start_one_there(cast, campaign, who):
    api = bearer(getattr(cast, who))
    assert patch(api, f"{API}/campaigns/{campaign.pk}", {"name": "x"}).status_code == 404
    started = post(
        api,
        f"{API}/campaigns",
        {
            "name": "x",
            "organization_id": cast.chongli_fed.pk,
            "starts_on": "2031-01-01",
            "ends_on": "2031-01-02",
        },
    )
    assert started.status_code == 404
    assert started.json()["code"] == "not_found"
    assert Campaign.objects.get(pk=campaign.pk).name == "相约冬奥"


# --- activities and status --------------------------------------------------------------------


def test_a_county_admin_plans_an_activity_adds_a_shift_and_publishes_it(cast, campaign):
    api = bearer(cast.bob)
    created = post(api, API, activity_body(cast, campaign_id=campaign.pk))
    assert created.status_code == 201, created.content
    activity = created.json()
    assert activity["status"] == "draft"
    assert activity["campaign_id"] == campaign.pk
    assert activity["region_id"] == cast.rescue.region_id
    url = f"{API}/{activity['id']}"
    early = post(api, f"{url}/status", {"to_status": "published"})
    assert early.status_code == 422 and "status" in early.json()["errors"]
    shift = post(api, f"{url}/shifts", shift_body(requirements={"max_age": 60}))
    assert shift.status_code == 201, shift.content
    assert shift.json()["requirements"] == {"max_age": 60}
    assert shift.json()["staffing"] == "empty"
    published = post(api, f"{url}/status", {"to_status": "published"})
    assert published.status_code == 200 and published.json()["status"] == "published"
    changed = patch(
        api, url, {"title": "高速卡口值守（一期）", "campaign_id": None, "lat": "40.97"}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["campaign_id"] is None
    assert changed.json()["lat"] == pytest.approx(40.97)
    assert Activity.objects.get(pk=activity["id"]).title == "高速卡口值守（一期）"


def test_cancelling_needs_a_reason_and_a_finished_activity_cannot_be_edited(cast, shift):
    api = bearer(cast.dave)
    url = f"{API}/{shift.activity_id}"
    assert post(api, f"{url}/status", {"to_status": "cancelled"}).status_code == 422
    assert post(api, f"{url}/status", {"to_status": "nonsense"}).status_code == 422
    post(api, f"{url}/status", {"to_status": "under_way"})
    assert post(api, f"{url}/status", {"to_status": "finished"}).json()["status"] == "finished"
    closed = patch(api, url, {"title": "改"})
    assert closed.status_code == 422 and closed.json()["code"] == "invalid"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"starts_at": "2031-01-01T00:00:00"}, "starts_at"),  # no offset: refused, not guessed
        ({"ends_at": "2030-12-01T00:00:00+08:00"}, "ends_at"),
        ({"category": "nonsense"}, "category"),
        ({"title": "   "}, "title"),
        ({"insurance_required": True}, "risk_disclosure"),
        ({"region_code": "130700"}, "region"),  # the city: beyond the team and Dave
    ],
)
def test_activity_mistakes_are_422_and_name_the_field(cast, change, field):
    api = bearer(cast.dave)
    response = post(api, API, activity_body(cast, **change))
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert not Activity.objects.exists()


def test_a_patch_cannot_empty_a_required_field_or_move_the_organizer(cast, activity):
    api = bearer(cast.dave)
    emptied = patch(api, f"{API}/{activity.pk}", {"title": None})
    assert emptied.status_code == 422 and "title" in emptied.json()["errors"]
    moved = patch(api, f"{API}/{activity.pk}", {"organization_id": cast.xiwanzi_team.pk})
    assert moved.status_code == 422 and "organization_id" in moved.json()["errors"]


def test_volunteers_and_auditors_may_look_but_not_plan(cast, shift, campaign):
    erin, frank = bearer(cast.erin), bearer(cast.frank)
    own_team = post(erin, API, activity_body(cast, organization_id=cast.xiwanzi_team.pk))
    assert own_team.status_code == 403 and own_team.json()["code"] == "forbidden"
    own_campaign = post(
        erin,
        f"{API}/campaigns",
        {
            "name": "x",
            "organization_id": cast.xiwanzi_team.pk,
            "starts_on": "2031-01-01",
            "ends_on": "2031-01-02",
        },
    )
    assert own_campaign.status_code == 403
    # Erin sees the published activity (her county), so 403 rather than 404.
    url = f"{API}/{shift.activity_id}"
    for api in (erin, frank):
        assert patch(api, url, {"title": "x"}).status_code == 403
        assert post(api, f"{url}/status", {"to_status": "under_way"}).status_code == 403
        assert post(api, f"{url}/shifts", shift_body()).status_code == 403
        assert patch(api, f"{API}/shifts/{shift.pk}", {"max_people": 5}).status_code == 403
        figure = {"outcome_type": "snow_cleared_m2", "quantity": "1"}
        assert post(api, f"{url}/outcomes", figure).status_code == 403
    assert patch(frank, f"{API}/campaigns/{campaign.pk}", {"name": "x"}).status_code == 403
    assert Shift.objects.get(pk=shift.pk).max_people == 2


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_for_every_write_on_chongli_objects(cast, shift, campaign, who):
    api = bearer(getattr(cast, who))
    url = f"{API}/{shift.activity_id}"
    series = {"kind": "rotation", "post": "卡口", "first_day": "2031-01-02", "start": "00:00"}
    for response in (
        post(api, API, activity_body(cast)),
        post(
            api,
            API,
            activity_body(cast, organization_id=cast.zhangbei_fed.pk, campaign_id=campaign.pk),
        ),
        patch(api, url, {"title": "x"}),
        post(api, f"{url}/status", {"to_status": "cancelled", "reason": "x"}),
        post(api, f"{url}/shifts", shift_body()),
        post(api, f"{url}/shifts/series", series),
        patch(api, f"{API}/shifts/{shift.pk}", {"max_people": 5}),
        api.get(f"{url}/outcomes"),
        post(api, f"{url}/outcomes", {"outcome_type": "snow_cleared_m2", "quantity": "1"}),
    ):
        assert response.status_code == 404, response.content
        assert response.json()["code"] == "not_found"
    assert Shift.objects.count() == 1
    assert Activity.objects.get(pk=shift.activity_id).title == "太舞滑雪小镇清雪"


# --- shifts -----------------------------------------------------------------------------------


def test_recurring_shifts_weekly_and_round_the_clock_as_on_the_page(cast, activity):
    api = bearer(cast.dave)
    url = f"{API}/{activity.pk}/shifts/series"
    weekly = post(
        api,
        url,
        {
            "kind": "weekly",
            "post": "周末清雪",
            "weekdays": [5, 6],
            "first_day": "2031-01-01",
            "last_day": "2031-01-31",
            "start": "22:00",
            "end": "06:00",
            "max_people": 3,
        },
    )
    assert weekly.status_code == 201, weekly.content
    assert len(weekly.json()) == 8  # four Saturdays and four Sundays in January 2031
    assert weekly.json()[0]["starts_at"].startswith("2031-01-04T")
    rotation = post(
        api,
        url,
        {
            "kind": "rotation",
            "post": "卡口",
            "first_day": "2031-01-10",
            "start": "00:00",
            "shifts_per_day": 3,
            "days": 2,
        },
    )
    assert rotation.status_code == 201
    assert len(rotation.json()) == 6
    assert len(set(Shift.objects.filter(post="卡口").values_list("series", flat=True))) == 1
    no_end = post(
        api,
        url,
        {
            "kind": "weekly",
            "post": "x",
            "weekdays": [1],
            "first_day": "2031-01-01",
            "start": "08:00",
        },
    )
    assert no_end.status_code == 422
    uneven = post(
        api,
        url,
        {
            "kind": "rotation",
            "post": "x",
            "first_day": "2031-01-01",
            "start": "00:00",
            "shifts_per_day": 7,
        },
    )
    assert uneven.status_code == 422 and "shifts_per_day" in uneven.json()["errors"]


def test_a_series_past_the_limit_is_refused_before_it_is_built(cast, activity):
    api = bearer(cast.dave)
    url = f"{API}/{activity.pk}/shifts/series"
    endless = {
        "kind": "weekly",
        "post": "x",
        "weekdays": [0, 1, 2, 3, 4, 5, 6],
        "first_day": "2031-01-01",
        "last_day": "9999-12-31",
        "start": "08:00",
        "end": "12:00",
    }
    huge = {"kind": "rotation", "post": "x", "first_day": "2031-01-01", "start": "00:00",
            "shifts_per_day": 24, "days": 1000}  # fmt: skip
    for body in (endless, huge):
        response = post(api, url, body)
        assert response.status_code == 422, response.content
        assert "1000" in response.json()["message"]  # at most 1000 shifts in one step
    assert not Shift.objects.filter(post="x").exists()


def test_changing_a_shift_keeps_its_time_and_never_drops_anyone(cast, shift, wang, zhao):
    api = bearer(cast.bob)
    url = f"{API}/shifts/{shift.pk}"
    signup_create(actor=cast.bob, shift=shift, volunteer=wang)
    signup_create(actor=cast.bob, shift=shift, volunteer=zhao)
    third = register(cast.bob, cast.rescue, name="张三", serial=5)
    waiting = signup_create(actor=cast.bob, shift=shift, volunteer=third)
    assert waiting.state == "waitlisted"
    lowered = patch(api, url, {"max_people": 1, "wanted_people": 1})
    assert lowered.status_code == 422 and "max_people" in lowered.json()["errors"]
    moved = patch(api, url, {"starts_at": "2031-01-10T09:00:00+08:00"})
    assert moved.status_code == 422 and "starts_at" in moved.json()["errors"]
    raised = patch(
        api, url, {"max_people": 3, "post": "停车场东入口", "requirements": {"min_age": 18}}
    )
    assert raised.status_code == 200, raised.content
    assert raised.json()["confirmed"] == 3 and raised.json()["staffing"] == "full"
    assert raised.json()["post"] == "停车场东入口"
    assert raised.json()["requirements"] == {"min_age": 18}
    assert SignUp.objects.get(pk=waiting.pk).state == "confirmed"
    cleared = patch(api, url, {"requirements": None})
    assert cleared.json()["requirements"] == {}
    bad = patch(api, url, {"requirements": {"favourite_colour": "red"}})
    assert bad.status_code == 422


# --- outcome figures --------------------------------------------------------------------------


def test_outcome_figures_are_typed_by_category_with_units(cast, shift):
    api = bearer(cast.dave)
    offered = api.get(f"{API}/outcome-types?category=snow_ice").json()
    codes = [t["code"] for t in offered]
    assert "snow_cleared_m2" in codes and "people_served" in codes
    assert "vehicles_checked" not in codes
    url = f"{API}/{shift.activity_id}/outcomes"
    assert api.get(url).json() == []
    recorded = post(
        api, url, {"outcome_type": "snow_cleared_m2", "quantity": "8000.5", "shift_id": shift.pk}
    )
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["unit"] == "平方米" and recorded.json()["shift_id"] == shift.pk
    post(api, url, {"outcome_type": "people_served", "quantity": 40, "note": "游客"})
    listed = api.get(url).json()
    assert [(o["outcome_type"], o["quantity"]) for o in listed] == [
        ("snow_cleared_m2", "8000.50"),
        ("people_served", "40.00"),
    ]
    # Erin sees the figures of a published activity of her county, as on the page.
    assert len(bearer(cast.erin).get(url).json()) == 2


@pytest.mark.parametrize(
    ("figure", "field"),
    [
        ({"outcome_type": "vehicles_checked", "quantity": 1}, "outcome_type"),  # other category
        ({"outcome_type": "nonsense", "quantity": 1}, "outcome_type"),
        ({"outcome_type": "snow_cleared_m2", "quantity": -1}, "quantity"),
        ({"outcome_type": "snow_cleared_m2", "quantity": "1.234"}, "quantity"),
        ({"outcome_type": "snow_cleared_m2", "quantity": 1, "shift_id": 999999}, "shift_id"),
    ],
)
def test_outcome_mistakes_are_422(cast, activity, figure, field):
    response = post(bearer(cast.dave), f"{API}/{activity.pk}/outcomes", figure)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]


def test_a_figure_for_a_shift_of_another_activity_is_refused(cast, shift):
    other = make_activity(cast, title="另一个活动")
    response = post(
        bearer(cast.dave),
        f"{API}/{other.pk}/outcomes",
        {"outcome_type": "snow_cleared_m2", "quantity": 1, "shift_id": shift.pk},
    )
    assert response.status_code == 422 and "shift_id" in response.json()["errors"]


def test_the_openapi_document_lists_the_planning_endpoints(client):
    # The whole document is validated by tests/api/test_api.py.
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/activities"])
    assert "patch" in paths["/api/v1/activities/{activity_id}"]
    assert "patch" in paths["/api/v1/activities/shifts/{shift_id}"]
    assert "post" in paths["/api/v1/activities/{activity_id}/shifts/series"]
    assert {"get", "post"} <= set(paths["/api/v1/activities/{activity_id}/outcomes"])


def test_requirements_name_skills_and_qualifications_that_exist(cast, activity):
    api = bearer(cast.dave)
    url = f"{API}/{activity.pk}/shifts"
    for requirements, said in (
        ({"skills": [[999999, 1]]}, "skill"),
        ({"qualification_groups": [[999999]]}, "qualification"),
        ({"min_age": 70, "max_age": 30}, "age"),
        ({"health_within_days": 0}, "3650"),
    ):
        response = api.post(
            url,
            shift_body(requirements=requirements),
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 422, response.content
        assert said in response.json()["message"], response.json()
    assert not activity.shifts.exists()
