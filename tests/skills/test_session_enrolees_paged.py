"""A training session's enrolees are paged with their count (issue 13: 119 on one page), and
recording results on one page leaves the other pages' results as they were."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from tests.conftest import login
from tests.conftest import register_volunteer as register
from vetserve.skills import services
from vetserve.skills.models import Enrolment
from vetserve.skills.views.training import ENROLMENTS_PER_PAGE


def _session(cast, n):
    course = services.course_create(
        actor=cast.dave, organizer=cast.rescue, name="应急救援培训", study_hours=Decimal("8")
    )
    session = services.session_create(
        actor=cast.dave, course=course, date=date(2022, 1, 10), place="崇礼区应急中心", capacity=200
    )
    for i in range(n):
        person = register(
            cast.bob,
            cast.rescue,
            name=f"学员{i:03d}",
            serial=1,
            born=date(1970, 1, 1) + timedelta(days=i),
            phone=f"1390001{i:04d}",
        )
        services.enrolment_add(actor=cast.dave, session=session, volunteer=person)
    return session


def test_a_big_session_shows_its_enrolees_a_page_at_a_time_with_the_count(cast, client):
    n = ENROLMENTS_PER_PAGE + 9
    session = _session(cast, n)
    login(client, cast.dave)
    first = client.get(f"/skills/sessions/{session.pk}/")
    text = first.content.decode()
    assert len(first.context["enrolments"]) == ENROLMENTS_PER_PAGE
    assert f"{n} of 200" in text or f"已报名 {n}" in text or str(n) in text
    assert "学员000" in text and f"学员{n - 1:03d}" not in text
    second = client.get(f"/skills/sessions/{session.pk}/", {"page": 2}).content.decode()
    assert f"学员{n - 1:03d}" in second and "学员000" not in second


def test_recording_results_on_one_page_leaves_the_other_pages_alone(cast, client):
    session = _session(cast, ENROLMENTS_PER_PAGE + 2)
    Enrolment.objects.filter(session=session).update(attended=True)
    last_two = list(Enrolment.objects.filter(session=session).order_by("id"))[-2:]
    login(client, cast.dave)
    body = {"page": "2", f"attended_{last_two[0].pk}": "on"}
    response = client.post(f"/skills/sessions/{session.pk}/results/", body)
    assert response.status_code == 302
    assert response["Location"].endswith("?page=2")
    attended = dict(Enrolment.objects.filter(session=session).values_list("pk", "attended"))
    assert attended[last_two[1].pk] is False
    assert sum(1 for v in attended.values() if v) == ENROLMENTS_PER_PAGE + 1


def test_outsiders_do_not_see_a_sessions_enrolees(cast, client):
    session = _session(cast, 1)
    for who in ("carol", "mallory"):
        assert (
            login(client, getattr(cast, who)).get(f"/skills/sessions/{session.pk}/").status_code
            == 404
        )
