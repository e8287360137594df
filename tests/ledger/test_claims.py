"""Claims of missed hours: a volunteer claims on a phone from "my hours" with evidence, the
organizing unit approves (never the claimant), approval appends a back-entry and its
confirmation; outsiders neither see nor decide."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import login
from tests.ledger.conftest import at
from vetserve.audit.models import AuditEntry
from vetserve.ledger.models import ClaimState, HoursClaim, LedgerEntry, Source
from vetserve.ledger.selectors import volunteer_balance
from vetserve.ledger.services import hours_claim_decide, hours_claim_submit

DAY = at(8).date().isoformat()


def claim(
    client: Any, snow: Any, minutes: int = 120, evidence: str = "队长张某在场，签到表第3行"
) -> Any:
    login(client, snow.wang.user)
    return client.post(
        "/ledger/claims/new/",
        {"activity": snow.activity.pk, "service_date": DAY, "minutes": minutes,
         "evidence": evidence},
    )  # fmt: skip


def test_a_volunteer_claims_from_my_hours_and_a_leader_approves(
    client: Any, cast: Any, snow: Any
) -> None:
    login(client, snow.wang.user)
    assert "/ledger/claims/new/" in client.get("/ledger/me/").content.decode()
    response = claim(client, snow)
    assert response.status_code == 302
    made = HoursClaim.objects.get()
    assert made.state == ClaimState.PENDING and not LedgerEntry.objects.exists()
    assert AuditEntry.objects.filter(action="ledger.claim").exists()
    # The volunteer sees the claim but cannot decide it.
    page = client.get(f"/ledger/claims/{made.pk}/")
    assert page.status_code == 200 and not page.context["may_decide"]
    assert client.post(f"/ledger/claims/{made.pk}/", {"decision": "approve"}).status_code == 403
    # Dave's work queue counts it; he approves.
    login(client, cast.dave)
    assert "/ledger/claims/?state=pending" in client.get("/").content.decode()
    assert client.post(f"/ledger/claims/{made.pk}/", {"decision": "approve"}).status_code == 302
    made.refresh_from_db()
    assert made.state == ClaimState.APPROVED and made.decided_by == cast.dave
    entry = made.entry
    assert entry is not None
    assert (entry.source, entry.minutes, entry.recorded_by_id) == (
        Source.BACK_ENTRY, 120, snow.wang.user.pk,
    )  # fmt: skip
    confirmation = LedgerEntry.objects.get(refers_to=entry, source=Source.CONFIRMATION)
    assert confirmation.recorded_by_id == cast.dave.pk
    assert volunteer_balance(user=cast.dave, volunteer=snow.wang).confirmed == 120
    assert AuditEntry.objects.filter(action="ledger.claim_approve", actor=cast.dave).exists()
    # Decided once.
    client.post(f"/ledger/claims/{made.pk}/", {"decision": "approve"})
    assert LedgerEntry.objects.count() == 2


def test_a_rejection_needs_a_reason_and_appends_nothing(client: Any, cast: Any, snow: Any) -> None:
    claim(client, snow)
    made = HoursClaim.objects.get()
    login(client, cast.bob)
    response = client.post(f"/ledger/claims/{made.pk}/", {"decision": "reject", "note": ""})
    assert response.status_code == 200 and "驳回" in response.content.decode()
    client.post(f"/ledger/claims/{made.pk}/", {"decision": "reject", "note": "当天未签到"})
    made.refresh_from_db()
    assert made.state == ClaimState.REJECTED and not LedgerEntry.objects.exists()


def test_the_claimant_never_approves_their_own_claim(cast: Any, snow: Any) -> None:
    made = hours_claim_submit(
        actor=snow.wang.user, volunteer=snow.wang, activity=snow.activity,
        service_date=at(8).date(), minutes=60, evidence="签到表",
    )  # fmt: skip
    # A leader who claimed for themself (their account recorded the claim).
    HoursClaim.objects.filter(pk=made.pk).update(recorded_by=cast.dave)
    made.refresh_from_db()
    with pytest.raises(PermissionDenied):
        hours_claim_decide(actor=cast.dave, claim=made, approve=True)
    assert hours_claim_decide(actor=cast.bob, claim=made, approve=True).entry is not None


def test_bad_claims_are_refused_in_chinese_and_save_nothing(
    client: Any, cast: Any, snow: Any
) -> None:
    # Longer than the activity ran on that day (08:00-16:00).
    response = claim(client, snow, minutes=600)
    assert response.status_code == 200 and "活动时间以外" in response.content.decode()
    response = claim(client, snow, evidence="  ")
    assert response.status_code == 200
    response = claim(client, snow, evidence="证" * 1001)
    assert response.status_code == 200
    assert not HoursClaim.objects.exists()
    # Someone else's volunteer record cannot be claimed for: only one's own.
    login(client, cast.mallory)
    assert client.get("/ledger/claims/new/").status_code == 404


def test_outsiders_neither_see_nor_decide(client: Any, cast: Any, snow: Any) -> None:
    claim(client, snow)
    made = HoursClaim.objects.get()
    for user in (cast.carol, cast.mallory):
        login(client, user)
        assert client.get(f"/ledger/claims/{made.pk}/").status_code == 404
        assert client.post(f"/ledger/claims/{made.pk}/", {"decision": "approve"}).status_code == 404
        assert list(client.get("/ledger/claims/").context["claims"]) == []
    made.refresh_from_db()
    assert made.state == ClaimState.PENDING


def test_the_claims_list_takes_the_same_queries_for_one_row_or_many(
    client: Any, cast: Any, snow: Any
) -> None:
    def submit(n: int) -> None:
        hours_claim_submit(
            actor=snow.wang.user, volunteer=snow.wang, activity=snow.activity,
            service_date=at(8).date(), minutes=n, evidence=f"签到表{n}",
        )  # fmt: skip
        HoursClaim.objects.filter(minutes=n).update(state=ClaimState.REJECTED)

    submit(1)
    login(client, cast.dave)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/ledger/claims/").status_code == 200
        return len(captured)

    one = queries()
    for n in range(2, 10):
        submit(n)
    assert queries() == one


# --- the API ---------------------------------------------------------------------------------


def test_the_api_claims_approves_and_keeps_outsiders_out(client: Any, cast: Any, snow: Any) -> None:
    wang = login(client, snow.wang.user)
    body = {"activity_id": snow.activity.pk, "service_date": DAY, "minutes": 90,
            "evidence": "签到表第3行"}  # fmt: skip
    made = wang.post("/api/v1/ledger/me/claims", body, content_type="application/json")
    assert made.status_code == 201, made.content
    claim_id = made.json()["id"]
    bad = wang.post(
        "/api/v1/ledger/me/claims", {**body, "minutes": 5000}, content_type="application/json"
    )
    assert bad.status_code in (400, 422)
    assert wang.post(
        f"/api/v1/ledger/claims/{claim_id}/decision", {"approve": True},
        content_type="application/json",
    ).status_code == 403  # fmt: skip
    carol = login(client, cast.carol)
    assert carol.get("/api/v1/ledger/claims").json()["count"] == 0
    assert carol.get(f"/api/v1/ledger/claims/{claim_id}").status_code == 404
    assert carol.post(
        f"/api/v1/ledger/claims/{claim_id}/decision", {"approve": True},
        content_type="application/json",
    ).status_code == 404  # fmt: skip
    dave = login(client, cast.dave)
    assert dave.get("/api/v1/ledger/claims?state=pending").json()["count"] == 1
    decided = dave.post(
        f"/api/v1/ledger/claims/{claim_id}/decision", {"approve": True},
        content_type="application/json",
    )  # fmt: skip
    assert decided.status_code == 200 and decided.json()["state"] == "approved"
    assert decided.json()["entry_id"] is not None


# --- the photo -------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_a_claim_may_carry_a_photo_seen_only_by_those_who_see_the_claim(
    client: Any, cast: Any, snow: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    login(client, snow.wang.user)
    bad = client.post(
        "/ledger/claims/new/",
        {"activity": snow.activity.pk, "service_date": DAY, "minutes": 60, "evidence": "照片",
         "photo": SimpleUploadedFile("a.png", b"MZ not an image", content_type="image/png")},
    )  # fmt: skip
    assert bad.status_code == 200 and "JPG" in bad.content.decode()
    assert not HoursClaim.objects.exists()
    good = client.post(
        "/ledger/claims/new/",
        {"activity": snow.activity.pk, "service_date": DAY, "minutes": 60, "evidence": "照片",
         "photo": SimpleUploadedFile("a.png", PNG, content_type="image/png")},
    )  # fmt: skip
    assert good.status_code == 302
    made = HoursClaim.objects.get()
    url = f"/ledger/claims/{made.pk}/photo/"
    assert url in client.get(f"/ledger/claims/{made.pk}/").content.decode()
    assert b"".join(client.get(url).streaming_content) == PNG
    login(client, cast.dave)
    assert client.get(url).status_code == 200
    for user in (cast.carol, cast.mallory):
        login(client, user)
        assert client.get(url).status_code == 404
    assert not made.photo.url.startswith("/ledger/")  # stored as media, served only via the page
