"""Registering many volunteers at once: what `volunteer_register` does, in batches.

`volunteer_register` costs several queries per person (the volunteer, a status change, a
consent and an audit entry); 100,000 people that way take many minutes. This module sets the
same fields the same way — encrypted numbers, blind indexes, masks, pinyin, a status change
"Registered" and the registration consent recorded by the actor — in batches of 2,000. The
caller has checked every value (see `importing`), holds the transaction and writes one audit
entry for the whole import.

Rows go in with COPY on PostgreSQL and one parameterised INSERT run by ``executemany``
elsewhere, not with `bulk_create`: the ORM
spends ~10 µs preparing each of a row's 37 values, which made the ORM three quarters of a
100,000-row import (profiled: bench/import_roster.py). `_Table` builds the same column values
the ORM would: every concrete field, its model default when the row does not set it, the
auto_now timestamps, and the backend's own adaptation of dates and datetimes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.core import crypto
from vetserve.core.access import Actor
from vetserve.core.db import refresh_planner_statistics
from vetserve.core.text import pinyin_keys
from vetserve.people.idnumbers import mask_id_number, mask_phone
from vetserve.people.models import (
    Consent,
    Status,
    StatusChange,
    Volunteer,
    birth_date_columns,
)
from vetserve.people.services import (
    CONSENT_TEXT_VERSION,
    EMERGENCY_CONTEXT,
    ID_CONTEXT,
    PHONE_CONTEXT,
    phone_index,
)

BATCH = 2000
LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class _Column:
    attname: str
    default: Any
    adapt: Callable[[Any], Any] | None
    stamp: bool  # auto_now / auto_now_add: the time of the insert


class _Table:
    """An INSERT for every concrete column of ``model`` but the primary key."""

    def __init__(self, model: type[models.Model]) -> None:
        ops = connection.ops
        self.columns: list[_Column] = []
        names = []
        for field in model._meta.concrete_fields:
            if field.primary_key:
                continue
            adapt: Callable[[Any], Any] | None = None
            if isinstance(field, models.DateTimeField):
                adapt = ops.adapt_datetimefield_value
            elif isinstance(field, models.DateField):
                adapt = ops.adapt_datefield_value
            stamp = bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
            assert not (field.has_default() and callable(field.default)), field
            self.columns.append(_Column(field.attname, field.get_default(), adapt, stamp))
            names.append(ops.quote_name(str(field.column)))
        marks = ", ".join(["%s"] * len(names))
        table = ops.quote_name(model._meta.db_table)
        # Names come from the model's own metadata, quoted by the backend; values are parameters.
        self.sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"  # noqa: S608
        self.copy_sql = f"COPY {table} ({', '.join(names)}) FROM STDIN"

    def insert(self, rows: Sequence[dict[str, Any]], *, now: datetime) -> None:
        # The timestamps are the same for every row: adapted once, not once per row and
        # column (that was a third of the insert's time, inside the import's transaction).
        stamps = {
            c.attname: c.adapt(now) if c.adapt is not None else now for c in self.columns if c.stamp
        }
        params = []
        for row in rows:
            values = []
            for column in self.columns:
                if column.stamp:
                    values.append(stamps[column.attname])
                    continue
                value = row.get(column.attname, column.default)
                if column.adapt is not None and value is not None:
                    value = column.adapt(value)
                values.append(value)
            params.append(values)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: a third of the time of executemany's pipelined INSERTs.
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for values in params:
                        copy.write_row(values)
            else:
                cursor.executemany(self.sql, params)


# Loads this large change the roster's size enough to matter to the query planner.
ANALYZE_AFTER = 1000


Progress = Callable[[int, int], None]  # (rows done, rows in all)


@dataclass(frozen=True)
class Prepared:
    """Volunteer rows ready to insert, in batches, with their ID numbers' blind indexes: the
    costly part of a registration (encryption, masks, pinyin) done before any transaction."""

    batches: list[list[dict[str, Any]]]
    indexes: list[list[str]]
    status: str

    def __len__(self) -> int:
        return sum(len(b) for b in self.batches)


def register_many(
    *,
    actor: Actor | None,
    rows: Sequence[dict[str, Any]],
    indexes: Sequence[str],
    status: str = Status.ACTIVE,
    consent_version: str = CONSENT_TEXT_VERSION,
    batch: int = BATCH,
) -> int:
    """Insert checked rows (``values`` of `importing.RowResult`); ``indexes`` are their ID
    numbers' blind indexes, already computed to find existing records. Returns the count."""
    prepared = prepare_many(rows=rows, indexes=indexes, status=status, batch=batch)
    return insert_prepared(actor=actor, prepared=prepared, consent_version=consent_version)


