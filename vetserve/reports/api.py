"""Report endpoints: the news report's figures next to the city's own, scoped like the page."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from vetserve.core.api import ERRORS, user_of
from vetserve.reports.selectors import story_figures

router = Router(tags=["reports"])


class StoryFigureOut(Schema):
    key: str
    label: str
    quote: str
    unit: str
    report: int
    ours: int
    reaches: bool


@router.get(
    "/story",
    response={200: list[StoryFigureOut], **ERRORS},
    summary="The report's figures next to the city's own",
)
def story_get(request: HttpRequest) -> list[dict[str, object]]:
    return [
        {
            "key": row.figure.key,
            "label": str(row.figure.label),
            "quote": row.figure.quote,
            "unit": str(row.figure.unit),
            "report": row.figure.report,
            "ours": row.ours,
            "reaches": row.reaches,
        }
        for row in story_figures(user=user_of(request))
    ]
