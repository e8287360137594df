from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from vetserve.accounts.middleware import (
    PASSWORD_CHANGE_REQUIRED,
    password_change_required_message,
)
from vetserve.accounts.services import api_token_authenticate


class PasswordChangeRequired(PermissionDenied):
    """403 ``password_change_required``: the account still has its initial password."""

    code = PASSWORD_CHANGE_REQUIRED


class BearerToken(HttpBearer):
    """`Authorization: Bearer vs_…` — tokens users create on their account page or with
    `vetserve token create USER`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            if user.must_change_password:
                raise PasswordChangeRequired(password_change_required_message())
            request.user = user
        return user


class Session(SessionAuth):
    """The logged-in browser session (CSRF-checked), so pages can call the API too."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


AUTH = [BearerToken(), Session()]
