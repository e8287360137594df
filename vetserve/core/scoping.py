"""Who may see and change what: the one mechanism behind every list and every object.

Every model that belongs to a place or an organization declares how (``scope_region_field``,
``scope_org_field``) and uses ``ScopedQuerySet``. Lists go through ``visible_to(user, action)``;
single objects through the ``access_*`` helpers, which raise ``Http404`` alike for "not yours"
and "does not exist", so an outsider learns nothing from the difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, models
from django.db.models import Q
from django.http import Http404

if TYPE_CHECKING:
    from vetserve.accounts.models import User

VIEW = "view"
CHANGE = "change"
AUDIT = "audit"
ACTIONS = (VIEW, CHANGE, AUDIT)

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    """What one user may reach for one action, as ranges and paths a query can use."""

    everything: bool = False
    # Region-id ranges (a granted region and everything under it).
    region_ranges: tuple[tuple[int, int], ...] = ()
    # Single regions visible without their subtree: the units above a grant, for breadcrumbs.
    region_ids: frozenset[int] = field(default_factory=frozenset)
    # Organization path prefixes (a led organization and its sub-organizations).
    org_paths: tuple[str, ...] = ()
    # Single organizations (a volunteer's own team).
    org_ids: frozenset[int] = field(default_factory=frozenset)
    # The user themself, for rows about them (their own volunteer record); view only.
    self_user_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (
            self.everything
            or self.region_ranges
            or self.region_ids
            or self.org_paths
            or self.org_ids
            or self.self_user_id is not None
        )

    def covers_region(self, region_id: int) -> bool:
        """True when the region lies inside a granted subtree (not merely above one)."""
        return self.everything or any(lo <= region_id <= hi for lo, hi in self.region_ranges)

    def covers_org(self, *, org_id: int, org_path: str, region_id: int) -> bool:
        return (
            self.covers_region(region_id)
            or org_id in self.org_ids
            or any(org_path.startswith(p) for p in self.org_paths)
        )

    def q_for(self, model: type[models.Model]) -> Q:
        """A filter selecting the rows of ``model`` this scope reaches."""
        q = Q(pk__in=[])
        region_field: str | None = getattr(model, "scope_region_field", None)
        org_field: str | None = getattr(model, "scope_org_field", None)
        if region_field is not None:
            for low, high in self.region_ranges:
                q |= Q(**{f"{region_field}__gte": low, f"{region_field}__lte": high})
            if self.region_ids and getattr(model, "scope_ancestors_visible", False):
                q |= Q(**{f"{region_field}__in": sorted(self.region_ids)})
        if org_field is not None:
            path = f"{org_field}__path" if org_field else "path"
            ident = f"{org_field}_id" if org_field else "pk"
            for prefix in self.org_paths:
                q |= Q(**{f"{path}__startswith": prefix})
            if self.org_ids and getattr(model, "scope_member_orgs_visible", True):
                q |= Q(**{f"{ident}__in": sorted(self.org_ids)})
        extra = getattr(model, "scope_extra_q", None)
        if extra is not None:
            q |= extra(self)
        self_field: str | None = getattr(model, "scope_self_field", None)
        if self_field is not None and self.self_user_id is not None:
            q |= Q(**{self_field: self.self_user_id})
        return q


NOTHING = Scope()
EVERYTHING = Scope(everything=True)


def scope_for(user: Any, action: str = VIEW) -> Scope:
    """The scope of ``user`` for ``action``; computed once per user object (one request)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    cache: dict[str, Scope] = user.__dict__.setdefault("_vetserve_scopes", {})
    if action not in cache:
        cache[action] = _compute_scope(user, action)
    return cache[action]


@dataclass(frozen=True)
class _GrantRow:
    """What a scope needs of one grant: its role, its region and its organization's place."""

    role: str
    region_code: str | None
    region_level: str | None
    org_id: int | None
    org_path: str | None
    org_region_id: int | None
    org_region_code: str | None
    org_region_level: str | None


