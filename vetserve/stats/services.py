"""Writes to the summary tables: folding new ledger entries in, and rebuilding from scratch.

Both run plain SQL that PostgreSQL and SQLite (3.35+) share: ``INSERT … ON CONFLICT … DO
UPDATE SET x = x + excluded.x`` adds to a row or starts it, so two appends of different
organizations touching the same month and category add up in either order (the second waits
for the first's row lock), and ``ON CONFLICT DO NOTHING RETURNING`` tells which volunteers are
active in a month for the first time.

A volunteer is active in a region and month when they have a record (not a correction or
confirmation) there that month; they are counted once at each level above the entry's region
(township, county, city, province), so every level's count is of distinct people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import BigIntegerField, Count, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth, TruncYear

from vetserve.audit.services import audit_record
from vetserve.core.access import Actor
from vetserve.ledger.models import RECORD_SOURCES, LedgerEntry
from vetserve.stats.models import ActiveMonth, ActiveVolunteer, LedgerMonth, Span

# An id rounded down to these is the id of the unit above it at that level (ids are the
# statistical codes padded to 12 digits: docs/decisions/0001).
LEVEL_DIVISORS = (10**10, 10**8, 10**6, 10**3)  # province, city, county, township
ACTIVE_LEVELS = LEVEL_DIVISORS
CHUNK = 500
RECORDS = tuple(s.value for s in RECORD_SOURCES)


def month_of(day: date) -> date:
    return day.replace(day=1)


def units_above(region_id: int) -> set[int]:
    """The units at each counted level that hold ``region_id`` (itself among them when it is a
    unit of such a level)."""
    return {region_id // d * d for d in ACTIVE_LEVELS}


@dataclass
class _Sums:
    minutes: int = 0
    confirmed: int = 0
    records: int = 0


def summaries_add_entries(entries: Sequence[LedgerEntry]) -> None:
    """Fold just-appended ledger entries into the summaries; the ledger calls it inside the
    append's transaction (``ledger.services.AFTER_ENTRIES``), so both commit or neither."""
    if not entries:
        return
    sums: dict[tuple[int, int, date, str], _Sums] = defaultdict(_Sums)
    active: set[tuple[int, str, date, int]] = set()
    for entry in entries:
        month = month_of(entry.service_date)
        row = sums[(entry.region_id, entry.organization_id, month, entry.category)]
        row.minutes += entry.minutes
        row.confirmed += entry.confirmed_minutes
        if entry.source in RECORDS:
            row.records += 1
            year = month.replace(month=1)
            for unit in units_above(entry.region_id):
                active.add((entry.volunteer_id, Span.MONTH, month, unit))
                active.add((entry.volunteer_id, Span.YEAR, year, unit))
    _add_ledger_months(sums)
    _add_active(active)


