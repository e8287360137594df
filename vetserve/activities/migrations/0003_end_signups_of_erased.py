"""End the live sign-ups of people erased before erasure did so itself (issue 20).

Until then an erased person's confirmed sign-up survived, so a leader could still check them
in by it. Erasure now takes them off every roster and waitlist; this brings rows erased
earlier into line (no waitlist promotion: their shifts are long past or their places filled).
"""

from django.db import migrations
from django.utils import timezone


def end(apps, schema_editor):
    SignUp = apps.get_model("activities", "SignUp")
    SignUp.objects.filter(
        volunteer__erased_at__isnull=False, state__in=["confirmed", "waitlisted"]
    ).update(state="removed", waitlist_position=None, ended_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("activities", "0002_outcome_types"), ("people", "0003_roster_status_index")]
    operations = [migrations.RunPython(end, migrations.RunPython.noop)]
