"""Campaigns: create and change a campaign and its targets for outcome figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vetserve.activities.models import QUANTITIES, Campaign, CampaignTarget, OutcomeType
from vetserve.activities.services._access import require_change_org, user_or_none
from vetserve.audit.services import audit_record, diff_fields
from vetserve.core.access import Actor
from vetserve.core.bounds import check_bounds, create_checked
from vetserve.orgs.models import Organization


def _check_period(starts: date, ends: date, field: str = "ends_on") -> None:
    if ends < starts:
        raise ValidationError({field: _("The end lies before the start.")}, code="period")


def _set_targets(campaign: Campaign, targets: dict[int, Decimal] | None) -> None:
    if targets is None:
        return
    known = set(OutcomeType.objects.filter(pk__in=list(targets)).values_list("pk", flat=True))
    CampaignTarget.objects.filter(campaign=campaign).exclude(outcome_type_id__in=known).delete()
    for type_id, quantity in targets.items():
        if type_id not in known:
            raise ValidationError({"targets": _("Unknown outcome figure.")}, code="outcome_type")
        if quantity is None or Decimal(quantity) <= 0:
            CampaignTarget.objects.filter(campaign=campaign, outcome_type_id=type_id).delete()
            continue
        if Decimal(quantity) not in QUANTITIES:
            raise ValidationError({"targets": QUANTITIES.message()}, code="out_of_range")
        CampaignTarget.objects.update_or_create(
            campaign=campaign, outcome_type_id=type_id, defaults={"quantity": quantity}
        )


CAMPAIGN_FIELDS = (
    "name",
    "starts_on",
    "ends_on",
    "description",
    "target_activities",
    "target_volunteers",
    "target_hours",
)


@transaction.atomic
def campaign_create(
    *,
    actor: Actor | None,
    organization: Organization,
    name: str,
    starts_on: date,
    ends_on: date,
    description: str = "",
    target_activities: int = 0,
    target_volunteers: int = 0,
    target_hours: int = 0,
    targets: dict[int, Decimal] | None = None,
) -> Campaign:
    require_change_org(actor, organization)
    _check_period(starts_on, ends_on)
    campaign = create_checked(
        Campaign,
        name=name.strip(),
        organization=organization,
        region_id=organization.region_id,
        starts_on=starts_on,
        ends_on=ends_on,
        description=description,
        target_activities=target_activities,
        target_volunteers=target_volunteers,
        target_hours=target_hours,
        created_by=user_or_none(actor),
    )
    _set_targets(campaign, targets)
    audit_record(actor=actor, action="campaign.create", obj=campaign)
    return campaign


@transaction.atomic
def campaign_update(
    *,
    actor: Actor | None,
    campaign: Campaign,
    targets: dict[int, Decimal] | None = None,
    **fields: Any,
) -> Campaign:
    require_change_org(actor, campaign.organization)
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = {k: getattr(campaign, k) for k in fields}
    for key, value in fields.items():
        setattr(campaign, key, value)
    _check_period(campaign.starts_on, campaign.ends_on)
    check_bounds(campaign)
    campaign.save()
    _set_targets(campaign, targets)
    audit_record(
        actor=actor, action="campaign.update", obj=campaign, changes=diff_fields(before, fields)
    )
    return campaign
