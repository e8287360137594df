"""A shift's requirements: the stored JSON checked into its canonical form, and turned
into the eligibility core's ``Requirement``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vetserve.activities.models import Shift
from vetserve.skills.eligibility import Requirement
from vetserve.skills.selectors import requirement_build

REQUIREMENT_KEYS = {
    "skills",
    "qualification_groups",
    "verified_only",
    "min_age",
    "max_age",
    "health_within_days",
    "insurance_required",
}


def requirement_clean(data: Any) -> dict[str, Any]:
    """The requirement JSON in its canonical form, or ValidationError (see ``Shift``)."""
    if data in (None, ""):
        return {}
    if not isinstance(data, dict) or set(data) - REQUIREMENT_KEYS:
        raise ValidationError({"requirements": _("Unknown requirement fields.")}, code="format")
    try:
        clean: dict[str, Any] = {}
        if data.get("skills"):
            clean["skills"] = [[int(s), int(level)] for s, level in data["skills"]]
        if data.get("qualification_groups"):
            clean["qualification_groups"] = [
                sorted(int(t) for t in group) for group in data["qualification_groups"] if group
            ]
        for key in ("min_age", "max_age", "health_within_days"):
            if data.get(key) not in (None, ""):
                clean[key] = int(data[key])
        for key in ("insurance_required", "verified_only"):
            if key in data:
                clean[key] = bool(data[key])
    except (TypeError, ValueError):
        raise ValidationError(
            {"requirements": _("Requirements are not well formed.")}, code="format"
        ) from None
    _check_requirement_values(clean)
    return clean


def _check_requirement_values(clean: dict[str, Any]) -> None:
    """Skills and qualification types that exist, levels 1–3, sensible ages and days: a
    requirement nobody can ever meet (a mistyped skill id) would leave a shift empty for
    reasons nobody can see."""
    from vetserve.skills.models import QualificationType, Skill

    problems: list[str] = []
    skill_ids = {s for s, _level in clean.get("skills", [])}
    if skill_ids - set(Skill.objects.filter(pk__in=skill_ids).values_list("pk", flat=True)):
        problems.append(_("A required skill does not exist."))
    if any(not 1 <= level <= 3 for _s, level in clean.get("skills", [])):
        problems.append(_("Skill levels are 1, 2 or 3."))
    type_ids = {t for group in clean.get("qualification_groups", []) for t in group}
    known = set(QualificationType.objects.filter(pk__in=type_ids).values_list("pk", flat=True))
    if type_ids - known:
        problems.append(_("A required qualification does not exist."))
    youngest, oldest = clean.get("min_age"), clean.get("max_age")
    if any(age is not None and not 0 <= age <= 120 for age in (youngest, oldest)):
        problems.append(_("Ages lie between 0 and 120."))
    if youngest is not None and oldest is not None and youngest > oldest:
        problems.append(_("The youngest age lies above the oldest."))
    days = clean.get("health_within_days")
    if days is not None and not 1 <= days <= 3650:
        problems.append(_("A health declaration is asked for within 1 to 3650 days."))
    if problems:
        raise ValidationError({"requirements": problems}, code="requirements")


def shift_requirement(shift: Shift) -> Requirement:
    """The shift's requirements as the eligibility core's Requirement; the activity's
    insurance flag applies to every shift in it (条例 Art 17)."""
    data = shift.requirements or {}
    return requirement_build(
        id=shift.pk or 0,
        skills=data.get("skills", []),
        qualification_groups=data.get("qualification_groups", []),
        verified_only=bool(data.get("verified_only", True)),
        min_age=data.get("min_age"),
        max_age=data.get("max_age"),
        health_within_days=data.get("health_within_days"),
        insurance_required=bool(data.get("insurance_required"))
        or shift.activity.insurance_required,
    )
