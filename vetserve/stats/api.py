"""The dashboard's figures in the API: the same selectors as the page, as JSON, with the same
scope (a region's administrators and auditors; anyone else 404 as for a missing region)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from vetserve.core.api import ERRORS, user_of
from vetserve.stats.selectors import (
    Dashboard,
    Figure,
    Row,
    dashboard,
    default_period,
    period_parse,
    stats_region,
)

router = Router(tags=["stats"])

PeriodText = Annotated[
    str, Field(pattern=r"^20\d\d(-(0[1-9]|1[0-2]))?$", max_length=7, description="2022 or 2022-02")
]


RegionCode = Annotated[str, Field(pattern=r"^\d{6}(\d{3})?$", max_length=9)]


class StatsQuery(Schema):
    region: RegionCode | None = Field(
        None, description="A region's official code (130709); default: your first region"
    )
    period: PeriodText | None = None


class StatsFigureOut(Schema):
    key: str
    label: str
    value: Decimal
    previous: Decimal | None
    unit: str


class StatsRowOut(Schema):
    key: str
    label: str
    hours: Decimal
    records: int
    active: int


class StatsCampaignLineOut(Schema):
    label: str
    unit: str
    target: Decimal
    done: Decimal


class StatsCampaignOut(Schema):
    id: int
    name: str
    lines: list[StatsCampaignLineOut]


class StatsDashboardOut(Schema):
    region_code: str
    region_name: str
    period: str
    previous_period: str
    service: list[StatsFigureOut]
    headline: list[StatsFigureOut]
    outcomes: list[StatsFigureOut]
    by_month: list[StatsRowOut]
    by_category: list[StatsRowOut]
    by_organization: list[StatsRowOut]
    by_unit: list[StatsRowOut]
    campaigns: list[StatsCampaignOut]
    staffing: list[StatsRowOut] = Field(description="Shifts of the next 7 days by staffing")


def _figure(f: Figure) -> dict[str, Any]:
    return {"key": f.key, "label": str(f.label), "value": f.value, "previous": f.previous,
            "unit": str(f.unit)}  # fmt: skip


def _row(r: Row) -> dict[str, Any]:
    return {"key": str(r.key), "label": str(r.label), "hours": r.hours, "records": r.records,
            "active": r.active}  # fmt: skip


def dashboard_out(board: Dashboard) -> dict[str, Any]:
    return {
        "region_code": board.region.code,
        "region_name": board.region.name,
        "period": board.period.key,
        "previous_period": board.period.previous.key,
        "service": [_figure(f) for f in board.ledger.values()],
        "headline": [_figure(f) for f in board.headline],
        "outcomes": [_figure(f) for f in board.outcomes],
        "by_month": [_row(r) for r in board.trend],
        "by_category": [_row(r) for r in board.categories],
        "by_organization": [_row(r) for r in board.organizations],
        "by_unit": [_row(r) for r in board.units],
        "campaigns": [
            {
                "id": c.campaign.pk,
                "name": c.campaign.name,
                "lines": [
                    {
                        "label": line.label,
                        "unit": line.unit,
                        "target": line.target,
                        "done": line.done,
                    }
                    for line in c.lines
                ],
            }
            for c in board.campaigns
        ],
        "staffing": [_row(r) for r in board.staffing],
    }


@router.get(
    "/stats/dashboard",
    response={200: StatsDashboardOut, **ERRORS},
    summary="A region's dashboard figures",
    description="The figures of the dashboard page for a region and a year (2022) or month "
    "(2022-02), beside the previous period's. Service hours, records and active volunteers "
    "come from summaries kept current with the ledger.",
)
def stats_dashboard(request: HttpRequest, query: Query[StatsQuery]) -> dict[str, Any]:
    user = user_of(request)
    region = stats_region(user, query.region)
    period = period_parse(query.period or "", default=default_period(region))
    return dashboard_out(dashboard(actor=user, region=region, period=period))
