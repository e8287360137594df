"""Run the project under gunicorn in this process (for `vetserve serve` and `vetserve demo`).

Gunicorn's own master process takes over: it forks the workers and stops them all on Ctrl-C
(SIGINT) or SIGTERM, then exits. Running it in-process, rather than as a child, means there is
no second process to forward signals to or to leave behind.
"""

from __future__ import annotations

import gc
import socket
from typing import Any

from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connections
from gunicorn.app.base import BaseApplication

ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'


class _DjangoServer(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        # Only our options: no gunicorn.conf.py from the working directory and no
        # GUNICORN_CMD_ARGS, so what `vetserve serve` prints is what runs.
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from django.core.wsgi import get_wsgi_application

        application = get_wsgi_application()
        # What is loaded now lives as long as the server: keep it out of the garbage
        # collector's full passes. Otherwise each worker stops every so often to walk Django's
        # whole heap, and as the workers run alike they stop together (a 200 ms stall of every
        # request in flight in the check-in burst, docs/benchmarks.md).
        gc.freeze()
        return application


def tcp_address(bind: str) -> tuple[str, int] | None:
    """(host, port) of a ``HOST:PORT`` or ``[IPv6]:PORT`` bind; None for ``unix:`` and
    ``fd://`` binds."""
    if bind.startswith(("unix:", "fd://")):
        return None
    host, sep, port = bind.rpartition(":")
    if not sep or not port.isdigit():
        return None
    return host.strip("[]") or "0.0.0.0", int(port)  # noqa: S104 - gunicorn's own default


def ensure_free(bind: list[str]) -> None:
    """Refuse an address another program listens on. Workers listen with SO_REUSEPORT, which
    would otherwise let a second `vetserve serve` on the same port quietly take half the
    requests; a plain bind still fails there."""
    for address in filter(None, map(tcp_address, bind)):
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            # As gunicorn does: a port left in TIME_WAIT by an earlier run is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as error:
                raise CommandError(
                    f"Cannot listen on {address[0]}:{address[1]}: {error.strerror}. Is VetServe "
                    "(or another program) already running there? Choose another --bind."
                ) from error


def gunicorn_options(
    *, bind: list[str], workers: int, timeout: int, access_log: bool, threads: int = 1
) -> dict[str, Any]:
    options: dict[str, Any] = {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": timeout,
        "graceful_timeout": min(timeout, 30),
        "proc_name": "vetserve",
        # gunicorn's control socket would sit at one path per user: two servers under one
        # user shared it, and stopping one deleted the other's (issue 17). Nothing uses it.
        "control_socket_disable": True,
        "errorlog": "-",
        # Load Django once in the master; workers fork with it loaded (faster start, shared
        # memory pages).
        "preload_app": True,
        # Each worker listens on its own socket and the kernel spreads new connections over
        # them evenly. On one shared socket the worker that wakes first takes most of a burst
        # of kept-alive connections (54 of 64 once), and its clients wait three times as long
        # (docs/benchmarks.md, check-in burst). TCP only: a Unix socket is one file.
        "reuse_port": hasattr(socket, "SO_REUSEPORT")
        and all(tcp_address(b) is not None for b in bind),
    }
    if access_log:
        options["accesslog"] = "-"
        # gunicorn's default logs the request line with its query string and the Referer:
        # a searched ID or phone number would sit in the log (issue 12, item 7). The path
        # alone, as %(U)s, the status, the size, the time taken and the browser.
        options["access_log_format"] = ACCESS_LOG_FORMAT
    return options


def collect_static() -> None:
    """Hash and compress the static files into STATIC_ROOT before the app loads (whitenoise
    lists STATIC_ROOT once, as it starts). Every start, not only the first: after an upgrade
    the names must match the new files, and an unchanged set costs a few seconds
    (docs/decisions/0005)."""
    if settings.STATIC_MANIFEST:
        call_command("collectstatic", interactive=False, verbosity=0)


def run_gunicorn(
    *, bind: list[str], workers: int, timeout: int, access_log: bool, threads: int = 1
) -> None:
    """Serve until stopped; returns nothing, gunicorn exits the process when it stops.

    With ``threads`` above 1 each worker is gunicorn's threaded worker: it keeps connections
    alive between requests and a slow phone upload holds one thread, not the whole worker."""
    options = gunicorn_options(
        bind=bind, workers=workers, timeout=timeout, access_log=access_log, threads=threads
    )
    if options["reuse_port"]:
        ensure_free(bind)
    collect_static()
    # Forked workers must not share the master's database connections.
    connections.close_all()
    _DjangoServer(options).run()
