from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from vetserve.audit.models import AuditEntry
from vetserve.audit.services import audit_purge, audit_record


class Command(BaseCommand):
    help = (
        "Delete audit entries older than VETSERVE_AUDIT_RETENTION_DAYS (at least 183: access "
        "logs are kept six months, 网络安全法 Art 21). Run it daily from cron."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; delete nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        days = settings.AUDIT_RETENTION_DAYS
        # The same cutoff audit_purge computes from `now`.
        cutoff = now - timedelta(days=days)
        when = f"older than {days} days (before {timezone.localtime(cutoff):%Y-%m-%d %H:%M})"
        if options["dry_run"]:
            count = AuditEntry.objects.filter(at__lt=cutoff).count()
            self.stdout.write(f"Would delete {count} audit entries {when}.")
            return
        deleted = audit_purge(now=now)
        if deleted:
            # The purge itself is on the record, so a gap in the log has an explanation.
            audit_record(
                actor="vetserve audit-purge",
                action="audit.purge",
                changes={"deleted": deleted, "before": cutoff.isoformat()},
            )
        self.stdout.write(f"Deleted {deleted} audit entries {when}.")
