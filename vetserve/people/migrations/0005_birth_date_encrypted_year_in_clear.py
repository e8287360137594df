"""Store the birth date encrypted and only its year in clear (issue 12, item 15).

The masked ID number (130722********123X) hides exactly the eight birth-date digits; with the
birth date in clear beside it, a dump without keys gave every full number back. See
docs/decisions/0004-masking-against-combination.md.
"""

from datetime import date

from django.db import migrations, models

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
    dependencies = [("people", "0004_redact_audit_of_erased")]

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
                editable=False, null=True, verbose_name="year of birth"
            ),
        ),
        migrations.RunPython(encrypt_birth_dates, decrypt_birth_dates),
        migrations.RemoveIndex(model_name="volunteer", name="people_volu_name_3f1a38_idx"),
        migrations.RemoveField(model_name="volunteer", name="birth_date"),
        migrations.AddIndex(
            model_name="volunteer",
            index=models.Index(fields=["name", "birth_year"], name="people_volu_name_5e0f28_idx"),
        ),
    ]
