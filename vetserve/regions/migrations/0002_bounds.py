"""Bounds on every number, date and long text of this app (issue 12).

Values stored before the CHECK constraints existed are brought into bounds first, so
adding the constraints cannot fail on an existing database; a migration is not a
person's write, so nothing is audited. What happens to each field:

- Region.lon: outside 73–136: emptied (NULL).
- Region.lat: outside 3–54: emptied (NULL).
"""

from decimal import Decimal

from django.db import migrations, models

import vetserve.core.bounds
from vetserve.core.bounds import Bound, clamp_out_of_range


def bring_old_values_into_bounds(apps, schema_editor):
    clamp_out_of_range(
        apps,
        schema_editor,
        "regions.Region",
        {"lon": Bound(Decimal("73"), Decimal("136")), "lat": Bound(Decimal("3"), Decimal("54"))},
        null={"lon", "lat"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="region",
            name="lat",
            field=vetserve.core.bounds.SafeDecimalField(
                blank=True,
                decimal_places=6,
                max_digits=9,
                null=True,
                validators=[vetserve.core.bounds.InRange(Decimal("3"), Decimal("54"))],
                verbose_name="latitude",
            ),
        ),
        migrations.AlterField(
            model_name="region",
            name="lon",
            field=vetserve.core.bounds.SafeDecimalField(
                blank=True,
                decimal_places=6,
                max_digits=9,
                null=True,
                validators=[vetserve.core.bounds.InRange(Decimal("73"), Decimal("136"))],
                verbose_name="longitude",
            ),
        ),
        migrations.RunPython(bring_old_values_into_bounds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="region",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("lon__gte", Decimal("73")), ("lon__lte", Decimal("136"))),
                    ("lon__isnull", True),
                    _connector="OR",
                ),
                name="region_lon_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="region",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("lat__gte", Decimal("3")), ("lat__lte", Decimal("54"))),
                    ("lat__isnull", True),
                    _connector="OR",
                ),
                name="region_lat_range",
            ),
        ),
    ]
