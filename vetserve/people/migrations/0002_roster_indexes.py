"""Indexes for the roster page on PostgreSQL (bench/roster_list.py, 100,000 volunteers).

- ``people_volunteer_name_c``: names in code-point order (the C collation), with the id. The
  roster orders by it (``selectors.volunteer_roster``), so the first page reads 50 index
  entries instead of sorting every row, and a name search (``name LIKE '王%'``) becomes a
  range on it whatever the database's collation: PostgreSQL turns a LIKE prefix into an index
  range only for a C-collated column. Code-point order is also SQLite's order, so both
  databases list the roster alike.
- ``people_volunteer_current_scope``: region and user of the records not erased, what every
  roster count filters on; the count of a city's 100,000 volunteers then reads this small
  index instead of the whole table (12 ms instead of 35–50 ms).

SQLite needs neither: its default collation is already code-point order, and its planner does
not read a partial index alone for these counts. Written as SQL, not in ``Meta.indexes``: an
expression index with a collation is PostgreSQL's, and the model's state is unchanged, so
makemigrations sees no difference.
"""

from django.db import migrations

CREATE = [
    'CREATE INDEX IF NOT EXISTS "people_volunteer_name_c" '
    'ON "people_volunteer" (("name"::text) COLLATE "C", "id")',
    'CREATE INDEX IF NOT EXISTS "people_volunteer_current_scope" '
    'ON "people_volunteer" ("region_id", "user_id") WHERE "erased_at" IS NULL',
]
DROP = [
    'DROP INDEX IF EXISTS "people_volunteer_name_c"',
    'DROP INDEX IF EXISTS "people_volunteer_current_scope"',
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in CREATE:
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
