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
from django.db import models
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


def _compute_scope(user: User, action: str) -> Scope:
    from vetserve.accounts.models import ROLE_ACTIONS, Role

    ranges: list[tuple[int, int]] = []
    region_ids: set[int] = set()
    org_paths: list[str] = []
    org_ids: set[int] = set()
    for grant in user.active_grants():
        if action not in ROLE_ACTIONS[grant.role]:
            continue
        if grant.region is not None:
            ranges.append(grant.region.id_range)
            region_ids.update(grant.region.ancestor_ids)
        if grant.organization is not None:
            org = grant.organization
            if grant.role == Role.ORG_LEADER:
                org_paths.append(org.path)
            else:
                org_ids.add(org.pk)
            region_ids.add(org.region_id)
            region_ids.update(org.region.ancestor_ids)
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
