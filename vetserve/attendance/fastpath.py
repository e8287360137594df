"""The speed tricks of the check-in burst, fenced in one module.

5,173 people arriving at once (docs/benchmarks.md, check-in burst) made the ORM's own work —
compiling queries, ordering, building whole instances — cost more than the database. Each trick
here says why it is there; ``attendance.services`` holds the scan's rules and calls these for
its reads. Everything else goes through the ORM as usual. The general tools (``RowLoader``,
``insert_one``) live in ``core.db``.
"""

from __future__ import annotations

import functools
import uuid
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models import Manager, QuerySet

from vetserve.activities.models import Activity, Shift, SignUp
from vetserve.attendance.models import Attendance
from vetserve.core.db import RowLoader
from vetserve.orgs.models import Organization
from vetserve.people.models import Volunteer

M = TypeVar("M", bound=models.Model)


def one(queryset: QuerySet[M] | Manager[M], **lookup: Any) -> M | None:
    """The first matching row or None, without the ORDER BY that ``first()`` adds (one row is
    expected; the ordering only costs compile time on the scan path)."""
    return next(iter(queryset.filter(**lookup).order_by()[:1]), None)


# The columns a scan reads (times, the activity's place and organizer, the organizer's path):
# a check-in burst runs this per request, and the narrower query compiles and loads in half
# the time of the whole rows.
SHIFT_FIELDS = (
    "post", "starts_at", "ends_at", "activity",
    "activity__title", "activity__region", "activity__organization", "activity__lat",
    "activity__lon", "activity__organization__path", "activity__organization__region",
)  # fmt: skip


# --- the roster row, written out -----------------------------------------------------------------
# A leader checking people in from the roster is what the burst looks like. The ORM's compiling
# of these two queries cost more than running them, so they are written out.

# The columns the roster row loads per model: only what a check-in reads, as ``.only()`` would.
_ROSTER_FIELDS: dict[type[models.Model], list[str]] = {
    SignUp: ["id", "state", "volunteer_id", "shift_id"],
    Volunteer: ["id", "name"],
    Shift: ["id", "post", "starts_at", "ends_at", "activity_id"],
    Activity: ["id", "title", "region_id", "lat", "lon", "organization_id"],
    Organization: ["id", "path", "region_id"],
}
_ROSTER_ALIAS = {SignUp: "su", Volunteer: "v", Shift: "s", Activity: "a", Organization: "o"}

# Set on a roster row's sign-up when the row's probe found no stay and no earlier key, so the
# check-in skips the query for them (``seen_before``).
_CLEAR = "_vetserve_clear"


def roster_row(signup_id: int, shift_id: int, key: uuid.UUID) -> SignUp | None:
    """The sign-up ``signup_id`` on shift ``shift_id`` with its volunteer's name, its shift,
    the activity and the organizing organization's place, in one query; and whether the person
    has stays on it or ``key`` was recorded before (see ``seen_before``). The instances carry
    only these fields (the rest load on access, as with ``.only()``)."""
    loaders = _roster_loaders()
    key_value = Attendance._meta.get_field("in_key").get_db_prep_value(key, connection)
    with connection.cursor() as cursor:
        cursor.execute(_roster_sql(connection.vendor), [key_value, key_value, signup_id, shift_id])
        row = cursor.fetchone()
    if row is None:
        return None
    loaded: dict[type[models.Model], Any] = {}
    at = 0
    for model, loader in loaders.items():
        loaded[model] = loader.load(row[at : at + len(loader.fields)])
        at += len(loader.fields)
    signup: SignUp = loaded[SignUp]
    shift: Shift = loaded[Shift]
    activity: Activity = loaded[Activity]
    # Related instances go straight into the cache the descriptors read.
    signup._state.fields_cache.update(volunteer=loaded[Volunteer], shift=shift)
    shift._state.fields_cache["activity"] = activity
    activity._state.fields_cache["organization"] = loaded[Organization]
    setattr(signup, _CLEAR, not row[at])
    return signup


def _column(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)  # the lists above name columns, never reverse relations
    return field


def _column_name(model: type[models.Model], name: str) -> str:
    column = _column(model, name).column
    assert column is not None  # set on every field of a registered model
    return column


# Built once per process: the loaders work out per model what does not depend on the row.
@functools.cache
def _roster_loaders() -> dict[type[models.Model], RowLoader[Any]]:
    return {m: RowLoader(m, [_column(m, n) for n in names]) for m, names in _ROSTER_FIELDS.items()}


# Built once per backend: the statement's text never changes, so PostgreSQL can prepare it.
@functools.cache
def _roster_sql(vendor: str) -> str:
    q = connection.ops.quote_name
    t = {m: q(m._meta.db_table) for m in _ROSTER_FIELDS}
    columns = ", ".join(
        f"{_ROSTER_ALIAS[m]}.{q(_column_name(m, name))}"
        for m, names in _ROSTER_FIELDS.items()
        for name in names
    )
    return (
        f"SELECT {columns}, EXISTS ({_seen_sql('su.id')}) "  # noqa: S608
        f"FROM {t[SignUp]} su JOIN {t[Volunteer]} v ON v.id = su.volunteer_id "
        f"JOIN {t[Shift]} s ON s.id = su.shift_id JOIN {t[Activity]} a ON a.id = s.activity_id "
        f"JOIN {t[Organization]} o ON o.id = a.organization_id "
        "WHERE su.id = %s AND su.shift_id = %s"
    )


def _seen_sql(signup: str) -> str:
    """Rows of any stay on the sign-up ``signup`` (a column or ``%s``), or of a key (the next
    two ``%s``) recorded before."""
    table = connection.ops.quote_name(Attendance._meta.db_table)
    return (
        f"SELECT 1 FROM {table} x WHERE x.signup_id = {signup} "  # noqa: S608
        "OR x.in_key = %s OR x.out_key = %s"
    )


# Built once per backend, as the roster row's statement.
@functools.cache
def _has_stays_or_key_sql(vendor: str) -> str:
    return f"{_seen_sql('%s')} LIMIT 1"


def _has_stays_or_key(signup: SignUp, key: uuid.UUID) -> bool:
    """Whether the person has any stay on this sign-up or the key was recorded before; when
    neither, a check-in needs nothing more than its insert."""
    key_value = Attendance._meta.get_field("in_key").get_db_prep_value(key, connection)
    with connection.cursor() as cursor:
        cursor.execute(_has_stays_or_key_sql(connection.vendor), [signup.pk, key_value, key_value])
        return cursor.fetchone() is not None


def seen_before(signup: SignUp, key: uuid.UUID) -> bool:
    """Whether the person may have stays on this sign-up or ``key`` was recorded before: False
    without a query when the roster row's probe already said neither (a one-row probe before
    loading every stay, since almost every check-in in a burst is the person's first)."""
    return not getattr(signup, _CLEAR, False) and _has_stays_or_key(signup, key)
