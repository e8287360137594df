"""The ledger through the pages and the API a volunteer, a leader, an administrator and an
outsider use; each list a fixed number of queries whatever its length."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import login
from tests.ledger.conftest import at, stay
from vetserve.ledger.models import LedgerEntry, Source
from vetserve.ledger.services import ledger_entry_record, ledger_from_attendance


def record(cast: Any, snow: Any, minutes: int = 120) -> LedgerEntry:
    return ledger_entry_record(
        actor=cast.dave, volunteer=snow.wang, activity=snow.activity,
        service_date=at(8).date(), minutes=minutes,
    )  # fmt: skip


def test_a_volunteer_sees_my_hours_on_a_phone_from_home(client: Any, cast: Any, snow: Any) -> None:
    record(cast, snow, 150)
    login(client, snow.wang.user)
    assert "/ledger/me/" in client.get("/").text
    page = client.get("/ledger/me/")
    assert page.status_code == 200
    assert "太子城场馆除雪" in page.text and "2.5" in page.text


def test_my_hours_is_for_volunteers_only(client: Any, cast: Any) -> None:
    assert login(client, cast.mallory).get("/ledger/me/").status_code == 404


def test_leaders_and_admins_see_a_volunteers_ledger_outsiders_do_not(
    client: Any, cast: Any, snow: Any
) -> None:
    record(cast, snow)
    for insider in (cast.dave, cast.bob, cast.alice, cast.frank):
        page = login(client, insider).get(f"/ledger/volunteer/{snow.wang.pk}/")
        assert page.status_code == 200 and "太子城场馆除雪" in page.text, insider
    for outsider in (cast.carol, cast.mallory, cast.erin):
        assert login(client, outsider).get(f"/ledger/volunteer/{snow.wang.pk}/").status_code == 404


def test_the_organizations_ledger_filters_and_hides_others_entries(
    client: Any, cast: Any, snow: Any
) -> None:
    entry = record(cast, snow)
    page = login(client, cast.dave).get(f"/ledger/?organization={cast.rescue.pk}&source=leader")
    assert page.status_code == 200 and f"/ledger/entry/{entry.pk}/" in page.text
    filtered = client.get(f"/ledger/?organization={cast.rescue.pk}&source=correction")
    assert f"/ledger/entry/{entry.pk}/" not in filtered.text
    carol = login(client, cast.carol)
    assert carol.get(f"/ledger/?organization={cast.rescue.pk}").status_code == 404
    assert f"/ledger/entry/{entry.pk}/" not in carol.get("/ledger/").text
    assert carol.get(f"/ledger/entry/{entry.pk}/").status_code == 404


def test_a_leader_records_by_hand_and_someone_else_confirms(
    client: Any, cast: Any, snow: Any
) -> None:
    dave = login(client, cast.dave)
    form = dave.get(f"/ledger/volunteer/{snow.wang.pk}/record/")
    assert form.status_code == 200 and "太子城场馆除雪" in form.text
    response = dave.post(
        f"/ledger/volunteer/{snow.wang.pk}/record/",
        {"activity": snow.activity.pk, "service_date": "2022-02-11", "minutes": "240"},
    )
    entry = LedgerEntry.objects.get()
    assert response.status_code == 302 and entry.minutes == 240
    assert "confirm/" not in dave.get(f"/ledger/entry/{entry.pk}/").text
    dave.post(f"/ledger/entry/{entry.pk}/confirm/")
    assert not LedgerEntry.objects.filter(source=Source.CONFIRMATION).exists()
    bob = login(client, cast.bob)
    assert "confirm/" in bob.get(f"/ledger/entry/{entry.pk}/").text
    bob.post(f"/ledger/entry/{entry.pk}/confirm/")
    assert LedgerEntry.objects.filter(source=Source.CONFIRMATION, refers_to=entry).exists()


def test_bad_input_by_hand_is_refused_in_chinese_and_records_nothing(
    client: Any, cast: Any, snow: Any
) -> None:
    response = login(client, cast.dave).post(
        f"/ledger/volunteer/{snow.wang.pk}/record/",
        {"activity": snow.activity.pk, "service_date": "2022-02-20", "minutes": "100000"},
    )
    assert response.status_code == 200 and "field__error" in response.text
    response = client.post(
        f"/ledger/volunteer/{snow.wang.pk}/record/",
        {"activity": snow.activity.pk, "service_date": "2022-02-20", "minutes": "60"},
    )
    assert "日期不在活动期间内（2022-02-11至2022-02-11）。" in response.text
    assert not LedgerEntry.objects.exists()


def test_a_correction_needs_a_reason_on_the_page(client: Any, cast: Any, snow: Any) -> None:
    entry = record(cast, snow)
    bob = login(client, cast.bob)
    assert bob.post(f"/ledger/entry/{entry.pk}/correct/", {"minutes": "60"}).status_code == 200
    response = bob.post(f"/ledger/entry/{entry.pk}/correct/", {"minutes": "60", "reason": "核对"})
    assert response.status_code == 302
    assert LedgerEntry.objects.get(source=Source.CORRECTION).minutes == -60
    carol = login(client, cast.carol)
    assert (
        carol.post(
            f"/ledger/entry/{entry.pk}/correct/", {"minutes": "1", "reason": "x"}
        ).status_code
        == 404
    )


def test_the_volunteer_page_shows_ledger_hours_beside_attendance(
    client: Any, cast: Any, snow: Any
) -> None:
    record(cast, snow, 90)
    page = login(client, cast.bob).get(f"/people/{snow.wang.pk}/")
    assert 'id="ledger-hours"' in page.text and f"/ledger/volunteer/{snow.wang.pk}/" in page.text
    team = client.get(f"/orgs/{cast.rescue.pk}/")
    assert f"/ledger/?organization={cast.rescue.pk}" in team.text


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/ledger/", "/ledger/me/", "/ledger/volunteer/{wang}/"])
def test_ledger_pages_take_the_same_queries_for_one_row_or_many(
    client: Any, cast: Any, snow: Any, url: str
) -> None:
    url = url.format(wang=snow.wang.pk)
    record(cast, snow)
    user = snow.wang.user if "me" in url else cast.bob
    login(client, user)
    one = _queries(client, url)
    for _ in range(8):
        record(cast, snow, 30)
    assert _queries(client, url) == one


# --- the API ---------------------------------------------------------------------------------


def test_the_api_lists_reads_and_balances_in_scope(client: Any, cast: Any, snow: Any) -> None:
    stay(snow, at(8), at(12))
    ledger_from_attendance()
    bob = login(client, cast.bob)
    listed = bob.get("/api/v1/ledger/entries").json()
    assert [e["minutes"] for e in listed["items"]] == [240]
    entry_id = listed["items"][0]["id"]
    assert bob.get(f"/api/v1/ledger/entries/{entry_id}").json()["source"] == "attendance"
    carol = login(client, cast.carol)
    assert carol.get("/api/v1/ledger/entries").json()["count"] == 0
    assert carol.get(f"/api/v1/ledger/entries/{entry_id}").status_code == 404
    wang = login(client, snow.wang.user)
    balance = wang.get("/api/v1/ledger/me/balance").json()
    assert balance["total_minutes"] == 240 and balance["by_year"] == {"2022": 240}
    assert login(client, cast.mallory).get("/api/v1/ledger/me/balance").status_code == 404


def test_the_api_records_corrects_and_confirms(client: Any, cast: Any, snow: Any) -> None:
    dave = login(client, cast.dave)
    body = {"volunteer_id": snow.wang.pk, "activity_id": snow.activity.pk,
            "service_date": "2022-02-11", "minutes": 120}  # fmt: skip
    created = dave.post("/api/v1/ledger/entries", body, content_type="application/json")
    assert created.status_code == 201, created.content
    entry_id = created.json()["id"]
    own = dave.post(f"/api/v1/ledger/entries/{entry_id}/confirmation")
    assert own.status_code == 403
    corrected = login(client, cast.bob).post(
        f"/api/v1/ledger/entries/{entry_id}/corrections",
        {"minutes": 100, "reason": "核对签到表"},
        content_type="application/json",
    )
    assert corrected.status_code == 201 and corrected.json()["minutes"] == -20
    confirmed = client.post(f"/api/v1/ledger/entries/{entry_id}/confirmation")
    assert confirmed.status_code == 201 and confirmed.json()["source"] == "confirmation"


@pytest.mark.parametrize("minutes", [0, 1441, 10**12, "60", 1.5])
def test_the_api_bounds_minutes(client: Any, cast: Any, snow: Any, minutes: Any) -> None:
    body = {"volunteer_id": snow.wang.pk, "activity_id": snow.activity.pk,
            "service_date": "2022-02-11", "minutes": minutes}  # fmt: skip
    response = login(client, cast.dave).post(
        "/api/v1/ledger/entries", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert not LedgerEntry.objects.exists()


def test_outsiders_cannot_write_through_the_api(client: Any, cast: Any, snow: Any) -> None:
    entry = record(cast, snow)
    body = {"volunteer_id": snow.wang.pk, "activity_id": snow.activity.pk,
            "service_date": "2022-02-11", "minutes": 60}  # fmt: skip
    carol = login(client, cast.carol)
    assert (
        carol.post("/api/v1/ledger/entries", body, content_type="application/json").status_code
        == 404
    )
    assert carol.post(f"/api/v1/ledger/entries/{entry.pk}/confirmation").status_code == 404
    frank = login(client, cast.frank)
    assert frank.post(f"/api/v1/ledger/entries/{entry.pk}/confirmation").status_code == 403
    assert LedgerEntry.objects.count() == 1


def test_the_api_refuses_over_long_text_instead_of_cutting_it(
    client: Any, cast: Any, snow: Any
) -> None:
    body = {"volunteer_id": snow.wang.pk, "activity_id": snow.activity.pk,
            "service_date": "2022-02-11", "minutes": 60, "content": "雪" * 2001}  # fmt: skip
    dave = login(client, cast.dave)
    assert (
        dave.post("/api/v1/ledger/entries", body, content_type="application/json").status_code
        == 422
    )
    entry = record(cast, snow)
    too_long = {"minutes": 10, "reason": "因" * 301}
    response = login(client, cast.bob).post(
        f"/api/v1/ledger/entries/{entry.pk}/corrections", too_long, content_type="application/json"
    )
    assert response.status_code == 422
    assert LedgerEntry.objects.count() == 1
