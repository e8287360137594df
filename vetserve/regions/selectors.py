from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from vetserve.core.access import VIEW, Actor, ScopedQuerySet, access_object
from vetserve.core.places import code_to_id, subtree_range
from vetserve.regions.locator import Layout, locator_layout
from vetserve.regions.models import Level, Region

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


def region_residence_choices(*, user: Actor | None) -> QuerySet[Region]:
    """Counties the user sees and every unit under them: where a volunteer they register may
    live (one serving here may live anywhere in these counties). Division names are public."""
    counties = list(Region.objects.visible_to(user).filter(level=Level.COUNTY).order_by("id"))
    ranges = Q(pk__in=[])
    for county in counties:
        low, high = county.id_range
        ranges |= Q(id__gte=low, id__lte=high)
    return Region.objects.filter(ranges)


def region_choices(
    *, user: Actor | None, search: str, action: str = VIEW, residence: bool = False, limit: int
) -> list[Region]:
    """Up to ``limit`` regions the user may see (or change) matching ``search`` (name, pinyin
    or code), for a searchable select: one query, in code order (a unit before its own).
    ``residence``: the places a volunteer the user registers may live in instead."""
    if not search.strip():
        return []
    if residence:
        qs = region_residence_choices(user=user).filter(region_search_q(search))
    else:
        qs = region_list(user=user, search=search, action=action)
    return list(qs.select_related("parent").order_by("id")[:limit])


COMPASS = {
    "north": pgettext_lazy("compass", "north"),
    "northeast": pgettext_lazy("compass", "northeast"),
    "east": pgettext_lazy("compass", "east"),
    "southeast": pgettext_lazy("compass", "southeast"),
    "south": pgettext_lazy("compass", "south"),
    "southwest": pgettext_lazy("compass", "southwest"),
    "west": pgettext_lazy("compass", "west"),
    "northwest": pgettext_lazy("compass", "northwest"),
}


@dataclass(frozen=True)
class Locator:
    """A place drawn among its city's county centres (regions/locator.py), for the SVG."""

    layout: Layout
    city: str
    approximate: bool  # no coordinates of its own: drawn at the centre of ``area``
    area: str = ""

    def describe(self, place: str) -> str:
        """The map in words (its text alternative): where ``place`` lies from the nearest
        county centre."""
        layout = self.layout
        if self.approximate:
            return _("%(place)s has no coordinates: the mark is the centre of %(area)s.") % {
                "place": place,
                "area": self.area,
            }
        if not layout.direction:
            return _(
                "The marked point is the centre of %(county)s, among the counties of %(city)s."
            ) % {
                "county": layout.nearest,
                "city": self.city,
            }
        return _("%(place)s is about %(km)s km %(direction)s of the centre of %(county)s.") % {
            "place": place,
            "km": f"{layout.nearest_km:g}",
            "direction": COMPASS[layout.direction],
            "county": layout.nearest,
        }


def region_locator(
    region: Region, *, lon: Decimal | float | None = None, lat: Decimal | float | None = None
) -> Locator | None:
    """The locator of a place in ``region`` at (``lon``, ``lat``), or at the region's centre
    (the nearest unit above it that has one) when the place has no coordinates. Two queries.

    Division names and centres are public reference data (the statistical divisions), shown to
    whoever may see the place; nothing of any organization or person is drawn."""
    city_code = region.code[:4] + "00"
    units = list(
        Region.objects.filter(
            id__gte=code_to_id(city_code), id__lte=subtree_range(city_code, "city")[1]
        )
        .filter(level__in=(Level.CITY, Level.COUNTY), lon__isnull=False, lat__isnull=False)
        .only("code", "name", "level", "lon", "lat")
        .order_by("id")
    )
    counties = [u for u in units if u.level == Level.COUNTY]
    city = next((u for u in units if u.level == Level.CITY), None)
    approximate = lon is None or lat is None
    area = ""
    if approximate:
        own = [u for u in units if u.code == region.code[:6]]
        centre = region if region.lon is not None and region.lat is not None else None
        centre = centre or (own[0] if own else city)
        if centre is None:
            return None
        lon, lat, area = centre.lon, centre.lat, centre.name
    assert lon is not None and lat is not None
    layout = locator_layout(
        (float(lon), float(lat)),
        [(c.name, float(c.lon), float(c.lat)) for c in counties],  # type: ignore[arg-type]
        here=next((c.name for c in counties if c.code == region.code[:6]), ""),
    )
    if layout is None:
        return None
    return Locator(
        layout=layout, city=city.name if city else "", approximate=approximate, area=area
    )
