from __future__ import annotations

from django.db import connection

from vetserve.core.db import refresh_planner_statistics


def test_planner_statistics_are_written_for_a_loaded_table(cast):
    refresh_planner_statistics("orgs_organization")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT tbl FROM sqlite_stat1 WHERE tbl = 'orgs_organization'")
            assert cursor.fetchall()
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'orgs_organization'")
            assert cursor.fetchone()[0] >= 7  # the cast's organizations, now counted


def _written_out(model, names, pk):
    """One row of ``model`` read with plain SQL, as the check-in path reads it."""
    q = connection.ops.quote_name
    columns = ", ".join(q(model._meta.get_field(n).column) for n in names)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {q(model._meta.db_table)} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()


def test_the_row_loader_builds_instances_the_orm_would(cast):
    from vetserve.accounts.models import User
    from vetserve.core.db import RowLoader

    names = ["id", "username", "is_active", "is_superuser", "date_joined", "last_login"]
    loader = RowLoader(User, [User._meta.get_field(n) for n in names])
    loaded = loader.load(_written_out(User, names, cast.bob.pk))
    fetched = User.objects.get(pk=cast.bob.pk)
    for name in names:
        # Booleans stored as 0/1 on SQLite and times stored naive come back as the ORM's.
        assert getattr(loaded, name) == getattr(fetched, name), name
        assert type(getattr(loaded, name)) is type(getattr(fetched, name)), name
    assert loaded.is_active is True and loaded.date_joined.tzinfo is not None
    assert loaded._state.adding is False and loaded._state.db == "default"
    # Fields left out load on access, as with .only().
    assert loaded.get_deferred_fields() >= {"password", "email"}
    assert loaded.email == fetched.email


def test_insert_one_stores_what_save_would_and_sets_the_key(cast):
    from vetserve.audit.models import AuditEntry
    from vetserve.core.db import insert_one

    entry = AuditEntry(
        actor=cast.bob, actor_name="bob", action="test.insert", changes={"a": [1, 2]}
    )
    insert_one(entry)
    assert entry.pk is not None and entry._state.adding is False
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.actor_id, stored.action, stored.changes) == (
        cast.bob.pk,
        "test.insert",
        {"a": [1, 2]},
    )
    assert stored.at is not None  # auto_now_add, filled by pre_save as save() does
    again = AuditEntry(actor=None, action="test.insert")
    insert_one(again)
    assert again.pk != entry.pk and AuditEntry.objects.get(pk=again.pk).actor_id is None
