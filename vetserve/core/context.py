"""Where the current action comes from (address, browser, channel), for the audit log.

Set once per request by `ClientContextMiddleware`, once per command by the CLI, so service
functions record it without every caller passing a request down.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

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


def client_from_request(request: HttpRequest) -> Client:
    # REMOTE_ADDR is what the socket saw; behind a proxy, the proxy must set it (gunicorn
    # --forwarded-allow-ips), never a header any client could forge.
    via = "api" if request.path.startswith("/api/") else "web"
    return Client(
        ip=request.META.get("REMOTE_ADDR") or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        via=via,
    )


class ClientContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with client_context(client_from_request(request)):
            return self.get_response(request)
