"""Compressed answers for scripts and phones, never for pages (docs/decisions/0005).

gzip over HTTPS leaks, through the answer's length, whether attacker-chosen text matches a
secret in the same answer (BREACH): pages carry the CSRF token, revealed personal numbers and
the search words of the URL. An API call made with a bearer token cannot be made by a third
party's page (a browser adds no Authorization header of its own), so nothing a stranger
chose ends up beside the caller's data, and its JSON is compressed. Static files come
compressed from collectstatic (whitenoise), outside this middleware.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

# Below this, gzip's header and the CPU it takes outweigh what it saves (a check-in's answer
# is ~400 bytes and the burst sends thousands, docs/benchmarks.md).
MIN_BYTES = 1024


def _bearer(request: HttpRequest) -> bool:
    return request.META.get("HTTP_AUTHORIZATION", "")[:7].lower() == "bearer "


class ApiGZipMiddleware(GZipMiddleware):
    """GZipMiddleware for JSON answers to bearer-token requests of at least MIN_BYTES."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not _bearer(request):
            return response
        if not response.get("Content-Type", "").startswith("application/json"):
            return response
        if not response.streaming and len(response.content) < MIN_BYTES:  # type: ignore[attr-defined]
            return response
        return super().process_response(request, response)
