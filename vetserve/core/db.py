"""Database helpers that differ by backend."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


def refresh_planner_statistics(*tables: str) -> None:
    """Let the query planner see a table's new size after a bulk load.

    SQLite keeps no statistics until ANALYZE runs, and without them it picks a full scan and
    sort for the first roster page (316 ms instead of 54 ms at 100,000 volunteers, see
    docs/benchmarks.md). PostgreSQL's autovacuum would catch up later; asking now costs little.
    """
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def model_from_row(model: type[M], fields: Sequence[Field], values: Sequence[Any]) -> M:
    """An instance of ``model`` loaded from a written-out query's ``values`` for ``fields`` (in
    that order), converted as the ORM would (SQLite's 0/1 booleans, naive times made aware …).
    The other fields are deferred, as with ``.only()``."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    names = tuple(f.attname for f in fields)
    cache: dict[tuple[Any, ...], list[tuple[int, Any, list[Any]]]] = wrapper.__dict__.setdefault(
        "_vetserve_converters", {}
    )
    steps = cache.get((model, names))
    if steps is None:
        # Model.from_db takes the values in the model's field order.
        position = {f.attname: i for i, f in enumerate(model._meta.concrete_fields)}
        steps = []
        for i, f in sorted(enumerate(fields), key=lambda pair: position[pair[1].attname]):
            column = f.get_col(model._meta.db_table)
            converters = wrapper.ops.get_db_converters(column) + f.get_db_converters(wrapper)
            steps.append((i, column, converters))
        cache[(model, names)] = steps
    loaded = []
    for i, column, converters in steps:
        value = values[i]
        for convert in converters:
            value = convert(value, column, wrapper)
        loaded.append(value)
    return model.from_db(wrapper.alias, [fields[i].attname for i, _, _ in steps], loaded)


def insert_one(instance: Model) -> None:
    """Save a new ``instance`` with one written-out INSERT … RETURNING its key: what
    ``save()`` does for a model with no save signals and no inherited table, without compiling
    the statement on every call (a quarter of a check-in's CPU went there)."""
    model = type(instance)
    # The connection itself, not the ``connection`` proxy: each attribute read through the
    # proxy looks the connection up again.
    wrapper = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(instance, True), wrapper) for f in fields]
    with wrapper.cursor() as cursor:
        cursor.execute(_insert_sql(model, wrapper.vendor), values)
        if wrapper.features.can_return_columns_from_insert:
            pk = cursor.fetchone()[0]
        else:  # pragma: no cover - SQLite before 3.35
            pk = cursor.lastrowid
    instance.pk = pk
    instance._state.adding, instance._state.db = False, wrapper.alias


@functools.cache
def _insert_sql(model: type[Model], vendor: str) -> str:
    q = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    returning = (
        f" RETURNING {q(str(model._meta.pk.column))}"
        if connection.features.can_return_columns_from_insert
        else ""
    )
    return (
        f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(str(f.column)) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}){returning}"
    )
