"""Every write to the roster goes through here: pages, API, import and commands alike."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.accounts.models import User
from vetserve.audit.services import audit_record, audit_redact_person
from vetserve.core import crypto
from vetserve.core.access import Actor, may_change_org, may_reveal
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
    STATUS_FLOW,
    Consent,
    CorrectionRequest,
    Membership,
    Status,
    StatusChange,
    Volunteer,
)
from vetserve.regions.models import Region

# The version of the registration consent text shown on the form and in the import template.
CONSENT_TEXT_VERSION = "2026-11"

ID_CONTEXT = "volunteer.id_number"
PHONE_CONTEXT = "volunteer.phone"
EMERGENCY_CONTEXT = "volunteer.emergency_phone"
DISCHARGE_CONTEXT = "volunteer.discharge_doc"
HEALTH_CONTEXT = "volunteer.health"

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
REVEALABLE = {
    "id_number": ("id_number_enc", ID_CONTEXT),
    "phone": ("phone_enc", PHONE_CONTEXT),
    "emergency_phone": ("emergency_phone_enc", EMERGENCY_CONTEXT),
    "discharge_doc": ("discharge_doc_enc", DISCHARGE_CONTEXT),
}


def id_index(number: str) -> str:
    return crypto.blind_index(normalize_id_number(number), context=ID_CONTEXT)


def phone_index(phone: str) -> str:
    return crypto.blind_index(phone, context=PHONE_CONTEXT)


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


def _require_change_org(actor: Actor | None, org: Organization) -> None:
    if not may_change_org(actor, org):
        raise PermissionDenied(_("You may not manage volunteers of this organization."))


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
    volunteer = Volunteer.objects.create(
        name=name,
        name_initials=initials,
        name_pinyin=full,
        gender=identity.gender,
        birth_date=identity.birth_date,
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


def _user(actor: Actor | None) -> User | None:
    """The acting user's row, for the foreign keys that record who did it; the anonymous
    user and the system are nobody."""
    return actor if isinstance(actor, User) else None


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
    volunteer.save()
    audit_record(actor=actor, action="volunteer.update", obj=volunteer, changes=changes)
    return volunteer


def _json(value: Any) -> Any:
    return value if value is None or isinstance(value, (int, str, bool)) else str(value)


def volunteer_reveal_value(volunteer: Volunteer, field: str) -> str:
    """Decrypt one protected field (internal use: comparisons, exports the caller audits)."""
    column, context = REVEALABLE[field]
    stored = getattr(volunteer, column)
    return crypto.decrypt(stored, context=context) if stored else ""


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


@transaction.atomic
def volunteer_status_change(
    *, actor: Actor | None, volunteer: Volunteer, to_status: str, reason: str
) -> Volunteer:
    _require_change_org(actor, volunteer.home_org)
    if to_status not in STATUS_FLOW.get(volunteer.status, frozenset()):
        raise ValidationError(
            {
                "status": _("A volunteer cannot go from %(from)s to %(to)s.")
                % {"from": volunteer.get_status_display(), "to": Status(to_status).label}
            },
            code="invalid_transition",
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the change.")}, code="reason")
    StatusChange.objects.create(
        volunteer=volunteer,
        from_status=volunteer.status,
        to_status=to_status,
        reason=reason,
        actor=_user(actor),
    )
    old = volunteer.status
    volunteer.status = to_status
    volunteer.save(update_fields=["status", "updated_at"])
    for hook in STATUS_HOOKS:
        hook(actor=actor, volunteer=volunteer, old=old, new=to_status, reason=reason)
    audit_record(
        actor=actor,
        action="volunteer.status",
        obj=volunteer,
        reason=reason,
        changes={"status": [old, to_status]},
    )
    return volunteer


@transaction.atomic
def membership_add(
    *,
    actor: Actor | None,
    volunteer: Volunteer,
    organization: Organization,
    role: str,
    started_on: date,
) -> Membership:
    _require_change_org(actor, organization)
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if Membership.objects.filter(
        volunteer=volunteer, organization=organization, ended_on__isnull=True
    ).exists():
        raise ValidationError(
            {"organization": _("The volunteer is already a member of this organization.")},
            code="duplicate",
        )
    membership = Membership.objects.create(
        volunteer=volunteer, organization=organization, role=role, started_on=started_on
    )
    audit_record(
        actor=actor,
        action="membership.add",
        obj=volunteer,
        organization_id=organization.pk,
        changes={"organization": [None, organization.name], "role": [None, role]},
    )
    return membership


@transaction.atomic
def membership_end(*, actor: Actor | None, membership: Membership, ended_on: date) -> Membership:
    _require_change_org(actor, membership.organization)
    if ended_on < membership.started_on:
        raise ValidationError({"ended_on": _("The end cannot be before the start.")})
    membership.ended_on = ended_on
    membership.save(update_fields=["ended_on"])
    audit_record(
        actor=actor,
        action="membership.end",
        obj=membership.volunteer,
        organization_id=membership.organization_id,
        changes={"organization": [membership.organization.name, None]},
    )
    return membership


@transaction.atomic
def consent_record(
    *, actor: Actor | None, volunteer: Volunteer, purpose: str, granted: bool, text_version: str
) -> Consent:
    """Record a separate consent (health data, publication, sharing) or its withdrawal."""
    user = _user(actor)
    if user is not None and getattr(volunteer, "user_id", None) != user.pk:
        _require_change_org(actor, volunteer.home_org)
    consent = Consent.objects.create(
        volunteer=volunteer,
        purpose=purpose,
        granted=granted,
        text_version=text_version,
        recorded_by=_user(actor),
    )
    if purpose == Consent.Purpose.HEALTH and not granted:
        # Without consent, health data is not kept (PIPL Art 29).
        volunteer.health_enc = ""
        volunteer.health_declared_on = None
        volunteer.save(update_fields=["health_enc", "health_declared_on", "updated_at"])
    audit_record(
        actor=actor,
        action="consent.grant" if granted else "consent.withdraw",
        obj=volunteer,
        changes={"purpose": [None, purpose]},
    )
    return consent


def has_consent(volunteer: Volunteer, purpose: str) -> bool:
    latest = volunteer.consents.filter(purpose=purpose).order_by("-at", "-id").first()
    return bool(latest and latest.granted)


@transaction.atomic
def health_declare(
    *, actor: Actor | None, volunteer: Volunteer, text: str, declared_on: date
) -> None:
    if not has_consent(volunteer, Consent.Purpose.HEALTH):
        raise ValidationError(
            _("Health data needs the volunteer's separate consent first."), code="no_consent"
        )
    if getattr(volunteer, "user_id", None) != (actor.pk if actor is not None else None):
        _require_change_org(actor, volunteer.home_org)
    volunteer.health_enc = crypto.encrypt(text.strip(), context=HEALTH_CONTEXT)
    volunteer.health_declared_on = declared_on
    volunteer.save(update_fields=["health_enc", "health_declared_on", "updated_at"])
    audit_record(actor=actor, action="volunteer.health", obj=volunteer)


@transaction.atomic
def correction_request_create(*, volunteer: Volunteer, message: str) -> CorrectionRequest:
    message = message.strip()
    if not message:
        raise ValidationError({"message": _("Say what is wrong and what it should be.")})
    request = CorrectionRequest.objects.create(volunteer=volunteer, message=message)
    audit_record(actor=volunteer.user, action="correction.request", obj=volunteer)
    return request


@transaction.atomic
def correction_request_resolve(
    *, actor: Actor | None, request: CorrectionRequest, done: bool, resolution: str
) -> CorrectionRequest:
    _require_change_org(actor, request.volunteer.home_org)
    request.state = CorrectionRequest.State.DONE if done else CorrectionRequest.State.REJECTED
    request.resolution = resolution.strip()
    request.resolved_by = _user(actor)
    request.resolved_at = timezone.now()
    request.save()
    audit_record(
        actor=actor,
        action="correction.resolve",
        obj=request.volunteer,
        changes={"state": ["open", request.state]},
    )
    return request


def volunteer_data_export(*, volunteer: Volunteer) -> dict[str, Any]:
    """Everything held about a person, in clear, for that person (PIPL Art 45)."""
    return {
        "name": volunteer.name,
        "gender": volunteer.get_gender_display(),
        "birth_date": volunteer.birth_date.isoformat() if volunteer.birth_date else None,
        "id_number": volunteer_reveal_value(volunteer, "id_number"),
        "phone": volunteer_reveal_value(volunteer, "phone"),
        "residence_region": volunteer.residence_region.name,
        "address": volunteer.address,
        "home_org": volunteer.home_org.name,
        "status": volunteer.get_status_display(),
        "skills": volunteer.skills_note,
        "service_categories": volunteer.service_categories,
        "service_branch": volunteer.get_service_branch_display(),
        "enlisted_year": volunteer.enlisted_year,
        "discharged_year": volunteer.discharged_year,
        "military_specialty": volunteer.military_specialty,
        "discharge_doc": volunteer_reveal_value(volunteer, "discharge_doc"),
        "party": volunteer.get_party_display(),
        "emergency_contact": volunteer.emergency_name,
        "emergency_phone": volunteer_reveal_value(volunteer, "emergency_phone"),
        "health": crypto.decrypt(volunteer.health_enc, context=HEALTH_CONTEXT)
        if volunteer.health_enc
        else "",
        "memberships": [
            {
                "organization": m.organization.name,
                "role": m.get_role_display(),
                "from": m.started_on.isoformat(),
                "until": m.ended_on.isoformat() if m.ended_on else None,
            }
            for m in volunteer.memberships.select_related("organization")
        ],
        "status_history": [
            {"at": c.at.isoformat(), "from": c.from_status, "to": c.to_status, "reason": c.reason}
            for c in volunteer.status_changes.all()
        ],
        "consents": [
            {
                "purpose": c.purpose,
                "granted": c.granted,
                "version": c.text_version,
                "at": c.at.isoformat(),
            }
            for c in volunteer.consents.all()
        ],
    }


@transaction.atomic
def volunteer_self_export(*, actor: Actor | None, volunteer: Volunteer) -> dict[str, Any]:
    """A person downloading everything held about them (PIPL Art 45): only their own record,
    and logged, because the download holds the full numbers."""
    user = _user(actor)
    if user is None or volunteer.user_id != user.pk:
        raise PermissionDenied(_("This is not your record."))
    audit_record(actor=actor, action="volunteer.self_export", obj=volunteer)
    return volunteer_data_export(volunteer=volunteer)


ERASED_NAME = "（已删除）"


def volunteer_erase(*, actor: Actor | None, volunteer: Volunteer, reason: str) -> Volunteer:
    """Delete a person's personal data (PIPL Art 47). The row stays, anonymous, so service
    hours and counts keep adding up; nothing left identifies the person, and nothing the
    person held still works: badges are revoked and live sign-ups end (ERASE_HOOKS), and the
    audit log no longer names them."""
    # The context-manager form, not the decorator: mutation testing skips decorated functions.
    with transaction.atomic():
        _require_change_org(actor, volunteer.home_org)
        if volunteer.is_erased:
            raise ValidationError(_("This record has been erased."), code="erased")
        reason = reason.strip()
        if not reason:
            raise ValidationError({"reason": _("Give a reason for erasing.")}, code="reason")
        for hook in ERASE_HOOKS:
            hook(actor=actor, volunteer=volunteer, reason=reason)
        name = volunteer.name
        _wipe(volunteer)
        volunteer.save()
        volunteer.consents.all().delete()
        volunteer.correction_requests.all().delete()
        audit_redact_person(subject=volunteer, related=_rows_of(volunteer), name=name)
        audit_record(
            actor=actor,
            action="volunteer.erase",
            obj=volunteer,
            reason=reason,
            object_repr=f"#{volunteer.pk}",
        )
        return volunteer


def _rows_of(volunteer: Volunteer) -> dict[str, list[str]]:
    """Every row of any app that points at the person (sign-ups, stays, badges, skills …) by
    object type, as the audit log names them: the log's labels of these rows carry the name."""
    rows: dict[str, list[str]] = {}
    for relation in Volunteer._meta.related_objects:
        model = relation.related_model
        if relation.many_to_many or model is Volunteer or not isinstance(model, type):
            continue
        ids = model._default_manager.filter(**{relation.field.name: volunteer}).values_list(
            "pk", flat=True
        )
        rows[model._meta.label_lower] = [str(pk) for pk in ids]
    return rows


