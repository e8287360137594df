"""Bounds on every number, date and long text of this app (issue 12).

Values stored before the CHECK constraints existed are brought into bounds first, so
adding the constraints cannot fail on an existing database; a migration is not a
person's write, so nothing is audited. What happens to each field:

- Attendance.in_at: outside 1900–2099 (UTC): clamped to the nearest limit.
- Attendance.out_at: outside 1900–2099 (UTC): clamped (emptied, it would reopen the stay).
- Attendance.in_lat: outside 3–54: emptied (NULL).
- Attendance.in_lon: outside 73–136: emptied (NULL).
- Attendance.out_lat: outside 3–54: emptied (NULL).
- Attendance.out_lon: outside 73–136: emptied (NULL).
- Attendance.minutes: outside 0–527040: emptied (NULL).
- AttendanceCorrection.in_at: outside 1900–2099 (UTC): clamped to the nearest limit.
- AttendanceCorrection.out_at: outside 1900–2099 (UTC): clamped to the nearest limit.
- AttendanceCorrection.minutes: outside 0–527040: clamped to the nearest limit.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import migrations, models

import vetserve.core.bounds
from vetserve.core.bounds import Bound, clamp_out_of_range


def bring_old_values_into_bounds(apps, schema_editor):
    clamp_out_of_range(
        apps,
        schema_editor,
        "attendance.Attendance",
        {
            "in_at": Bound(
                datetime.datetime(1900, 1, 1, 0, 0, 0, tzinfo=datetime.UTC),
                datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
            ),
            "out_at": Bound(
                datetime.datetime(1900, 1, 1, 0, 0, 0, tzinfo=datetime.UTC),
                datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
            ),
            "in_lat": Bound(Decimal("3"), Decimal("54")),
            "in_lon": Bound(Decimal("73"), Decimal("136")),
            "out_lat": Bound(Decimal("3"), Decimal("54")),
            "out_lon": Bound(Decimal("73"), Decimal("136")),
            "minutes": Bound(0, 527040),
        },
        null={"in_lat", "in_lon", "out_lat", "out_lon", "minutes"},
    )
    clamp_out_of_range(
        apps,
        schema_editor,
        "attendance.AttendanceCorrection",
        {
            "in_at": Bound(
                datetime.datetime(1900, 1, 1, 0, 0, 0, tzinfo=datetime.UTC),
                datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
            ),
            "out_at": Bound(
                datetime.datetime(1900, 1, 1, 0, 0, 0, tzinfo=datetime.UTC),
                datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
            ),
            "minutes": Bound(0, 527040),
        },
        null=set(),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0004_bounds"),
        ("attendance", "0002_scan_device"),
        ("orgs", "0002_bounds"),
        ("people", "0005_bounds"),
        ("regions", "0002_bounds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="attendance",
            name="in_at",
            field=models.DateTimeField(
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                        datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc),
                    )
                ],
                verbose_name="checked in at",
            ),
        ),
        migrations.AlterField(
            model_name="attendance",
            name="in_lat",
            field=vetserve.core.bounds.SafeDecimalField(
                blank=True,
                decimal_places=6,
                max_digits=9,
                null=True,
                validators=[vetserve.core.bounds.InRange(Decimal("3"), Decimal("54"))],
            ),
        ),
        migrations.AlterField(
            model_name="attendance",
            name="in_lon",
            field=vetserve.core.bounds.SafeDecimalField(
                blank=True,
                decimal_places=6,
                max_digits=9,
                null=True,
                validators=[vetserve.core.bounds.InRange(Decimal("73"), Decimal("136"))],
            ),
        ),
        migrations.AlterField(
            model_name="attendance",
            name="minutes",
            field=models.PositiveIntegerField(
                blank=True,
                null=True,
                validators=[vetserve.core.bounds.InRange(0, 527040)],
                verbose_name="service minutes",
            ),
        ),
        migrations.AlterField(
            model_name="attendance",
            name="out_at",
            field=models.DateTimeField(
                blank=True,
                null=True,
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                        datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc),
                    )
                ],
                verbose_name="checked out at",
            ),
        ),
        migrations.AlterField(
            model_name="attendance",
            name="out_lat",
            field=vetserve.core.bounds.SafeDecimalField(
                blank=True,
                decimal_places=6,
                max_digits=9,
                null=True,
                validators=[vetserve.core.bounds.InRange(Decimal("3"), Decimal("54"))],
            ),
        ),
        migrations.AlterField(
            model_name="attendance",
            name="out_lon",
            field=vetserve.core.bounds.SafeDecimalField(
                blank=True,
                decimal_places=6,
                max_digits=9,
                null=True,
                validators=[vetserve.core.bounds.InRange(Decimal("73"), Decimal("136"))],
            ),
        ),
        migrations.AlterField(
            model_name="attendancecorrection",
            name="in_at",
            field=models.DateTimeField(
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                        datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc),
                    )
                ],
                verbose_name="checked in at",
            ),
        ),
        migrations.AlterField(
            model_name="attendancecorrection",
            name="minutes",
            field=models.PositiveIntegerField(
                validators=[vetserve.core.bounds.InRange(0, 527040)], verbose_name="service minutes"
            ),
        ),
        migrations.AlterField(
            model_name="attendancecorrection",
            name="out_at",
            field=models.DateTimeField(
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                        datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc),
                    )
                ],
                verbose_name="checked out at",
            ),
        ),
        migrations.RunPython(bring_old_values_into_bounds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="attendance",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "in_at__gte",
                        datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                    ),
                    (
                        "in_at__lte",
                        datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc),
                    ),
                ),
                name="attendance_in_at_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="attendance",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        (
                            "out_at__gte",
                            datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                        ),
                        (
                            "out_at__lte",
                            datetime.datetime(
                                2099, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc
                            ),
                        ),
                    ),
                    ("out_at__isnull", True),
                    _connector="OR",
                ),
                name="attendance_out_at_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="attendance",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("in_lat__gte", Decimal("3")), ("in_lat__lte", Decimal("54"))),
                    ("in_lat__isnull", True),
                    _connector="OR",
                ),
                name="attendance_in_lat_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="attendance",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("in_lon__gte", Decimal("73")), ("in_lon__lte", Decimal("136"))),
                    ("in_lon__isnull", True),
                    _connector="OR",
                ),
                name="attendance_in_lon_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="attendance",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("out_lat__gte", Decimal("3")), ("out_lat__lte", Decimal("54"))),
                    ("out_lat__isnull", True),
                    _connector="OR",
                ),
                name="attendance_out_lat_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="attendance",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("out_lon__gte", Decimal("73")), ("out_lon__lte", Decimal("136"))),
                    ("out_lon__isnull", True),
                    _connector="OR",
                ),
                name="attendance_out_lon_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="attendance",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("minutes__gte", 0), ("minutes__lte", 527040)),
                    ("minutes__isnull", True),
                    _connector="OR",
                ),
                name="attendance_minutes_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="attendancecorrection",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "in_at__gte",
                        datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                    ),
                    (
                        "in_at__lte",
                        datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc),
                    ),
                ),
                name="attendancecorrection_in_at_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="attendancecorrection",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "out_at__gte",
                        datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                    ),
                    (
                        "out_at__lte",
                        datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc),
                    ),
                ),
                name="attendancecorrection_out_at_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="attendancecorrection",
            constraint=models.CheckConstraint(
                condition=models.Q(("minutes__gte", 0), ("minutes__lte", 527040)),
                name="attendancecorrection_minutes_range",
            ),
        ),
    ]
