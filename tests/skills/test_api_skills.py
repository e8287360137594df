"""The skills API mirrors the pages: same services, same scoping, JSON errors with codes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.api.test_api import bearer
from tests.skills.conftest import qtype, register
from vetserve.audit.models import AuditEntry
from vetserve.skills import services
from vetserve.skills.models import Qualification, Skill

JSON = "application/json"


@pytest.fixture
def session(cast):
    course = services.course_create(
        actor=cast.dave,
        organizer=cast.rescue,
        name="红十字救护员培训",
        study_hours=Decimal("16"),
        grants_type=qtype("rc_first_aider"),
    )
    return services.session_create(
        actor=cast.dave, course=course, date=date(2022, 1, 10), place="崇礼", capacity=10
    )


def test_everyone_reads_the_catalogue_only_city_admins_change_it(cast):
    body = bearer(cast.erin).get("/api/v1/skills/catalogue").json()
    assert not body["may_edit"]
    first_aider = next(t for t in body["qualification_types"] if t["code"] == "first_aider_senior")
    assert first_aider["includes"] == ["rc_first_aider"]
    new = {"code": "rope", "name": "绳索救援", "category": "rescue"}
    for user in (cast.bob, cast.dave, cast.frank, cast.erin):
        response = bearer(user).post("/api/v1/skills/catalogue/skills", new, content_type=JSON)
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    alice = bearer(cast.alice)
    response = alice.post("/api/v1/skills/catalogue/skills", new, content_type=JSON)
    assert response.status_code == 201
    skill_id = response.json()["id"]
    response = alice.patch(
        f"/api/v1/skills/catalogue/skills/{skill_id}", {"name": "高空绳索救援"}, content_type=JSON
    )
    assert response.json()["name"] == "高空绳索救援"
    response = alice.post(
        "/api/v1/skills/catalogue/qualification-types",
        {"code": "bls", "name": "BLS 证", "validity_days": 730, "includes": ["rc_first_aider"]},
        content_type=JSON,
    )
    assert response.status_code == 201 and response.json()["includes"] == ["rc_first_aider"]
    response = alice.post(
        "/api/v1/skills/catalogue/specialties",
        {"specialty": "攀登兵", "skill_code": "rope", "level": 2},
        content_type=JSON,
    )
    assert response.status_code == 201
    assert AuditEntry.objects.filter(action__startswith="skill_catalogue.").count() == 2


def test_qualifications_through_the_api_add_verify_revoke_and_are_scoped(cast, wang):
    dave = bearer(cast.dave)
    url = f"/api/v1/skills/volunteers/{wang.pk}/qualifications"
    today = timezone.localdate().isoformat()
    body = {"type_code": "rc_first_aider", "number": "HB-1", "issued_on": today}
    response = dave.post(url, body, content_type=JSON)
    assert response.status_code == 201, response.content
    q = response.json()
    assert q["state"] == "unverified"
    for outsider in (cast.carol, cast.mallory, cast.erin):
        client = bearer(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, body, content_type=JSON).status_code == 404
        verify = f"/api/v1/skills/qualifications/{q['id']}/verify"
        assert client.post(verify).status_code == 404
    frank = bearer(cast.frank)
    assert frank.get(url).json()["count"] == 1
    assert frank.post(f"/api/v1/skills/qualifications/{q['id']}/verify").status_code == 403
    response = dave.post(f"/api/v1/skills/qualifications/{q['id']}/verify")
    assert response.json()["verified_at"] is not None
    response = dave.post(
        f"/api/v1/skills/qualifications/{q['id']}/revoke", {"reason": "x"}, content_type=JSON
    )
    assert response.status_code == 422 and response.json()["errors"]["reason"]
    response = dave.post(
        f"/api/v1/skills/qualifications/{q['id']}/revoke", {"reason": "录入错误"}, content_type=JSON
    )
    assert response.json()["state"] == "revoked"


def test_an_unknown_type_code_is_a_field_error(cast, wang):
    url = f"/api/v1/skills/volunteers/{wang.pk}/qualifications"
    response = bearer(cast.dave).post(url, {"type_code": "nope"}, content_type=JSON)
    assert response.status_code == 422
    assert "type_code" in response.json()["errors"]


def test_skills_declared_and_confirmed_through_the_api(cast, wang):
    url = f"/api/v1/skills/volunteers/{wang.pk}/skills"
    response = bearer(cast.dave).post(
        url, {"skill_code": "first_aid", "level": 2}, content_type=JSON
    )
    assert response.status_code == 201 and response.json()["source"] == "confirmed"
    row_id = response.json()["id"]
    assert bearer(cast.carol).get(url).status_code == 404
    confirm = f"/api/v1/skills/volunteer-skills/{row_id}/confirm"
    assert bearer(cast.carol).post(confirm, {}, content_type=JSON).status_code == 404
    response = bearer(cast.bob).post(confirm, {"level": 3}, content_type=JSON)
    assert response.json()["level"] == 3
    assert bearer(cast.bob).get(url).json()["items"][0]["skill_code"] == "first_aid"


def test_courses_sessions_enrolments_and_bulk_results(cast, wang):
    dave = bearer(cast.dave)
    body = {
        "name": "救护员培训",
        "organizer_id": cast.rescue.pk,
        "study_hours": "16",
        "grants_type_code": "rc_first_aider",
    }
    assert bearer(cast.erin).post(
        "/api/v1/skills/courses", body, content_type=JSON
    ).status_code in (
        403,
        404,
    )
    assert (
        bearer(cast.frank).post("/api/v1/skills/courses", body, content_type=JSON).status_code
        == 403
    )
    response = dave.post("/api/v1/skills/courses", body, content_type=JSON)
    assert response.status_code == 201, response.content
    course_id = response.json()["id"]
    response = dave.post(
        f"/api/v1/skills/courses/{course_id}/sessions",
        {"date": "2022-01-10", "place": "崇礼", "capacity": 1},
        content_type=JSON,
    )
    session_id = response.json()["id"]
    other = register(cast.bob, cast.rescue, name="赵铁柱", serial=3, phone="13900003333")
    enrol = f"/api/v1/skills/sessions/{session_id}/enrolments"
    assert dave.post(enrol, {"volunteer_id": wang.pk}, content_type=JSON).status_code == 201
    full = dave.post(enrol, {"volunteer_id": other.pk}, content_type=JSON)
    assert full.status_code == 422
    results = {"results": [{"volunteer_id": wang.pk, "attended": True, "passed": True}]}
    url = f"/api/v1/skills/sessions/{session_id}/results"
    assert bearer(cast.frank).post(url, results, content_type=JSON).status_code == 404
    response = dave.post(url, results, content_type=JSON)
    assert response.status_code == 200 and response.json()[0]["passed"] is True
    assert Qualification.objects.get().volunteer == wang
    bad = {"results": [{"volunteer_id": other.pk, "attended": True}]}
    assert dave.post(url, bad, content_type=JSON).status_code == 422
    for outsider in (cast.carol, cast.mallory):
        client = bearer(outsider)
        assert client.get(f"/api/v1/skills/sessions/{session_id}").status_code == 404
        assert client.get(enrol).status_code == 404
        assert client.get(f"/api/v1/skills/courses/{course_id}").status_code == 404
    assert bearer(cast.carol).get("/api/v1/skills/courses").json()["count"] == 0
    assert dave.get("/api/v1/skills/courses").json()["count"] == 1


def test_the_expiring_list_is_scoped_and_inclusive_of_the_last_day(cast, wang, li):
    today = timezone.localdate()
    for v, days in ((wang, 60), (li, 61)):
        services.qualification_add(
            actor=cast.alice,
            volunteer=v,
            type=qtype("nurse"),
            issued_on=today - timedelta(days=10),
            expires_on=today + timedelta(days=days),
        )
    body = bearer(cast.alice).get("/api/v1/skills/expiring?within=60").json()
    assert [q["volunteer_id"] for q in body["items"]] == [wang.pk]
    assert bearer(cast.alice).get("/api/v1/skills/expiring?within=61").json()["count"] == 2
    assert bearer(cast.carol).get("/api/v1/skills/expiring?within=61").json()["count"] == 1
    assert bearer(cast.mallory).get("/api/v1/skills/expiring").json()["count"] == 0


def test_the_eligibility_check_answers_with_reasons_in_chinese(cast, wang):
    other = register(cast.bob, cast.rescue, name="赵铁柱", serial=3, phone="13900003333")
    services.qualification_add(
        actor=cast.bob,
        volunteer=wang,
        type=qtype("rc_first_aider"),
        issued_on=date(2019, 1, 16),
        verified=True,
    )
    services.volunteer_skill_grant(
        actor=cast.bob, volunteer=other, skill=Skill.objects.get(code="first_aid"), level=1
    )
    body = {
        "org_id": cast.rescue.pk,
        "requirement": {
            "skills": [{"code": "first_aid", "min_level": 2}],
            "qualification_groups": [["rc_first_aider"]],
        },
        "at": "2022-01-16T09:00:00+08:00",
    }
    response = bearer(cast.dave).post("/api/v1/skills/eligibility/check", body, content_type=JSON)
    assert response.status_code == 200, response.content
    by_name = {d["name"]: d for d in response.json()["decisions"]}
    assert by_name["王建国"]["reasons"] == ["无急救技能", "救护员证已于2022-01-15过期"]
    assert by_name["赵铁柱"]["reason_codes"] == ["skill_level_low", "qualification_missing"]
    assert response.json()["eligible_count"] == 0
    # By ids: someone the user cannot see is a 404, as for one volunteer.
    body = {"volunteer_ids": [wang.pk], "requirement": {}, "at": "2022-01-16T09:00:00+08:00"}
    response = bearer(cast.carol).post("/api/v1/skills/eligibility/check", body, content_type=JSON)
    assert response.status_code == 404
    response = bearer(cast.dave).post("/api/v1/skills/eligibility/check", body, content_type=JSON)
    assert response.json()["decisions"][0]["eligible"] is True
    both = {**body, "org_id": cast.rescue.pk}
    response = bearer(cast.dave).post("/api/v1/skills/eligibility/check", both, content_type=JSON)
    assert response.status_code == 422


def test_an_eligibility_check_naming_unknown_codes_is_a_requirement_error(cast, wang):
    body = {
        "volunteer_ids": [wang.pk],
        "requirement": {
            "skills": [{"code": "juggling"}, {"code": "first_aid"}],
            "qualification_groups": [[], ["rc_first_aider", "pilot"]],
        },
    }
    response = bearer(cast.dave).post("/api/v1/skills/eligibility/check", body, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["errors"]["requirement"] == ["未知代码：juggling, pilot"]


def test_the_qualification_list_costs_a_fixed_number_of_queries(
    cast, wang, django_assert_max_num_queries
):
    for code in ("nurse", "physician", "licence_c1"):
        services.qualification_add(
            actor=cast.bob, volunteer=wang, type=qtype(code), issued_on=date(2021, 1, 1)
        )
    client = bearer(cast.bob)
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/skills/volunteers/{wang.pk}/qualifications")
    assert response.json()["count"] == 3


def test_an_age_limit_at_a_chosen_moment_is_refused_to_who_may_not_reveal_the_numbers(cast, wang):
    """Asked at moments of one's choosing, an age limit finds the birthday that the masked ID
    number hides (docs/decisions/0004); checking now, or revealing staff, still may."""
    from django.contrib.auth.models import Permission

    url = "/api/v1/skills/eligibility/check"
    ask = {"volunteer_ids": [wang.pk], "requirement": {"min_age": 40}}
    chosen = {**ask, "at": "2022-01-16T09:00:00+08:00"}
    refused = bearer(cast.dave).post(url, chosen, content_type=JSON)
    assert refused.status_code == 422
    assert "完整身份证号" in refused.json()["errors"]["at"][0]
    assert bearer(cast.dave).post(url, ask, content_type=JSON).status_code == 200
    no_age = {"volunteer_ids": [wang.pk], "requirement": {}, "at": chosen["at"]}
    assert bearer(cast.dave).post(url, no_age, content_type=JSON).status_code == 200
    cast.bob.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    cast.bob = type(cast.bob).objects.get(pk=cast.bob.pk)  # a fresh permission cache
    assert bearer(cast.bob).post(url, chosen, content_type=JSON).status_code == 200
