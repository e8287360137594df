"""Activities: create, change and move an activity along its statuses (cancelling tells
everyone signed up), and record its outcome figures."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vetserve.accounts.models import User
from vetserve.activities.models import (
    LIVE_STATES,
    STATUS_FLOW,
    Activity,
    Campaign,
    Outcome,
    OutcomeType,
    Shift,
    SignUp,
    Status,
)
from vetserve.activities.services._access import (
    require_change_activity,
    require_change_org,
    user_or_none,
)
from vetserve.audit.services import audit_record, diff_fields
from vetserve.core.access import VIEW, Actor, may_change_region
from vetserve.core.bounds import check_bounds, create_checked
from vetserve.notify.services import notification_send
from vetserve.orgs.models import Organization
from vetserve.regions.models import Region

ACTIVITY_FIELDS = (
    "title",
    "category",
    "campaign",
    "region",
    "place",
    "lat",
    "lon",
    "starts_at",
    "ends_at",
    "description",
    "risk_disclosure",
    "insurance_required",
    "contact_name",
)


def _check_activity(actor: Actor | None, activity: Activity) -> None:
    check_bounds(activity)
    if activity.ends_at <= activity.starts_at:
        raise ValidationError({"ends_at": _("The end lies before the start.")}, code="period")
    org_low, org_high = activity.organization.region.id_range
    if not (
        org_low <= activity.region_id <= org_high or may_change_region(actor, activity.region_id)
    ):
        raise ValidationError(
            {"region": _("The region lies outside the organization's area and yours.")},
            code="region",
        )
    if (
        activity.campaign_id is not None
        and not Campaign.objects.visible_to(actor, VIEW).filter(pk=activity.campaign_id).exists()
    ):
        raise ValidationError({"campaign": _("Unknown campaign.")}, code="campaign")
    if activity.insurance_required and not activity.risk_disclosure.strip():
        # Risky enough to need insurance: the risks must be told first (条例 Art 12).
        raise ValidationError(
            {"risk_disclosure": _("An activity that needs insurance needs a risk disclosure.")},
            code="risk_disclosure",
        )


@transaction.atomic
def activity_create(
    *,
    actor: Actor | None,
    organization: Organization,
    title: str,
    category: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    region: Region | None = None,
    campaign: Campaign | None = None,
    lat: Decimal | None = None,
    lon: Decimal | None = None,
    description: str = "",
    risk_disclosure: str = "",
    insurance_required: bool = False,
    contact_name: str = "",
) -> Activity:
    require_change_org(actor, organization)
    activity = Activity(
        title=title.strip(),
        category=category,
        organization=organization,
        region=region or organization.region,
        campaign=campaign,
        place=place.strip(),
        lat=lat,
        lon=lon,
        starts_at=starts_at,
        ends_at=ends_at,
        description=description,
        risk_disclosure=risk_disclosure,
        insurance_required=insurance_required,
        contact_name=contact_name,
        created_by=user_or_none(actor),
    )
    _check_activity(actor, activity)
    activity.save()
    audit_record(actor=actor, action="activity.create", obj=activity)
    return activity


@transaction.atomic
def activity_update(*, actor: Actor | None, activity: Activity, **fields: Any) -> Activity:
    require_change_activity(actor, activity)
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if activity.status in (Status.FINISHED, Status.CANCELLED):
        raise ValidationError(
            _("A finished or cancelled activity cannot be edited."), code="closed"
        )
    before = {k: getattr(activity, k) for k in fields}
    for key, value in fields.items():
        setattr(activity, key, value)
    _check_activity(actor, activity)
    activity.save()
    audit_record(
        actor=actor, action="activity.update", obj=activity, changes=diff_fields(before, fields)
    )
    return activity


@transaction.atomic
def activity_status_change(
    *, actor: Actor | None, activity: Activity, to_status: str, reason: str = ""
) -> Activity:
    """Move along STATUS_FLOW; cancelling needs a reason and tells everyone signed up."""
    require_change_activity(actor, activity)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if to_status not in STATUS_FLOW.get(activity.status, frozenset()):
        raise ValidationError(
            {
                "status": _("An activity cannot go from %(from)s to %(to)s.")
                % {
                    "from": Status(activity.status).label,
                    "to": Status(to_status).label if to_status in Status.values else to_status,
                }
            },
            code="transition",
        )
    if to_status == Status.PUBLISHED and not activity.shifts.exists():
        raise ValidationError(
            {"status": _("Add at least one shift before publishing.")}, code="no_shifts"
        )
    if to_status == Status.CANCELLED and len(reason.strip()) < 2:
        raise ValidationError({"reason": _("Say why the activity is cancelled.")}, code="reason")
    before = activity.status
    activity.status = to_status
    activity.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="activity.status",
        obj=activity,
        reason=reason,
        changes={"status": [before, to_status]},
    )
    if to_status == Status.CANCELLED:
        users = (
            SignUp.objects.filter(shift__activity=activity, state__in=LIVE_STATES)
            .exclude(volunteer__user=None)
            .values_list("volunteer__user", flat=True)
            .distinct()
        )
        for user_id in users:
            notification_send(
                user=_user_by_id(user_id),
                title=_("Activity cancelled: %(title)s") % {"title": activity.title},
                body=reason,
            )
    return activity


def _user_by_id(user_id: int) -> User:
    return User.objects.get(pk=user_id)


# --- outcome figures --------------------------------------------------------------------------


@transaction.atomic
def outcome_record(
    *,
    actor: Actor | None,
    activity: Activity,
    outcome_type: OutcomeType,
    quantity: Decimal,
    shift: Shift | None = None,
    note: str = "",
) -> Outcome:
    require_change_activity(actor, activity)
    if quantity < 0:
        raise ValidationError({"quantity": _("A figure cannot be negative.")}, code="negative")
    if shift is not None and shift.activity_id != activity.pk:
        raise ValidationError({"shift": _("That shift belongs to another activity.")})
    if outcome_type.categories and activity.category not in outcome_type.categories:
        raise ValidationError(
            {"outcome_type": _("This figure does not belong to the activity's category.")},
            code="category",
        )
    outcome = create_checked(
        Outcome,
        activity=activity,
        shift=shift,
        outcome_type=outcome_type,
        quantity=quantity,
        note=note,
        recorded_by=user_or_none(actor),
    )
    audit_record(
        actor=actor,
        action="outcome.record",
        obj=outcome,
        region_id=activity.region_id,
        organization_id=activity.organization_id,
        changes={"quantity": [None, str(quantity)], "type": [None, outcome_type.code]},
    )
    return outcome
