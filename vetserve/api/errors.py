"""Every API error is JSON with a machine-readable ``code`` and a message in the user's language."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError


def error(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, **extra: Any
) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


def field_message(item: dict[str, Any]) -> str:
    """A schema error in the user's language, naming the limit that was crossed; pydantic's
    English text for the kinds of error not listed."""
    kind, ctx = str(item.get("type", "")), item.get("ctx") or {}
    limits = {
        "string_too_long": _("At most %(max_length)s characters."),
        "too_long": _("At most %(max_length)s items."),
        "less_than_equal": _("At most %(le)s."),
        "greater_than_equal": _("At least %(ge)s."),
        "decimal_max_digits": _("At most %(max_digits)s digits."),
        "decimal_max_places": _("At most %(decimal_places)s decimal places."),
        "enum": _("One of: %(expected)s."),
        "literal_error": _("One of: %(expected)s."),
        "int_type": _("A whole number is required."),
        "int_parsing": _("A whole number is required."),
        "missing": _("A value is required here."),
    }
    if kind in limits:
        try:
            return limits[kind] % ctx
        except (KeyError, TypeError, ValueError):
            pass
    return str(item.get("msg", ""))


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Same answer for "does not exist" and "not yours": existence is not leaked.
        return error(api, request, 404, "not_found", _("Not found."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        code = getattr(exc, "code", "forbidden")  # a subclass may name its reason
        return error(api, request, 403, code, str(exc) or _("Not allowed."))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error(
            api, request, 401, "unauthenticated", _("A valid API token or login is required.")
        )

    @api.exception_handler(DjangoValidationError)
    def invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            fields = {key: [str(m) for m in msgs] for key, msgs in exc.message_dict.items()}
            message = "; ".join(m for msgs in fields.values() for m in msgs)
        else:
            fields = {}
            message = "; ".join(str(m) for m in exc.messages)
        return error(api, request, 422, "invalid", message, errors=fields)

    @api.exception_handler(SchemaValidationError)
    def schema_invalid(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for item in exc.errors:
            loc = [str(part) for part in item.get("loc", ()) if part not in ("body", "payload")]
            fields.setdefault(".".join(loc) or "request", []).append(field_message(item))
        return error(api, request, 422, "invalid", _("The request is not valid."), errors=fields)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            # ninja's own 400: a body it cannot parse.
            message = _("The request body is not valid JSON.")
            return error(api, request, 400, "bad_request", message)
        code = getattr(exc, "code", None) or ("bad_request" if exc.status_code == 400 else "error")
        return error(api, request, exc.status_code, code, str(exc))
