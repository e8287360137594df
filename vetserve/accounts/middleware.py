"""An account with a printed initial password does nothing before its owner chooses their own."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

PASSWORD_CHANGE_REQUIRED = "password_change_required"  # noqa: S105 - an error code


def password_change_required_message() -> str:
    return _(
        "This account still has its initial password. Log in on the website and choose "
        "your own password first."
    )


class PasswordChangeRequiredMiddleware:
    """While ``must_change_password`` is set, every page but the password change, logging out
    and the language switch leads to the password change, and the API answers 403
    ``password_change_required`` (bearer tokens are refused in ``api/auth.py`` likewise)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            path = request.path_info
            change = reverse("accounts:password_change")
            free = (change, reverse("accounts:logout"), reverse("set_language"))
            if path.startswith("/api/"):
                return JsonResponse(
                    {
                        "code": PASSWORD_CHANGE_REQUIRED,
                        "message": password_change_required_message(),
                    },
                    status=403,
                )
            if path not in free and not path.startswith(f"/{settings.STATIC_URL.lstrip('/')}"):
                query = (
                    urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                )
                return redirect(f"{change}?{query}" if query else change)
        return self.get_response(request)
