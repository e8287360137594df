from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from vetserve.accounts.services import api_token_authenticate


class BearerToken(HttpBearer):
    """`Authorization: Bearer vs_…` — tokens users create on their account page or with
    `vetserve token create USER`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class Session(SessionAuth):
    """The logged-in browser session (CSRF-checked), so pages can call the API too."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


AUTH = [BearerToken(), Session()]
