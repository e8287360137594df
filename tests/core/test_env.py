from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from vetserve.core.env import env_bool, env_int, parse_database_url


def test_database_url_for_sqlite_turns_on_wal_and_a_busy_timeout():
    config = parse_database_url("sqlite:////srv/vetserve/db.sqlite3")
    assert config["NAME"] == "/srv/vetserve/db.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]  # type: ignore[index]
    assert config["OPTIONS"]["timeout"] == 20  # type: ignore[index]


def test_database_url_for_postgresql_keeps_every_part():
    config = parse_database_url("postgres://vs:p%40ss@db.internal:6432/vetserve?sslmode=require")
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "vs",
        "p@ss",
        "db.internal",
        "6432",
    )
    assert config["NAME"] == "vetserve"
    # Django's default client-side binding unless the URL asks for more.
    assert config["OPTIONS"] == {"sslmode": "require", "options": "-c jit=off"}
    assert config["CONN_HEALTH_CHECKS"] is True


def test_database_url_options_django_reads_as_flags_become_booleans():
    config = parse_database_url(
        "postgres://vs@/vetserve?host=/var/run/postgresql&server_side_binding=true"
        "&prepare_threshold=5"
    )
    assert config["OPTIONS"] == {
        "host": "/var/run/postgresql",
        "server_side_binding": True,
        "prepare_threshold": 5,
        "options": "-c jit=off",
    }
    # Behind a pooler that cannot keep prepared statements: both can be turned off.
    off = parse_database_url(
        "postgres://vs@db/vetserve?server_side_binding=0&prepare_threshold=&health_checks=off"
    )
    assert off["OPTIONS"] == {
        "server_side_binding": False,
        "prepare_threshold": None,
        "options": "-c jit=off",
    }
    assert off["CONN_HEALTH_CHECKS"] is False


def test_postgresql_sessions_run_without_jit_unless_the_url_gives_its_own_options():
    mine = parse_database_url("postgres://vs@db/vetserve?options=-c%20work_mem%3D64MB")
    assert mine["OPTIONS"] == {"options": "-c work_mem=64MB"}


def test_a_real_connection_has_jit_off(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_database_url_refuses_a_prepare_threshold_that_is_not_a_number():
    with pytest.raises(ImproperlyConfigured, match="prepare_threshold"):
        parse_database_url("postgres://vs@db/vetserve?prepare_threshold=often")


def test_unknown_database_schemes_fail_loudly():
    with pytest.raises(ImproperlyConfigured):
        parse_database_url("mysql://x/y")


def test_typed_helpers_refuse_values_they_cannot_parse(monkeypatch):
    monkeypatch.setenv("VS_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("VS_FLAG", False)
    monkeypatch.setenv("VS_DAYS", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("VS_DAYS", 1)
    monkeypatch.setenv("VS_DAYS", "30")
    with pytest.raises(ImproperlyConfigured):
        env_int("VS_DAYS", 365, minimum=183)


def test_a_sqlite_file_database_opens_in_wal_mode(tmp_path, django_db_blocker):
    from django.db.backends.sqlite3.base import DatabaseWrapper

    config = parse_database_url(f"sqlite:///{tmp_path / 'wal.sqlite3'}")
    wrapper = DatabaseWrapper(
        {
            **config,
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "TEST": {},
        },
        alias="wal-check",
    )
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 20000
    finally:
        wrapper.close()
