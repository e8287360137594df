"""Selections in the API: the list in scope, one selection with its posts and criteria,
defining, running, deciding (a second person), and the shortlist with each score broken down.
Thin: parse, call a selector or service, map to the output schema."""

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from vetserve.badges.selectors import mask_name
from vetserve.core.access import CHANGE
from vetserve.core.api import ERRORS, Code, Id, MappedRows, Paged, PathId, Payload, one_of, user_of
from vetserve.orgs.selectors import access_organization
from vetserve.regions.selectors import access_region
from vetserve.selection.models import (
    AGES,
    KEYWORD_MAX,
    NAME_MAX,
    NOTE_MAX,
    POST_NAME_MAX,
    POSTS_MAX,
    QUOTA,
    REASON_MAX,
    RESERVE,
    SUSPENSION_DAYS,
    WEIGHTS,
    Outcome,
    PoolStatus,
    Selection,
    SelectionCandidate,
    State,
)
from vetserve.selection.selectors import (
    access_selection,
    candidate_list,
    criteria_shown,
    selection_list,
    selection_posts,
    tie_rule_text,
    visible_volunteer_ids,
)
from vetserve.selection.services import (
    HEALTH_DAYS_MAX,
    selection_create,
    selection_decide,
    selection_run,
)

router = Router(tags=["selections"])

Weight = Annotated[int, Field(ge=WEIGHTS.low, le=WEIGHTS.high, strict=True)]
CriterionCode = Annotated[str, StringConstraints(max_length=20)]


class SelectionPostIn(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=POST_NAME_MAX)]
    quota: Annotated[int, Field(ge=QUOTA.low, le=QUOTA.high, strict=True)]
    qualification_ids: list[Id] = Field(
        default_factory=list, max_length=20, description="Any one of these the post needs"
    )


class SelectionIn(Payload):
    organization_id: Id = Field(description="The selecting organization (its region's staff)")
    name: Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX)]
    purpose: Annotated[str, StringConstraints(max_length=NOTE_MAX)] = ""
    posts: list[SelectionPostIn] = Field(min_length=1, max_length=POSTS_MAX)
    weights: dict[CriterionCode, Weight] = Field(
        max_length=20,
        description="Criterion code → weight 0–100: hours, training, no_shows, party, distance",
    )
    pool_region_code: Code | None = None
    pool_organization_id: Id | None = None
    keyword: Annotated[str, StringConstraints(max_length=KEYWORD_MAX)] = ""
    pool_status: Annotated[PoolStatus, one_of(PoolStatus)] = PoolStatus.ACTIVE
    qualification_ids: list[Id] = Field(
        default_factory=list, max_length=20, description="Any one of these everyone needs"
    )
    min_age: Annotated[int, Field(ge=AGES.low, le=AGES.high, strict=True)] | None = None
    max_age: Annotated[int, Field(ge=AGES.low, le=AGES.high, strict=True)] | None = None
    health_within_days: Annotated[int, Field(ge=1, le=HEALTH_DAYS_MAX, strict=True)] | None = None
    suspension_free_days: Annotated[
        int, Field(ge=SUSPENSION_DAYS.low, le=SUSPENSION_DAYS.high, strict=True)
    ] = 365
    place_region_code: Code | None = None
    reserve_size: Annotated[int, Field(ge=RESERVE.low, le=RESERVE.high, strict=True)] = 10


class SelectionDecisionIn(Payload):
    approve: bool = Field(strict=True)
    reason: Annotated[str, StringConstraints(max_length=REASON_MAX)] = ""


class SelectionPostOut(Schema):
    id: int
    name: str
    quota: int
    filled: int
    qualification_ids: list[int]


class SelectionCriterionOut(Schema):
    code: str
    label: str
    unit: str
    higher_is_better: bool
    weight: int
    share: float = Field(description="Per cent of the score")
    min: float
    max: float


class SelectionOut(Schema):
    id: int
    name: str
    purpose: str
    organization_id: int
    state: str = Field(description="draft, proposed, approved or rejected")
    posts: list[SelectionPostOut]
    weights: dict[str, int]
    criteria: list[SelectionCriterionOut] = Field(description="As applied by the run")
    pool_size: int
    eligible_size: int
    tie_rule: str
    run_by: str
    run_at: datetime | None
    decided_by: str
    decided_at: datetime | None
    decision_reason: str


class SelectionListOut(Schema):
    id: int
    name: str
    organization_id: int
    state: str
    created_at: datetime


class ScorePartOut(Schema):
    code: str
    raw: float | None
    norm: float
    weight: int
    points: float


class SelectionCandidateOut(Schema):
    rank: int
    outcome: str = Field(description="picked or reserve")
    post_id: int | None
    volunteer_id: int
    name: str = Field(description="In full if you may open the person, else masked")
    id_number: str = Field(description="Masked")
    score: float
    breakdown: list[ScorePartOut]


class CandidateFilter(Schema):
    outcome: Annotated[Outcome, one_of(Outcome)] = Outcome.PICKED


