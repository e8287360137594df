"""The database itself refuses to change or remove a ledger row: tried with raw SQL, on
whichever database the suite runs on (SQLite by default, PostgreSQL in CI)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from tests.ledger.conftest import at
from vetserve.ledger import triggers
from vetserve.ledger.models import LedgerEntry
from vetserve.ledger.services import ledger_entry_record


@pytest.fixture
def entry(cast: Any, snow: Any) -> LedgerEntry:
    return ledger_entry_record(
        actor=cast.dave, volunteer=snow.wang, activity=snow.activity,
        service_date=at(8).date(), minutes=120,
    )  # fmt: skip


def test_a_raw_update_of_a_ledger_row_is_refused(entry: LedgerEntry) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE ledger_ledgerentry SET minutes = 600 WHERE id = %s", [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).minutes == 120


def test_a_raw_delete_of_a_ledger_row_is_refused(entry: LedgerEntry) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM ledger_ledgerentry WHERE id = %s", [entry.pk])
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_the_orm_cannot_edit_or_delete_an_entry_either(entry: LedgerEntry) -> None:
    entry.minutes = 1
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(reason="x")
    assert LedgerEntry.objects.get(pk=entry.pk).minutes == 120


def test_the_triggers_come_back_after_being_suspended(entry: LedgerEntry) -> None:
    with triggers.suspended(connection), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_ledgerentry SET reason = 'x' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_ledgerentry WHERE id = %s", [entry.pk])
