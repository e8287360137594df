from __future__ import annotations

from datetime import date

from django.contrib.auth.models import Permission

from tests.api.test_api import bearer
from vetserve.audit.models import AuditEntry
from vetserve.people import services
from vetserve.people.fakes import fictitious_id_number
from vetserve.people.models import Volunteer

ID_1 = fictitious_id_number(
    address_code="130709", birth_date=date(1975, 3, 15), male=True, serial=1
)


def registration(cast, **overrides):
    body = {
        "name": "王建国",
        "id_number": ID_1,
        "phone": "13900001111",
        "residence_region_code": "130709100",
        "home_org_id": cast.xiwanzi_team.pk,
    }
    body.update(overrides)
    return body


def test_county_admin_registers_a_volunteer_and_gets_masked_numbers_back(cast):
    response = bearer(cast.bob).post(
        "/api/v1/volunteers", registration(cast), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id_number_masked"] == ID_1[:6] + "********" + ID_1[-4:]
    assert body["phone_masked"] == "139****1111"
    assert ID_1 not in response.content.decode()
    assert "13900001111" not in response.content.decode()


def test_a_bad_id_number_is_refused_with_a_field_error(cast):
    response = bearer(cast.bob).post(
        "/api/v1/volunteers",
        registration(cast, id_number="1.30722E+17"),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"]["id_number"]
    assert not Volunteer.objects.exists()


def test_the_roster_is_scoped_through_the_api(cast):
    bearer(cast.bob).post("/api/v1/volunteers", registration(cast), content_type="application/json")
    volunteer = Volunteer.objects.get()
    assert bearer(cast.bob).get("/api/v1/volunteers").json()["count"] == 1
    assert bearer(cast.carol).get("/api/v1/volunteers").json()["count"] == 0
    assert bearer(cast.erin).get("/api/v1/volunteers").json()["count"] == 0
    for outsider in (cast.carol, cast.mallory, cast.erin, cast.dave):
        assert bearer(outsider).get(f"/api/v1/volunteers/{volunteer.pk}").status_code == 404
    assert bearer(cast.frank).get(f"/api/v1/volunteers/{volunteer.pk}").status_code == 200


def test_exact_id_search_finds_the_person_without_storing_the_number(cast):
    bearer(cast.bob).post("/api/v1/volunteers", registration(cast), content_type="application/json")
    found = (
        bearer(cast.bob)
        .post("/api/v1/volunteers/search", {"q": ID_1}, content_type="application/json")
        .json()
    )
    assert [v["name"] for v in found["items"]] == ["王建国"]


def test_reveal_through_the_api_needs_the_reveal_right_and_is_logged(cast):
    bearer(cast.bob).post("/api/v1/volunteers", registration(cast), content_type="application/json")
    volunteer = Volunteer.objects.get()
    url = f"/api/v1/volunteers/{volunteer.pk}/reveal"
    body = {"field": "phone", "reason": "通知集合"}
    # Frank audits 崇礼: the permission gives an auditor nothing. Bob administers it.
    cast.frank.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    assert bearer(cast.frank).post(url, body, content_type="application/json").status_code == 403
    response = bearer(cast.bob).post(url, body, content_type="application/json")
    assert response.json() == {"field": "phone", "value": "13900001111"}
    assert AuditEntry.objects.filter(action="volunteer.reveal", reason="通知集合").count() == 1


def test_a_volunteer_downloads_everything_held_about_them_and_asks_for_a_correction(cast):
    volunteer = services.volunteer_register(
        actor=cast.bob,
        name="王建国",
        id_number=ID_1,
        phone="13900001111",
        residence_region=cast.xiwanzi,
        home_org=cast.xiwanzi_team,
    )
    volunteer.user = cast.erin
    volunteer.save(update_fields=["user"])
    erin = bearer(cast.erin)
    data = erin.get("/api/v1/me/data").json()
    assert data["id_number"] == ID_1 and data["phone"] == "13900001111"
    entry = AuditEntry.objects.get(action="volunteer.self_export", actor=cast.erin)
    assert entry.via == "api"
    assert erin.get(f"/api/v1/volunteers/{volunteer.pk}").status_code == 200
    response = erin.post(
        "/api/v1/me/corrections",
        {"message": "电话已换成13700000000"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert bearer(cast.mallory).get("/api/v1/me/data").status_code == 404


def test_memberships_are_added_and_ended_through_the_api(cast):
    bob = bearer(cast.bob)
    bob.post("/api/v1/volunteers", registration(cast), content_type="application/json")
    volunteer = Volunteer.objects.get()
    added = bob.post(
        f"/api/v1/volunteers/{volunteer.pk}/memberships",
        {"organization_id": cast.rescue.pk, "role": "deputy", "started_on": "2021-10-01"},
        content_type="application/json",
    )
    assert added.status_code == 201
    assert bearer(cast.dave).get("/api/v1/volunteers").json()["count"] == 1
    ended = bob.post(
        f"/api/v1/volunteers/{volunteer.pk}/memberships/{added.json()['id']}/end",
        {"ended_on": "2022-03-01"},
        content_type="application/json",
    )
    assert ended.json()["ended_on"] == "2022-03-01"
    assert bearer(cast.dave).get("/api/v1/volunteers").json()["count"] == 0


def test_two_records_of_one_person_are_merged_through_the_api(cast):
    keep = bearer(cast.bob).post(
        "/api/v1/volunteers", registration(cast), content_type="application/json"
    )
    other = fictitious_id_number(
        address_code="130709", birth_date=date(1975, 3, 15), male=True, serial=5
    )
    drop = bearer(cast.bob).post(
        "/api/v1/volunteers",
        registration(cast, id_number=other, phone="13900005555"),
        content_type="application/json",
    )
    body = {"keep_id": keep.json()["id"], "drop_id": drop.json()["id"], "reason": "同一人"}
    outsider = bearer(cast.carol).post(
        "/api/v1/volunteers/merge", body, content_type="application/json"
    )
    assert outsider.status_code == 404
    merged = bearer(cast.bob).post(
        "/api/v1/volunteers/merge", body, content_type="application/json"
    )
    assert merged.status_code == 200, merged.content
    assert Volunteer.objects.get(pk=body["drop_id"]).merged_into_id == body["keep_id"]
