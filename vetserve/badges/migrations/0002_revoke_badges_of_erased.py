"""Revoke the badges of people erased before erasure did so itself (issue 20).

Until then an erased person's badge stayed valid in the register: the public verify page said
"revoked", but a scan at a post still checked them in. Erasure now revokes every badge; this
brings rows erased earlier into line, with a history event like any revocation.
"""

from django.db import migrations


def revoke(apps, schema_editor):
    Badge = apps.get_model("badges", "Badge")
    BadgeEvent = apps.get_model("badges", "BadgeEvent")
    stale = Badge.objects.filter(volunteer__erased_at__isnull=False, status__in=["active", "lost"])
    for badge in stale:
        BadgeEvent.objects.create(
            badge=badge, from_status=badge.status, to_status="revoked", reason="个人信息已删除"
        )
        badge.status = "revoked"
        badge.save(update_fields=["status"])


class Migration(migrations.Migration):
    dependencies = [("badges", "0001_initial"), ("people", "0003_roster_status_index")]
    operations = [migrations.RunPython(revoke, migrations.RunPython.noop)]
