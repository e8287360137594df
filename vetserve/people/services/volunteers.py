"""Registering a volunteer (one person, one record, with their consent), correcting or
completing the record, and revealing a full number to someone allowed, with a reason."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vetserve.audit.services import audit_record
from vetserve.core import crypto
from vetserve.core.access import Actor, may_reveal
from vetserve.core.bounds import check_bounds, create_checked
from vetserve.core.text import pinyin_keys
from vetserve.orgs.models import Organization
from vetserve.people.idnumbers import (
    InvalidNumber,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    parse_id_number,
    parse_phone,
)
from vetserve.people.models import (
    Consent,
    Status,
    StatusChange,
    Volunteer,
    birth_date_columns,
)
from vetserve.people.services._access import _require_change_org, _user
from vetserve.people.services.keys import (
    DISCHARGE_CONTEXT,
    EMERGENCY_CONTEXT,
    ID_CONTEXT,
    PHONE_CONTEXT,
    REVEALABLE,
    id_index,
    phone_index,
    volunteer_reveal_value,
)
from vetserve.regions.models import Region

# The version of the registration consent text shown on the form and in the import template.
CONSENT_TEXT_VERSION = "2026-11"

# Plain fields a registration or an edit may set.
DETAIL_FIELDS = (
    "address",
    "skills_note",
    "service_categories",
    "service_branch",
    "enlisted_year",
    "discharged_year",
    "military_specialty",
    "party",
    "emergency_name",
)


@dataclass(frozen=True)
class CheckedIdentity:
    """What the ID number says, checked against what was typed."""

    number: str
    gender: str
    birth_date: date
    unknown_address: bool


def check_identity(
    *,
    id_number: str,
    gender: str | None = None,
    birth_date: date | None = None,
    today: date | None = None,
    known_address_codes: Collection[str] | None = None,
) -> CheckedIdentity:
    """Validate the ID number; gender and birth date come from it and must agree if given.

    ``known_address_codes`` spares a query per call when checking many numbers (imports)."""
    try:
        parsed = parse_id_number(id_number, today=today)
    except InvalidNumber as exc:
        raise ValidationError({"id_number": str(exc)}, code=exc.code) from None
    errors: dict[str, str] = {}
    if gender and gender != parsed.gender:
        errors["gender"] = _("The gender does not match the ID number.")
    if birth_date and birth_date != parsed.birth_date:
        errors["birth_date"] = _("The birth date does not match the ID number (%(date)s).") % {
            "date": parsed.birth_date.isoformat()
        }
    if errors:
        raise ValidationError(errors, code="mismatch")
    if known_address_codes is None:
        known = Region.objects.filter(code=parsed.address_code).exists()
    else:
        known = parsed.address_code in known_address_codes
    return CheckedIdentity(
        number=parsed.number,
        gender=parsed.gender,
        birth_date=parsed.birth_date,
        unknown_address=not known,
    )


def _phone_or_error(field: str, raw: str, *, required: bool) -> str:
    if not raw and not required:
        return ""
    try:
        return parse_phone(raw)
    except InvalidNumber as exc:
        raise ValidationError({field: str(exc)}, code=exc.code) from None


def duplicate_message(actor: Actor | None, existing: Volunteer) -> str:
    """Point to the existing record, saying no more than the actor may see."""
    if Volunteer.objects.visible_to(actor).filter(pk=existing.pk).exists():
        return _("This ID number is already registered: %(name)s (%(org)s, record %(id)d).") % {
            "name": existing.name,
            "org": existing.home_org.name,
            "id": existing.pk,
        }
    return _(
        "This ID number is already registered in another organization; ask the city or county "
        "federation to move or share the record."
    )


def _encrypt_optional(value: str, context: str) -> str:
    return crypto.encrypt(value, context=context) if value else ""


@transaction.atomic
def volunteer_register(
    *,
    actor: Actor | None,
    name: str,
    id_number: str,
    phone: str,
    residence_region: Region,
    home_org: Organization,
    gender: str | None = None,
    birth_date: date | None = None,
    status: str = Status.ACTIVE,
    emergency_phone: str = "",
    discharge_doc: str = "",
    consent_version: str = CONSENT_TEXT_VERSION,
    **details: Any,
) -> Volunteer:
    """Register a volunteer with their consent (办法 Art 6). One person, one record."""
    _require_change_org(actor, home_org)
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    name = " ".join(name.split())
    errors: dict[str, Any] = {}
    if not name:
        errors["name"] = _("The name is required.")
    try:
        identity = check_identity(id_number=id_number, gender=gender, birth_date=birth_date)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        identity = None
    for field, raw, required in (
        ("phone", phone, True),
        ("emergency_phone", emergency_phone, False),
    ):
        try:
            _phone_or_error(field, raw, required=required)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    assert identity is not None
    index = id_index(identity.number)
    existing = Volunteer.objects.select_related("home_org").filter(id_number_index=index).first()
    if existing is not None:
        raise ValidationError({"id_number": duplicate_message(actor, existing)}, code="duplicate")
    clean_phone = parse_phone(phone)
    clean_emergency = _phone_or_error("emergency_phone", emergency_phone, required=False)
    initials, full = pinyin_keys(name)
    volunteer = create_checked(
        Volunteer,
        name=name,
        name_initials=initials,
        name_pinyin=full,
        gender=identity.gender,
        **birth_date_columns(identity.birth_date),
        id_number_enc=crypto.encrypt(identity.number, context=ID_CONTEXT),
        id_number_index=index,
        id_number_masked=mask_id_number(identity.number),
        phone_enc=crypto.encrypt(clean_phone, context=PHONE_CONTEXT),
        phone_index=phone_index(clean_phone),
        phone_masked=mask_phone(clean_phone),
        emergency_phone_enc=_encrypt_optional(clean_emergency, EMERGENCY_CONTEXT),
        emergency_phone_masked=mask_phone(clean_emergency) if clean_emergency else "",
        discharge_doc_enc=_encrypt_optional(discharge_doc.strip(), DISCHARGE_CONTEXT),
        discharge_doc_masked=_mask_doc(discharge_doc.strip()),
        residence_region=residence_region,
        home_org=home_org,
        region_id=home_org.region_id,
        status=status,
        **details,
    )
    StatusChange.objects.create(
        volunteer=volunteer,
        from_status="",
        to_status=status,
        reason=_("Registered"),
        actor=_user(actor),
    )
    Consent.objects.create(
        volunteer=volunteer,
        purpose=Consent.Purpose.REGISTRATION,
        text_version=consent_version,
        granted=True,
        recorded_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="volunteer.register",
        obj=volunteer,
        organization_id=home_org.pk,
        changes={"unknown_address_code": [None, identity.unknown_address]}
        if identity.unknown_address
        else {},
    )
    return volunteer


def _mask_doc(value: str) -> str:
    if not value:
        return ""
    return "*" * max(len(value) - 4, 0) + value[-4:]


@transaction.atomic
def volunteer_update(
    *,
    actor: Actor | None,
    volunteer: Volunteer,
    id_number: str | None = None,
    phone: str | None = None,
    emergency_phone: str | None = None,
    discharge_doc: str | None = None,
    name: str | None = None,
    residence_region: Region | None = None,
    home_org: Organization | None = None,
    **details: Any,
) -> Volunteer:
    """Correct or complete a record. The audit log records which fields changed — for
    protected numbers only the masked forms, never the numbers."""
    _require_change_org(actor, volunteer.home_org)
    if volunteer.is_erased:
        raise ValidationError(_("This record has been erased."), code="erased")
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    changes: dict[str, list[Any]] = {}
    errors: dict[str, Any] = {}
    if id_number is not None and normalize_id_number(id_number) != volunteer_reveal_value(
        volunteer, "id_number"
    ):
        try:
            identity = check_identity(id_number=id_number)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        else:
            index = id_index(identity.number)
            other = Volunteer.objects.filter(id_number_index=index).exclude(pk=volunteer.pk)
            if other.exists():
                errors["id_number"] = duplicate_message(actor, other.select_related("home_org")[0])
            else:
                changes["id_number"] = [volunteer.id_number_masked, mask_id_number(identity.number)]
                volunteer.id_number_enc = crypto.encrypt(identity.number, context=ID_CONTEXT)
                volunteer.id_number_index = index
                volunteer.id_number_masked = mask_id_number(identity.number)
                volunteer.gender = identity.gender
                volunteer.birth_date = identity.birth_date
    for field, raw, required, context in (
        ("phone", phone, True, PHONE_CONTEXT),
        ("emergency_phone", emergency_phone, False, EMERGENCY_CONTEXT),
    ):
        if raw is None:
            continue
        try:
            clean = _phone_or_error(field, raw, required=required)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        masked = mask_phone(clean) if clean else ""
        if masked != getattr(volunteer, f"{field}_masked") or clean != volunteer_reveal_value(
            volunteer, field
        ):
            changes[field] = [getattr(volunteer, f"{field}_masked"), masked]
            setattr(volunteer, f"{field}_enc", _encrypt_optional(clean, context))
            setattr(volunteer, f"{field}_masked", masked)
            if field == "phone":
                volunteer.phone_index = phone_index(clean)
    if discharge_doc is not None and discharge_doc.strip() != volunteer_reveal_value(
        volunteer, "discharge_doc"
    ):
        masked = _mask_doc(discharge_doc.strip())
        changes["discharge_doc"] = [volunteer.discharge_doc_masked, masked]
        volunteer.discharge_doc_enc = _encrypt_optional(discharge_doc.strip(), DISCHARGE_CONTEXT)
        volunteer.discharge_doc_masked = masked
    if name is not None:
        clean_name = " ".join(name.split())
        if not clean_name:
            errors["name"] = _("The name is required.")
        elif clean_name != volunteer.name:
            changes["name"] = [volunteer.name, clean_name]
            volunteer.name = clean_name
            volunteer.name_initials, volunteer.name_pinyin = pinyin_keys(clean_name)
    if errors:
        raise ValidationError(errors)
    if residence_region is not None and residence_region.pk != volunteer.residence_region_id:
        changes["residence_region"] = [volunteer.residence_region_id, residence_region.pk]
        volunteer.residence_region = residence_region
    if home_org is not None and home_org.pk != volunteer.home_org_id:
        _require_change_org(actor, home_org)
        changes["home_org"] = [volunteer.home_org_id, home_org.pk]
        volunteer.home_org = home_org
        volunteer.region_id = home_org.region_id
    for key, value in details.items():
        if getattr(volunteer, key) != value:
            changes[key] = [_json(getattr(volunteer, key)), _json(value)]
            setattr(volunteer, key, value)
    if not changes:
        return volunteer
    check_bounds(volunteer)
    volunteer.save()
    audit_record(actor=actor, action="volunteer.update", obj=volunteer, changes=changes)
    return volunteer


def _json(value: Any) -> Any:
    return value if value is None or isinstance(value, (int, str, bool)) else str(value)


def volunteer_reveal(*, actor: Actor | None, volunteer: Volunteer, field: str, reason: str) -> str:
    """The full value of a protected field, for someone allowed, with a reason; always logged."""
    # The context-manager form, not the decorator: mutation testing skips decorated functions.
    with transaction.atomic():
        if field not in REVEALABLE:
            raise ValueError(field)
        if not may_reveal(actor, volunteer):
            raise PermissionDenied(_("You may not see full numbers."))
        reason = reason.strip()
        if len(reason) < 2:
            raise ValidationError({"reason": _("Say why you need the full number.")}, code="reason")
        value = volunteer_reveal_value(volunteer, field)
        audit_record(
            actor=actor,
            action="volunteer.reveal",
            obj=volunteer,
            reason=reason,
            changes={"field": [None, field]},
        )
        return value
