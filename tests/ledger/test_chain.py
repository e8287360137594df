"""Tamper evidence: the chain verifies, and a row changed behind the application's back (the
triggers dropped, as only someone with the database's owner rights can) is named."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.conftest import login
from tests.ledger.conftest import at
from vetserve.ledger import triggers
from vetserve.ledger.chain import GENESIS
from vetserve.ledger.models import LedgerEntry
from vetserve.ledger.services import ledger_entry_confirm, ledger_entry_record


def three(cast: Any, snow: Any) -> list[LedgerEntry]:
    entries = [
        ledger_entry_record(
            actor=cast.dave, volunteer=snow.wang, activity=snow.activity,
            service_date=at(8).date(), minutes=minutes,
        )
        for minutes in (60, 90)
    ]  # fmt: skip
    entries.append(ledger_entry_confirm(actor=cast.bob, entry=entries[0]))
    return entries


def tamper(sql: str, params: list[Any]) -> None:
    with triggers.suspended(connection), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_entries_link_to_the_one_before_in_their_organization(cast: Any, snow: Any) -> None:
    first, second, third = three(cast, snow)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert [e.seq for e in (first, second, third)] == [1, 2, 3]


def test_verify_ledger_passes_on_an_intact_chain(cast: Any, snow: Any) -> None:
    three(cast, snow)
    out = StringIO()
    call_command("verify_ledger", stdout=out)
    assert "ok" in out.getvalue() and "3 entries" in out.getvalue()


def test_verify_ledger_names_the_first_altered_row(cast: Any, snow: Any) -> None:
    _, second, _ = three(cast, snow)
    tamper("UPDATE ledger_ledgerentry SET minutes = 900 WHERE id = %s", [second.pk])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_ledger", stdout=out)
    assert f"seq 2 (entry id {second.pk}): hash" in out.getvalue()


def test_a_removed_row_breaks_the_chain(cast: Any, snow: Any) -> None:
    _, second, third = three(cast, snow)
    tamper("DELETE FROM ledger_ledgerentry WHERE id = %s", [second.pk])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_ledger", stdout=out)
    assert f"seq 3 (entry id {third.pk}): gap" in out.getvalue()


def test_the_verification_page_names_the_broken_link_to_auditors(
    client: Any, cast: Any, snow: Any
) -> None:
    _, second, _ = three(cast, snow)
    tamper("UPDATE ledger_ledgerentry SET reason = 'x' WHERE id = %s", [second.pk])
    response = login(client, cast.frank).post("/ledger/verify/")
    assert response.status_code == 200
    assert "崇礼蓝天应急救援队" in response.text
    assert f"在第2条记录处断开（#{second.pk}）" in response.text


def test_the_verification_page_shows_nothing_to_those_without_audit_rights(
    client: Any, cast: Any, snow: Any
) -> None:
    three(cast, snow)
    for outsider in (cast.dave, cast.erin, cast.mallory):
        assert login(client, outsider).get("/ledger/verify/").status_code == 404
    response = login(client, cast.carol).post("/ledger/verify/")
    assert "崇礼蓝天应急救援队" not in response.text
