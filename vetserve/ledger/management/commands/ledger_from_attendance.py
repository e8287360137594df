from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vetserve.ledger.tasks import record_attendance


class Command(BaseCommand):
    help = (
        "Turn closed attendance into ledger entries, once each; stays closed automatically "
        "wait until a leader confirmed or corrected them. close-attendance runs it too. "
        "--enqueue hands it to the worker."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue it for `db_worker`")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = record_attendance.enqueue()
            self.stdout.write(f"Queued as task {result.id}.")
            return
        made = record_attendance.call()
        self.stdout.write(f"Appended {made} ledger entries from attendance.")
