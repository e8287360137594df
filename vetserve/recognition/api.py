"""Recognition in the API (/api/v1/recognition/…): a volunteer's stars, awards and evaluations,
granting a star, team honours, the federations' star rules and honour rolls. Documents are
uploaded on the pages only (the API takes the honour's fields)."""

from datetime import date, datetime
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from vetserve.core.access import may_see_honour_roll
from vetserve.core.api import (
    ERRORS,
    Day,
    Flag,
    Id,
    MappedRows,
    Paged,
    PathId,
    Payload,
    QueryId,
    one_of,
    user_of,
)
from vetserve.ledger.models import YEARS
from vetserve.orgs.selectors import access_organization
from vetserve.people.selectors import access_volunteer, volunteer_own
from vetserve.recognition.models import (
    COMMENT_MAX,
    NAME_MAX,
    RATINGS,
    STAR_HOURS,
    STAR_LEVELS,
    UNIT_MAX,
    Award,
    Evaluation,
    Grade,
    HonourKind,
    HonourLevel,
    StarSettings,
    TeamHonour,
)
from vetserve.recognition.selectors import (
    ROLL_SIZE,
    award_list,
    campaign_choices,
    evaluation_list,
    federation_choices,
    honour_roll,
    star_settings_list,
    star_status,
    team_honour_list,
)
from vetserve.recognition.services import (
    award_record,
    evaluation_record,
    star_grant,
    star_settings_save,
    team_honour_record,
)
from vetserve.recognition.stars import StarStatus
from vetserve.regions.models import Region

router = Router(tags=["recognition"])

StarHours = Annotated[int, Field(ge=STAR_HOURS.low, le=STAR_HOURS.high, strict=True)]


class StarLevelOut(Schema):
    stars: int
    hours_needed: int
    reached_on: date | None
    granted: bool


class StarsOut(Schema):
    volunteer_id: int
    confirmed_minutes: int
    stars: int = Field(description="Stars that count: reached, and granted where required")
    reached: int = Field(description="Stars the confirmed hours reach")
    grant_required: bool
    awaiting_grant: list[int]
    levels: list[StarLevelOut]


class HonourOut(Schema):
    id: int
    kind: str
    name: str
    awarded_on: date
    granting_unit: str
    level: str
    has_document: bool
    recorded_by_name: str
    recorded_at: datetime


class AwardOut(HonourOut):
    volunteer_id: int


class TeamHonourOut(HonourOut):
    team_id: int
    team_name: str


class HonourIn(Payload):
    kind: Annotated[HonourKind, one_of(HonourKind)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX)]
    awarded_on: Day
    granting_unit: Annotated[str, StringConstraints(min_length=1, max_length=UNIT_MAX)]
    level: Annotated[HonourLevel, one_of(HonourLevel)]


class EvaluationOut(Schema):
    id: int
    volunteer_id: int
    evaluated_on: date
    rating: int | None
    grade: str
    comment: str
    evaluator_name: str
    recorded_at: datetime


class EvaluationIn(Payload):
    evaluated_on: Day
    rating: Annotated[int, Field(ge=RATINGS.low, le=RATINGS.high, strict=True)] | None = None
    grade: Annotated[str, StringConstraints(max_length=10), one_of(Grade, blank=True)] = Field(
        "", description="excellent, good, pass or fail; empty with a rating"
    )
    comment: Annotated[str, StringConstraints(max_length=COMMENT_MAX)] = ""


class StarGrantIn(Payload):
    stars: Annotated[int, Field(ge=STAR_LEVELS.low, le=STAR_LEVELS.high, strict=True)]


class StarSettingsOut(Schema):
    federation_id: int
    federation_name: str
    thresholds: list[int]
    grant_required: bool
    updated_at: datetime


class StarSettingsIn(Payload):
    federation_id: Id
    thresholds: list[StarHours] = Field(min_length=5, max_length=5)
    grant_required: Flag = False


class RollFilter(Schema):
    year: Annotated[int, Field(ge=YEARS.low, le=YEARS.high)] | None = None
    campaign: QueryId | None = None
    region: Annotated[int, Field(ge=1, le=999_999_999_999)] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = ROLL_SIZE


class RollLineOut(Schema):
    rank: int
    name: str
    team: str
    confirmed_minutes: int
    stars: int


class RollOut(Schema):
    title: str
    lines: list[RollLineOut]


class HonourFilter(Schema):
    team: QueryId | None = None
    kind: Annotated[HonourKind, one_of(HonourKind)] | None = None


