"""The skills pages, through the browser's door: who sees what, who may change what."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.conftest import login
from tests.skills.conftest import qtype, register
from vetserve.audit.models import AuditEntry
from vetserve.notify.models import Notification
from vetserve.skills import services
from vetserve.skills.models import (
    Enrolment,
    MilitarySpecialtyMapping,
    Qualification,
    Skill,
)


@pytest.fixture
def course(cast):
    return services.course_create(
        actor=cast.dave,
        organizer=cast.rescue,
        name="红十字救护员培训",
        study_hours=Decimal("16"),
        grants_type=qtype("rc_first_aider"),
    )


@pytest.fixture
def session(cast, course):
    return services.session_create(
        actor=cast.dave, course=course, date=date(2022, 1, 10), place="崇礼区应急中心", capacity=2
    )


# --- catalogue --------------------------------------------------------------------------------


def test_everyone_logged_in_reads_the_catalogue_but_only_city_admins_edit(client, cast):
    response = login(client, cast.erin).get("/skills/catalogue/")
    assert response.status_code == 200
    assert "救护员证" in response.text and "急救" in response.text
    assert "/skills/catalogue/skills/new/" not in response.text
    for user in (cast.bob, cast.dave, cast.erin, cast.frank, cast.mallory):
        login(client, user)
        assert client.get("/skills/catalogue/skills/new/").status_code == 403
        body = {"code": "x", "name": "X", "category": "rescue", "is_active": "on"}
        assert client.post("/skills/catalogue/skills/new/", body).status_code == 403
    assert not Skill.objects.filter(code="x").exists()
    assert (
        "/skills/catalogue/skills/new/" in login(client, cast.alice).get("/skills/catalogue/").text
    )


def test_a_city_admin_adds_and_edits_catalogue_rows_and_each_change_is_audited(client, cast):
    login(client, cast.alice)
    body = {"code": "rope_rescue", "name": "绳索救援", "category": "rescue", "is_active": "on"}
    assert client.post("/skills/catalogue/skills/new/", body).status_code == 302
    skill = Skill.objects.get(code="rope_rescue")
    body["name"] = "高空绳索救援"
    assert client.post(f"/skills/catalogue/skills/{skill.pk}/edit/", body).status_code == 302
    skill.refresh_from_db()
    assert skill.name == "高空绳索救援"
    first_aider = qtype("rc_first_aider")
    body = {
        "code": "aha_bls",
        "name": "AHA 基础生命支持证",
        "issuing_body": "美国心脏协会",
        "validity_days": "730",
        "includes": [first_aider.pk],
        "is_active": "on",
    }
    assert client.post("/skills/catalogue/types/new/", body).status_code == 302
    assert list(qtype("aha_bls").includes.all()) == [first_aider]
    body = {"specialty": "攀登兵", "skill": skill.pk, "level": "2"}
    assert client.post("/skills/catalogue/specialties/new/", body).status_code == 302
    assert MilitarySpecialtyMapping.objects.get(specialty="攀登兵").level == 2
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "skill_catalogue.create",
        "skill_catalogue.update",
        "qualification_type.create",
        "specialty_mapping.create",
    } <= actions


def test_a_duplicate_skill_code_is_shown_on_the_form(client, cast):
    body = {"code": "first_aid", "name": "另一个急救", "category": "medical"}
    response = login(client, cast.alice).post("/skills/catalogue/skills/new/", body)
    assert response.status_code == 400
    assert 'class="field__error"' in response.text


def test_the_catalogue_page_costs_a_fixed_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    login(client, cast.erin)
    client.get("/skills/catalogue/")
    with django_assert_max_num_queries(9):
        assert client.get("/skills/catalogue/").status_code == 200


# --- one volunteer ----------------------------------------------------------------------------


def test_the_volunteer_page_shows_qualification_states(client, cast, wang):
    today = timezone.localdate()
    services.qualification_add(
        actor=cast.bob, volunteer=wang, type=qtype("physician"), verified=True
    )
    services.qualification_add(
        actor=cast.bob,
        volunteer=wang,
        type=qtype("rc_first_aider"),
        issued_on=today - timedelta(days=1000),
        expires_on=today + timedelta(days=10),
        verified=True,
    )
    services.qualification_add(
        actor=cast.bob, volunteer=wang, type=qtype("licence_c1"), expires_on=date(2020, 1, 1)
    )
    services.qualification_add(actor=cast.bob, volunteer=wang, type=qtype("nurse"), issued_on=today)
    response = login(client, cast.dave).get(f"/skills/volunteer/{wang.pk}/")
    assert response.status_code == 200
    text = response.text
    for label in ("badge--green", "badge--amber", "badge--red", "badge--grey"):
        assert label in text
    assert f"/people/{wang.pk}/" in text  # back to the roster entry


def test_outsiders_get_404_on_a_volunteers_qualifications(client, cast, wang):
    q = services.qualification_add(
        actor=cast.bob, volunteer=wang, type=qtype("physician"), verified=False
    )
    for outsider in (cast.carol, cast.mallory, cast.erin):
        login(client, outsider)
        assert client.get(f"/skills/volunteer/{wang.pk}/").status_code == 404
        assert client.post(f"/skills/qualifications/{q.pk}/verify/").status_code == 404
        body = {"reason": "测试"}
        assert client.post(f"/skills/qualifications/{q.pk}/revoke/", body).status_code == 404
        body = {"type": qtype("nurse").pk, "issued_on": "2022-01-01"}
        assert client.post(f"/skills/volunteer/{wang.pk}/qualifications/", body).status_code == 404
    q.refresh_from_db()
    assert not q.is_verified and not q.is_revoked


def test_the_auditor_reads_but_cannot_verify_or_add(client, cast, wang):
    q = services.qualification_add(actor=cast.bob, volunteer=wang, type=qtype("physician"))
    login(client, cast.frank)
    response = client.get(f"/skills/volunteer/{wang.pk}/")
    assert response.status_code == 200
    assert "/verify/" not in response.text
    assert client.post(f"/skills/qualifications/{q.pk}/verify/").status_code == 403
    body = {"type": qtype("nurse").pk, "issued_on": "2022-01-01"}
    assert client.post(f"/skills/volunteer/{wang.pk}/qualifications/", body).status_code == 403
    assert Qualification.objects.count() == 1


def test_a_leader_adds_a_qualification_with_a_scan_verifies_and_revokes_it(client, cast, wang):
    login(client, cast.dave)
    scan = SimpleUploadedFile("cert.pdf", b"%PDF-1.4 minimal", content_type="application/pdf")
    body = {
        "type": qtype("rc_first_aider").pk,
        "number": "HB-2021-0042",
        "issued_on": "2021-03-01",
        "scan": scan,
    }
    response = client.post(f"/skills/volunteer/{wang.pk}/qualifications/", body)
    assert response.status_code == 302, response.content
    q = Qualification.objects.get()
    assert q.expires_on == date(2024, 2, 29) and not q.is_verified
    assert client.get(f"/skills/qualifications/{q.pk}/scan/").status_code == 200
    login(client, cast.carol)
    assert client.get(f"/skills/qualifications/{q.pk}/scan/").status_code == 404
    login(client, cast.dave)
    client.post(f"/skills/qualifications/{q.pk}/verify/")
    q.refresh_from_db()
    assert q.is_verified
    client.post(f"/skills/qualifications/{q.pk}/revoke/", {"reason": "证书被收回"})
    q.refresh_from_db()
    assert q.is_revoked and q.revoked_reason == "证书被收回"
    actions = list(AuditEntry.objects.filter(object_id=str(q.pk)).values_list("action", flat=True))
    assert {"qualification.add", "qualification.verify", "qualification.revoke"} <= set(actions)
    q.scan.delete(save=False)


def test_a_bad_scan_is_refused_on_the_form(client, cast, wang):
    scan = SimpleUploadedFile("cert.pdf", b"MZ not a pdf")
    body = {"type": qtype("physician").pk, "scan": scan}
    response = login(client, cast.dave).post(f"/skills/volunteer/{wang.pk}/qualifications/", body)
    assert response.status_code == 400
    assert not Qualification.objects.exists()


def test_a_leader_confirms_a_declared_skill(client, cast, wang):
    wang.user = cast.erin
    wang.save(update_fields=["user"])
    first_aid = Skill.objects.get(code="first_aid")
    login(client, cast.erin)
    body = {"skill": first_aid.pk, "level": "2"}
    assert client.post(f"/skills/volunteer/{wang.pk}/skills/", body).status_code == 302
    row = wang.skills.get()
    assert row.source == "self"
    assert client.post(f"/skills/volunteer-skills/{row.pk}/confirm/").status_code == 403
    login(client, cast.dave)
    client.post(f"/skills/volunteer-skills/{row.pk}/confirm/", {"level": "3"})
    row.refresh_from_db()
    assert (row.source, row.level) == ("confirmed", 3)
    login(client, cast.carol)
    assert client.post(f"/skills/volunteer-skills/{row.pk}/confirm/").status_code == 404


# --- courses and sessions ---------------------------------------------------------------------


def test_volunteers_and_auditors_cannot_create_courses(client, cast):
    for user in (cast.erin, cast.frank, cast.mallory):
        assert login(client, user).get("/skills/courses/new/").status_code == 404
    assert login(client, cast.dave).get("/skills/courses/new/").status_code == 200


def test_a_leader_creates_a_course_and_a_session(client, cast):
    login(client, cast.dave)
    body = {
        "name": "山地搜救基础",
        "organizer": cast.rescue.pk,
        "study_hours": "8",
        "content": "绳索、定位",
    }
    response = client.post("/skills/courses/new/", body)
    assert response.status_code == 302
    course = cast.rescue.courses.get()
    body = {"date": "2022-02-01", "place": "太舞", "capacity": "20", "trainer": "张教官"}
    response = client.post(f"/skills/courses/{course.pk}/sessions/new/", body)
    assert response.status_code == 302
    assert course.sessions.get().capacity == 20
    assert "山地搜救基础" in client.get("/skills/courses/").text
    login(client, cast.bob)  # the county admin covers the team's courses too
    assert client.get(f"/skills/courses/{course.pk}/sessions/new/").status_code == 200
    login(client, cast.frank)
    assert client.get(f"/skills/courses/{course.pk}/").status_code == 200
    assert client.get(f"/skills/courses/{course.pk}/sessions/new/").status_code == 404


def test_a_course_cannot_be_placed_outside_the_users_scope(client, cast):
    body = {"name": "X", "organizer": cast.zhangbei_team.pk, "study_hours": "8"}
    response = login(client, cast.dave).post("/skills/courses/new/", body)
    assert response.status_code == 400
    assert not cast.zhangbei_team.courses.exists()


def test_outsiders_get_404_on_sessions(client, cast, session):
    for outsider in (cast.carol, cast.mallory):
        login(client, outsider)
        assert client.get(f"/skills/sessions/{session.pk}/").status_code == 404
        assert client.get(f"/skills/courses/{session.course_id}/").status_code == 404
        assert client.post(f"/skills/sessions/{session.pk}/results/").status_code == 404
    login(client, cast.frank)
    assert client.get(f"/skills/sessions/{session.pk}/").status_code == 200
    assert client.post(f"/skills/sessions/{session.pk}/results/").status_code == 404


def test_enrolment_respects_capacity_and_scope(client, cast, session, wang, li):
    other = register(cast.bob, cast.rescue, name="赵铁柱", serial=3, phone="13900003333")
    third = register(cast.bob, cast.rescue, name="钱大勇", serial=4, phone="13900004444")
    login(client, cast.dave)
    response = client.get(f"/skills/sessions/{session.pk}/?q=赵")
    assert "赵铁柱" in response.text
    body = {"volunteers": [wang.pk, other.pk, third.pk]}
    client.post(f"/skills/sessions/{session.pk}/enrol/", body)
    assert session.enrolments.count() == 2  # capacity 2
    client.post(f"/skills/sessions/{session.pk}/enrol/", {"volunteers": [li.pk]})
    assert not session.enrolments.filter(volunteer=li).exists()  # not his to see


def test_bulk_results_grant_qualifications_to_those_who_passed(client, cast, session, wang):
    other = register(cast.bob, cast.rescue, name="赵铁柱", serial=3, phone="13900003333")
    for v in (wang, other):
        services.enrolment_add(actor=cast.dave, session=session, volunteer=v)
    a, b = Enrolment.objects.order_by("id")
    login(client, cast.dave)
    body = {
        f"attended_{a.pk}": "on",
        f"passed_{a.pk}": "yes",
        f"score_{a.pk}": "92.5",
        f"passed_{b.pk}": "yes",  # absent: not passed whatever is ticked
    }
    response = client.post(f"/skills/sessions/{session.pk}/results/", body)
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.attended, a.passed, a.score) == (True, True, Decimal("92.5"))
    assert (b.attended, b.passed) == (False, False)
    granted = Qualification.objects.get()
    assert granted.volunteer == wang and granted.is_verified
    days = qtype("rc_first_aider").validity_days
    assert granted.expires_on == date(2022, 1, 10) + timedelta(days=days - 1)
    assert "救护员证" in client.get(f"/skills/sessions/{session.pk}/").text
    assert AuditEntry.objects.filter(action="session.results").count() == 1
    # Turning the pass into a fail takes it back.
    body[f"passed_{a.pk}"] = "no"
    client.post(f"/skills/sessions/{session.pk}/results/", body)
    granted.refresh_from_db()
    assert granted.is_revoked


def test_a_bad_score_is_shown_on_the_results_form(client, cast, session, wang):
    e = services.enrolment_add(actor=cast.dave, session=session, volunteer=wang)
    body = {f"attended_{e.pk}": "on", f"score_{e.pk}": "-5"}
    response = login(client, cast.dave).post(f"/skills/sessions/{session.pk}/results/", body)
    assert response.status_code == 400
    assert not Qualification.objects.exists()


def test_the_course_list_costs_a_fixed_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    for n in range(5):
        services.course_create(
            actor=cast.dave, organizer=cast.rescue, name=f"课程{n}", study_hours=Decimal(4)
        )
    login(client, cast.dave)
    with django_assert_max_num_queries(9):
        assert client.get("/skills/courses/").status_code == 200


# --- expiring and the check -------------------------------------------------------------------


def test_the_expiring_page_includes_the_boundary_day_and_excludes_the_day_after(client, cast, wang):
    today = timezone.localdate()
    for days, code in (
        (60, "rc_first_aider"),
        (61, "nurse"),
        (0, "health_check"),
        (-1, "licence_c1"),
    ):
        services.qualification_add(
            actor=cast.bob,
            volunteer=wang,
            type=qtype(code),
            issued_on=today - timedelta(days=400),
            expires_on=today + timedelta(days=days),
            verified=True,
        )
    response = login(client, cast.dave).get("/skills/expiring/?within=60")
    text = response.text
    assert "救护员证" in text and "健康体检证明" in text
    assert "护士执业证书" not in text and "机动车驾驶证（C1）" not in text
    assert cast.rescue.name in text
    assert "救护员证" not in client.get("/skills/expiring/?within=59").text
    assert "救护员证" not in login(client, cast.carol).get("/skills/expiring/").text


def test_the_expiring_page_costs_a_fixed_number_of_queries(
    client, cast, wang, li, django_assert_max_num_queries
):
    today = timezone.localdate()
    for v in (wang, li):
        services.qualification_add(
            actor=cast.alice,
            volunteer=v,
            type=qtype("nurse"),
            issued_on=today,
            expires_on=today + timedelta(days=5),
        )
    login(client, cast.alice)
    with django_assert_max_num_queries(8):
        assert client.get("/skills/expiring/").status_code == 200


def test_the_check_page_lists_the_eligible_and_gives_reasons_for_the_rest(client, cast, wang):
    other = register(cast.bob, cast.rescue, name="赵铁柱", serial=3, phone="13900003333")
    services.qualification_add(
        actor=cast.bob,
        volunteer=wang,
        type=qtype("first_aider_senior"),
        verified=True,
        issued_on=timezone.localdate(),
    )
    params = {
        "organization": cast.rescue.pk,
        "qualifications": [qtype("rc_first_aider").pk],
        "verified_only": "on",
        "min_level": "1",
    }
    response = login(client, cast.dave).get("/skills/check/", params)
    assert response.status_code == 200
    text = response.text
    assert "王建国" in text and other.name in text
    assert "无救护员证" in text
    login(client, cast.carol)
    response = client.get("/skills/check/", params)
    assert "王建国" not in response.text  # not her organization to pick


# --- notifications ----------------------------------------------------------------------------


def test_notifications_list_only_ones_own_and_mark_as_read(client, cast):
    mine = Notification.objects.create(user=cast.dave, title="救护员证即将到期")
    theirs = Notification.objects.create(user=cast.bob, title="别人的通知")
    login(client, cast.dave)
    response = client.get("/notifications/")
    assert "救护员证即将到期" in response.text and "别人的通知" not in response.text
    assert 'class="nav-count"' in response.text
    client.post("/notifications/read/", {"id": [mine.pk, theirs.pk]})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    assert 'class="nav-count"' not in client.get("/notifications/").text


def test_the_enrolment_search_by_id_number_posts_and_a_number_in_the_address_is_refused(
    client, cast, session, wang
):
    from vetserve.people.services import volunteer_reveal_value

    number = volunteer_reveal_value(wang, "id_number")
    login(client, cast.dave)
    found = client.post(f"/skills/sessions/{session.pk}/", {"q": number})
    assert found.status_code == 200
    assert f'name="volunteers" value="{wang.pk}"' in found.text
    assert 'method="post" action="#enrol"' in found.text
    refused = client.get(f"/skills/sessions/{session.pk}/", {"q": number})
    assert f'name="volunteers" value="{wang.pk}"' not in refused.text
    assert "不能放在网址中" in refused.text or "not accepted in the page address" in refused.text


def test_the_catalogue_shows_names_and_validity_in_years_not_codes_or_days(client, cast):
    page = login(client, cast.alice).get("/skills/catalogue/").content.decode()
    body = page.split("<main", 1)[-1]
    assert "10 年" in body and "3 年" in body and "3652 天" not in body
    assert "<code>first_aid</code>" not in body
    assert 'title="代码：first_aid">急救</span>' in body
    assert "2 · 熟练" in body  # a military specialty's level as its name


def test_a_validity_reads_as_years_months_or_days():
    from vetserve.skills.models import validity_text

    assert [validity_text(d) for d in (3652, 1096, 365, 183, 45, None)] == [
        "10 年",
        "3 年",
        "1 年",
        "6 个月",
        "45 天",
        "长期有效",
    ]


def test_the_eligibility_check_ticks_skills_and_qualifications_instead_of_ctrl_click(client, cast):
    page = login(client, cast.alice).get("/skills/check/").content.decode()
    assert 'type="checkbox" name="skills"' in page
    assert 'type="checkbox" name="qualifications"' in page
    assert '<select name="skills"' not in page and " multiple" not in page
