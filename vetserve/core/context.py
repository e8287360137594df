"""Where the current action comes from (address, browser, channel), for the audit log.

Set once per request by `ClientContextMiddleware`, once per command by the CLI, so service
functions record it without every caller passing a request down.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class Client:
    ip: str | None = None
    user_agent: str = ""
    via: str = "cli"


# Client is frozen, so sharing one default instance is safe.
_current: ContextVar[Client] = ContextVar("vetserve_client", default=Client())  # noqa: B039


def current_client() -> Client:
    return _current.get()


@contextmanager
def client_context(client: Client) -> Iterator[None]:
    token = _current.set(client)
    try:
        yield
    finally:
        _current.reset(token)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind N trusted proxies the address the
    outermost trusted proxy saw (the N-th entry from the right of X-Forwarded-For)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies] or None
    return request.META.get("REMOTE_ADDR") or None


def client_from_request(request: HttpRequest) -> Client:
    via = "api" if request.path.startswith("/api/") else "web"
    return Client(
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        via=via,
    )


class ClientContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with client_context(client_from_request(request)):
            return self.get_response(request)
