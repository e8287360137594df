"""Schema pieces every router shares. An app's own input and output schemas live in its
``<app>/api.py``."""

from typing import Any

from ninja import Field, Schema


class ErrorOut(Schema):
    code: str = Field(description="Machine-readable: not_found, forbidden, invalid, …")
    message: str
    errors: dict[str, list[str]] | None = None


# The error answers every authenticated endpoint documents (see errors.py).
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
