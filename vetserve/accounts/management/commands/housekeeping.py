"""`vetserve housekeeping`: the daily clean-up in one cron line (docs/operations.md).

Removes what nothing else removes: expired sessions (Django keeps them in the database until
told), login failures older than the lockout window (each new failure clears the old ones, but
a quiet site keeps its last ones), and finished background-task results older than
--task-days. The audit log has its own retention command (`audit-purge`), and uploads and
exports theirs (`purge-uploads`, `purge-exports`, every 15 minutes)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from vetserve.accounts.models import LoginFailure


class Command(BaseCommand):
    help = (
        "Daily clean-up (cron): expired sessions, old login failures, and finished background "
        "task results older than --task-days (default 14)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--task-days",
            type=int,
            default=14,
            help="Keep finished task results this many days (default 14, at least 1)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = max(1, options["task_days"])
        now = timezone.now()
        sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
        since = now - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        failures, _ = LoginFailure.objects.filter(at__lt=since).delete()
        tasks = "no database task queue (VETSERVE_TASKS=immediate)"
        if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
            out = StringIO()
            call_command(
                "prune_db_task_results", queue_name="*", min_age_days=days, stdout=out, stderr=out
            )
            tasks = out.getvalue().strip() or "task results pruned"
        self.stdout.write(
            f"Removed {sessions} expired sessions and {failures} old login failures; {tasks}."
        )
