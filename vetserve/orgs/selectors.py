from __future__ import annotations

from typing import Any

from django.db.models import Q

from vetserve.core.access import VIEW, Actor, ScopedQuerySet, access_object
from vetserve.orgs.models import Organization
from vetserve.regions.models import Region


def organization_list(
    *,
    user: Actor | None,
    search: str = "",
    kind: str = "",
    region: Region | None = None,
    parent: Organization | None = None,
    action: str = VIEW,
) -> ScopedQuerySet[Organization]:
    qs: ScopedQuerySet[Organization] = Organization.objects.visible_to(user, action)
    if search:
        text = search.strip()
        lowered = text.lower()
        qs = qs.filter(
            Q(name__icontains=text)
            | Q(name_initials__contains=lowered)
            | Q(name_pinyin__contains=lowered)
        )
    if kind:
        qs = qs.filter(kind=kind)
    if region is not None:
        low, high = region.id_range
        qs = qs.filter(region_id__gte=low, region_id__lte=high)
    if parent is not None:
        qs = qs.filter(parent=parent)
    return qs.select_related("region", "parent")


def access_organization(user: Actor | None, org_id: Any, action: str = VIEW) -> Organization:
    return access_object(
        Organization.objects.select_related("region", "parent"), user, action, pk=org_id
    )


def region_page_organizations(*, user: Actor | None, region: Region) -> dict[str, Any]:
    """The organizations section of a region's page (registered in regions.views)."""
    return {
        "org_count": organization_list(user=user, region=region).count(),
        "orgs_here": list(organization_list(user=user).filter(region=region)[:50]),
    }


def organization_choices(
    *, user: Actor | None, search: str, action: str = VIEW, active_only: bool = False, limit: int
) -> list[Organization]:
    """Up to ``limit`` organizations the user may see (or change) matching ``search``, for a
    searchable select: one query, in tree order (a federation before its teams)."""
    if not search.strip():
        return []
    qs = organization_list(user=user, search=search, action=action)
    if active_only:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("path")[:limit])
