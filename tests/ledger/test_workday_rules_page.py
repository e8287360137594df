"""The working-day rules page: city administrators enter the State Council's days, audited and
bounded; others do not reach it; a year with rules stops being an estimate."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.conftest import login
from vetserve.audit.models import AuditEntry
from vetserve.ledger.models import WorkdayRule
from vetserve.ledger.workdays import due_date


def test_a_city_administrator_enters_a_rule_and_it_is_audited(client: Any, cast: Any) -> None:
    login(client, cast.alice)
    assert due_date(date(2027, 9, 30))[1] is True
    response = client.post(
        "/ledger/workdays/",
        {"day": "2027-10-01", "is_workday": "0", "note": "国办发明电〔2026〕7号"},
    )
    assert response.status_code == 302
    rule = WorkdayRule.objects.get()
    assert (rule.day, rule.is_workday, rule.created_by) == (date(2027, 10, 1), False, cast.alice)
    assert AuditEntry.objects.filter(action="ledger.workday_rule", actor=cast.alice).exists()
    assert due_date(date(2027, 9, 30))[1] is False
    page = client.get("/ledger/workdays/").content.decode()
    assert "2027-10-01" in page and "国办发明电" in page


def test_bad_input_is_refused_in_chinese_and_saves_nothing(client: Any, cast: Any) -> None:
    login(client, cast.alice)
    for data in (
        {"day": "2027-10-01", "is_workday": "0", "note": ""},
        {"day": "2200-10-01", "is_workday": "0", "note": "通知"},
        {"day": "2027-10-01", "is_workday": "0", "note": "通" * 201},
    ):
        response = client.post("/ledger/workdays/", data)
        assert response.status_code == 200
        assert "errorlist" in response.content.decode() or "error" in response.content.decode()
    assert not WorkdayRule.objects.exists()
    client.post("/ledger/workdays/", {"day": "2027-10-01", "is_workday": "0", "note": "通知"})
    again = client.post(
        "/ledger/workdays/", {"day": "2027-10-01", "is_workday": "1", "note": "通知"}
    )
    assert "已有规则" in again.content.decode()
    assert WorkdayRule.objects.count() == 1


def test_only_city_administrators_reach_it(client: Any, cast: Any) -> None:
    for user in (cast.carol, cast.dave, cast.mallory):
        login(client, user)
        assert client.get("/ledger/workdays/").status_code == 404
        client.post("/ledger/workdays/", {"day": "2027-10-01", "is_workday": "0", "note": "x"})
    assert not WorkdayRule.objects.exists()


def test_linked_from_the_overdue_page_for_city_administrators(client: Any, cast: Any) -> None:
    login(client, cast.alice)
    assert "/ledger/workdays/" in client.get("/ledger/overdue/").content.decode()
    login(client, cast.dave)
    assert "/ledger/workdays/" not in client.get("/ledger/overdue/").content.decode()
