from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command, get_commands

from vetserve import cli
from vetserve.core.management.commands import serve as serve_command


def test_vetserve_help_lists_every_curated_command(capsys):
    assert cli.main(["--help"]) == 0
    shown = capsys.readouterr().out
    for name, description in cli.COMMANDS:
        assert f"  {name}" in shown
        assert description in shown


def test_every_curated_command_exists_under_its_management_command_name():
    available = get_commands()
    missing = [name for name, _ in cli.COMMANDS if name.replace("-", "_") not in available]
    assert missing == []


@pytest.fixture
def gunicorn(monkeypatch):
    """Capture what serve would hand to gunicorn instead of starting a server."""
    started: dict[str, object] = {}
    monkeypatch.setattr(serve_command, "run_gunicorn", lambda **options: started.update(options))
    return started


def serve(*args: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("serve", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_serve_takes_bind_and_workers_from_the_environment(db, gunicorn, monkeypatch):
    monkeypatch.setenv("VETSERVE_BIND", "10.0.0.5:8000,unix:/run/vetserve.sock")
    monkeypatch.setenv("VETSERVE_WORKERS", "3")
    output = serve()
    assert gunicorn["bind"] == ["10.0.0.5:8000", "unix:/run/vetserve.sock"]
    assert gunicorn["workers"] == 3
    assert gunicorn["access_log"] is True
    assert "3 workers" in output


def test_serve_options_win_over_the_environment(db, gunicorn, monkeypatch):
    monkeypatch.setenv("VETSERVE_WORKERS", "3")
    serve("--bind", "127.0.0.1:9000", "--workers", "5", "--timeout", "120", "--no-access-log")
    assert gunicorn == {
        "bind": ["127.0.0.1:9000"],
        "workers": 5,
        "threads": 4,
        "timeout": 120,
        "access_log": False,
    }


def test_serve_defaults_to_loopback_and_a_threaded_worker_per_core(db, gunicorn, monkeypatch):
    """Loopback by default (issue 17): the proxy in front is the way in; a client sent straight
    to the app port could otherwise write its own X-Forwarded-For."""
    for name in ("VETSERVE_BIND", "VETSERVE_WORKERS", "VETSERVE_THREADS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(serve_command.os, "cpu_count", lambda: 8)
    serve()
    assert gunicorn["bind"] == ["127.0.0.1:8000"]
    assert (gunicorn["workers"], gunicorn["threads"]) == (8, 4)
    monkeypatch.setattr(serve_command.os, "cpu_count", lambda: 1)
    serve()
    assert gunicorn["workers"] == 2


def test_serve_check_runs_the_start_up_checks_without_serving(db, gunicorn):
    assert "checks passed" in serve("--check")
    assert gunicorn == {}


def test_serve_refuses_to_run_with_debug_on(db, gunicorn, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="DEBUG"):
        serve()
    assert gunicorn == {}


def test_serve_runs_threaded_workers_when_asked(db, gunicorn, monkeypatch):
    monkeypatch.setenv("VETSERVE_THREADS", "4")
    assert "workers × 4 threads" in serve("--workers", "2")
    assert (gunicorn["workers"], gunicorn["threads"]) == (2, 4)
    serve("--threads", "1")
    assert gunicorn["threads"] == 1
    with pytest.raises(CommandError):
        serve("--threads", "0")


def test_two_servers_under_one_user_share_no_control_socket():
    """Issue 17: gunicorn's control socket sat at one path per user; stopping one server
    deleted the other's. VetServe does not use it."""
    from vetserve.core.management.commands._gunicorn import gunicorn_options

    options = gunicorn_options(bind=["127.0.0.1:8000"], workers=2, timeout=60, access_log=False)
    assert options["control_socket_disable"] is True


def test_workers_listen_on_their_own_sockets_over_tcp_only():
    from vetserve.core.management.commands._gunicorn import gunicorn_options, tcp_address

    tcp = gunicorn_options(bind=["127.0.0.1:8000", "[::1]:8000"], workers=2, timeout=60,
                           access_log=False, threads=4)  # fmt: skip
    assert tcp["reuse_port"] is True
    assert tcp["worker_class"] == "gthread"
    mixed = gunicorn_options(bind=["0.0.0.0:8000", "unix:/run/vetserve.sock"], workers=2,
                             timeout=60, access_log=True)  # fmt: skip
    assert mixed["reuse_port"] is False
    assert mixed["worker_class"] == "sync"
    assert tcp_address("[::1]:8000") == ("::1", 8000)
    assert tcp_address(":8000") == ("0.0.0.0", 8000)  # noqa: S104
    assert tcp_address("unix:/run/vetserve.sock") is None


def test_serve_refuses_a_port_another_program_listens_on():
    import socket

    from vetserve.core.management.commands._gunicorn import ensure_free

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"127.0.0.1:{port}"):
            ensure_free([f"127.0.0.1:{port}"])
    ensure_free([f"127.0.0.1:{port}", "unix:/tmp/not-checked.sock"])  # free again
