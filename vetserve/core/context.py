"""Where the current action comes from (address, browser, channel), for the audit log.

Set once per request by `ClientContextMiddleware`, once per command by the CLI, so service
functions record it without every caller passing a request down.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import secrets
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
    # Ties a request's log lines together (and to the proxy's, which sends X-Request-ID).
    request_id: str = "-"


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
    """The client's address: REMOTE_ADDR, or, when the request came from one of the trusted
    proxies (VETSERVE_TRUSTED_PROXIES) and N proxies append to X-Forwarded-For, the address the
    outermost trusted proxy saw (the N-th entry from the right). A request sent straight to the
    app port does not come from a trusted proxy, so its X-Forwarded-For, which the client wrote
    itself, is ignored (issue 17)."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded and remote is not None and from_trusted_proxy(remote):
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies] or None
    return remote


def from_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted_networks())


@functools.cache
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def trusted_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return _networks(tuple(settings.TRUSTED_PROXIES))


_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id(request: HttpRequest) -> str:
    """The trusted proxy's X-Request-ID when it sent a sane one, else a fresh random id."""
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    remote = request.META.get("REMOTE_ADDR") or ""
    if given and _REQUEST_ID.fullmatch(given) and remote and from_trusted_proxy(remote):
        return given
    return secrets.token_hex(8)


def client_from_request(request: HttpRequest) -> Client:
    via = "api" if request.path.startswith("/api/") else "web"
    return Client(
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        via=via,
        request_id=request_id(request),
    )


class ClientContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        client = client_from_request(request)
        with client_context(client):
            response = self.get_response(request)
        response["X-Request-ID"] = client.request_id
        return response
