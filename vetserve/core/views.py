"""View helpers every app's pages share, and the health check; no page of any app."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from vetserve.core.health import health
from vetserve.core.paging import PER_PAGE, page_of
from vetserve.core.widgets import SEARCH_LIMIT, SearchRow

if TYPE_CHECKING:
    from vetserve.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request behind @login_required: ``user`` is a real User, not AnonymousUser."""

    user: User


def is_htmx(request: HttpRequest) -> bool:
    """An htmx swap asks for a fragment; a history restore needs the whole page again."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def paginate(request: HttpRequest, items: Any, per_page: int = PER_PAGE) -> Page:
    """One page of ``items``; a missing, bad or too-high ?page= gives the nearest real page.
    The count is capped (core/paging.py), so no list counts more than it can page through."""
    return page_of(request, items, per_page)


def page_sections(
    hooks: Iterable[Callable[..., dict[str, Any] | None]], **kwargs: Any
) -> list[Any]:
    """The sections that other apps' hooks add to a page (a lower app's page showing a higher
    app's data), in their ``order``; a hook returns None to add nothing."""
    found = [section for hook in hooks if (section := hook(**kwargs)) is not None]
    return sorted(found, key=lambda section: section.get("order", 0))


def query_without_page(request: HttpRequest) -> str:
    """The current filters as a query string, for the pagination links to keep them."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """/healthz for a client that reaches the URL patterns (HealthCheckMiddleware answers it
    first in a normal chain)."""
    return health()


_FAVICON = Path(__file__).parent / "static" / "vetserve" / "favicon.ico"


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico: browsers and bookmarks ask for it there whatever the page links to; our
    own emblem (the SVG in core static, drawn as an ICO), cached for a day."""
    response = HttpResponse(_FAVICON.read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


# --- the search endpoints behind SearchSelect (core/widgets.py) --------------------------------

# A search box's text: long enough for any name or badge number, short enough to bound the work.
SEARCH_QUERY_MAX = 50


def search_text(request: HttpRequest) -> str:
    """The search box's text, from a POST (the script's way: nothing typed lands in a URL) or
    a GET; cut to ``SEARCH_QUERY_MAX`` characters."""
    data = request.POST if request.method == "POST" else request.GET
    return data.get("q", "").strip()[:SEARCH_QUERY_MAX]


def search_param(request: HttpRequest, name: str) -> str:
    data = request.POST if request.method == "POST" else request.GET
    return data.get(name, "")


def search_response(request: HttpRequest, rows: list[SearchRow], *, query: str) -> HttpResponse:
    """The matches as the options of SearchSelect's list; ``rows`` holds at most one more than
    ``SEARCH_LIMIT``, which only says that there are more."""
    context = {
        "rows": rows[:SEARCH_LIMIT],
        "more": len(rows) > SEARCH_LIMIT,
        "limit": SEARCH_LIMIT,
        "query": query,
    }
    response = render(request, "core/search_results.html", context)
    response["Cache-Control"] = "private, no-store"
    return response
