from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vetserve.people.export_jobs import MAX_AGE_SECONDS
from vetserve.people.tasks import purge_exports


class Command(BaseCommand):
    help = (
        "Remove background roster exports older than an hour and mark their jobs expired. "
        "Run it from cron every 15 minutes; --enqueue hands it to the worker."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue it for `db_worker`")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = purge_exports.enqueue()
            self.stdout.write(f"Queued as task {result.id}.")
            return
        removed = purge_exports.call()
        minutes = MAX_AGE_SECONDS // 60
        self.stdout.write(f"Removed {removed} exports older than {minutes} minutes.")
