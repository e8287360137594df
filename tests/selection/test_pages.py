"""The pages as people use them: Bob defines and runs a selection, sees the shortlist with
each score broken down; Bob2 (another 崇礼 administrator) approves it; Bob may not approve his
own run; a decided selection never changes, and its export is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import login
from vetserve.audit.models import AuditEntry
from vetserve.ledger.services import ledger_entry_confirm, ledger_entry_record
from vetserve.selection.models import Outcome, Selection, State

pytestmark = pytest.mark.django_db


def form_data(cast: Any, world: Any, **extra: Any) -> dict[str, Any]:
    data = {
        "name": "冬奥城市志愿者选拔",
        "purpose": "交通枢纽与酒店",
        "organization": cast.chongli_fed.pk,
        "pool_organization": cast.rescue_sub.pk,
        "pool_status": "active",
        "min_age": 18,
        "max_age": 65,
        "suspension_free_days": 365,
        "reserve_size": 5,
        "weight_hours": 100,
        "weight_training": 0,
        "weight_no_shows": 0,
        "weight_party": 0,
        "weight_distance": 0,
        "post_1_name": "酒店",
        "post_1_quota": 2,
        "post_2_name": "接驳车",
        "post_2_quota": 1,
        "post_2_qualification": world.licence.pk,
    }
    data.update(extra)
    return data


def define_and_run(client: Client, cast: Any, world: Any) -> Selection:
    login(client, cast.bob)
    response = client.post("/selections/new/", form_data(cast, world))
    assert response.status_code == 302, response.content.decode()[:2000]
    selection = Selection.objects.get()
    response = client.post(f"/selections/{selection.pk}/run/")
    assert response.status_code == 302
    selection.refresh_from_db()
    return selection


def test_bob_defines_and_runs_a_selection_and_sees_the_breakdown(client, cast, world):
    selection = define_and_run(client, cast, world)
    assert selection.state == State.PROPOSED
    page = client.get(f"/selections/{selection.pk}/").content.decode()
    assert "甲" in page and "乙" in page
    assert "接驳车" in page
    # The breakdown: raw hours, normalised value, weight and points.
    assert "6.0" in page and "× 100 = 100.0" in page
    # Bob ran it: he is told another administrator decides, and has no decision buttons.
    assert 'value="approve"' not in page


def test_a_bad_definition_is_refused_in_words_and_nothing_is_saved(client, cast, world):
    login(client, cast.bob)
    response = client.post(
        "/selections/new/", form_data(cast, world, weight_hours=0, post_1_quota=1001)
    )
    assert response.status_code == 200
    assert "1000" in response.content.decode()
    response = client.post("/selections/new/", form_data(cast, world, weight_hours=0))
    assert response.status_code == 200
    assert not Selection.objects.exists()


def test_the_runner_cannot_approve_their_own_selection(client, cast, world):
    selection = define_and_run(client, cast, world)
    response = client.post(f"/selections/{selection.pk}/decision/", {"decision": "approve"})
    assert response.status_code == 403
    selection.refresh_from_db()
    assert selection.state == State.PROPOSED


def test_a_second_administrator_approves_and_the_decision_is_recorded(client, cast, world):
    selection = define_and_run(client, cast, world)
    login(client, world.bob2)
    page = client.get(f"/selections/{selection.pk}/").content.decode()
    assert 'value="approve"' in page
    response = client.post(f"/selections/{selection.pk}/decision/", {"decision": "approve"})
    assert response.status_code == 302
    selection.refresh_from_db()
    assert selection.state == State.APPROVED
    assert selection.decided_by == world.bob2
    assert AuditEntry.objects.filter(action="selection.approve").count() == 1


def test_rejecting_needs_a_reason(client, cast, world):
    selection = define_and_run(client, cast, world)
    login(client, world.bob2)
    client.post(f"/selections/{selection.pk}/decision/", {"decision": "reject"})
    selection.refresh_from_db()
    assert selection.state == State.PROPOSED
    client.post(
        f"/selections/{selection.pk}/decision/", {"decision": "reject", "reason": "人数不足"}
    )
    selection.refresh_from_db()
    assert selection.state == State.REJECTED
    assert selection.decision_reason == "人数不足"


def test_a_decided_selection_never_changes_when_the_data_does(client, cast, world, snow):
    selection = define_and_run(client, cast, world)
    login(client, world.bob2)
    client.post(f"/selections/{selection.pk}/decision/", {"decision": "approve"})
    before = list(
        selection.candidates.order_by("outcome", "rank").values_list(
            "volunteer_id", "outcome", "post_id", "rank", "score", "breakdown"
        )
    )
    snapshot = Selection.objects.get(pk=selection.pk).snapshot
    # 丁 now serves 8 hours: a new run would pick them first.
    entry = ledger_entry_record(
        actor=cast.dave, volunteer=world.people["丁"], activity=snow.activity,
        service_date=snow.activity.starts_at.date(), minutes=480,
    )  # fmt: skip
    ledger_entry_confirm(actor=cast.bob, entry=entry)
    login(client, cast.bob)
    response = client.post(f"/selections/{selection.pk}/run/", follow=True)
    assert "该选拔已作出决定，结果不再改变。" in response.content.decode()
    after = list(
        selection.candidates.order_by("outcome", "rank").values_list(
            "volunteer_id", "outcome", "post_id", "rank", "score", "breakdown"
        )
    )
    assert after == before
    assert Selection.objects.get(pk=selection.pk).snapshot == snapshot


def test_the_export_of_a_decided_selection_is_audited(client, cast, world):
    selection = define_and_run(client, cast, world)
    response = client.get(f"/selections/{selection.pk}/export.xlsx")
    assert response.status_code == 302  # not decided yet
    login(client, world.bob2)
    client.post(f"/selections/{selection.pk}/decision/", {"decision": "approve"})
    response = client.get(f"/selections/{selection.pk}/export.xlsx")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    entry = AuditEntry.objects.get(action="selection.export")
    assert entry.changes["rows"][1] == selection.candidates.count()


def test_an_auditor_of_the_county_sees_the_shortlist_with_names_as_on_the_roster(
    client, cast, world
):
    selection = define_and_run(client, cast, world)
    # Frank audits 崇礼: he reads the roster (numbers masked), so the names show in full.
    login(client, cast.frank)
    page = client.get(f"/selections/{selection.pk}/").content.decode()
    assert "甲" in page
    # The picked count matches the quotas.
    assert selection.candidates.filter(outcome=Outcome.PICKED).count() == 3


def test_the_list_pages_and_links_to_new_for_administrators(client, cast, world):
    define_and_run(client, cast, world)
    page = client.get("/selections/").content.decode()
    assert "冬奥城市志愿者选拔" in page and "/selections/new/" in page
    login(client, cast.frank)
    page = client.get("/selections/").content.decode()
    assert "冬奥城市志愿者选拔" in page and "/selections/new/" not in page


def test_the_api_defines_runs_decides_and_lists_the_shortlist(client, cast, world):
    from tests.conftest import login as _login

    _login(client, cast.bob)
    body = {
        "organization_id": cast.chongli_fed.pk,
        "name": "城市志愿者",
        "posts": [
            {"name": "酒店", "quota": 2},
            {"name": "接驳车", "quota": 1, "qualification_ids": [world.licence.pk]},
        ],
        "weights": {"hours": 70, "party": 30},
        "pool_organization_id": cast.rescue_sub.pk,
        "min_age": 18,
        "max_age": 65,
    }
    response = client.post("/api/v1/selections", body, content_type="application/json")
    assert response.status_code == 201, response.content
    selection_id = response.json()["id"]
    response = client.post(f"/api/v1/selections/{selection_id}/run")
    assert response.status_code == 200
    assert response.json()["state"] == "proposed"
    assert [c["weight"] for c in response.json()["criteria"]] == [70, 30]
    rows = client.get(f"/api/v1/selections/{selection_id}/candidates").json()
    assert rows["count"] == 3
    assert {part["code"] for part in rows["items"][0]["breakdown"]} == {"hours", "party"}
    response = client.post(
        f"/api/v1/selections/{selection_id}/decision", {"approve": True},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 403
    _login(client, world.bob2)
    response = client.post(
        f"/api/v1/selections/{selection_id}/decision", {"approve": True},
        content_type="application/json",
    )  # fmt: skip
    assert response.json()["state"] == "approved"
    listed = client.get("/api/v1/selections").json()
    assert [s["id"] for s in listed["items"]] == [selection_id]


@pytest.mark.parametrize(
    "change",
    [
        {"posts": []},
        {"posts": [{"name": "酒店", "quota": 1001}]},
        {"weights": {"hours": 101}},
        {"min_age": 10},
        {"reserve_size": 501},
        {"name": "x" * 101},
    ],
)
def test_the_api_refuses_out_of_bounds_values(client, cast, world, change):
    login(client, cast.bob)
    body = {
        "organization_id": cast.chongli_fed.pk,
        "name": "城市志愿者",
        "posts": [{"name": "酒店", "quota": 2}],
        "weights": {"hours": 100},
        **change,
    }
    response = client.post("/api/v1/selections", body, content_type="application/json")
    assert response.status_code in (400, 422)
    assert not Selection.objects.exists()


def test_the_federation_administrators_home_links_to_selections(client, cast):
    login(client, cast.bob)
    assert "/selections/" in client.get("/").content.decode()
    login(client, cast.dave)
    assert "/selections/" not in client.get("/").content.decode()