def _wipe(volunteer: Volunteer) -> None:
    volunteer.name = ERASED_NAME
    volunteer.name_initials = volunteer.name_pinyin = ""
    volunteer.birth_date = None  # with the region and gender, it would narrow the person down
    volunteer.id_number_enc = ""
    volunteer.id_number_index = None
    volunteer.id_number_masked = ""
    for field in ("phone", "emergency_phone", "discharge_doc"):
        setattr(volunteer, f"{field}_enc", "")
        setattr(volunteer, f"{field}_masked", "")
    volunteer.phone_index = ""
    volunteer.address = volunteer.emergency_name = volunteer.military_specialty = ""
    volunteer.skills_note = volunteer.service_categories = ""
    volunteer.service_branch = volunteer.party = ""
    volunteer.enlisted_year = volunteer.discharged_year = None
    volunteer.health_enc = ""
    volunteer.health_declared_on = None
    if volunteer.photo:
        volunteer.photo.delete(save=False)
    volunteer.photo = None
    volunteer.user = None
    volunteer.erased_at = timezone.now()


@transaction.atomic
def volunteer_merge(
    *, actor: Actor | None, keep: Volunteer, drop: Volunteer, reason: str
) -> Volunteer:
    """Fold a duplicate record into the one kept: memberships, history, consents and
    requests move over; the duplicate is emptied and points to the kept record."""
    if keep.pk == drop.pk:
        raise ValidationError(_("Choose two different records."))
    _require_change_org(actor, keep.home_org)
    _require_change_org(actor, drop.home_org)
    if keep.is_erased or drop.is_erased:
        raise ValidationError(_("Erased records cannot be merged."))
    kept_orgs = set(
        keep.memberships.filter(ended_on__isnull=True).values_list("organization_id", flat=True)
    )
    for membership in drop.memberships.all():
        if membership.ended_on is None and membership.organization_id in kept_orgs:
            membership.delete()
        else:
            membership.volunteer = keep
            membership.save(update_fields=["volunteer"])
    for model in (StatusChange, Consent, CorrectionRequest):
        model.objects.filter(volunteer=drop).update(volunteer=keep)
    # Later apps (badges, hours) register here to move their rows too.
    for mover in MERGE_HOOKS:
        mover(keep=keep, drop=drop)
    if keep.user_id is None and drop.user_id is not None:
        keep.user_id = drop.user_id
    dropped_name = drop.name
    _wipe(drop)
    drop.merged_into = keep
    drop.status = Status.LEFT
    drop.save()
    keep.save()
    audit_record(
        actor=actor,
        action="volunteer.merge",
        obj=keep,
        reason=reason.strip(),
        changes={"merged": [f"#{drop.pk} {dropped_name}", None]},
    )
    return keep


