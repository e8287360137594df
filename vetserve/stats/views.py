"""The dashboard page: a region's figures for a year or a month, with the previous period's
beside them, a map of the units below shaded by a chosen figure, trends, breakdowns, campaign
progress and the staffing of the coming week's shifts. Server-rendered, no JavaScript: charts
are SVG pictures drawn on the server (``stats.charts``), each with its numbers as a table."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from vetserve.core.views import AuthedRequest
from vetserve.stats.charts import bars_spec, chart_svg, svg_data_uri, trend_spec
from vetserve.stats.forms import FIGURE_CHOICES, DashboardForm
from vetserve.stats.maps import Unit, map_layout
from vetserve.stats.selectors import (
    Dashboard,
    dashboard,
    default_period,
    figure_value,
    period_parse,
    stats_region,
)


@login_required
@require_safe
def dashboard_page(request: AuthedRequest) -> HttpResponse:
    form = DashboardForm(request.GET)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    # A malformed code is no region: 404, as for one that is not the viewer's.
    region = stats_region(request.user, request.GET.get("region", "")[:9])
    period = period_parse(data.get("period") or "", default=default_period(region))
    figure = data.get("figure") or "hours"
    board = dashboard(actor=request.user, region=region, period=period)
    figure_label = dict(FIGURE_CHOICES)[figure]
    units = [
        Unit(row.key, row.label, figure_value(row, figure), row.url,
             _float(row.extra.get("lon")), _float(row.extra.get("lat")))
        for row in board.units
    ]  # fmt: skip
    return render(
        request,
        "stats/dashboard.html",
        {
            "form": form,
            "board": board,
            "figure": figure,
            "figure_label": figure_label,
            "map": map_layout(units) if units else None,
            "charts": _charts(board),
        },
    )


def _float(value: Any) -> float | None:
    return float(value) if value is not None else None


def _charts(board: Dashboard) -> dict[str, str]:
    """The dashboard's charts as image sources (SVG drawn on the server, cached by spec)."""
    specs = {
        "trend": trend_spec(
            [(row.label, float(row.hours), float(row.active)) for row in board.trend],
            value_title=_("Service hours"),
            line_title=_("Active volunteers"),
        ),
        "categories": bars_spec(
            [(row.label, float(row.hours)) for row in board.categories],
            value_title=_("Service hours"),
        ),
        "organizations": bars_spec(
            [(row.label, float(row.hours)) for row in board.organizations],
            value_title=_("Service hours"),
        ),
    }
    return {
        name: svg_data_uri(chart_svg(spec))
        for name, spec in specs.items()
        if spec["data"]["values"]
    }
