"""Helpers every benchmark's parent process uses (not a benchmark itself)."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any


def postgres_admin_url() -> str:
    """Where a benchmark creates and drops its own database (BENCH_POSTGRES_URL overrides)."""
    return os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def postgres(sql: str) -> None:
    """Run one statement (CREATE/DROP DATABASE) outside a transaction."""
    import psycopg

    with psycopg.connect(postgres_admin_url(), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def timed_ms(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Median and p95 in ms of ``runs`` calls of ``fn``, after three warm-up calls."""
    for _ in range(3):
        fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]
