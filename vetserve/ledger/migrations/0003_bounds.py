"""Bounds for the sequence number and the service year. On SQLite, adding a constraint
rebuilds the table, and the append-only triggers go with the old one: they are made again at
the end (dropped first, so that PostgreSQL, which keeps them, does not refuse)."""

import vetserve.core.bounds
from django.conf import settings
from django.db import migrations, models


def triggers_again(apps, schema_editor):
    from vetserve.ledger import triggers

    triggers.drop(schema_editor.connection)
    triggers.create(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0005_list_indexes'),
        ('attendance', '0004_newest_first_index'),
        ('ledger', '0002_append_only'),
        ('orgs', '0002_bounds'),
        ('people', '0007_list_indexes'),
        ('regions', '0002_bounds'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='ledgerentry',
            name='seq',
            field=models.PositiveIntegerField(editable=False, validators=[vetserve.core.bounds.InRange(1, 1000000000)]),
        ),
        migrations.AlterField(
            model_name='ledgerentry',
            name='service_year',
            field=models.PositiveSmallIntegerField(editable=False, validators=[vetserve.core.bounds.InRange(1900, 2099)]),
        ),
        migrations.AddConstraint(
            model_name='ledgerentry',
            constraint=models.CheckConstraint(condition=models.Q(('seq__gte', 1), ('seq__lte', 1000000000)), name='ledgerentry_seq_range'),
        ),
        migrations.AddConstraint(
            model_name='ledgerentry',
            constraint=models.CheckConstraint(condition=models.Q(('service_year__gte', 1900), ('service_year__lte', 2099)), name='ledgerentry_service_year_range'),
        ),
        migrations.RunPython(triggers_again, migrations.RunPython.noop),
    ]
