from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from vetserve.core.management.commands._gunicorn import run_gunicorn
from vetserve.demo import data
from vetserve.demo.builder import (
    BUILDER_VERSION,
    DemoBuildRefused,
    demo_build,
    demo_logins,
    demo_state,
)
from vetserve.demo.environment import lan_addresses
from vetserve.proofs.keys import key_paths, proof_keys_create

DEMO_WORKERS = 2


def start_task_worker() -> subprocess.Popen[bytes]:
    """The background-task worker beside the demo's server (the roster import runs in it): a
    child process with the demo's environment, without the autoreloader, which would poll
    every source file each second on the demo's two cores."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vetserve.cli",
            "db_worker",
            "--no-reload",
            "--interval",
            "1",
            "--verbosity",
            "0",
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "vetserve.settings"},
    )


def ensure_port_free(host: str, port: int) -> None:
    """Fail before building and printing, not after gunicorn's retries, when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise CommandError(
                f"Cannot listen on {host}:{port} ({error.strerror}); choose another with --port."
            ) from error


class Command(BaseCommand):
    help = (
        "Build the Zhangjiakou demo (fictitious people, real divisions) and serve it. "
        "`vetserve demo` uses its own SQLite database under var/."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--rebuild", action="store_true", help="Throw the demo data away and build it anew"
        )
        parser.add_argument("--build-only", action="store_true", help="Build, then exit")
        parser.add_argument("--port", type=int, default=8000, help="Port (default 8000)")
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="Address to listen on (default 127.0.0.1; 0.0.0.0 lets others on the LAN in)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["build_only"]:
            ensure_port_free(options["host"], options["port"])
        call_command("migrate", interactive=False, verbosity=0)
        self.build(rebuild=options["rebuild"])
        self.proof_keys()
        self.print_logins()
        if options["build_only"]:
            return
        bind = f"[{options['host']}]" if ":" in options["host"] else options["host"]
        self.print_urls(options["host"], options["port"])
        self.stdout.flush()
        worker = start_task_worker()
        try:
            run_gunicorn(
                bind=[f"{bind}:{options['port']}"],
                workers=DEMO_WORKERS,
                timeout=60,
                access_log=True,
            )
        finally:
            worker.terminate()
            worker.wait(timeout=10)

    def build(self, *, rebuild: bool) -> None:
        state = demo_state()
        if state is not None and state.version == BUILDER_VERSION and not rebuild:
            self.stdout.write(
                f"Demo data present (built {state.built_at:%Y-%m-%d %H:%M}); "
                "`--rebuild` starts it afresh."
            )
            return
        if state is not None and state.version != BUILDER_VERSION:
            self.stdout.write(
                f"Demo data from builder v{state.version}; rebuilding for v{BUILDER_VERSION}."
            )
        started = time.monotonic()
        try:
            ctx = demo_build()
        except DemoBuildRefused as error:
            raise CommandError(
                f"{error} `vetserve demo` keeps its own database (var/demo.sqlite3); delete "
                "that file to start over, or check VETSERVE_DEMO_DATABASE_URL."
            ) from error
        counts = ", ".join(f"{n} {what}" for what, n in ctx.counts.items())
        self.stdout.write(f"Built the demo in {time.monotonic() - started:.1f} s: {counts}.")

    def proof_keys(self) -> None:
        """The demo's own key to sign proofs of service, made once (as `vetserve proof-keys`)."""
        if key_paths()[0].exists():
            return
        key_path, _cert = proof_keys_create(common_name=str(settings.CORPS_NAME))
        self.stdout.write(f"Made the key that signs proofs of service: {key_path}")

    def print_logins(self) -> None:
        logins = demo_logins()
        self.stdout.write(f"\nDemo logins (password for all: {data.DEMO_PASSWORD})")
        width = max((len(login.username) for login in logins), default=8)
        for login in logins:
            # Chinese text last: its double-width characters would break the columns.
            self.stdout.write(
                f"  {login.username.ljust(width)}  {login.role:<14}  {login.scope}"
                f" — {login.display_name}"
            )

    def print_urls(self, host: str, port: int) -> None:
        if host in {"0.0.0.0", "::"}:  # noqa: S104 - printing, not binding
            hosts = ["127.0.0.1", *lan_addresses()]
        else:
            hosts = [f"[{host}]" if ":" in host else host]
        urls = "  ".join(f"http://{h}:{port}/" for h in hosts)
        self.stdout.write(f"\nOpen {urls}  (Ctrl-C stops the demo)\n")
