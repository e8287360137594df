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
