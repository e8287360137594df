"""Run the project under gunicorn in this process (for `vetserve serve` and `vetserve demo`).

Gunicorn's own master process takes over: it forks the workers and stops them all on Ctrl-C
(SIGINT) or SIGTERM, then exits. Running it in-process, rather than as a child, means there is
no second process to forward signals to or to leave behind.
"""

from __future__ import annotations

import gc
from typing import Any

from django.db import connections
from gunicorn.app.base import BaseApplication


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


def run_gunicorn(
    *, bind: list[str], workers: int, timeout: int, access_log: bool, threads: int = 1
) -> None:
    """Serve until stopped; returns nothing, gunicorn exits the process when it stops.

    With ``threads`` above 1 each worker is gunicorn's threaded worker: it keeps connections
    alive between requests and a slow phone upload holds one thread, not the whole worker."""
    # Forked workers must not share the master's database connections.
    connections.close_all()
    options: dict[str, Any] = {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": timeout,
        "graceful_timeout": min(timeout, 30),
        "proc_name": "vetserve",
        "errorlog": "-",
        # Load Django once in the master; workers fork with it loaded (faster start, shared
        # memory pages).
        "preload_app": True,
    }
    if access_log:
        options["accesslog"] = "-"
    _DjangoServer(options).run()
