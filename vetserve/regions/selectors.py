from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from vetserve.core.access import VIEW, Actor, ScopedQuerySet, access_object
from vetserve.regions.models import Region

if TYPE_CHECKING:
    from vetserve.accounts.models import User


def region_search_q(text: str) -> Q:
    """Name, official code, pinyin initials ("zb" for 张北) or full pinyin."""
    text = text.strip()
    lowered = text.lower()
    q = Q(name__icontains=text) | Q(name_initials__startswith=lowered)
    q |= Q(name_pinyin__startswith=lowered)
    if text.isdigit():
        q |= Q(code__startswith=text)
    return q


def region_list(
    *,
    user: Actor | None,
    parent: Region | None = None,
    level: str | None = None,
    search: str = "",
    action: str = VIEW,
) -> ScopedQuerySet[Region]:
    qs: ScopedQuerySet[Region] = Region.objects.visible_to(user, action)
    if parent is not None:
        qs = qs.filter(parent=parent)
    if level:
        qs = qs.filter(level=level)
    if search:
        qs = qs.filter(region_search_q(search))
    return qs


def region_roots(*, user: Actor | None) -> ScopedQuerySet[Region]:
    """The highest units the user sees (where their tree starts)."""
    qs = Region.objects.visible_to(user)
    return qs.filter(Q(parent__isnull=True) | ~Q(parent__in=Region.objects.visible_to(user)))


def access_region(user: Actor | None, code: str, action: str = VIEW) -> Region:
    if not str(code).isdigit() or len(str(code)) > 12:
        raise Http404
    return access_object(Region.objects.all(), user, action, code=str(code))


def region_subtree(region: Region) -> QuerySet[Region]:
    """Every unit under ``region`` and the region itself: one indexed range query."""
    low, high = region.id_range
    return Region.objects.filter(id__gte=low, id__lte=high)


def region_home_list(*, user: User) -> list[Region]:
    """Where the user's area starts: the regions of their grants (an organization's region for
    a team role). Without grants (a superuser) the highest regions they see."""
    regions: dict[int, Region] = {}
    for grant in user.active_grants():
        if grant.region is not None:
            region = grant.region
        else:
            assert grant.organization is not None  # a grant is held in a region or an org
            region = grant.organization.region
        regions.setdefault(region.pk, region)
    if not regions:
        return list(region_roots(user=user)[:20])
    return sorted(regions.values(), key=lambda r: r.pk)


def region_choices(
    *, user: Actor | None, search: str, action: str = VIEW, limit: int
) -> list[Region]:
    """Up to ``limit`` regions the user may see (or change) matching ``search`` (name, pinyin
    or code), for a searchable select: one query, in code order (a unit before its own)."""
    if not search.strip():
        return []
    qs = region_list(user=user, search=search, action=action).select_related("parent")
    return list(qs.order_by("id")[:limit])
