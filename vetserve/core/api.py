"""What every app's API router shares, knowing no app: the error schema, the error answers each
endpoint documents, the authenticated user of a request and lazily mapped pages.

Routers live in ``<app>/api.py``; ``vetserve/api/`` mounts them with authentication and error
handling.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema

if TYPE_CHECKING:
    from vetserve.accounts.models import User


class ErrorOut(Schema):
    code: str = Field(description="Machine-readable: not_found, forbidden, invalid, …")
    message: str
    errors: dict[str, list[str]] | None = None


# The error answers every authenticated endpoint documents (see api/errors.py).
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def user_of(request: HttpRequest) -> User:
    """The user the API's authentication found (a bearer token's or the session's): an active
    user of the user model, since both authenticators answer None for anyone else."""
    user: User = request.auth  # type: ignore[attr-defined]  # ninja sets it, HttpRequest lacks it
    return user


class MappedRows:
    """A countable, sliceable view of a queryset whose rows are mapped to output dicts only
    after ninja's pagination has sliced it: one COUNT and one page of rows per request."""

    def __init__(self, qs: QuerySet[Any], fn: Callable[[Any], Any]) -> None:
        self.qs, self.fn = qs, fn

    def count(self) -> int:
        return int(self.qs.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[Any]:
        return [self.fn(row) for row in self.qs[item]]
