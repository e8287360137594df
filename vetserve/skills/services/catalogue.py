"""The city-wide catalogue: skills, qualification types and what a military specialty brings.
Only city administrators (and superusers) edit it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from vetserve.accounts.models import Role, User
from vetserve.audit.services import audit_record
from vetserve.core.access import Actor
from vetserve.skills.models import MilitarySpecialtyMapping, QualificationType, Skill


def catalogue_may_edit(user: Actor | None) -> bool:
    """The catalogue is city-wide: only a city administrator (or a superuser) edits it."""
    # Only a User holds grants; the anonymous user and the system edit nothing.
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser) or any(g.role == Role.CITY_ADMIN for g in user.active_grants())


def _require_catalogue_editor(actor: Actor | None) -> None:
    if not catalogue_may_edit(actor):
        raise PermissionDenied(_("Only city administrators may edit the catalogue."))


def _catalogue_changes(
    row: models.Model, before: dict[str, Any], fields: Iterable[str]
) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for name in fields:
        after = getattr(row, name)
        if before.get(name) != after:
            changes[name] = [before.get(name), after]
    return changes


@transaction.atomic
def skill_save(
    *,
    actor: Actor | None,
    skill: Skill | None = None,
    code: str,
    name: str,
    category: str,
    is_active: bool = True,
) -> Skill:
    """Add a skill to the catalogue (``skill`` None) or change one; audited either way."""
    _require_catalogue_editor(actor)
    row = skill or Skill()
    fields = ("code", "name", "category", "is_active")
    before = {f: getattr(row, f) for f in fields} if skill else {}
    row.code, row.name, row.category, row.is_active = (
        code.strip(),
        " ".join(name.split()),
        category,
        is_active,
    )
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="skill_catalogue.update" if skill else "skill_catalogue.create",
        obj=row,
        changes=_catalogue_changes(row, before, fields),
    )
    return row


@transaction.atomic
def qualification_type_save(
    *,
    actor: Actor | None,
    qtype: QualificationType | None = None,
    code: str,
    name: str,
    issuing_body: str = "",
    validity_days: int | None = None,
    is_insurance: bool = False,
    is_active: bool = True,
    includes: Iterable[QualificationType] = (),
) -> QualificationType:
    """Add or change a qualification type, with the types it includes (never itself)."""
    _require_catalogue_editor(actor)
    row = qtype or QualificationType()
    fields = ("code", "name", "issuing_body", "validity_days", "is_insurance", "is_active")
    before: dict[str, Any] = {f: getattr(row, f) for f in fields} if qtype else {}
    if qtype is not None:
        before["includes"] = sorted(qtype.includes.values_list("code", flat=True))
    if validity_days is not None and validity_days < 1:
        raise ValidationError(
            {"validity_days": _("The validity must be at least one day.")}, code="validity"
        )
    row.code, row.name, row.issuing_body = code.strip(), " ".join(name.split()), issuing_body
    row.validity_days, row.is_insurance, row.is_active = validity_days, is_insurance, is_active
    row.full_clean()
    row.save()
    included = [t for t in includes if t.pk != row.pk]
    row.includes.set(included)
    changes = _catalogue_changes(row, before, fields)
    after_includes = sorted(t.code for t in included)
    if before.get("includes", []) != after_includes:
        changes["includes"] = [before.get("includes"), after_includes]
    audit_record(
        actor=actor,
        action="qualification_type.update" if qtype else "qualification_type.create",
        obj=row,
        changes=changes,
    )
    return row


@transaction.atomic
def specialty_mapping_save(
    *,
    actor: Actor | None,
    mapping: MilitarySpecialtyMapping | None = None,
    specialty: str,
    skill: Skill,
    level: int = 1,
) -> MilitarySpecialtyMapping:
    """Add or change what a military specialty brings (卫生员 → 急救 level 2)."""
    _require_catalogue_editor(actor)
    row = mapping or MilitarySpecialtyMapping()
    before = (
        {"specialty": row.specialty, "skill": row.skill.code, "level": row.level} if mapping else {}
    )
    row.specialty, row.skill, row.level = specialty.strip(), skill, level
    row.full_clean()
    row.save()
    after = {"specialty": row.specialty, "skill": skill.code, "level": level}
    audit_record(
        actor=actor,
        action="specialty_mapping.update" if mapping else "specialty_mapping.create",
        obj=row,
        changes={k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
    )
    return row


@transaction.atomic
def specialty_mapping_delete(*, actor: Actor | None, mapping: MilitarySpecialtyMapping) -> None:
    """Remove a mapping; skills already credited through it stay (someone may rely on them)."""
    _require_catalogue_editor(actor)
    audit_record(
        actor=actor,
        action="specialty_mapping.delete",
        obj=mapping,
        changes={"specialty": [mapping.specialty, None], "skill": [mapping.skill.code, None]},
    )
    mapping.delete()