def grant_rows(user: User) -> list[_GrantRow]:
    """The user's grants as plain rows: one query of the columns a scope reads, written out
    because every API request computes a scope and the ORM's compiling of the three joins cost
    more than the query (see docs/benchmarks.md, check-in burst). Grants a page has already
    loaded are reused."""
    # getattr/setattr, not __dict__: ``request.user`` is a lazy proxy of the user object.
    cached: list[_GrantRow] | None = getattr(user, "_vetserve_grant_rows", None)
    if cached is not None:
        return cached
    loaded = getattr(user, "_vetserve_grants", None)
    if loaded is not None:
        rows = [
            _GrantRow(
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
    user._vetserve_grant_rows = rows  # type: ignore[attr-defined]
    return rows


def grant_rows_sql() -> tuple[str, str]:
    """(columns, joins): the grant-row columns and the joins that reach them from a user table
    aliased ``u``, for a query that wants the user's grants along with something else (the API
    token check reads both in one statement). A user without grants gives one row of NULLs."""
    from vetserve.accounts.models import Grant
    from vetserve.orgs.models import Organization
    from vetserve.regions.models import Region

    q = connection.ops.quote_name
    grant, region, org = (q(m._meta.db_table) for m in (Grant, Region, Organization))
    columns = "g.role, r.code, r.level, o.id, o.path, o.region_id, orr.code, orr.level"
    joins = (
        f"LEFT JOIN {grant} g ON g.user_id = u.id "
        f"LEFT JOIN {region} r ON r.id = g.region_id "
        f"LEFT JOIN {org} o ON o.id = g.organization_id "
        f"LEFT JOIN {region} orr ON orr.id = o.region_id"
    )
    return columns, joins


def _grant_rows_from(rows: list[tuple[Any, ...]]) -> list[_GrantRow]:
    # A user without grants comes back as one row of NULLs.
    return [_GrantRow(*row) for row in rows if row[0] is not None]


def remember_grant_rows(user: User, rows: list[tuple[Any, ...]]) -> None:
    """Keep the grant rows read by such a query on the user."""
    user._vetserve_grant_rows = _grant_rows_from(rows)  # type: ignore[attr-defined]


def _grant_rows_query(user: User) -> list[_GrantRow]:
    columns, joins = grant_rows_sql()
    table = connection.ops.quote_name(user._meta.db_table)
    # Table names come from the models; the one value is a parameter.
    sql = f"SELECT {columns} FROM {table} u {joins} WHERE u.id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk])
        return _grant_rows_from(cursor.fetchall())


def _compute_scope(user: User, action: str) -> Scope:
    from vetserve.accounts.models import ROLE_ACTIONS, Role
    from vetserve.regions.models import Region

    ranges: list[tuple[int, int]] = []
    region_ids: set[int] = set()
    org_paths: list[str] = []
    org_ids: set[int] = set()
    for grant in grant_rows(user):
        if action not in ROLE_ACTIONS[grant.role]:
            continue
        if grant.region_code is not None and grant.region_level is not None:
            unit = Region(code=grant.region_code, level=grant.region_level)
            ranges.append(unit.id_range)
            region_ids.update(unit.ancestor_ids)
        if grant.org_id is not None:
            assert grant.org_path is not None and grant.org_region_id is not None
            if grant.role == Role.ORG_LEADER:
                org_paths.append(grant.org_path)
            else:
                org_ids.add(grant.org_id)
            region_ids.add(grant.org_region_id)
            org_region = Region(
                code=grant.org_region_code or "", level=grant.org_region_level or ""
            )
            region_ids.update(org_region.ancestor_ids)
    return Scope(
        region_ranges=tuple(sorted(set(ranges))),
        # Units above a grant are shown by name only; nobody changes them through it.
        region_ids=frozenset(region_ids) if action == VIEW else frozenset(),
        org_paths=tuple(sorted(set(org_paths))),
        org_ids=frozenset(org_ids),
        self_user_id=user.pk if action == VIEW else None,
    )


class ScopedQuerySet(models.QuerySet[M], Generic[M]):
    def visible_to(self, user: Any, action: str = VIEW) -> ScopedQuerySet[M]:
        scope = scope_for(user, action)
        if scope.everything:
            return self.all()
        if scope.is_empty:
            return self.none()
        return self.filter(scope.q_for(self.model))


def access_object(queryset: ScopedQuerySet[M], user: Any, action: str = VIEW, **lookup: Any) -> M:
    """One object the user may reach for ``action``, or Http404 (never 403: no existence leak)."""
    try:
        return queryset.visible_to(user, action).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
