"""Bounds on every number, date and long text of this app (issue 12).

Values stored before the CHECK constraints existed are brought into bounds first, so
adding the constraints cannot fail on an existing database; a migration is not a
person's write, so nothing is audited. What happens to each field:

- Volunteer.birth_date: outside 1900-01-01–2099-12-31: emptied (NULL).
- Volunteer.enlisted_year: outside 1927–2099: emptied (NULL).
- Volunteer.discharged_year: outside 1927–2099: emptied (NULL).
- Volunteer.health_declared_on: outside 1900-01-01–2099-12-31: emptied (NULL).
- Membership.started_on: outside 1900-01-01–2099-12-31: clamped to the nearest limit.
- Membership.ended_on: outside 1900-01-01–2099-12-31: emptied (NULL).
- CorrectionRequest.message: text longer than 2,000 characters is cut to it.
"""

import datetime
from datetime import date

import django.core.validators
import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

import vetserve.core.bounds
from vetserve.core.bounds import Bound, clamp_out_of_range, truncate_long_text


def bring_old_values_into_bounds(apps, schema_editor):
    clamp_out_of_range(
        apps,
        schema_editor,
        "people.Volunteer",
        {
            "birth_date": Bound(date(1900, 1, 1), date(2099, 12, 31)),
            "enlisted_year": Bound(1927, 2099),
            "discharged_year": Bound(1927, 2099),
            "health_declared_on": Bound(date(1900, 1, 1), date(2099, 12, 31)),
        },
        null={"birth_date", "enlisted_year", "discharged_year", "health_declared_on"},
    )
    clamp_out_of_range(
        apps,
        schema_editor,
        "people.Membership",
        {
            "started_on": Bound(date(1900, 1, 1), date(2099, 12, 31)),
            "ended_on": Bound(date(1900, 1, 1), date(2099, 12, 31)),
        },
        null={"ended_on"},
    )
    truncate_long_text(apps, schema_editor, "people.CorrectionRequest", {"message": 2000})


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_bounds"),
        ("people", "0004_redact_audit_of_erased"),
        ("regions", "0002_bounds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="correctionrequest",
            name="message",
            field=models.TextField(
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="what is wrong",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="ended_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)
                    )
                ],
                verbose_name="until",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="started_on",
            field=models.DateField(
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)
                    )
                ],
                verbose_name="from",
            ),
        ),
        migrations.AlterField(
            model_name="volunteer",
            name="birth_date",
            field=models.DateField(
                null=True,
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)
                    )
                ],
                verbose_name="birth date",
            ),
        ),
        migrations.AlterField(
            model_name="volunteer",
            name="discharged_year",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[vetserve.core.bounds.InRange(1927, 2099)],
                verbose_name="year discharged",
            ),
        ),
        migrations.AlterField(
            model_name="volunteer",
            name="enlisted_year",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[vetserve.core.bounds.InRange(1927, 2099)],
                verbose_name="year enlisted",
            ),
        ),
        migrations.AlterField(
            model_name="volunteer",
            name="health_declared_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)
                    )
                ],
                verbose_name="health declared on",
            ),
        ),
        migrations.RunPython(bring_old_values_into_bounds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="correctionrequest",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("message"), 2000
                ),
                name="correction_message_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("started_on__gte", datetime.date(1900, 1, 1)),
                    ("started_on__lte", datetime.date(2099, 12, 31)),
                ),
                name="membership_started_on_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("ended_on__gte", datetime.date(1900, 1, 1)),
                        ("ended_on__lte", datetime.date(2099, 12, 31)),
                    ),
                    ("ended_on__isnull", True),
                    _connector="OR",
                ),
                name="membership_ended_on_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="volunteer",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("birth_date__gte", datetime.date(1900, 1, 1)),
                        ("birth_date__lte", datetime.date(2099, 12, 31)),
                    ),
                    ("birth_date__isnull", True),
                    _connector="OR",
                ),
                name="volunteer_birth_date_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="volunteer",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("enlisted_year__gte", 1927), ("enlisted_year__lte", 2099)),
                    ("enlisted_year__isnull", True),
                    _connector="OR",
                ),
                name="volunteer_enlisted_year_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="volunteer",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("discharged_year__gte", 1927), ("discharged_year__lte", 2099)),
                    ("discharged_year__isnull", True),
                    _connector="OR",
                ),
                name="volunteer_discharged_year_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="volunteer",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("health_declared_on__gte", datetime.date(1900, 1, 1)),
                        ("health_declared_on__lte", datetime.date(2099, 12, 31)),
                    ),
                    ("health_declared_on__isnull", True),
                    _connector="OR",
                ),
                name="volunteer_health_declared_on_range",
            ),
        ),
    ]
