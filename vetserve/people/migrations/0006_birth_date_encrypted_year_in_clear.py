"""Store the birth date encrypted and only its year in clear (issue 12, item 15).

The masked ID number (130722********123X) hides exactly the eight birth-date digits; with the
birth date in clear beside it, a dump without keys gave every full number back. See
docs/decisions/0004-masking-against-combination.md.
"""

from datetime import date

from django.db import migrations, models

import vetserve.core.bounds
from vetserve.core import crypto

BIRTH_CONTEXT = "volunteer.birth_date"  # as vetserve.people.models.BIRTH_CONTEXT


def encrypt_birth_dates(apps, schema_editor):
    Volunteer = apps.get_model("people", "Volunteer")
    rows = Volunteer.objects.filter(birth_date__isnull=False).only("pk", "birth_date")
    for volunteer in rows.iterator(chunk_size=2000):
        Volunteer.objects.filter(pk=volunteer.pk).update(
            birth_year=volunteer.birth_date.year,
            birth_date_enc=crypto.encrypt(
                volunteer.birth_date.isoformat(), context=BIRTH_CONTEXT
            ),
        )


def decrypt_birth_dates(apps, schema_editor):
    Volunteer = apps.get_model("people", "Volunteer")
    rows = Volunteer.objects.exclude(birth_date_enc="").only("pk", "birth_date_enc")
    for volunteer in rows.iterator(chunk_size=2000):
        Volunteer.objects.filter(pk=volunteer.pk).update(
            birth_date=date.fromisoformat(
                crypto.decrypt(volunteer.birth_date_enc, context=BIRTH_CONTEXT)
            )
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0005_bounds")]

    operations = [
        migrations.AddField(
            model_name="volunteer",
            name="birth_date_enc",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="volunteer",
            name="birth_year",
            field=models.PositiveSmallIntegerField(
                editable=False,
                null=True,
                validators=[vetserve.core.bounds.InRange(1900, 2099)],
                verbose_name="year of birth",
            ),
        ),
        migrations.RunPython(encrypt_birth_dates, decrypt_birth_dates),
        migrations.RemoveIndex(model_name="volunteer", name="people_volu_name_3f1a38_idx"),
        migrations.RemoveConstraint(model_name="volunteer", name="volunteer_birth_date_range"),
        migrations.RemoveField(model_name="volunteer", name="birth_date"),
        migrations.AddIndex(
            model_name="volunteer",
            index=models.Index(fields=["name", "birth_year"], name="people_volu_name_5e0f28_idx"),
        ),
        # Years come from dates already in 1900–2099 (0005_bounds), so none is out of range.
        migrations.AddConstraint(
            model_name="volunteer",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("birth_year__gte", 1900), ("birth_year__lte", 2099)),
                    ("birth_year__isnull", True),
                    _connector="OR",
                ),
                name="volunteer_birth_year_range",
            ),
        ),
    ]
