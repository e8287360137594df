"""Leftovers of issue 15: a claim's photo through the API (as the claim page takes one), and
removing a wrongly entered working-day rule (city administrators, with a reason, audited)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import login
from vetserve.audit.models import AuditEntry
from vetserve.ledger.models import HoursClaim, WorkdayRule

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _claim(client: Client, snow: Any, photo: bytes, name: str = "sheet.png") -> Any:
    return client.post(
        "/api/v1/ledger/me/claims/with-photo",
        {
            "activity_id": snow.activity.pk,
            "service_date": "2022-02-11",
            "minutes": "60",
            "evidence": "纸质签到表",
            "photo": SimpleUploadedFile(name, photo, content_type="image/png"),
        },
    )


def test_a_volunteer_claims_hours_with_a_photo_through_the_api(
    client: Any, cast: Any, snow: Any
) -> None:
    response = _claim(login(client, snow.wang.user), snow, PNG)
    assert response.status_code == 201, response.content
    claim = response.json()
    assert claim["has_photo"] is True
    assert HoursClaim.objects.get(pk=claim["id"]).photo
    # The unit's leader sees it; an outsider does not.
    dave = login(Client(), cast.dave)
    photo = dave.get(f"/api/v1/ledger/claims/{claim['id']}/photo")
    assert photo.status_code == 200 and b"".join(photo.streaming_content).startswith(b"\x89PNG")
    for outsider in (cast.carol, cast.mallory):
        answer = login(Client(), outsider).get(f"/api/v1/ledger/claims/{claim['id']}/photo")
        assert answer.status_code == 404


def test_a_photo_that_is_no_image_is_refused_in_chinese_and_nothing_is_saved(
    client: Any, cast: Any, snow: Any
) -> None:
    response = _claim(
        login(client, snow.wang.user), snow, b"%PDF-1.4 not an image", name="sheet.png"
    )
    assert response.status_code == 422
    assert "JPG" in response.text
    assert not HoursClaim.objects.exists()


def test_a_city_administrator_removes_a_wrong_rule_with_a_reason(client: Any, cast: Any) -> None:
    rule = WorkdayRule.objects.create(day=date(2027, 2, 20), is_workday=True, note="国办发明电")
    alice = login(client, cast.alice)
    page = alice.get("/ledger/workdays/")
    assert f"/ledger/workdays/{rule.pk}/remove/" in page.text
    # No reason: refused, the rule stays.
    alice.post(f"/ledger/workdays/{rule.pk}/remove/", {"reason": ""})
    assert WorkdayRule.objects.filter(pk=rule.pk).exists()
    response = alice.post(f"/ledger/workdays/{rule.pk}/remove/", {"reason": "日期录错"})
    assert response.status_code == 302
    assert not WorkdayRule.objects.filter(pk=rule.pk).exists()
    entry = AuditEntry.objects.get(action="ledger.workday_rule_delete")
    assert entry.reason == "日期录错"


def test_nobody_below_the_city_removes_a_rule(client: Any, cast: Any) -> None:
    rule = WorkdayRule.objects.create(day=date(2027, 2, 20), is_workday=True, note="国办发明电")
    for user in (cast.bob, cast.dave, cast.mallory):
        answer = login(Client(), user).post(f"/ledger/workdays/{rule.pk}/remove/", {"reason": "x"})
        assert answer.status_code == 404
    assert WorkdayRule.objects.filter(pk=rule.pk).exists()
