"""Searching by an ID or phone number without putting the number in a URL (issue 12, item 7).

A URL lands in access logs, browser history, proxies and the Referer of the next request. The
roster's search form posts; a query that looks like a personal number is kept in the session,
encrypted, under a short-lived random handle, and the page's address carries ``?s=<handle>``
instead (paging and the export link keep the handle). A number typed into ``?q=`` is refused.
"""

from __future__ import annotations

import secrets
import time

from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

from vetserve.core import crypto
from vetserve.people.idnumbers import looks_like_personal_number

SESSION_KEY = "people.searches"
CONTEXT = "session.roster_search"
# Long enough to page through the results and export them; short enough that a handle copied
# out of the history finds nothing the next day. A few at a time: each keystroke of a live
# search that looks like a number makes one.
LIFETIME_SECONDS = 30 * 60
KEEP_AT_MOST = 20
HANDLE = "s"
# What a page says when a number arrives in its address all the same (a bookmark, a hand-made
# link): the number is refused, not searched for.
NUMBER_IN_URL = _(
    "ID and phone numbers are not accepted in the page address (it is kept in browser history "
    "and server logs). Type the number into the search box and press Search."
)


def search_handle_store(request: HttpRequest, query: str) -> str:
    """Keep ``query`` in the session (encrypted: sessions live in the database) and return
    the handle that stands for it in URLs."""
    now = time.time()
    kept = {
        handle: entry
        for handle, entry in request.session.get(SESSION_KEY, {}).items()
        if entry[1] > now
    }
    handle = secrets.token_urlsafe(12)
    kept[handle] = [crypto.encrypt(query, context=CONTEXT), now + LIFETIME_SECONDS]
    newest = sorted(kept.items(), key=lambda item: item[1][1])[-KEEP_AT_MOST:]
    request.session[SESSION_KEY] = dict(newest)
    return handle


def search_handle_query(request: HttpRequest, handle: str) -> str | None:
    """The query a handle stands for, or None when it is unknown or has expired."""
    entry = request.session.get(SESSION_KEY, {}).get(handle)
    if not entry or entry[1] <= time.time():
        return None
    try:
        return crypto.decrypt(entry[0], context=CONTEXT)
    except crypto.DecryptionError:
        return None


def params_for_url(request: HttpRequest, params: QueryDict) -> QueryDict:
    """``params`` as they may appear in a URL: a personal number in ``q`` becomes a handle;
    the CSRF token and the page number are dropped."""
    clean = params.copy()
    for key in ("csrfmiddlewaretoken", "page"):
        clean.pop(key, None)
    query = clean.get("q", "")
    if looks_like_personal_number(query):
        clean.pop("q")
        clean[HANDLE] = search_handle_store(request, query)
    else:
        clean.pop(HANDLE, None)
    for key in [k for k, v in clean.items() if v == ""]:
        clean.pop(key)
    return clean


def params_with_query(request: HttpRequest, params: QueryDict) -> tuple[QueryDict, bool]:
    """``params`` from a URL with the handle's query put back as ``q``; and False when the
    handle has expired (the search then shows everything, with a word why)."""
    handle = params.get(HANDLE)
    if not handle:
        return params, True
    query = search_handle_query(request, handle)
    resolved = params.copy()
    resolved.pop(HANDLE)
    if query is None:
        return resolved, False
    resolved["q"] = query
    return resolved, True
