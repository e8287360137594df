"""Names in a roster to rows in the database: organizations and residence areas.

Both are loaded once per import (a city has a few hundred of each), so 100,000 rows cost
dictionary look-ups, not queries.
"""

from __future__ import annotations

import re
from collections import defaultdict

from django.utils.translation import gettext as _

from vetserve.core.access import CHANGE, Actor
from vetserve.orgs.models import Organization
from vetserve.regions.models import Region, code_to_id
from vetserve.spreadsheets.values import BadValue

_SPACES = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[\s/,，、\\>＞-]+")
# Offices drop the unit word: 崇礼 for 崇礼区, 西湾子 for 西湾子镇.
_SUFFIXES = ("区", "县", "市", "镇", "乡", "街道", "街道办事处", "地区")


class OrganizationResolver:
    """Organizations the actor may change, by exact name or by number (the record id)."""

    def __init__(self, actor: Actor | None) -> None:
        self.by_id: dict[int, Organization] = {}
        self.by_name: dict[str, list[Organization]] = defaultdict(list)
        for org in Organization.objects.visible_to(actor, CHANGE).select_related("region"):
            self.by_id[org.pk] = org
            self.by_name[_SPACES.sub("", org.name)].append(org)

    def resolve(self, text: str) -> Organization:
        key = _SPACES.sub("", text)
        if key.isdigit() and int(key) in self.by_id:
            return self.by_id[int(key)]
        found = self.by_name.get(key, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise BadValue(
                _(
                    "More than one organization is called “%(name)s”; write its number "
                    "instead (%(numbers)s)."
                )
                % {"name": text, "numbers": ", ".join(str(o.pk) for o in found)}
            )
        raise BadValue(
            _("No organization “%(name)s” that you manage; check the name or write its number.")
            % {"name": text}
        )


class RegionResolver:
    """Residence areas by name, short name, "county/township" path or statistical code.

    Residence is a fact about a person, not a grant, so any loaded division may be named (a
    崇礼 volunteer may live in 张北). A name that several divisions share (城关镇) is settled
    by the home organization's county, then by what the actor sees; otherwise the row asks
    for the code.
    """

    def __init__(self, actor: Actor | None) -> None:
        self.regions: dict[int, Region] = {}
        self.by_code: dict[str, Region] = {}
        self.by_name: dict[str, list[Region]] = defaultdict(list)
        for region in Region.objects.only("id", "code", "name", "level", "parent_id"):
            self.regions[region.pk] = region
            self.by_code[region.code] = region
            self.by_name[region.name].append(region)
        self.visible = set(Region.objects.visible_to(actor).values_list("id", flat=True))
        self._cache: dict[tuple[str, int], Region | BadValue] = {}

    def resolve(self, text: str, *, near: Region) -> Region:
        key = (text, near.pk)
        if key not in self._cache:
            try:
                self._cache[key] = self._resolve(text, near)
            except BadValue as exc:
                self._cache[key] = exc
        found = self._cache[key]
        if isinstance(found, BadValue):
            raise found
        return found

    def _resolve(self, text: str, near: Region) -> Region:
        compact = _SPACES.sub("", text)
        if compact.isdigit():
            # Official codes are 6, 9 or 12 digits; the padded 12-digit form is the same unit.
            region = self.by_code.get(compact)
            if region is None and len(compact) <= 12:
                region = self.regions.get(code_to_id(compact))
            if region is None:
                raise BadValue(_("No division has the code %(code)s.") % {"code": compact})
            return region
        parts = [p for p in _SEPARATORS.split(text) if p]
        within: Region | None = None
        for part in parts[:-1]:
            within = self._pick(self._named(part, within), near, text)
        candidates = self._named(parts[-1], within) if parts else []
        if not candidates and within is None:
            candidates = self._by_prefix(compact)
        return self._pick(candidates, near, text)

    def _named(self, name: str, within: Region | None) -> list[Region]:
        found = list(self.by_name.get(name, []))
        if not found:
            for suffix in _SUFFIXES:
                found = list(self.by_name.get(name + suffix, []))
                if found:
                    break
        if within is not None:
            found = [r for r in found if within.contains(r.pk) and r.pk != within.pk]
        return found

    def _by_prefix(self, compact: str) -> list[Region]:
        """ "崇礼区西湾子镇": a county's name, then a unit inside it."""
        found: list[Region] = []
        for name, regions in self.by_name.items():
            if compact.startswith(name) and len(compact) > len(name):
                rest = compact[len(name) :]
                for outer in regions:
                    found += self._named(rest, outer)
        return found

    def _pick(self, candidates: list[Region], near: Region, text: str) -> Region:
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise BadValue(_("No division called “%(name)s”.") % {"name": text})
        county_code = near.code.ljust(12, "0")[:6]
        county = self.by_code.get(county_code)
        for narrowed in (
            [r for r in candidates if county is not None and county.contains(r.pk)],
            [r for r in candidates if r.pk in self.visible],
        ):
            if len(narrowed) == 1:
                return narrowed[0]
        raise BadValue(
            _(
                "More than one division is called “%(name)s”; write it with its county "
                "(崇礼区西湾子镇) or its code."
            )
            % {"name": text}
        )
