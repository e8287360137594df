"""Bounds on every number, date and long text of this app (issue 12).

Values stored before the CHECK constraints existed are brought into bounds first, so
adding the constraints cannot fail on an existing database; a migration is not a
person's write, so nothing is audited. What happens to each field:

- MilitarySpecialtyMapping.level: outside 1–3: clamped to the nearest limit.
- QualificationType.validity_days: outside 1–18250: emptied (NULL).
- Qualification.issued_on: outside 1900-01-01–2099-12-31: emptied (NULL).
- Qualification.expires_on: outside 1900-01-01–2099-12-31: emptied (NULL).
- Course.study_hours: outside 0.1–1000: clamped to the nearest limit.
- Course.grants_validity_days: outside 1–18250: emptied (NULL).
- Course.content: text longer than 4,000 characters is cut to it.
- TrainingSession.date: outside 1900-01-01–2099-12-31: clamped to the nearest limit.
- TrainingSession.capacity: outside 1–1000: clamped to the nearest limit.
- Enrolment.score: outside 0–100: emptied (NULL).
- SentReminder.threshold_days: outside 0–365: clamped to the nearest limit.
- SentReminder.expires_on: outside 1900-01-01–2099-12-31: clamped to the nearest limit.
"""

import datetime
from datetime import date
from decimal import Decimal

import django.core.validators
import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

import vetserve.core.bounds
from vetserve.core.bounds import Bound, clamp_out_of_range, truncate_long_text


