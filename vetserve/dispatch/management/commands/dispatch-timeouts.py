"""``vetserve dispatch-timeouts``: for cron, every minute in a snow night. Invitations nobody
answered in time are marked and the next person on the reserve list is asked; running it twice
or beside the task worker asks nobody twice (each call-out is locked while it moves on)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vetserve.dispatch.services import invitations_expire


class Command(BaseCommand):
    help = "Expire unanswered call-out invitations and invite the next reserves."

    def handle(self, *args: Any, **options: Any) -> None:
        done = invitations_expire()
        self.stdout.write(f"{done} invitation(s) expired")
