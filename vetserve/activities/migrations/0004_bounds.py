"""Bounds on every number, date and long text of this app (issue 12).

Values stored before the CHECK constraints existed are brought into bounds first, so
adding the constraints cannot fail on an existing database; a migration is not a
person's write, so nothing is audited. What happens to each field:

- Campaign.starts_on: outside 1900-01-01–2099-12-31: clamped to the nearest limit.
- Campaign.ends_on: outside 1900-01-01–2099-12-31: clamped to the nearest limit.
- Campaign.target_activities: outside 0–100000: clamped to the nearest limit.
- Campaign.target_volunteers: outside 0–1000000: clamped to the nearest limit.
- Campaign.target_hours: outside 0–10000000: clamped to the nearest limit.
- Campaign.description: text longer than 4,000 characters is cut to it.
- OutcomeType.ordering: outside 0–1000: clamped to the nearest limit.
- CampaignTarget.quantity: outside 0–1000000000: clamped to the nearest limit.
- Activity.lat: outside 3–54: emptied (NULL).
- Activity.lon: outside 73–136: emptied (NULL).
- Activity.starts_at: outside 1900–2099 (UTC): clamped to the nearest limit.
- Activity.ends_at: outside 1900–2099 (UTC): clamped to the nearest limit.
- Activity.description: text longer than 4,000 characters is cut to it.
- Activity.risk_disclosure: text longer than 4,000 characters is cut to it.
- Shift.starts_at: outside 1900–2099 (UTC): clamped to the nearest limit.
- Shift.ends_at: outside 1900–2099 (UTC): clamped to the nearest limit.
- Shift.min_people: outside 0–10000: clamped to the nearest limit.
- Shift.wanted_people: outside 0–10000: clamped to the nearest limit.
- Shift.max_people: outside 0–10000: clamped to the nearest limit.
- SignUp.waitlist_position: outside 1–1000000: emptied (NULL).
- Outcome.quantity: outside 0–1000000000: clamped to the nearest limit.
"""

