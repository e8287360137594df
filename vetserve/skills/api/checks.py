"""Skills endpoints that answer questions across volunteers: which qualifications expire soon,
and who may do a task at a given moment (with the reasons)."""

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from vetserve.core.access import may_reveal
from vetserve.core.api import (
    ERRORS,
    Age,
    Days,
    Flag,
    Id,
    MappedRows,
    Moment,
    Paged,
    Payload,
    QueryId,
    user_of,
)
from vetserve.orgs.selectors import access_organization
from vetserve.people.selectors import volunteer_list
from vetserve.skills import selectors
from vetserve.skills.api.common import CatalogueCode, SkillLevel
from vetserve.skills.api.holdings import QualificationOut, qualification_out
from vetserve.skills.eligibility import Requirement

router = Router(tags=["skills"])


# At most this many volunteers in one eligibility call (the page caps its list the same way).
CHECK_LIMIT = 5000


class ExpiringFilter(Schema):
    within: int = Field(60, ge=0, le=365, description="Days from today, inclusive")
    org: QueryId | None = None


class SkillNeedIn(Payload):
    code: CatalogueCode
    min_level: SkillLevel = 1


Group = Annotated[list[CatalogueCode], Field(max_length=100)]


class RequirementIn(Payload):
    skills: Annotated[list[SkillNeedIn], Field(max_length=100)] = []
    qualification_groups: Annotated[list[Group], Field(max_length=100)] = Field(
        [], description="Each group is any-of, by type code; every group must be met"
    )
    verified_only: Flag = True
    min_age: Age | None = None
    max_age: Age | None = None
    health_within_days: Days | None = None
    insurance_required: Flag = False


class CheckIn(Payload):
    volunteer_ids: Annotated[list[Id], Field(max_length=CHECK_LIMIT)] | None = None
    org_id: Id | None = None
    requirement: RequirementIn
    at: Moment | None = Field(None, description="Default: now")


class DecisionOut(Schema):
    volunteer_id: int
    name: str
    eligible: bool
    reasons: list[str]
    reason_codes: list[str]


class EligibilityCheckOut(Schema):
    at: datetime
    eligible_count: int
    decisions: list[DecisionOut]


# --- expiry and eligibility -------------------------------------------------------------------


@router.get(
    "/expiring",
    response={200: list[QualificationOut], **ERRORS},
    summary="Valid qualifications expiring within N days, soonest first",
)
@paginate(Paged)
def expiring_list(request: HttpRequest, filters: Query[ExpiringFilter]) -> Any:
    user = user_of(request)
    org = access_organization(user, filters.org) if filters.org else None
    qs = selectors.qualifications_expiring(user=user, within_days=filters.within, organization=org)
    return MappedRows(qs, qualification_out)


def _requirement(data: RequirementIn) -> Requirement:
    return selectors.requirement_from_codes(
        skills=[(n.code, n.min_level) for n in data.skills],
        qualification_groups=data.qualification_groups,
        verified_only=data.verified_only,
        min_age=data.min_age,
        max_age=data.max_age,
        health_within_days=data.health_within_days,
        insurance_required=data.insurance_required,
    )


def _asks_age(requirement: Requirement) -> bool:
    return requirement.min_age is not None or requirement.max_age is not None


@router.post(
    "/eligibility/check",
    response={200: EligibilityCheckOut, **ERRORS},
    summary="May these volunteers do this, at that moment? With the reasons",
)
def eligibility_check(request: HttpRequest, payload: CheckIn) -> dict[str, Any]:
    user = user_of(request)
    if (payload.volunteer_ids is None) == (payload.org_id is None):
        raise ValidationError(_("Give either volunteer_ids or org_id."))
    if payload.at is not None and timezone.is_naive(payload.at):
        raise ValidationError({"at": _("Give the time with its offset, e.g. +08:00.")})
    if payload.org_id is not None:
        volunteers = volunteer_list(
            user=user, organization=access_organization(user, payload.org_id)
        )
    else:
        ids = payload.volunteer_ids or []
        volunteers = volunteer_list(user=user).filter(pk__in=ids)
        # Every id must be one the user may see: the same 404 as for a single volunteer.
        if volunteers.count() != len(set(ids)):
            raise Http404
    if volunteers.count() > CHECK_LIMIT:
        raise ValidationError(
            _("At most %(n)s volunteers per check; narrow it down.") % {"n": CHECK_LIMIT}
        )
    requirement = _requirement(payload.requirement)
    # An age limit checked at a moment of one's choosing finds a birthday in about nine
    # questions, and the birth date with the masked number gives the full ID number
    # (docs/decisions/0004): only who may reveal every number checked chooses the moment.
    if (
        payload.at is not None
        and _asks_age(requirement)
        and not all(may_reveal(user, v) for v in volunteers.select_related("home_org"))
    ):
        raise ValidationError(
            {
                "at": _(
                    "An age limit can be checked at another moment only by staff who may "
                    "see these volunteers' full ID numbers; leave out “at” to check now."
                )
            }
        )
    at = payload.at or timezone.now()
    answer = selectors.eligibility_list(volunteers, requirement, at)
    language = get_language() or "zh-hans"
    decisions = []
    for pk, name, _ok in answer.rows:
        decision = answer.decision(pk)
        decisions.append(
            {
                "volunteer_id": pk,
                "name": name,
                "eligible": decision.ok,
                "reasons": decision.texts(language),
                "reason_codes": [r.code for r in decision.reasons],
            }
        )
    return {"at": at, "eligible_count": answer.eligible_count, "decisions": decisions}
