"""Helpers every benchmark's parent process uses (not a benchmark itself)."""

from __future__ import annotations

import os


def postgres_admin_url() -> str:
    """Where a benchmark creates and drops its own database (BENCH_POSTGRES_URL overrides)."""
    return os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def postgres(sql: str) -> None:
    """Run one statement (CREATE/DROP DATABASE) outside a transaction."""
    import psycopg

    with psycopg.connect(postgres_admin_url(), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]
