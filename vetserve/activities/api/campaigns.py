"""Campaign endpoints: list, read, start and change a campaign with its targets for outcome
figures."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from vetserve.activities import selectors, services
from vetserve.activities.api.common import Name, NonNegative, Target, blank_for_none, not_empty
from vetserve.activities.models import Campaign, OutcomeType
from vetserve.core.api import ERRORS, Day, Id, Paged, PathId, Payload, Text, user_of
from vetserve.orgs.selectors import access_organization

router = Router(tags=["activities"])


class TargetOut(Schema):
    outcome_type: str = Field(description="Outcome type code, e.g. snow_cleared_m2")
    name: str
    unit: str
    quantity: Decimal


class CampaignOut(Schema):
    id: int
    name: str
    organization_id: int
    starts_on: date
    ends_on: date
    description: str
    target_activities: int
    target_volunteers: int
    target_hours: int
    targets: list[TargetOut] = Field(description="Targets for outcome figures")

    @staticmethod
    def resolve_targets(obj: Campaign) -> list[dict[str, Any]]:
        return [
            {
                "outcome_type": t.outcome_type.code,
                "name": t.outcome_type.name,
                "unit": t.outcome_type.unit,
                "quantity": t.quantity,
            }
            for t in obj.targets.all()
        ]


TARGETS_HELP = (
    'Outcome figure targets by outcome type code, e.g. {"snow_cleared_m2": 60000}; '
    "replaces all targets, a quantity of 0 drops one; absent or null: unchanged"
)


# At most this many outcome targets in one campaign (there are ten outcome types).
TARGETS_MAX = 100


class CampaignIn(Payload):
    name: Name
    organization_id: Id
    starts_on: Day
    ends_on: Day
    description: Text = ""
    target_activities: NonNegative = 0
    target_volunteers: NonNegative = 0
    target_hours: NonNegative = 0
    targets: dict[str, Target] = Field(
        default_factory=dict, max_length=TARGETS_MAX, description=TARGETS_HELP
    )


class CampaignPatch(Payload):
    """Only the fields given change; the organizing organization stays."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    description: Text | None = None
    target_activities: NonNegative | None = None
    target_volunteers: NonNegative | None = None
    target_hours: NonNegative | None = None
    targets: dict[str, Target] | None = Field(
        None, max_length=TARGETS_MAX, description=TARGETS_HELP
    )


def _targets(by_code: dict[str, Decimal] | None) -> dict[int, Decimal] | None:
    if by_code is None:
        return None
    ids = dict(OutcomeType.objects.filter(code__in=list(by_code)).values_list("code", "pk"))
    unknown = sorted(set(by_code) - set(ids))
    if unknown:
        raise ValidationError(
            {"targets": _("Unknown code: %(code)s") % {"code": ", ".join(unknown)}}
        )
    return {ids[code]: quantity for code, quantity in by_code.items()}


@router.get("/campaigns", response={200: list[CampaignOut], **ERRORS})
@paginate(Paged)
def campaigns(request: HttpRequest) -> Any:
    qs = selectors.campaign_list(user=user_of(request))
    return qs.prefetch_related("targets__outcome_type").order_by("id")


@router.get("/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS})
def campaign(request: HttpRequest, campaign_id: PathId) -> Campaign:
    return selectors.access_campaign(user_of(request), campaign_id)


@router.post("/campaigns", response={201: CampaignOut, **ERRORS}, summary="Start a campaign")
def campaign_create(request: HttpRequest, payload: CampaignIn) -> Status[Campaign]:
    user = user_of(request)
    data = payload.dict()
    organization = access_organization(user, data.pop("organization_id"))
    targets = _targets(data.pop("targets"))
    campaign = services.campaign_create(
        actor=user, organization=organization, targets=targets, **data
    )
    return Status(201, campaign)


@router.patch(
    "/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS}, summary="Change a campaign"
)
def campaign_update(request: HttpRequest, campaign_id: PathId, payload: CampaignPatch) -> Campaign:
    user = user_of(request)
    campaign = selectors.access_campaign(user, campaign_id)
    data = payload.dict(exclude_unset=True)
    not_empty(
        data,
        "name",
        "starts_on",
        "ends_on",
        "target_activities",
        "target_volunteers",
        "target_hours",
    )
    blank_for_none(data, "description")
    targets = _targets(data.pop("targets", None))
    return services.campaign_update(actor=user, campaign=campaign, targets=targets, **data)
