"""The database's own refusal to change the ledger: triggers that abort any UPDATE or DELETE
of a ledger row, on PostgreSQL and on SQLite (migration 0002; docs/decisions/0007).

Only two things lift them, each for one statement and each by dropping and re-creating the
triggers in the same transaction: the demo builder emptying every table (``suspended``), and
tests that prove a changed row is caught by the chain's verification.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

TABLE = "ledger_ledgerentry"
MESSAGE = "ledger entries are append-only"

SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS ledger_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS ledger_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS ledger_no_update",
    "DROP TRIGGER IF EXISTS ledger_no_delete",
]

POSTGRES_CREATE = [
    f"""CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER ledger_no_change BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS ledger_no_change ON {TABLE}",
    "DROP FUNCTION IF EXISTS ledger_refuse_change()",
]


def statements(vendor: str, *, create: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRES_CREATE if create else POSTGRES_DROP
    if vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    raise NotImplementedError(f"no append-only triggers for {vendor}")


def create(connection: Any) -> None:
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor, create=True):
            cursor.execute(sql)


def drop(connection: Any) -> None:
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor, create=False):
            cursor.execute(sql)


@contextmanager
def suspended(connection: Any) -> Iterator[None]:
    """Run the block with the triggers dropped, and put them back, even when it fails. Only
    for emptying a whole database (the demo builder) and for tests; never for a person's
    write. PostgreSQL's TRUNCATE fires no row trigger, so this matters on SQLite."""
    drop(connection)
    try:
        yield
    finally:
        create(connection)
