"""Take people erased earlier out of the audit log's text, as erasure now does (issue 20).

Entries about an erased record kept its name as their label and masked numbers in their
changes. The name is gone from the record, so it is read back from those labels.
"""

from django.db import migrations

REDACTED = "（已删除）"


def redact(apps, schema_editor):
    Volunteer = apps.get_model("people", "Volunteer")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    for pk in Volunteer.objects.filter(erased_at__isnull=False).values_list("pk", flat=True):
        own = AuditEntry.objects.filter(object_type="people.volunteer", object_id=str(pk))
        for entry in own:
            if entry.object_repr in (f"#{pk}", REDACTED):
                continue
            changes = {field: [REDACTED, REDACTED] for field in entry.changes or {}}
            AuditEntry.objects.filter(pk=entry.pk).update(
                object_repr=f"#{pk}", changes=changes
            )


class Migration(migrations.Migration):
    dependencies = [("people", "0003_roster_status_index"), ("audit", "0001_initial")]
    operations = [migrations.RunPython(redact, migrations.RunPython.noop)]
