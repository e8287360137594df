"""An index for the roster filtered by status (bench/roster_list.py, 100,000 volunteers).

"Show the suspended volunteers" asks for one status in name order. Without this index SQLite
read the whole scope through the region index and sorted it (175 ms); with it, it reads the
status's names in order and stops after one page (under 2 ms). PostgreSQL gets the same in
the code-point order the roster uses there (see 0002). Written as SQL for the same reasons as
0002: the model's state is unchanged, so makemigrations sees no difference.
"""

from django.db import migrations

INDEX = "people_volunteer_status_name"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        columns = '"status", ("name"::text) COLLATE "C", "id"'
    else:
        columns = '"status", "name", "id"'
    schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "people_volunteer" ({columns})')


def drop(apps, schema_editor):
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("people", "0002_roster_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
