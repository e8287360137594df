"""Database helpers that differ by backend."""

from __future__ import annotations

from django.db import connection


def refresh_planner_statistics(*tables: str) -> None:
    """Let the query planner see a table's new size after a bulk load.

    SQLite keeps no statistics until ANALYZE runs, and without them it picks a full scan and
    sort for the first roster page (316 ms instead of 54 ms at 100,000 volunteers, see
    docs/benchmarks.md). PostgreSQL's autovacuum would catch up later; asking now costs little.
    """
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
