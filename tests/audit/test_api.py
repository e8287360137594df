from __future__ import annotations

from tests.api.test_api import bearer


def test_audit_entries_are_scoped_to_auditors_and_admins(cast):
    bearer(cast.bob).patch(
        f"/api/v1/orgs/{cast.xiwanzi_team.pk}",
        {"leader_name": "李卫国"},
        content_type="application/json",
    )
    assert bearer(cast.frank).get("/api/v1/audit?action=organization.update").json()["count"] == 1
    assert bearer(cast.alice).get("/api/v1/audit?action=organization.update").json()["count"] == 1
    assert bearer(cast.carol).get("/api/v1/audit?action=organization.update").json()["count"] == 0
    assert bearer(cast.dave).get("/api/v1/audit").json()["count"] == 0


def test_api_lists_count_up_to_the_cap_and_say_when_there_are_more(cast, monkeypatch):
    from vetserve.audit.services import audit_record

    for n in range(4):
        audit_record(actor=cast.bob, action="organization.update", obj=cast.xiwanzi_team,
                     changes={"leader_name": [None, f"李{n}"]})  # fmt: skip
    frank = bearer(cast.frank)
    exact = frank.get("/api/v1/audit").json()
    assert (exact["count"], exact["count_capped"]) == (4, False)
    monkeypatch.setattr("vetserve.core.api.COUNT_CAP", 3)
    capped = frank.get("/api/v1/audit?limit=2&offset=2").json()
    assert (capped["count"], capped["count_capped"]) == (3, True)
    # The rows past the cap are still there to page through.
    assert len(capped["items"]) == 2
    assert frank.get("/api/v1/audit?offset=3").json()["items"] != []
    monkeypatch.setattr("vetserve.core.api.COUNT_CAP", 4)
    exactly = frank.get("/api/v1/audit").json()
    assert (exactly["count"], exactly["count_capped"]) == (4, False)


def test_the_api_list_costs_the_same_queries_for_fifty_entries_as_for_one(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vetserve.audit.services import audit_record

    frank = bearer(cast.frank)
    audit_record(actor=cast.bob, action="organization.update", obj=cast.xiwanzi_team)
    frank.get("/api/v1/audit")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as one:
        assert len(frank.get("/api/v1/audit").json()["items"]) == 1
    for _ in range(49):
        audit_record(actor=cast.bob, action="organization.update", obj=cast.xiwanzi_team)
    with CaptureQueriesContext(connection) as fifty:
        assert len(frank.get("/api/v1/audit?limit=50").json()["items"]) == 50
    assert len(fifty) == len(one)
