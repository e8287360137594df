from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vetserve.spreadsheets.tasks import purge_uploads
from vetserve.spreadsheets.uploads import MAX_AGE_SECONDS


class Command(BaseCommand):
    help = (
        "Remove uploaded spreadsheets waiting for confirmation for more than an hour "
        "(abandoned previews). Run it from cron every 15 minutes; --enqueue hands it to the "
        "worker."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue it for `db_worker`")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = purge_uploads.enqueue()
            self.stdout.write(f"Queued as task {result.id}.")
            return
        removed = purge_uploads.call()
        minutes = MAX_AGE_SECONDS // 60
        self.stdout.write(f"Removed {removed} uploads older than {minutes} minutes.")
