"""Bounds on every number, date and long text of this app (issue 12).

Values stored before the CHECK constraints existed are brought into bounds first, so
adding the constraints cannot fail on an existing database; a migration is not a
person's write, so nothing is audited. What happens to each field:

- Badge.issued_on: outside 1900-01-01–2099-12-31: clamped to the nearest limit.
- BadgeCounter.last: outside 0–99999: clamped to the nearest limit.
"""

import datetime
from datetime import date

from django.conf import settings
from django.db import migrations, models

import vetserve.core.bounds
from vetserve.core.bounds import Bound, clamp_out_of_range


def bring_old_values_into_bounds(apps, schema_editor):
    clamp_out_of_range(
        apps,
        schema_editor,
        "badges.Badge",
        {"issued_on": Bound(date(1900, 1, 1), date(2099, 12, 31))},
        null=set(),
    )
    clamp_out_of_range(
        apps, schema_editor, "badges.BadgeCounter", {"last": Bound(0, 99999)}, null=set()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("badges", "0002_revoke_badges_of_erased"),
        ("people", "0005_bounds"),
        ("regions", "0002_bounds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="badge",
            name="issued_on",
            field=models.DateField(
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)
                    )
                ],
                verbose_name="issued on",
            ),
        ),
        migrations.AlterField(
            model_name="badgecounter",
            name="last",
            field=models.PositiveIntegerField(
                default=0, validators=[vetserve.core.bounds.InRange(0, 99999)]
            ),
        ),
        migrations.RunPython(bring_old_values_into_bounds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="badge",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("issued_on__gte", datetime.date(1900, 1, 1)),
                    ("issued_on__lte", datetime.date(2099, 12, 31)),
                ),
                name="badge_issued_on_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="badgecounter",
            constraint=models.CheckConstraint(
                condition=models.Q(("last__gte", 0), ("last__lte", 99999)),
                name="badgecounter_last_range",
            ),
        ),
    ]