import datetime
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
        apps,
        schema_editor,
        "activities.Campaign",
        {
            "starts_on": Bound(datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)),
            "ends_on": Bound(datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)),
            "target_activities": Bound(0, 100000),
            "target_volunteers": Bound(0, 1000000),
            "target_hours": Bound(0, 10000000),
        },
        null=set(),
    )
    truncate_long_text(apps, schema_editor, "activities.Campaign", {"description": 4000})
    clamp_out_of_range(
        apps, schema_editor, "activities.OutcomeType", {"ordering": Bound(0, 1000)}, null=set()
    )
    clamp_out_of_range(
        apps,
        schema_editor,
        "activities.CampaignTarget",
        {"quantity": Bound(Decimal("0"), Decimal("1000000000"))},
        null=set(),
    )
    clamp_out_of_range(
        apps,
        schema_editor,
        "activities.Activity",
        {
            "lat": Bound(Decimal("3"), Decimal("54")),
            "lon": Bound(Decimal("73"), Decimal("136")),
            "starts_at": Bound(
                datetime.datetime(1900, 1, 1, 0, 0, 0, tzinfo=datetime.UTC),
                datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
            ),
            "ends_at": Bound(
                datetime.datetime(1900, 1, 1, 0, 0, 0, tzinfo=datetime.UTC),
                datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
            ),
        },
        null={"lat", "lon"},
    )
    truncate_long_text(
        apps, schema_editor, "activities.Activity", {"description": 4000, "risk_disclosure": 4000}
    )
    clamp_out_of_range(
        apps,
        schema_editor,
        "activities.Shift",
        {
            "starts_at": Bound(
                datetime.datetime(1900, 1, 1, 0, 0, 0, tzinfo=datetime.UTC),
                datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
            ),
            "ends_at": Bound(
                datetime.datetime(1900, 1, 1, 0, 0, 0, tzinfo=datetime.UTC),
                datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
            ),
            "min_people": Bound(0, 10000),
            "wanted_people": Bound(0, 10000),
            "max_people": Bound(0, 10000),
        },
        null=set(),
    )
    clamp_out_of_range(
        apps,
        schema_editor,
        "activities.SignUp",
        {"waitlist_position": Bound(1, 1000000)},
        null={"waitlist_position"},
    )
    clamp_out_of_range(
        apps,
        schema_editor,
        "activities.Outcome",
        {"quantity": Bound(Decimal("0"), Decimal("1000000000"))},
        null=set(),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0003_end_signups_of_erased"),
        ("orgs", "0002_bounds"),
        ("people", "0005_bounds"),
        ("regions", "0002_bounds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="activity",
            name="description",
            field=models.TextField(
                blank=True,
                max_length=4000,
                validators=[django.core.validators.MaxLengthValidator(4000)],
                verbose_name="service content",
            ),
        ),
        migrations.AlterField(
            model_name="activity",
            name="ends_at",
            field=models.DateTimeField(
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                        datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc),
                    )
                ],
                verbose_name="ends at",
            ),
        ),
        migrations.AlterField(
            model_name="activity",
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
            model_name="activity",
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
        migrations.AlterField(
            model_name="activity",
            name="risk_disclosure",
            field=models.TextField(
                blank=True,
                max_length=4000,
                validators=[django.core.validators.MaxLengthValidator(4000)],
                verbose_name="risk disclosure",
            ),
        ),
        migrations.AlterField(
            model_name="activity",
            name="starts_at",
            field=models.DateTimeField(
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                        datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc),
                    )
                ],
                verbose_name="starts at",
            ),
        ),
        migrations.AlterField(
            model_name="campaign",
            name="description",
            field=models.TextField(
                blank=True,
                max_length=4000,
                validators=[django.core.validators.MaxLengthValidator(4000)],
                verbose_name="description",
            ),
        ),
        migrations.AlterField(
            model_name="campaign",
            name="ends_on",
            field=models.DateField(
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)
                    )
                ],
                verbose_name="ends on",
            ),
        ),
        migrations.AlterField(
            model_name="campaign",
            name="starts_on",
            field=models.DateField(
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)
                    )
                ],
                verbose_name="starts on",
            ),
        ),
        migrations.AlterField(
            model_name="campaign",
            name="target_activities",
            field=models.PositiveIntegerField(
                default=0,
                validators=[vetserve.core.bounds.InRange(0, 100000)],
                verbose_name="target activities",
            ),
        ),
        migrations.AlterField(
            model_name="campaign",
            name="target_hours",
            field=models.PositiveIntegerField(
                default=0,
                validators=[vetserve.core.bounds.InRange(0, 10000000)],
                verbose_name="target service hours",
            ),
        ),
        migrations.AlterField(
            model_name="campaign",
            name="target_volunteers",
            field=models.PositiveIntegerField(
                default=0,
                validators=[vetserve.core.bounds.InRange(0, 1000000)],
                verbose_name="target volunteers",
            ),
        ),
        migrations.AlterField(
            model_name="campaigntarget",
            name="quantity",
            field=vetserve.core.bounds.SafeDecimalField(
                decimal_places=2,
                max_digits=14,
                validators=[vetserve.core.bounds.InRange(Decimal("0"), Decimal("1000000000"))],
                verbose_name="target quantity",
            ),
        ),
        migrations.AlterField(
            model_name="outcome",
            name="quantity",
            field=vetserve.core.bounds.SafeDecimalField(
                decimal_places=2,
                max_digits=14,
                validators=[vetserve.core.bounds.InRange(Decimal("0"), Decimal("1000000000"))],
                verbose_name="quantity",
            ),
        ),
        migrations.AlterField(
            model_name="outcometype",
            name="ordering",
            field=models.PositiveSmallIntegerField(
                default=0, validators=[vetserve.core.bounds.InRange(0, 1000)]
            ),
        ),
        migrations.AlterField(
            model_name="shift",
            name="ends_at",
            field=models.DateTimeField(
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                        datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc),
                    )
                ],
                verbose_name="ends at",
            ),
        ),
        migrations.AlterField(
            model_name="shift",
            name="max_people",
            field=models.PositiveIntegerField(
                default=1,
                validators=[vetserve.core.bounds.InRange(0, 10000)],
                verbose_name="maximum people",
            ),
        ),
        migrations.AlterField(
            model_name="shift",
            name="min_people",
            field=models.PositiveIntegerField(
                default=1,
                validators=[vetserve.core.bounds.InRange(0, 10000)],
                verbose_name="minimum people",
            ),
        ),
        migrations.AlterField(
            model_name="shift",
            name="starts_at",
            field=models.DateTimeField(
                validators=[
                    vetserve.core.bounds.InRange(
                        datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                        datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc),
                    )
                ],
                verbose_name="starts at",
            ),
        ),
        migrations.AlterField(
            model_name="shift",
            name="wanted_people",
            field=models.PositiveIntegerField(
                default=1,
                validators=[vetserve.core.bounds.InRange(0, 10000)],
                verbose_name="wanted people",
            ),
        ),
        migrations.AlterField(
            model_name="signup",
            name="waitlist_position",
            field=models.PositiveIntegerField(
                blank=True, null=True, validators=[vetserve.core.bounds.InRange(1, 1000000)]
            ),
        ),
        migrations.RunPython(bring_old_values_into_bounds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("lat__gte", Decimal("3")), ("lat__lte", Decimal("54"))),
                    ("lat__isnull", True),
                    _connector="OR",
                ),
                name="activity_lat_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("lon__gte", Decimal("73")), ("lon__lte", Decimal("136"))),
                    ("lon__isnull", True),
                    _connector="OR",
                ),
                name="activity_lon_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "starts_at__gte",
                        datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                    ),
                    (
                        "starts_at__lte",
                        datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc),
                    ),
                ),
                name="activity_starts_at_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "ends_at__gte",
                        datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                    ),
                    (
                        "ends_at__lte",
                        datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc),
                    ),
                ),
                name="activity_ends_at_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("description"), 4000
                ),
                name="activity_description_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("risk_disclosure"), 4000
                ),
                name="activity_risk_disclosure_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("starts_on__gte", datetime.date(1900, 1, 1)),
                    ("starts_on__lte", datetime.date(2099, 12, 31)),
                ),
                name="campaign_starts_on_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("ends_on__gte", datetime.date(1900, 1, 1)),
                    ("ends_on__lte", datetime.date(2099, 12, 31)),
                ),
                name="campaign_ends_on_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("target_activities__gte", 0), ("target_activities__lte", 100000)
                ),
                name="campaign_target_activities_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("target_volunteers__gte", 0), ("target_volunteers__lte", 1000000)
                ),
                name="campaign_target_volunteers_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.CheckConstraint(
                condition=models.Q(("target_hours__gte", 0), ("target_hours__lte", 10000000)),
                name="campaign_target_hours_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("description"), 4000
                ),
                name="campaign_description_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="campaigntarget",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("quantity__gte", Decimal("0")), ("quantity__lte", Decimal("1000000000"))
                ),
                name="campaigntarget_quantity_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="outcome",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("quantity__gte", Decimal("0")), ("quantity__lte", Decimal("1000000000"))
                ),
                name="outcome_quantity_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="outcometype",
            constraint=models.CheckConstraint(
                condition=models.Q(("ordering__gte", 0), ("ordering__lte", 1000)),
                name="outcometype_ordering_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="shift",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "starts_at__gte",
                        datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                    ),
                    (
                        "starts_at__lte",
                        datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc),
                    ),
                ),
                name="shift_starts_at_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="shift",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "ends_at__gte",
                        datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                    ),
                    (
                        "ends_at__lte",
                        datetime.datetime(2099, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc),
                    ),
                ),
                name="shift_ends_at_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="shift",
            constraint=models.CheckConstraint(
                condition=models.Q(("min_people__gte", 0), ("min_people__lte", 10000)),
                name="shift_min_people_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="shift",
            constraint=models.CheckConstraint(
                condition=models.Q(("wanted_people__gte", 0), ("wanted_people__lte", 10000)),
                name="shift_wanted_people_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="shift",
            constraint=models.CheckConstraint(
                condition=models.Q(("max_people__gte", 0), ("max_people__lte", 10000)),
                name="shift_max_people_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="signup",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("waitlist_position__gte", 1), ("waitlist_position__lte", 1000000)),
                    ("waitlist_position__isnull", True),
                    _connector="OR",
                ),
                name="signup_waitlist_position_range",
            ),
        ),
    ]
