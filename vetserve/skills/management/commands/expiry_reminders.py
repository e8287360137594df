from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vetserve.skills.tasks import expiry_reminders


class Command(BaseCommand):
    help = (
        "Remind volunteers and their organization leaders of qualifications expiring in 60, 30 "
        "or 7 days (each reminder once). Run it daily from cron; --enqueue hands it to the "
        "task worker instead of running it here."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue it for `db_worker`")
        parser.add_argument("--today", help="Run as of this date (YYYY-MM-DD), to catch up")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"]
        if today:
            try:
                date.fromisoformat(today)
            except ValueError:
                raise CommandError("--today must look like 2022-02-11") from None
        if options["enqueue"]:
            result = expiry_reminders.enqueue(today)
            self.stdout.write(f"Queued expiry reminders as task {result.id}.")
            return
        sent = expiry_reminders.call(today)
        self.stdout.write(f"Sent {sent} expiry reminders.")