def prepare_many(
    *,
    rows: Sequence[dict[str, Any]],
    indexes: Sequence[str],
    status: str = Status.ACTIVE,
    batch: int = BATCH,
    progress: Progress | None = None,
) -> Prepared:
    """The column values of each new volunteer, computed outside any transaction. The
    background import prepares first and only then opens its transaction, so the database's
    write lock (all of SQLite) is held for the inserts alone, and progress can be written
    between batches (docs/decisions/0008-background-imports.md)."""
    pinyin: dict[str, tuple[str, str]] = {}
    batches: list[list[dict[str, Any]]] = []
    batch_indexes: list[list[str]] = []
    for start in range(0, len(rows), batch):
        chunk = []
        for values in rows[start : start + batch]:
            name = values["name"]
            if name not in pinyin:
                pinyin[name] = pinyin_keys(name)
            number, phone = values["id_number"], values["phone"]
            emergency = values.get("emergency_phone", "")
            org = values["home_org"]
            residence = values.get("residence_region") or org.region
            chunk.append(
                {
                    "name": name,
                    "name_initials": pinyin[name][0],
                    "name_pinyin": pinyin[name][1],
                    "gender": values["gender"],
                    **birth_date_columns(values["birth_date"]),
                    "id_number_enc": crypto.encrypt(number, context=ID_CONTEXT),
                    "id_number_masked": mask_id_number(number),
                    "phone_enc": crypto.encrypt(phone, context=PHONE_CONTEXT),
                    "phone_index": phone_index(phone),
                    "phone_masked": mask_phone(phone),
                    "emergency_phone_enc": crypto.encrypt(emergency, context=EMERGENCY_CONTEXT)
                    if emergency
                    else "",
                    "emergency_phone_masked": mask_phone(emergency) if emergency else "",
                    "residence_region_id": residence.pk,
                    "home_org_id": org.pk,
                    "region_id": org.region_id,
                    "status": status,
                    **values["details"],
                }
            )
        for values, index in zip(chunk, indexes[start : start + batch], strict=True):
            values["id_number_index"] = index
        batches.append(chunk)
        batch_indexes.append(list(indexes[start : start + batch]))
        if progress is not None:
            progress(start + len(chunk), len(rows))
    return Prepared(batches=batches, indexes=batch_indexes, status=status)


def insert_prepared(
    *,
    actor: Actor | None,
    prepared: Prepared,
    consent_version: str = CONSENT_TEXT_VERSION,
) -> int:
    """Insert prepared volunteers with their status change "Registered" and the registration
    consent recorded by the actor. The caller holds the transaction."""
    user_id = actor.pk if actor is not None and actor.is_authenticated else None
    registered = _("Registered")
    status = prepared.status
    volunteers, changes, consents = _Table(Volunteer), _Table(StatusChange), _Table(Consent)
    for chunk, batch_indexes in zip(prepared.batches, prepared.indexes, strict=True):
        now = timezone.now()
        volunteers.insert(chunk, now=now)
        ids = _ids_by_index(batch_indexes)
        changes.insert(
            [
                {
                    "volunteer_id": ids[i],
                    "from_status": "",
                    "to_status": status,
                    "reason": registered,
                    "actor_id": user_id,
                }
                for i in batch_indexes
            ],
            now=now,
        )
        consents.insert(
            [
                {
                    "volunteer_id": ids[i],
                    "purpose": Consent.Purpose.REGISTRATION,
                    "text_version": consent_version,
                    "granted": True,
                    "recorded_by_id": user_id,
                }
                for i in batch_indexes
            ],
            now=now,
        )
    count = len(prepared)
    if count >= ANALYZE_AFTER:
        refresh_planner_statistics(Volunteer._meta.db_table)
    return count


def _ids_by_index(indexes: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(indexes), LOOKUP_CHUNK):
        found.update(
            Volunteer.objects.filter(
                id_number_index__in=indexes[start : start + LOOKUP_CHUNK]
            ).values_list("id_number_index", "id")  # type: ignore[arg-type]
        )
    return found
