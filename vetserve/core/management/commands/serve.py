from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from vetserve.core.env import env_int, env_list
from vetserve.core.management.commands._gunicorn import run_gunicorn


# One process per core (at least two, so one busy worker never stops the site), each with
# four threads: the threads wait on the database and on slow phone uploads while another runs,
# and keep connections alive. On 2 cores this matched 3 sync workers in the check-in burst and
# beat gunicorn's 2 x cores + 1 sync workers (docs/benchmarks.md).
def default_workers() -> int:
    return env_int("VETSERVE_WORKERS", max(2, os.cpu_count() or 1), minimum=1)


def default_threads() -> int:
    return env_int("VETSERVE_THREADS", 4, minimum=1)


class Command(BaseCommand):
    help = (
        "Run the production server: gunicorn with several workers on the configured database. "
        "Checks the configuration first and refuses to start with DEBUG on or migrations "
        "missing."
    )
    # The deployment checks run in handle(), once, with the database checks included.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--bind",
            action="append",
            help="Address to listen on, HOST:PORT or unix:PATH; repeat for several "
            "(default: VETSERVE_BIND, comma-separated, or 127.0.0.1:8000: behind the reverse "
            "proxy on the same machine; 0.0.0.0:8000 to be reached from others)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            help="Worker processes (default: VETSERVE_WORKERS, or one per core, at least 2: "
            f"{max(2, os.cpu_count() or 1)} here)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            help="Threads per worker (default: VETSERVE_THREADS or 4); above 1, connections are "
            "kept alive and a slow upload holds a thread, not a worker; 1 runs sync workers",
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=60,
            help="Seconds a request may take before its worker is restarted (default 60)",
        )
        parser.add_argument(
            "--no-access-log", action="store_true", help="Do not log each request to stdout"
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only run the start-up checks and exit (for deployment scripts)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bind = options["bind"] or env_list("VETSERVE_BIND", ["127.0.0.1:8000"])
        workers = default_workers() if options["workers"] is None else options["workers"]
        threads = default_threads() if options["threads"] is None else options["threads"]
        if workers < 1 or threads < 1 or options["timeout"] < 1:
            raise CommandError("--workers, --threads and --timeout must be at least 1.")
        self.preflight()
        if options["check"]:
            self.stdout.write("Start-up checks passed.")
            return
        db = settings.DATABASES["default"]
        self.stdout.write(
            f"VetServe on {', '.join(bind)}: {workers} workers × {threads} threads, "
            f"{connection.vendor} database {db['NAME']}. Stop with Ctrl-C or SIGTERM."
        )
        self.stdout.flush()
        run_gunicorn(
            bind=bind,
            workers=workers,
            threads=threads,
            timeout=options["timeout"],
            access_log=not options["no_access_log"],
        )

    def preflight(self) -> None:
        """Refuse what would be unsafe or broken in production; warn about what is unwise."""
        if settings.DEBUG:
            # DEBUG shows settings and stack traces to anyone who triggers an error.
            raise CommandError(
                "VETSERVE_DEBUG is on: never serve real users with it. Unset it (or use "
                "`vetserve runserver` on a developer machine)."
            )
        # Deployment checks print warnings (e.g. HTTPS settings on an intranet without TLS)
        # and stop on errors.
        self.check(include_deployment_checks=True, databases=["default"])
        try:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as error:
            raise CommandError(f"Cannot use the database: {error}") from error
        if pending:
            raise CommandError(
                f"{len(pending)} database migrations are not applied yet; run `vetserve migrate`."
            )
        if connection.vendor == "sqlite":
            self.stderr.write(
                "Note: SQLite serves one machine and a small office well; for several app "
                "machines or many users use PostgreSQL (DATABASE_URL=postgres://…)."
            )
