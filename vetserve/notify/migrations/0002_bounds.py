"""Bounds on every number, date and long text of this app (issue 12).

Values stored before the CHECK constraints existed are brought into bounds first, so
adding the constraints cannot fail on an existing database; a migration is not a
person's write, so nothing is audited. What happens to each field:

- Notification.body: text longer than 10,000 characters is cut to it.
"""

import django.core.validators
import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

from vetserve.core.bounds import truncate_long_text


def bring_old_values_into_bounds(apps, schema_editor):
    truncate_long_text(apps, schema_editor, "notify.Notification", {"body": 10000})


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="body",
            field=models.TextField(
                blank=True,
                max_length=10000,
                validators=[django.core.validators.MaxLengthValidator(10000)],
                verbose_name="message",
            ),
        ),
        migrations.RunPython(bring_old_values_into_bounds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("body"), 10000
                ),
                name="notification_body_length",
            ),
        ),
    ]
