"""Database helpers that differ by backend."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Field, Model
from django.db.models.base import ModelState

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


class RowLoader(Generic[M]):
    """Builds instances of ``model`` from a written-out query's values for ``fields`` (in that
    order), converted as the ORM would (SQLite's 0/1 booleans, naive times made aware …). The
    other fields are deferred, as with ``.only()``. Made once per query shape: everything that
    does not depend on the row is worked out here, since the check-in path builds six instances
    per request (``Model.from_db`` walked every field of the model for each)."""

    def __init__(self, model: type[M], fields: Sequence[Field]) -> None:
        self.model = model
        self.fields = tuple(fields)
        self.attnames = tuple(f.attname for f in fields)

    def _converters(self, wrapper: Any) -> list[tuple[Any, list[Any]]]:
        # Per connection, as the ORM's own: converters are the backend's bound methods.
        cache: dict[RowLoader[Any], list[tuple[Any, list[Any]]]] = wrapper.__dict__.setdefault(
            "_vetserve_converters", {}
        )
        steps = cache.get(self)
        if steps is None:
            steps = []
            for f in self.fields:
                column = f.get_col(self.model._meta.db_table)
                steps.append(
                    (column, wrapper.ops.get_db_converters(column) + f.get_db_converters(wrapper))
                )
            cache[self] = steps
        return steps

    def load(self, values: Sequence[Any]) -> M:
        wrapper = connections[DEFAULT_DB_ALIAS]
        # What Model.from_db does, without __init__'s walk over every field: the instance's
        # state, and the loaded values in its __dict__ (absent ones load on access).
        instance = self.model.__new__(self.model)
        state = instance._state = ModelState()
        state.adding, state.db = False, wrapper.alias
        loaded = instance.__dict__
        for name, value, (column, converters) in zip(
            self.attnames, values, self._converters(wrapper), strict=True
        ):
            for convert in converters:
                value = convert(value, column, wrapper)
            loaded[name] = value
        return instance


def insert_one(instance: Model) -> None:
    """Save a new ``instance`` with one written-out INSERT … RETURNING its key: what
    ``save()`` does for a model with no save signals and no inherited table, without compiling
    the statement on every call (a quarter of a check-in's CPU went there)."""
    model = type(instance)
    # The connection itself, not the ``connection`` proxy: each attribute read through the
    # proxy looks the connection up again.
    wrapper = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    values = []
    for f in fields:
        value = f.pre_save(instance, True)
        # Every field of a model inserted this way stores None as NULL: no preparing needed.
        values.append(None if value is None else f.get_db_prep_save(value, wrapper))
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
