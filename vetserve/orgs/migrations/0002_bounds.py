"""Bounds on every number, date and long text of this app (issue 12).

Values stored before the CHECK constraints existed are brought into bounds first, so
adding the constraints cannot fail on an existing database; a migration is not a
person's write, so nothing is audited. What happens to each field:

- Organization.founded_on: outside 1900-01-01–2099-12-31: emptied (NULL).
- Organization.flag_awarded_on: outside 1900-01-01–2099-12-31: emptied (NULL).
- Organization.description: text longer than 2,000 characters is cut to it.
"""

import datetime
from datetime import date

import django.core.validators
import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models

import vetserve.core.bounds
from vetserve.core.bounds import Bound, clamp_out_of_range, truncate_long_text


def bring_old_values_into_bounds(apps, schema_editor):
    clamp_out_of_range(
        apps,
        schema_editor,
        "orgs.Organization",
        {
            "founded_on": Bound(date(1900, 1, 1), date(2099, 12, 31)),
            "flag_awarded_on": Bound(date(1900, 1, 1), date(2099, 12, 31)),
        },
        null={"founded_on", "flag_awarded_on"},
    )
    truncate_long_text(apps, schema_editor, "orgs.Organization", {"description": 2000})


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_initial"),
        ("regions", "0002_bounds"),
    ]

    operations = [
        migrations.AlterField(
            model_name="organization",
            name="description",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="description",
            ),
        ),
        migrations.AlterField(
            model_name="organization",
            name="flag_awarded_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)
                    )
                ],
                verbose_name="flag awarded on",
            ),
        ),
        migrations.AlterField(
            model_name="organization",
            name="founded_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)
                    )
                ],
                verbose_name="founded on",
            ),
        ),
        migrations.RunPython(bring_old_values_into_bounds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="organization",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("founded_on__gte", datetime.date(1900, 1, 1)),
                        ("founded_on__lte", datetime.date(2099, 12, 31)),
                    ),
                    ("founded_on__isnull", True),
                    _connector="OR",
                ),
                name="org_founded_on_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("flag_awarded_on__gte", datetime.date(1900, 1, 1)),
                        ("flag_awarded_on__lte", datetime.date(2099, 12, 31)),
                    ),
                    ("flag_awarded_on__isnull", True),
                    _connector="OR",
                ),
                name="org_flag_awarded_on_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("description"), 2000
                ),
                name="org_description_length",
            ),
        ),
    ]
