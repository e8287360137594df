"""Report pages: the news report's figures next to the city's own."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from vetserve.core.views import AuthedRequest
from vetserve.reports.selectors import story_figures


@login_required
def story_page(request: AuthedRequest) -> HttpResponse:
    """Each figure the report gives, the city's own count of it from the database, and whether
    it reaches the report's. The same 404 for everyone who does not see the whole city."""
    rows = story_figures(user=request.user)
    return render(
        request,
        "reports/story.html",
        {"rows": rows, "reached": sum(r.reaches for r in rows), "total": len(rows)},
    )
