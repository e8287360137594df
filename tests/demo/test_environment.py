from __future__ import annotations

import os
import stat

import pytest

from vetserve.demo.environment import GENERATED_KEYS, prepare_demo_environment, read_env_file

TOUCHED = [
    "VETSERVE_VAR_DIR",
    "VETSERVE_STATIC_ROOT",
    "DATABASE_URL",
    "VETSERVE_DEMO_DATABASE_URL",
    "VETSERVE_ALLOWED_HOSTS",
    *GENERATED_KEYS,
]


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """A process environment without any VetServe settings, restored after the test."""
    for name in TOUCHED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VETSERVE_VAR_DIR", str(tmp_path / "var"))
    return tmp_path / "var"


def test_first_run_creates_var_and_a_private_env_file_with_random_keys(clean_env):
    var = prepare_demo_environment()
    assert var == clean_env
    values = read_env_file(var / "demo.env")
    assert set(values) == set(GENERATED_KEYS)
    assert len(values["VETSERVE_SECRET_KEY"]) >= 50
    assert stat.S_IMODE((var / "demo.env").stat().st_mode) == 0o600
    assert os.environ["VETSERVE_SECRET_KEY"] == values["VETSERVE_SECRET_KEY"]
    assert (var / "static").is_dir()


def test_later_runs_reuse_the_keys_so_sessions_and_encrypted_data_survive(clean_env, monkeypatch):
    prepare_demo_environment()
    first = read_env_file(clean_env / "demo.env")
    for name in TOUCHED[1:]:
        monkeypatch.delenv(name, raising=False)
    prepare_demo_environment()
    assert read_env_file(clean_env / "demo.env") == first
    assert os.environ["VETSERVE_BLIND_INDEX_KEY"] == first["VETSERVE_BLIND_INDEX_KEY"]


def test_an_older_env_file_keeps_its_values_and_gains_only_the_missing_keys(clean_env):
    clean_env.mkdir()
    (clean_env / "demo.env").write_text("# old\nVETSERVE_SECRET_KEY=kept-secret\n")
    prepare_demo_environment()
    values = read_env_file(clean_env / "demo.env")
    assert values["VETSERVE_SECRET_KEY"] == "kept-secret"
    assert set(values) == set(GENERATED_KEYS)


def test_the_demo_always_uses_its_own_sqlite_file_even_when_database_url_is_set(
    clean_env, monkeypatch
):
    monkeypatch.setenv("DATABASE_URL", "postgres://prod@db/vetserve")
    prepare_demo_environment()
    assert os.environ["DATABASE_URL"] == f"sqlite:///{clean_env / 'demo.sqlite3'}"


def test_vetserve_demo_database_url_points_the_demo_elsewhere_on_purpose(clean_env, monkeypatch):
    monkeypatch.setenv("VETSERVE_DEMO_DATABASE_URL", "postgres://me@127.0.0.1/demo")
    prepare_demo_environment()
    assert os.environ["DATABASE_URL"] == "postgres://me@127.0.0.1/demo"


def test_allowed_hosts_cover_loopback_by_default_and_yield_to_the_environment(
    clean_env, monkeypatch
):
    prepare_demo_environment()
    hosts = os.environ["VETSERVE_ALLOWED_HOSTS"].split(",")
    assert {"127.0.0.1", "localhost", "[::1]"} <= set(hosts)
    monkeypatch.setenv("VETSERVE_ALLOWED_HOSTS", "demo.example.cn")
    monkeypatch.setenv("VETSERVE_SECRET_KEY", "from-the-environment")
    prepare_demo_environment()
    assert os.environ["VETSERVE_ALLOWED_HOSTS"] == "demo.example.cn"
    assert os.environ["VETSERVE_SECRET_KEY"] == "from-the-environment"