def bring_old_values_into_bounds(apps, schema_editor):
    clamp_out_of_range(
        apps, schema_editor, "skills.MilitarySpecialtyMapping", {"level": Bound(1, 3)}, null=set()
    )
    clamp_out_of_range(
        apps,
        schema_editor,
        "skills.QualificationType",
        {"validity_days": Bound(1, 18250)},
        null={"validity_days"},
    )
    clamp_out_of_range(
        apps,
        schema_editor,
        "skills.Qualification",
        {
            "issued_on": Bound(date(1900, 1, 1), date(2099, 12, 31)),
            "expires_on": Bound(date(1900, 1, 1), date(2099, 12, 31)),
        },
        null={"issued_on", "expires_on"},
    )
    clamp_out_of_range(
        apps,
        schema_editor,
        "skills.Course",
        {
            "study_hours": Bound(Decimal("0.1"), Decimal("1000")),
            "grants_validity_days": Bound(1, 18250),
        },
        null={"grants_validity_days"},
    )
    truncate_long_text(apps, schema_editor, "skills.Course", {"content": 4000})
    clamp_out_of_range(
        apps,
        schema_editor,
        "skills.TrainingSession",
        {"date": Bound(date(1900, 1, 1), date(2099, 12, 31)), "capacity": Bound(1, 1000)},
        null=set(),
    )
    clamp_out_of_range(
        apps,
        schema_editor,
        "skills.Enrolment",
        {"score": Bound(Decimal("0"), Decimal("100"))},
        null={"score"},
    )
    clamp_out_of_range(
        apps,
        schema_editor,
        "skills.SentReminder",
        {
            "threshold_days": Bound(0, 365),
            "expires_on": Bound(date(1900, 1, 1), date(2099, 12, 31)),
        },
        null=set(),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_bounds"),
        ("people", "0005_bounds"),
        ("skills", "0002_catalogue"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="course",
            name="content",
            field=models.TextField(
                blank=True,
                max_length=4000,
                validators=[django.core.validators.MaxLengthValidator(4000)],
                verbose_name="content",
            ),
        ),
        migrations.AlterField(
            model_name="course",
            name="grants_validity_days",
            field=models.PositiveIntegerField(
                blank=True,
                null=True,
                validators=[vetserve.core.bounds.InRange(1, 18250)],
                verbose_name="granted validity in days",
            ),
        ),
        migrations.AlterField(
            model_name="course",
            name="study_hours",
            field=vetserve.core.bounds.SafeDecimalField(
                decimal_places=1,
                max_digits=6,
                validators=[vetserve.core.bounds.InRange(Decimal("0.1"), Decimal("1000"))],
                verbose_name="study hours",
            ),
        ),
        migrations.AlterField(
            model_name="enrolment",
            name="score",
            field=vetserve.core.bounds.SafeDecimalField(
                blank=True,
                decimal_places=1,
                max_digits=5,
                null=True,
                validators=[vetserve.core.bounds.InRange(Decimal("0"), Decimal("100"))],
                verbose_name="score",
            ),
        ),
        migrations.AlterField(
            model_name="militaryspecialtymapping",
            name="level",
            field=models.PositiveSmallIntegerField(
                default=1, validators=[vetserve.core.bounds.InRange(1, 3)], verbose_name="level"
            ),
        ),
        migrations.AlterField(
            model_name="qualification",
            name="expires_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)
                    )
                ],
                verbose_name="expires on",
            ),
        ),
        migrations.AlterField(
            model_name="qualification",
            name="issued_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)
                    )
                ],
                verbose_name="issued on",
            ),
        ),
        migrations.AlterField(
            model_name="qualificationtype",
            name="validity_days",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Empty: does not expire.",
                null=True,
                validators=[vetserve.core.bounds.InRange(1, 18250)],
                verbose_name="validity in days",
            ),
        ),
        migrations.AlterField(
            model_name="sentreminder",
            name="expires_on",
            field=models.DateField(
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)
                    )
                ]
            ),
        ),
        migrations.AlterField(
            model_name="sentreminder",
            name="threshold_days",
            field=models.PositiveSmallIntegerField(
                validators=[vetserve.core.bounds.InRange(0, 365)]
            ),
        ),
        migrations.AlterField(
            model_name="trainingsession",
            name="capacity",
            field=models.PositiveIntegerField(
                validators=[vetserve.core.bounds.InRange(1, 1000)], verbose_name="capacity"
            ),
        ),
        migrations.AlterField(
            model_name="trainingsession",
            name="date",
            field=models.DateField(
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)
                    )
                ],
                verbose_name="date",
            ),
        ),
        migrations.AlterField(
            model_name="volunteerskill",
            name="level",
            field=models.PositiveSmallIntegerField(
                default=1, validators=[vetserve.core.bounds.InRange(1, 3)], verbose_name="level"
            ),
        ),
        migrations.RunPython(bring_old_values_into_bounds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="course",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("study_hours__gte", Decimal("0.1")), ("study_hours__lte", Decimal("1000"))
                ),
                name="course_study_hours_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="course",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("grants_validity_days__gte", 1), ("grants_validity_days__lte", 18250)
                    ),
                    ("grants_validity_days__isnull", True),
                    _connector="OR",
                ),
                name="course_grants_validity_days_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="course",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("content"), 4000
                ),
                name="course_content_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="enrolment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("score__gte", Decimal("0")), ("score__lte", Decimal("100"))),
                    ("score__isnull", True),
                    _connector="OR",
                ),
                name="enrolment_score_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="militaryspecialtymapping",
            constraint=models.CheckConstraint(
                condition=models.Q(("level__gte", 1), ("level__lte", 3)),
                name="specialtymapping_level_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="qualification",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("issued_on__gte", datetime.date(1900, 1, 1)),
                        ("issued_on__lte", datetime.date(2099, 12, 31)),
                    ),
                    ("issued_on__isnull", True),
                    _connector="OR",
                ),
                name="qualification_issued_on_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="qualification",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("expires_on__gte", datetime.date(1900, 1, 1)),
                        ("expires_on__lte", datetime.date(2099, 12, 31)),
                    ),
                    ("expires_on__isnull", True),
                    _connector="OR",
                ),
                name="qualification_expires_on_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="qualificationtype",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("validity_days__gte", 1), ("validity_days__lte", 18250)),
                    ("validity_days__isnull", True),
                    _connector="OR",
                ),
                name="qualificationtype_validity_days_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="sentreminder",
            constraint=models.CheckConstraint(
                condition=models.Q(("threshold_days__gte", 0), ("threshold_days__lte", 365)),
                name="sentreminder_threshold_days_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="sentreminder",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("expires_on__gte", datetime.date(1900, 1, 1)),
                    ("expires_on__lte", datetime.date(2099, 12, 31)),
                ),
                name="sentreminder_expires_on_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="trainingsession",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("date__gte", datetime.date(1900, 1, 1)),
                    ("date__lte", datetime.date(2099, 12, 31)),
                ),
                name="trainingsession_date_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="trainingsession",
            constraint=models.CheckConstraint(
                condition=models.Q(("capacity__gte", 1), ("capacity__lte", 1000)),
                name="trainingsession_capacity_range",
            ),
        ),
    ]
