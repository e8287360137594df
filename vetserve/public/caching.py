"""How public pages are cached: whole rendered pages in Django's cache (local memory by default,
the database cache or Redis where configured), keyed by path, page number and language.

A cached page is the same for everyone by construction: public templates are rendered without
the request (no CSRF token, no user menu, no messages; ``views.render_public``), and they show
only what ``selectors`` gives the public. Every write to a post bumps a generation number, so a
published or withdrawn post shows at once in this process; other processes see it within
``PAGE_SECONDS``. Browsers and proxies may keep a page for ``PAGE_SECONDS`` too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

PAGE_SECONDS = 60
GENERATION_KEY = "public:generation"
PAGE_KEY = "public:page:{generation}:{language}:{path}:{page}"
# A page number beyond this is not cached (nobody pages that deep; keeps the keys few).
CACHED_PAGES = 20


# The names on the honour roll: a generation of their own, so publishing a post does not make
# the next visitor wait for the roll's aggregate again; a consent, erasure or merge does.
PEOPLE_GENERATION_KEY = "public:people-generation"


def generation(key: str = GENERATION_KEY) -> int:
    value = cache.get(key)
    if value is None:
        cache.add(key, 1, None)
        value = cache.get(key, 1)
    return int(value)


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, None)


def forget_pages() -> None:
    """After a post changes (once its transaction commits): every cached page is stale."""
    transaction.on_commit(lambda: _bump(GENERATION_KEY))


def forget_people() -> None:
    """After a publication consent, an erasure or a merge: the honour roll and every page."""

    def bump() -> None:
        _bump(PEOPLE_GENERATION_KEY)
        _bump(GENERATION_KEY)

    transaction.on_commit(bump)


def forget_pages_after_consent(*, volunteer: Any, purpose: str, granted: bool) -> None:
    if purpose == "publication":
        forget_people()


def forget_pages_after_erasure(*, actor: Any, volunteer: Any, reason: str) -> None:
    forget_people()


def forget_pages_after_merge(*, keep: Any, drop: Any) -> None:
    forget_people()


def _page_number(request: HttpRequest) -> int | None:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= CACHED_PAGES else None


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve ``view``'s page from the cache when it can; mark it cacheable for ``PAGE_SECONDS``.

    Only the path and the page number key a page: any other query parameter is ignored by the
    public views, so a crafted query string neither misses the cache nor fills it."""

    @require_safe
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        page = _page_number(request)
        key = None
        if page is not None:
            key = PAGE_KEY.format(
                generation=generation(),
                language=translation.get_language() or "",
                path=request.path,
                page=page,
            )
            hit = cache.get(key)
            if hit is not None:
                response = HttpResponse(hit, content_type="text/html; charset=utf-8")
                return _mark(response)
        response = view(request, *args, **kwargs)
        if key is not None and response.status_code == 200 and not response.streaming:
            cache.set(key, response.content, PAGE_SECONDS)
        return _mark(response) if response.status_code == 200 else response

    return wrapped


def _mark(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=PAGE_SECONDS)
    # The language comes from the language cookie (core.locale).
    patch_vary_headers(response, ("Cookie",))
    return response
