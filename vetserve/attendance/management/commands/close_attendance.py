from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vetserve.attendance.tasks import close_attendance


class Command(BaseCommand):
    help = (
        "Close stays nobody checked out, at their shift's end, flagged for the leaders' "
        "exceptions list. Run it from cron every 15 minutes; --enqueue hands it to the worker."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue it for `db_worker`")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = close_attendance.enqueue()
            self.stdout.write(f"Queued as task {result.id}.")
            return
        closed = close_attendance.call()
        self.stdout.write(f"Closed {closed} open attendance records.")
