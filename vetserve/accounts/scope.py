"""What a person's grants reach: the scope behind every access decision.

Installed into the access module (``core/access.py``) when the apps are ready, so core knows no
app. A grant on a region reaches the region's id range and, for viewing, the units above it by
name; a leader's grant reaches the team and its sub-teams (a path prefix); a volunteer's grant
its own team only. Regions and organizations are read through the grant's foreign keys, so this
module imports neither app.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection

from vetserve.accounts.models import ROLE_ACTIONS, Grant, Role, User
from vetserve.core.access import VIEW, Scope
from vetserve.core.places import ancestor_ids, subtree_range

_ROWS = "_vetserve_grant_rows"  # one of core.access.CACHES, dropped by forget()


@dataclass(frozen=True)
class GrantRow:
    """What a scope needs of one grant: its role, its region and its organization's place."""

    role: str
    region_code: str | None
    region_level: str | None
    org_id: int | None
    org_path: str | None
    org_region_id: int | None
    org_region_code: str | None
    org_region_level: str | None


def grant_rows(user: User) -> list[GrantRow]:
    """The user's grants as plain rows: one query of the columns a scope reads, written out
    because every API request computes a scope and the ORM's compiling of the three joins cost
    more than the query (see docs/benchmarks.md, check-in burst). Grants a page has already
    loaded are reused."""
    # getattr/setattr, not __dict__: ``request.user`` is a lazy proxy of the user object.
    cached: list[GrantRow] | None = getattr(user, _ROWS, None)
    if cached is not None:
        return cached
    loaded = getattr(user, "_vetserve_grants", None)
    if loaded is not None:
        rows = [
            GrantRow(
                role=g.role,
                region_code=g.region.code if g.region else None,
                region_level=g.region.level if g.region else None,
                org_id=g.organization_id,
                org_path=g.organization.path if g.organization else None,
                org_region_id=g.organization.region_id if g.organization else None,
                org_region_code=g.organization.region.code if g.organization else None,
                org_region_level=g.organization.region.level if g.organization else None,
            )
            for g in loaded
        ]
    else:
        rows = _grant_rows_query(user)
    setattr(user, _ROWS, rows)
    return rows


def grant_rows_sql() -> tuple[str, str]:
    """(columns, joins): the grant-row columns and the joins that reach them from a user table
    aliased ``u``, for a query that wants the user's grants along with something else (the API
    token check reads both in one statement). A user without grants gives one row of NULLs."""
    q = connection.ops.quote_name
    region = Grant._meta.get_field("region").related_model
    org = Grant._meta.get_field("organization").related_model
    assert isinstance(region, type) and isinstance(org, type)
    grant, region_table, org_table = (q(m._meta.db_table) for m in (Grant, region, org))
    columns = "g.role, r.code, r.level, o.id, o.path, o.region_id, orr.code, orr.level"
    joins = (
        f"LEFT JOIN {grant} g ON g.user_id = u.id "
        f"LEFT JOIN {region_table} r ON r.id = g.region_id "
        f"LEFT JOIN {org_table} o ON o.id = g.organization_id "
        f"LEFT JOIN {region_table} orr ON orr.id = o.region_id"
    )
    return columns, joins


def _grant_rows_from(rows: list[tuple[Any, ...]]) -> list[GrantRow]:
    # A user without grants comes back as one row of NULLs.
    return [GrantRow(*row) for row in rows if row[0] is not None]


def remember_grant_rows(user: User, rows: list[tuple[Any, ...]]) -> None:
    """Keep the grant rows read by such a query on the user."""
    setattr(user, _ROWS, _grant_rows_from(rows))


def _grant_rows_query(user: User) -> list[GrantRow]:
    columns, joins = grant_rows_sql()
    table = connection.ops.quote_name(user._meta.db_table)
    # Table names come from the models; the one value is a parameter.
    sql = f"SELECT {columns} FROM {table} u {joins} WHERE u.id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk])
        return _grant_rows_from(cursor.fetchall())


def scope_from_grants(user: User, action: str) -> Scope:
    """The scope an active, non-superuser user's grants give for ``action``."""
    ranges: list[tuple[int, int]] = []
    region_ids: set[int] = set()
    org_paths: list[str] = []
    org_ids: set[int] = set()
    for grant in grant_rows(user):
        if action not in ROLE_ACTIONS[grant.role]:
            continue
        if grant.region_code is not None and grant.region_level is not None:
            ranges.append(subtree_range(grant.region_code, grant.region_level))
            region_ids.update(ancestor_ids(grant.region_code, grant.region_level))
        if grant.org_id is not None:
            assert grant.org_path is not None and grant.org_region_id is not None
            if grant.role == Role.ORG_LEADER:
                org_paths.append(grant.org_path)
            else:
                org_ids.add(grant.org_id)
            region_ids.add(grant.org_region_id)
            region_ids.update(
                ancestor_ids(grant.org_region_code or "", grant.org_region_level or "")
            )
    return Scope(
        region_ranges=tuple(sorted(set(ranges))),
        # Units above a grant are shown by name only; nobody changes them through it.
        region_ids=frozenset(region_ids) if action == VIEW else frozenset(),
        org_paths=tuple(sorted(set(org_paths))),
        org_ids=frozenset(org_ids),
        self_user_id=user.pk if action == VIEW else None,
    )
