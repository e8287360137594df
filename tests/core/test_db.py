from __future__ import annotations

from django.db import connection

from vetserve.core.db import refresh_planner_statistics


def test_planner_statistics_are_written_for_a_loaded_table(cast):
    refresh_planner_statistics("orgs_organization")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT tbl FROM sqlite_stat1 WHERE tbl = 'orgs_organization'")
            assert cursor.fetchall()
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'orgs_organization'")
            assert cursor.fetchone()[0] >= 7  # the cast's organizations, now counted
