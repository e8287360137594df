from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vetserve.audit.services import audit_record, diff_fields
from vetserve.core.access import Actor, may_change_org, may_place_org
from vetserve.core.bounds import bounds_errors
from vetserve.core.text import pinyin_keys
from vetserve.orgs.models import Kind, Organization, Specialty
from vetserve.regions.models import Region

EDITABLE_FIELDS = (
    "name",
    "kind",
    "specialty",
    "region",
    "parent",
    "founded_on",
    "leader_name",
    "flag_awarded_on",
    "description",
    "is_active",
)


def _validate(values: dict[str, Any], *, instance: Organization | None) -> None:
    errors: dict[str, str] = {}
    name = values["name"]
    if not name:
        errors["name"] = _("A name is required.")
    if values["kind"] not in Kind.values:
        errors["kind"] = _("Unknown kind of organization.")
    if values["specialty"] not in Specialty.values:
        errors["specialty"] = _("Unknown specialty.")
    parent: Organization | None = values["parent"]
    if (
        parent is not None
        and instance is not None
        and (parent.pk == instance.pk or parent.path.startswith(instance.path))
    ):
        errors["parent"] = _("An organization cannot sit under itself or its own sub-team.")
    founded: date | None = values["founded_on"]
    flag: date | None = values["flag_awarded_on"]
    if founded and flag and flag < founded:
        errors["flag_awarded_on"] = _("The flag cannot be awarded before the founding date.")
    for key, messages in bounds_errors(Organization(**values)).items():
        errors.setdefault(key, messages[0])
    duplicate = Organization.objects.filter(region=values["region"], name=name)
    if instance is not None:
        duplicate = duplicate.exclude(pk=instance.pk)
    if name and duplicate.exists():
        errors["name"] = _("An organization with this name exists in this region.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def organization_create(
    *,
    actor: Actor | None,
    name: str,
    kind: str,
    region: Region,
    parent: Organization | None = None,
    specialty: str = Specialty.GENERAL,
    founded_on: date | None = None,
    leader_name: str = "",
    flag_awarded_on: date | None = None,
    description: str = "",
) -> Organization:
    if not may_place_org(actor, region_id=region.pk, parent=parent):
        raise PermissionDenied(_("You may not add organizations here."))
    values: dict[str, Any] = {
        "name": name.strip(),
        "kind": kind,
        "specialty": specialty,
        "region": region,
        "parent": parent,
        "founded_on": founded_on,
        "leader_name": leader_name.strip(),
        "flag_awarded_on": flag_awarded_on,
        "description": description.strip(),
    }
    _validate(values, instance=None)
    initials, full = pinyin_keys(values["name"])
    org = Organization.objects.create(**values, path="", name_initials=initials, name_pinyin=full)
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.save(update_fields=["path"])
    audit_record(actor=actor, action="organization.create", obj=org)
    return org


@transaction.atomic
def organization_update(*, actor: Actor | None, org: Organization, **changes: Any) -> Organization:
    """Change the fields given; moving it (region or parent) needs rights at both ends."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if not may_change_org(actor, org):
        raise PermissionDenied(_("You may not change this organization."))
    before = {key: getattr(org, key) for key in EDITABLE_FIELDS}
    after = {**before, **changes}
    for key in ("name", "leader_name", "description"):
        after[key] = (after[key] or "").strip()
    moved = after["region"] != before["region"] or after["parent"] != before["parent"]
    if moved and not may_place_org(actor, region_id=after["region"].pk, parent=after["parent"]):
        raise PermissionDenied(_("You may not move the organization there."))
    _validate(after, instance=org)
    diff = diff_fields(before, after)
    if not diff:
        return org
    old_path = org.path
    for key, value in after.items():
        setattr(org, key, value)
    org.name_initials, org.name_pinyin = pinyin_keys(org.name)
    if after["parent"] != before["parent"]:
        parent = after["parent"]
        org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.save()
    if org.path != old_path:
        # Re-root the whole subtree in place.
        for child in Organization.objects.filter(path__startswith=old_path).exclude(pk=org.pk):
            child.path = org.path + child.path[len(old_path) :]
            child.save(update_fields=["path"])
    audit_record(actor=actor, action="organization.update", obj=org, changes=diff)
    return org
