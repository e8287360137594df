"""What API fuzzing found (issue 12, item 6): each cause of a server error, of a request that
should have been refused and was accepted, and of an answer the document did not describe.
scripts/fuzz_api.py runs the fuzzer itself in CI; these tests keep each cause fixed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from tests.conftest import register_volunteer
from vetserve.accounts.services import api_token_create
from vetserve.activities.models import Campaign
from vetserve.people.models import Volunteer
from vetserve.skills.models import Course, QualificationType

TOO_BIG = 2**63  # one past SQLite's and PostgreSQL's largest integer


def bearer(user: Any) -> Client:
    _token, raw = api_token_create(user=user, name="hostile")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, body, content_type="application/json")


def patch(client: Client, url: str, body: Any) -> Any:
    return client.patch(url, body, content_type="application/json")


def refused(response: Any) -> dict[str, Any]:
    assert response.status_code == 422, (response.status_code, response.content[:300])
    body: dict[str, Any] = response.json()
    assert body["code"] == "invalid"
    return body


@pytest.fixture
def wang(cast: Any) -> Volunteer:
    return register_volunteer(cast.bob, cast.xiwanzi_team)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/volunteers",
        "/api/v1/orgs",
        "/api/v1/attendance",
        "/api/v1/skills/courses",
        "/api/v1/audit",
    ],
)
def test_an_offset_of_2_to_the_63_is_refused_not_a_server_error(cast, url):
    refused(bearer(cast.root).get(url, {"offset": TOO_BIG}))


def test_an_id_of_2_to_the_63_in_a_path_or_a_filter_is_refused_not_a_server_error(cast):
    client = bearer(cast.root)
    refused(client.get(f"/api/v1/volunteers/{TOO_BIG}"))
    refused(client.get("/api/v1/volunteers", {"org": TOO_BIG}))
    refused(client.get("/api/v1/attendance", {"shift_id": TOO_BIG}))


def test_a_scan_naming_a_shift_or_signup_of_2_to_the_63_is_refused_not_a_server_error(cast):
    scan = {
        "idempotency_key": "3f2b8a4e-9c1d-4e5f-8a7b-6c5d4e3f2a1b",
        "kind": "in",
        "method": "manual",
        "scanned_at": "2026-01-10T08:00:00+08:00",
        "shift_id": TOO_BIG,
        "signup_id": TOO_BIG,
    }
    refused(post(bearer(cast.root), "/api/v1/attendance/scans", {"scans": [scan]}))


def test_an_unknown_volunteer_status_is_refused_not_a_server_error(cast, wang):
    client = bearer(cast.bob)
    for status in ("", "replaced", "lost"):
        refused(
            post(
                client, f"/api/v1/volunteers/{wang.pk}/status", {"to_status": status, "reason": "x"}
            )
        )
    wang.refresh_from_db()
    assert wang.status == "active"


def test_null_in_an_optional_text_of_a_volunteer_clears_it_instead_of_a_server_error(cast, wang):
    client = bearer(cast.bob)
    patch(client, f"/api/v1/volunteers/{wang.pk}", {"address": "西湾子镇1号"})
    response = patch(
        client,
        f"/api/v1/volunteers/{wang.pk}",
        {"address": None, "party": None, "emergency_name": None, "skills_note": None},
    )
    assert response.status_code == 200, response.content
    assert response.json()["address"] == ""
    wang.refresh_from_db()
    assert (wang.address, wang.party, wang.emergency_name) == ("", "", "")


def test_null_for_a_volunteers_name_is_refused(cast, wang):
    assert (
        "name"
        in refused(patch(bearer(cast.bob), f"/api/v1/volunteers/{wang.pk}", {"name": None}))[
            "errors"
        ]
    )


def test_a_text_longer_than_its_column_is_refused_and_nothing_is_stored(cast, wang):
    client = bearer(cast.bob)
    long = "长" * 131_073  # one past the csv module's field limit, far past the column
    body = refused(patch(client, f"/api/v1/volunteers/{wang.pk}", {"address": long}))
    assert "address" in body["errors"]
    refused(post(client, "/api/v1/me/corrections", {"message": long}))
    refused(
        post(client, f"/api/v1/volunteers/{wang.pk}/status", {"to_status": "left", "reason": long})
    )
    wang.refresh_from_db()
    assert wang.address == "" and wang.status == "active"


def test_a_negative_validity_period_is_refused(cast):
    client = bearer(cast.root)
    refused(
        post(
            client,
            "/api/v1/skills/catalogue/qualification-types",
            {"code": "neg", "name": "负有效期", "validity_days": -1},
        )
    )
    refused(
        post(
            client,
            "/api/v1/skills/courses",
            {
                "name": "负有效期课程",
                "organizer_id": cast.chongli_fed.pk,
                "study_hours": "2",
                "grants_validity_days": -30,
            },
        )
    )
    assert not QualificationType.objects.filter(code="neg").exists()
    assert not Course.objects.filter(name="负有效期课程").exists()


def test_a_body_that_is_not_an_object_is_refused(cast, wang):
    client = bearer(cast.bob)
    issued = post(client, "/api/v1/badges", {"volunteer_id": wang.pk})
    assert issued.status_code == 201, issued.content
    badge_id = issued.json()["id"]
    refused(post(client, f"/api/v1/badges/{badge_id}/lost", [None, None]))
    refused(patch(client, f"/api/v1/volunteers/{wang.pk}", [None, None]))
    assert client.get(f"/api/v1/badges/{badge_id}").json()["status"] == "active"


def test_a_number_where_a_date_or_time_is_expected_is_refused(cast, wang):
    client = bearer(cast.bob)
    refused(
        post(
            client,
            f"/api/v1/volunteers/{wang.pk}/memberships",
            {"organization_id": cast.xiwanzi_team.pk, "started_on": 0},
        )
    )
    refused(
        post(
            client,
            "/api/v1/skills/eligibility/check",
            {"volunteer_ids": [wang.pk], "requirement": {}, "at": 0},
        )
    )


def test_false_is_not_a_number(cast):
    body = {
        "name": "除雪",
        "organization_id": cast.chongli_fed.pk,
        "starts_on": "2026-01-01",
        "ends_on": "2026-02-01",
        "target_hours": False,
    }
    assert (
        "target_hours"
        in refused(post(bearer(cast.bob), "/api/v1/activities/campaigns", body))["errors"]
    )
    assert not Campaign.objects.exists()


def test_a_body_that_is_not_json_gets_a_400_in_the_documented_form(cast):
    response = bearer(cast.bob).generic(
        "POST", "/api/v1/tokens", b"\x00", content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad_request"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])  # Chinese by default


def test_a_badge_cannot_be_reissued_a_second_time(cast, wang):
    client = bearer(cast.bob)
    first = post(client, "/api/v1/badges", {"volunteer_id": wang.pk}).json()
    lost = post(client, f"/api/v1/badges/{first['id']}/reissue", {"lost": True})
    assert lost.status_code == 201, lost.content
    # The old badge stays "lost" (a finder who scans it must learn so) …
    assert client.get(f"/api/v1/badges/{first['id']}").json()["status"] == "lost"
    # … and reissuing it again is refused, naming the badge that replaced it.
    again = refused(post(client, f"/api/v1/badges/{first['id']}/reissue", {"lost": True}))
    assert lost.json()["number"] in again["message"]


def test_the_public_verify_documents_its_refusal_of_a_missing_code(client):
    document = client.get("/api/v1/openapi.json").json()
    answers = document["paths"]["/api/v1/public/badges/verify"]["get"]["responses"]
    assert client.get("/api/v1/public/badges/verify").status_code == 422
    assert "422" in answers


def test_a_year_outside_any_service_is_refused(cast, wang):
    refused(patch(bearer(cast.bob), f"/api/v1/volunteers/{wang.pk}", {"enlisted_year": 67556}))
    wang.refresh_from_db()
    assert wang.enlisted_year is None


def test_a_membership_started_on_a_date_stays_one_date(cast, wang):
    response = post(
        bearer(cast.bob),
        f"/api/v1/volunteers/{wang.pk}/memberships",
        {"organization_id": cast.xiwanzi_team.pk, "started_on": "2022-01-01"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["started_on"] == date(2022, 1, 1).isoformat()


def test_a_decimal_given_as_text_must_be_plain_digits_within_its_length(cast):
    client = bearer(cast.root)
    for hours in ("-0000000", "1e3", "+1", "１２"):
        body = {"name": "文字学时", "organizer_id": cast.chongli_fed.pk, "study_hours": hours}
        assert "study_hours" in refused(post(client, "/api/v1/skills/courses", body))["errors"]
    assert not Course.objects.filter(name="文字学时").exists()
    body = {"name": "文字学时", "organizer_id": cast.chongli_fed.pk, "study_hours": "2.5"}
    assert post(client, "/api/v1/skills/courses", body).status_code == 201


def test_a_date_given_as_a_bare_number_in_a_query_is_refused_not_read_as_1970(cast):
    # Found by the fuzzer on the ledger's list: pydantic read ?date_from=0 as 1970-01-01.
    client = bearer(cast.root)
    for value in ("0", "1700000000", "-1", "1e9", " 12 "):
        response = client.get("/api/v1/ledger/entries", {"date_from": value})
        assert response.status_code == 422, value
    assert client.get("/api/v1/ledger/entries", {"date_from": "2026-01-01"}).status_code == 200