def stars_out(volunteer_id: int, status: StarStatus) -> dict[str, Any]:
    return {
        "volunteer_id": volunteer_id,
        "confirmed_minutes": status.confirmed_minutes,
        "stars": status.shown,
        "reached": status.level,
        "grant_required": status.grant_required,
        "awaiting_grant": status.awaiting_grant,
        "levels": [
            {"stars": n, "hours_needed": hours, "reached_on": reached, "granted": granted}
            for n, hours, reached, granted in status.rows
        ],
    }


def _honour(row: Award | TeamHonour) -> dict[str, Any]:
    return {
        "id": row.pk,
        "kind": row.kind,
        "name": row.name,
        "awarded_on": row.awarded_on,
        "granting_unit": row.granting_unit,
        "level": row.level,
        "has_document": bool(row.document),
        "recorded_by_name": row.recorded_by_name,
        "recorded_at": row.recorded_at,
    }


def award_out(row: Award) -> dict[str, Any]:
    return {**_honour(row), "volunteer_id": row.volunteer_id}


def team_honour_out(row: TeamHonour) -> dict[str, Any]:
    return {**_honour(row), "team_id": row.team_id, "team_name": row.team.name}


def evaluation_out(row: Evaluation) -> dict[str, Any]:
    return {
        "id": row.pk,
        "volunteer_id": row.volunteer_id,
        "evaluated_on": row.evaluated_on,
        "rating": row.rating,
        "grade": row.grade,
        "comment": row.comment,
        "evaluator_name": row.evaluator_name,
        "recorded_at": row.recorded_at,
    }


def settings_out(row: StarSettings) -> dict[str, Any]:
    return {
        "federation_id": row.federation_id,
        "federation_name": row.federation.name,
        "thresholds": list(row.thresholds),
        "grant_required": row.grant_required,
        "updated_at": row.updated_at,
    }


@router.get("/recognition/me/stars", response={200: StarsOut, **ERRORS}, summary="My stars")
def recognition_my_stars(request: HttpRequest) -> dict[str, Any]:
    volunteer = volunteer_own(user=user_of(request))
    if volunteer is None:
        raise Http404
    return stars_out(volunteer.pk, star_status(volunteer))


@router.get(
    "/recognition/volunteers/{volunteer_id}/stars",
    response={200: StarsOut, **ERRORS},
    summary="A volunteer's stars and the dates they were reached",
)
def recognition_stars(request: HttpRequest, volunteer_id: PathId) -> dict[str, Any]:
    volunteer = access_volunteer(user_of(request), volunteer_id)
    return stars_out(volunteer.pk, star_status(volunteer))


@router.post(
    "/recognition/volunteers/{volunteer_id}/stars/grants",
    response={201: StarsOut, **ERRORS},
    summary="Grant a reached star (where the federation requires a grant)",
)
def recognition_star_grant(
    request: HttpRequest, volunteer_id: PathId, payload: StarGrantIn
) -> Status[dict[str, Any]]:
    user = user_of(request)
    volunteer = access_volunteer(user, volunteer_id)
    star_grant(actor=user, volunteer=volunteer, level=payload.stars)
    return Status(201, stars_out(volunteer.pk, star_status(volunteer)))


@router.get(
    "/recognition/volunteers/{volunteer_id}/awards",
    response={200: list[AwardOut], **ERRORS},
    summary="A volunteer's awards and commendations",
)
@paginate(Paged)
def recognition_awards(request: HttpRequest, volunteer_id: PathId) -> list[dict[str, Any]]:
    user = user_of(request)
    volunteer = access_volunteer(user, volunteer_id)
    return MappedRows(award_list(user=user, volunteer=volunteer), award_out)  # type: ignore[return-value]


@router.post(
    "/recognition/volunteers/{volunteer_id}/awards",
    response={201: AwardOut, **ERRORS},
    summary="Record an award or commendation",
)
def recognition_award_create(
    request: HttpRequest, volunteer_id: PathId, payload: HonourIn
) -> Status[dict[str, Any]]:
    user = user_of(request)
    volunteer = access_volunteer(user, volunteer_id)
    award = award_record(
        actor=user,
        volunteer=volunteer,
        kind=payload.kind,
        name=payload.name,
        awarded_on=payload.awarded_on,
        granting_unit=payload.granting_unit,
        level=payload.level,
    )
    return Status(201, award_out(award))