def selection_out(selection: Selection) -> dict[str, Any]:
    return {
        "id": selection.pk,
        "name": selection.name,
        "purpose": selection.purpose,
        "organization_id": selection.organization_id,
        "state": selection.state,
        "posts": [
            {
                "id": p.pk,
                "name": p.name,
                "quota": p.quota,
                "filled": p.filled,
                "qualification_ids": list(p.qualification_group),
            }
            for p in selection_posts(selection)
        ],
        "weights": selection.weights,
        "criteria": criteria_shown(selection),
        "pool_size": selection.pool_size,
        "eligible_size": selection.eligible_size,
        "tie_rule": tie_rule_text(),
        "run_by": selection.run_by_name,
        "run_at": selection.run_at,
        "decided_by": selection.decided_by_name,
        "decided_at": selection.decided_at,
        "decision_reason": selection.decision_reason,
    }


class SelectionFilter(Schema):
    state: Annotated[State, one_of(State)] | None = None


@router.get(
    "/selections", response={200: list[SelectionListOut], **ERRORS}, summary="Selections I may see"
)
@paginate(Paged)
def selections_list(request: HttpRequest, filters: Query[SelectionFilter]) -> Any:
    return MappedRows(
        selection_list(user=user_of(request), state=filters.state or ""),
        lambda s: {
            "id": s.pk,
            "name": s.name,
            "organization_id": s.organization_id,
            "state": s.state,
            "created_at": s.created_at,
        },
    )


@router.get("/selections/{selection_id}", response={200: SelectionOut, **ERRORS}, summary="One")
def selections_get(request: HttpRequest, selection_id: PathId) -> dict[str, Any]:
    return selection_out(access_selection(user_of(request), selection_id))


@router.post("/selections", response={201: SelectionOut, **ERRORS}, summary="Define a selection")
def selections_create(request: HttpRequest, payload: SelectionIn) -> Status[dict[str, Any]]:
    user = user_of(request)
    organization = access_organization(user, payload.organization_id, CHANGE)
    selection = selection_create(
        actor=user,
        organization=organization,
        name=payload.name,
        purpose=payload.purpose,
        posts=[
            {"name": p.name, "quota": p.quota, "qualification_group": list(p.qualification_ids)}
            for p in payload.posts
        ],
        weights=dict(payload.weights),
        pool_region=access_region(user, payload.pool_region_code)
        if payload.pool_region_code
        else None,
        pool_organization=access_organization(user, payload.pool_organization_id, CHANGE)
        if payload.pool_organization_id
        else None,
        keyword=payload.keyword,
        pool_status=payload.pool_status,
        qualification_group=list(payload.qualification_ids),
        min_age=payload.min_age,
        max_age=payload.max_age,
        health_within_days=payload.health_within_days,
        suspension_free_days=payload.suspension_free_days,
        place_region=access_region(user, payload.place_region_code)
        if payload.place_region_code
        else None,
        reserve_size=payload.reserve_size,
    )
    return Status(201, selection_out(selection))


@router.post(
    "/selections/{selection_id}/run",
    response={200: SelectionOut, **ERRORS},
    summary="Run a selection (again, while undecided)",
)
def selections_run(request: HttpRequest, selection_id: PathId) -> dict[str, Any]:
    user = user_of(request)
    selection = selection_run(actor=user, selection=access_selection(user, selection_id))
    return selection_out(selection)


@router.post(
    "/selections/{selection_id}/decision",
    response={200: SelectionOut, **ERRORS},
    summary="Approve or reject a run selection (not by the person who ran it)",
)
def selections_decide(
    request: HttpRequest, selection_id: PathId, payload: SelectionDecisionIn
) -> dict[str, Any]:
    user = user_of(request)
    selection = selection_decide(
        actor=user,
        selection=access_selection(user, selection_id),
        approve=payload.approve,
        reason=payload.reason,
    )
    return selection_out(selection)


@router.get(
    "/selections/{selection_id}/candidates",
    response={200: list[SelectionCandidateOut], **ERRORS},
    summary="The shortlist or the reserve list, each score broken down",
)
@paginate(Paged)
def selections_candidates(
    request: HttpRequest, selection_id: PathId, filters: Query[CandidateFilter]
) -> Any:
    user = user_of(request)
    selection = access_selection(user, selection_id)
    rows = candidate_list(selection, filters.outcome)
    return _CandidateRows(rows, user)


class _CandidateRows(MappedRows):
    """Each page's names shown as the viewer may see them: one query per page, not per row."""

    def __init__(self, rows: Any, user: Any) -> None:
        super().__init__(rows, lambda row: row)
        self.user = user

    def __getitem__(self, item: slice) -> list[Any]:
        items: list[SelectionCandidate] = list(self.qs[item])
        shown = visible_volunteer_ids(self.user, [r.volunteer_id for r in items])
        return [
            {
                "rank": r.rank,
                "outcome": r.outcome,
                "post_id": r.post_id,
                "volunteer_id": r.volunteer_id,
                "name": r.volunteer.name
                if r.volunteer_id in shown
                else mask_name(r.volunteer.name),
                "id_number": r.volunteer.id_number_masked,
                "score": float(r.score),
                "breakdown": r.breakdown,
            }
            for r in items
        ]
