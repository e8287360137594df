from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from vetserve.audit.models import AuditEntry
from vetserve.audit.services import audit_record


def purge(*args: str) -> str:
    out = StringIO()
    call_command("audit_purge", *args, stdout=out)
    return out.getvalue()


def entry_aged(days: int, action: str) -> AuditEntry:
    entry = audit_record(actor=None, action=action)
    # A queryset update sidesteps the append-only guard: only tests may age an entry.
    AuditEntry.objects.filter(pk=entry.pk).update(at=timezone.now() - timedelta(days=days))
    return entry


def test_audit_purge_deletes_only_entries_older_than_the_retention_period(db, settings):
    settings.AUDIT_RETENTION_DAYS = 365
    entry_aged(400, "old")
    entry_aged(300, "recent")
    entry_aged(0, "today")
    assert "Deleted 1 audit entries older than 365 days" in purge()
    assert sorted(AuditEntry.objects.values_list("action", flat=True)) == [
        "audit.purge",
        "recent",
        "today",
    ]
    assert AuditEntry.objects.get(action="audit.purge").changes["deleted"] == 1


def test_audit_purge_dry_run_counts_and_deletes_nothing(db, settings):
    settings.AUDIT_RETENTION_DAYS = 183
    entry_aged(200, "old")
    entry_aged(100, "recent")
    assert "Would delete 1 audit entries older than 183 days" in purge("--dry-run")
    assert AuditEntry.objects.count() == 2


def test_audit_purge_with_nothing_to_delete_leaves_no_trace(db):
    entry_aged(1, "recent")
    assert "Deleted 0" in purge()
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["recent"]
