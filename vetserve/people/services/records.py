"""The record as a whole: everything held about a person for that person (PIPL Art 45),
erasure (PIPL Art 47) and folding a duplicate record into the one kept."""

from __future__ import annotations

from typing import TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.accounts.services import account_close_for_erasure
from vetserve.audit.services import audit_record, audit_redact_person
from vetserve.core import crypto
from vetserve.core.access import Actor
from vetserve.people.models import Consent, CorrectionRequest, Status, StatusChange, Volunteer
from vetserve.people.services._access import _require_change_org, _user
from vetserve.people.services.hooks import ERASE_HOOKS, MERGE_HOOKS
from vetserve.people.services.keys import HEALTH_CONTEXT, volunteer_reveal_value

# Functional form: "from" is a Python keyword.
MembershipData = TypedDict(
    "MembershipData", {"organization": str, "role": str, "from": str, "until": str | None}
)
StatusChangeData = TypedDict("StatusChangeData", {"at": str, "from": str, "to": str, "reason": str})


class ConsentData(TypedDict):
    purpose: str
    granted: bool
    version: str
    at: str


class VolunteerData(TypedDict):
    """Everything held about a person, as they download it (PIPL Art 45)."""

    name: str
    gender: str
    birth_date: str | None
    id_number: str
    phone: str
    residence_region: str
    address: str
    home_org: str
    status: str
    skills: str
    service_categories: str
    service_branch: str
    enlisted_year: int | None
    discharged_year: int | None
    military_specialty: str
    discharge_doc: str
    party: str
    emergency_contact: str
    emergency_phone: str
    health: str
    memberships: list[MembershipData]
    status_history: list[StatusChangeData]
    consents: list[ConsentData]


def volunteer_data_export(*, volunteer: Volunteer) -> VolunteerData:
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
def volunteer_self_export(*, actor: Actor | None, volunteer: Volunteer) -> VolunteerData:
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
    person held still works: badges are revoked and live sign-ups end (ERASE_HOOKS), their
    login loses its volunteer grants, and the audit log no longer names them."""
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
        if volunteer.user is not None:
            # The person's login loses what it held as this volunteer (and closes when that
            # was all): an erased person no longer sees their old team's pages.
            account_close_for_erasure(actor=actor, user=volunteer.user)
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