def _add_ledger_months(sums: dict[tuple[int, int, date, str], _Sums]) -> None:
    table = connection.ops.quote_name(LedgerMonth._meta.db_table)
    sql = (
        f"INSERT INTO {table} (region_id, organization_id, month, category, minutes, "  # noqa: S608 (table names and placeholders only)
        "confirmed_minutes, records) VALUES (%s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (region_id, organization_id, month, category) DO UPDATE SET "
        f"minutes = {table}.minutes + excluded.minutes, "
        f"confirmed_minutes = {table}.confirmed_minutes + excluded.confirmed_minutes, "
        f"records = {table}.records + excluded.records"
    )
    # Sorted, so concurrent appends lock summary rows in one order (no deadlock).
    rows = [
        (region, org, month.isoformat(), category, s.minutes, s.confirmed, s.records)
        for (region, org, month, category), s in sorted(sums.items())
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _add_active(active: set[tuple[int, str, date, int]]) -> None:
    if not active:
        return
    table = connection.ops.quote_name(ActiveVolunteer._meta.db_table)
    firsts: dict[tuple[int, str, str], int] = defaultdict(int)
    ordered = sorted(active)
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            params: list[Any] = []
            for volunteer, span, month, region in chunk:
                params += [volunteer, span, month.isoformat(), region]
            cursor.execute(
                f"INSERT INTO {table} (volunteer_id, span, month, region_id) VALUES {values} "  # noqa: S608 (table names and placeholders only)
                "ON CONFLICT (volunteer_id, span, month, region_id) DO NOTHING "
                "RETURNING region_id, span, month",
                params,
            )
            for region, span, month in cursor.fetchall():
                firsts[(int(region), str(span), str(month)[:10])] += 1
    _add_active_months(firsts)


def _add_active_months(firsts: dict[tuple[int, str, str], int]) -> None:
    if not firsts:
        return
    table = connection.ops.quote_name(ActiveMonth._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (region_id, span, month, volunteers) VALUES (%s, %s, %s, %s) "  # noqa: S608 (table names and placeholders only)
            "ON CONFLICT (region_id, span, month) DO UPDATE SET "
            f"volunteers = {table}.volunteers + excluded.volunteers",
            [(region, span, month, n) for (region, span, month), n in sorted(firsts.items())],
        )


@transaction.atomic
def summaries_rebuild(*, actor: Actor | str | None = None) -> dict[str, int]:
    """Empty the summaries and compute them again from the ledger alone, in one transaction
    (readers see the old figures until it commits). Returns the rows made per table."""
    if connection.vendor == "postgresql":
        # Appends wait for the rebuild: nothing slips between the emptying and the sums.
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(LedgerEntry._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")
    ActiveMonth.objects.all().delete()
    ActiveVolunteer.objects.all().delete()
    LedgerMonth.objects.all().delete()
    entries = LedgerEntry.objects.order_by()
    months = _insert_select(
        LedgerMonth,
        ["region_id", "organization_id", "month", "category", "minutes", "confirmed_minutes",
         "records"],
        entries.annotate(m=TruncMonth("service_date"))
        .values("region_id", "organization_id", "m", "category")
        .annotate(
            s_minutes=Coalesce(Sum("minutes"), 0),
            s_confirmed=Coalesce(Sum("confirmed_minutes"), 0),
            s_records=Count("id", filter=Q(source__in=RECORDS)),
        ),
    )  # fmt: skip
    volunteers = 0
    for span, trunc in ((Span.MONTH, TruncMonth), (Span.YEAR, TruncYear)):
        for divisor in ACTIVE_LEVELS:
            # The unit above at this level, in integer arithmetic both databases share; a
            # unit counted at two levels (a city's own organization) is kept once.
            unit = ExpressionWrapper(
                F("region_id") / Value(divisor) * Value(divisor), output_field=BigIntegerField()
            )
            volunteers += _insert_select(
                ActiveVolunteer,
                ["volunteer_id", "span", "month", "region_id"],
                entries.filter(source__in=RECORDS)
                .annotate(s=Value(span.value), m=trunc("service_date"), unit=unit)
                .values_list("volunteer_id", "s", "m", "unit")
                .distinct(),
                on_conflict_nothing=True,
            )
    counts = _insert_select(
        ActiveMonth,
        ["region_id", "span", "month", "volunteers"],
        ActiveVolunteer.objects.order_by()
        .values("region_id", "span", "month")
        .annotate(n=Count("id")),
    )
    made = {"ledger_months": months, "active_volunteers": volunteers, "active_months": counts}
    audit_record(
        actor=actor, action="stats.rebuild", changes={k: [None, v] for k, v in made.items()}
    )
    return made


def _insert_select(
    model: Any, columns: Iterable[str], rows: Any, *, on_conflict_nothing: bool = False
) -> int:
    """``INSERT INTO model (columns) SELECT …`` from a queryset whose selected values are in
    the same order: the sums never leave the database."""
    sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    # SQLite needs a WHERE before ON CONFLICT in an INSERT … SELECT (its parser would read
    # ON as a join's).
    tail = " WHERE 1 = 1 ON CONFLICT DO NOTHING" if on_conflict_nothing else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM ({sql}) src{tail}",  # noqa: S608 (table names and placeholders only)
            params,
        )
        return max(int(cursor.rowcount), 0)
