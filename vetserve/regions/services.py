from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vetserve.audit.services import audit_record, diff_fields
from vetserve.core.access import Actor, may_change_region
from vetserve.core.bounds import check_bounds
from vetserve.core.text import pinyin_keys
from vetserve.regions.models import (
    CODE_LENGTH,
    LEVEL_ORDER,
    PREFIX_DIGITS,
    Level,
    Region,
    code_to_id,
)

DIVISIONS_CSV = Path(__file__).parent / "data" / "zhangjiakou-divisions.csv"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _decimal(value: str) -> Decimal | None:
    value = value.strip()
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValidationError(_("Invalid coordinate %(value)s.") % {"value": value}) from None


def validate_region_code(*, code: str, level: str, parent: Region | None) -> None:
    """A code must have its level's length and sit under its parent's code."""
    if level not in LEVEL_ORDER:
        raise ValidationError({"level": _("Unknown level.")}, code="invalid_level")
    if not code.isdigit() or len(code) != CODE_LENGTH[level]:
        raise ValidationError(
            {
                "code": _("A %(level)s code has %(n)d digits.")
                % {"level": Level(level).label, "n": CODE_LENGTH[level]}
            },
            code="invalid_code",
        )
    if parent is None:
        return
    if LEVEL_ORDER.index(level) != LEVEL_ORDER.index(parent.level) + 1:
        raise ValidationError(
            {
                "level": _("A region under a %(parent)s must be one level lower.")
                % {"parent": parent.get_level_display()}
            },
            code="invalid_level",
        )
    padded = code.ljust(12, "0")
    parent_prefix = parent.code.ljust(12, "0")[: PREFIX_DIGITS[parent.level]]
    if not padded.startswith(parent_prefix) or padded == parent.code.ljust(12, "0"):
        raise ValidationError(
            {
                "code": _("The code must begin with %(prefix)s, the code of %(parent)s.")
                % {"prefix": parent_prefix, "parent": parent.name}
            },
            code="invalid_code",
        )


@transaction.atomic
def regions_load_csv(*, path: Path = DIVISIONS_CSV) -> LoadResult:
    """Load or refresh divisions from a CSV (code,name,level,parent_code,lon,lat). Safe to rerun."""
    result = LoadResult()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # Parents before children, whatever order the file has.
    rows.sort(key=lambda row: (LEVEL_ORDER.index(row["level"].strip()), row["code"]))
    existing = {r.pk: r for r in Region.objects.all()}
    for row in rows:
        code = row["code"].strip()
        level = row["level"].strip()
        parent_code = (row.get("parent_code") or "").strip()
        parent = existing.get(code_to_id(parent_code)) if parent_code else None
        if parent_code and parent is None:
            raise ValidationError(
                _("Row %(code)s names parent %(parent)s, which is not in the file or database.")
                % {"code": code, "parent": parent_code}
            )
        validate_region_code(code=code, level=level, parent=parent)
        initials, full = pinyin_keys(row["name"].strip())
        values: dict[str, Any] = {
            "code": code,
            "name": row["name"].strip(),
            "level": level,
            "parent": parent,
            "lon": _decimal(row.get("lon") or ""),
            "lat": _decimal(row.get("lat") or ""),
            "name_initials": initials,
            "name_pinyin": full,
        }
        region = existing.get(code_to_id(code))
        if region is None:
            region = Region.objects.create(id=code_to_id(code), **values)
            existing[region.pk] = region
            result.created += 1
            continue
        changed = [k for k, v in values.items() if getattr(region, k) != v]
        if changed:
            for key in changed:
                setattr(region, key, values[key])
            region.save(update_fields=changed)
            result.updated += 1
        else:
            result.unchanged += 1
    return result


def _require_change(user: Actor | None, region_id: int) -> None:
    if not may_change_region(user, region_id):
        raise PermissionDenied(_("You may not change regions here."))


@transaction.atomic
def region_create(
    *,
    actor: Actor | None,
    parent: Region,
    code: str,
    name: str,
    lon: Decimal | None = None,
    lat: Decimal | None = None,
) -> Region:
    """Add a unit below ``parent`` (typically a village under a township)."""
    _require_change(actor, parent.pk)
    level = LEVEL_ORDER[LEVEL_ORDER.index(parent.level) + 1] if parent.level != "village" else ""
    if not level:
        raise ValidationError(_("Villages have no units below them."), code="invalid_level")
    code = code.strip()
    name = name.strip()
    validate_region_code(code=code, level=level, parent=parent)
    if not name:
        raise ValidationError({"name": _("A name is required.")}, code="required")
    if Region.objects.filter(pk=code_to_id(code)).exists():
        raise ValidationError({"code": _("A region with this code exists.")}, code="duplicate")
    initials, full = pinyin_keys(name)
    region = Region(
        id=code_to_id(code),
        code=code,
        name=name,
        level=level,
        parent=parent,
        lon=lon,
        lat=lat,
        name_initials=initials,
        name_pinyin=full,
    )
    check_bounds(region)
    region.save(force_insert=True)
    audit_record(actor=actor, action="region.create", obj=region, region_id=region.pk)
    return region


@transaction.atomic
def region_update(
    *,
    actor: Actor | None,
    region: Region,
    name: str | None = None,
    lon: Decimal | None = None,
    lat: Decimal | None = None,
) -> Region:
    """Rename a unit or move its centre point. Codes never change: they are identities."""
    _require_change(actor, region.pk)
    before: dict[str, Any] = {"name": region.name, "lon": region.lon, "lat": region.lat}
    after = dict(before)
    if name is not None:
        if not name.strip():
            raise ValidationError({"name": _("A name is required.")}, code="required")
        after["name"] = name.strip()
    if lon is not None:
        after["lon"] = lon
    if lat is not None:
        after["lat"] = lat
    changes = diff_fields(before, after)
    if not changes:
        return region
    region.name, region.lon, region.lat = after["name"], after["lon"], after["lat"]
    check_bounds(region)
    region.name_initials, region.name_pinyin = pinyin_keys(region.name)
    region.save(update_fields=["name", "lon", "lat", "name_initials", "name_pinyin"])
    audit_record(
        actor=actor, action="region.update", obj=region, region_id=region.pk, changes=changes
    )
    return region