MERGE_HOOKS: list[Any] = []
# Called before a record is erased as hook(actor=, volunteer=, reason=): what the person held
# must stop working (badges, sign-ups) while the name is still there to word it.
ERASE_HOOKS: list[Any] = []
# Called after a status change as hook(actor=, volunteer=, old=, new=, reason=): a volunteer
# who leaves must not keep a badge that verifies as valid.
STATUS_HOOKS: list[Any] = []


@transaction.atomic
def rotate_keys(*, reindex: bool = False, batch: int = 1000) -> int:
    """Re-encrypt every protected value under the current data key (and, with ``reindex``,
    recompute blind indexes under the current index key). Returns the rows rewritten."""
    current = crypto.keyring().current
    rewritten = 0
    columns = [(col, ctx) for col, ctx in REVEALABLE.values()] + [("health_enc", HEALTH_CONTEXT)]
    qs = Volunteer.objects.filter(erased_at__isnull=True).order_by("pk")
    for volunteer in qs.iterator(chunk_size=batch):
        dirty: list[str] = []
        for column, context in columns:
            stored = getattr(volunteer, column)
            if stored and crypto.key_id_of(stored) != current:
                setattr(
                    volunteer,
                    column,
                    crypto.encrypt(crypto.decrypt(stored, context=context), context=context),
                )
                dirty.append(column)
        if reindex:
            number = volunteer_reveal_value(volunteer, "id_number")
            phone = volunteer_reveal_value(volunteer, "phone")
            volunteer.id_number_index = id_index(number) if number else None
            volunteer.phone_index = phone_index(phone) if phone else ""
            dirty += ["id_number_index", "phone_index"]
        if dirty:
            volunteer.save(update_fields=dirty)
            rewritten += 1
    return rewritten