@router.get(
    "/recognition/volunteers/{volunteer_id}/evaluations",
    response={200: list[EvaluationOut], **ERRORS},
    summary="A volunteer's evaluations",
)
@paginate(Paged)
def recognition_evaluations(request: HttpRequest, volunteer_id: PathId) -> list[dict[str, Any]]:
    user = user_of(request)
    volunteer = access_volunteer(user, volunteer_id)
    return MappedRows(evaluation_list(user=user, volunteer=volunteer), evaluation_out)  # type: ignore[return-value]


@router.post(
    "/recognition/volunteers/{volunteer_id}/evaluations",
    response={201: EvaluationOut, **ERRORS},
    summary="Record an evaluation (a rating of 1–5 or a grade)",
)
def recognition_evaluation_create(
    request: HttpRequest, volunteer_id: PathId, payload: EvaluationIn
) -> Status[dict[str, Any]]:
    user = user_of(request)
    volunteer = access_volunteer(user, volunteer_id)
    evaluation = evaluation_record(
        actor=user,
        volunteer=volunteer,
        evaluated_on=payload.evaluated_on,
        rating=payload.rating,
        grade=str(payload.grade or ""),
        comment=payload.comment,
    )
    return Status(201, evaluation_out(evaluation))


@router.get(
    "/recognition/team-honours",
    response={200: list[TeamHonourOut], **ERRORS},
    summary="Team honours I may see (flags presented, commendations)",
)
@paginate(Paged)
def recognition_team_honours(
    request: HttpRequest, filters: Query[HonourFilter]
) -> list[dict[str, Any]]:
    user = user_of(request)
    team = access_organization(user, filters.team) if filters.team else None
    rows = team_honour_list(user=user, team=team, kind=filters.kind or "")
    return MappedRows(rows, team_honour_out)  # type: ignore[return-value]


@router.post(
    "/recognition/teams/{org_id}/honours",
    response={201: TeamHonourOut, **ERRORS},
    summary="Record a flag presented to a team or a commendation of it",
)
def recognition_team_honour_create(
    request: HttpRequest, org_id: PathId, payload: HonourIn
) -> Status[dict[str, Any]]:
    user = user_of(request)
    team = access_organization(user, org_id)
    honour = team_honour_record(
        actor=user,
        team=team,
        kind=payload.kind,
        name=payload.name,
        awarded_on=payload.awarded_on,
        granting_unit=payload.granting_unit,
        level=payload.level,
    )
    return Status(201, team_honour_out(honour))


@router.get(
    "/recognition/star-settings",
    response={200: list[StarSettingsOut], **ERRORS},
    summary="The star rules of the federations I may see",
)
@paginate(Paged)
def recognition_star_settings(request: HttpRequest) -> list[dict[str, Any]]:
    return MappedRows(star_settings_list(user=user_of(request)), settings_out)  # type: ignore[return-value]


@router.put(
    "/recognition/star-settings",
    response={200: StarSettingsOut, **ERRORS},
    summary="Set a city or province federation's star rules",
)
def recognition_star_settings_save(request: HttpRequest, payload: StarSettingsIn) -> dict[str, Any]:
    user = user_of(request)
    federation = federation_choices(user=user).filter(pk=payload.federation_id).first()
    if federation is None:
        raise Http404
    row = star_settings_save(
        actor=user,
        federation=federation,
        thresholds=payload.thresholds,
        grant_required=payload.grant_required,
    )
    return settings_out(row)


@router.get(
    "/recognition/honour-roll",
    response={200: RollOut, **ERRORS},
    summary="An honour roll: top volunteers by confirmed hours (publication consent only)",
    description="`region` (a city or county id), `year` and `campaign` combine; without a "
    "region or campaign, the roll of `region` is required. Only people whose latest "
    "publication consent grants it are listed.",
)
def recognition_honour_roll(request: HttpRequest, filters: Query[RollFilter]) -> dict[str, Any]:
    user = user_of(request)
    region = None
    if filters.region is not None:
        region = Region.objects.filter(pk=filters.region).first()
        if region is None or not may_see_honour_roll(user, region.pk):
            raise Http404
    campaign = None
    if filters.campaign is not None:
        campaign = campaign_choices(user=user).filter(pk=filters.campaign).first()
        if campaign is None:
            raise Http404
    if region is None and campaign is None:
        raise Http404
    roll = honour_roll(region=region, year=filters.year, campaign=campaign, limit=filters.limit)
    return {
        "title": roll.title,
        "lines": [
            {
                "rank": line.rank,
                "name": line.name,
                "team": line.team,
                "confirmed_minutes": line.minutes,
                "stars": line.stars,
            }
            for line in roll.lines
        ],
    }
