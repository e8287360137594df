"""The database refuses UPDATE and DELETE on ledger rows (docs/decisions/0007)."""

from django.db import migrations


def create(apps, schema_editor):
    from vetserve.ledger import triggers

    triggers.create(schema_editor.connection)


def drop(apps, schema_editor):
    from vetserve.ledger import triggers

    triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
