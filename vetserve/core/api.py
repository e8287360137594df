"""What every app's API router shares, knowing no app: the error schema, the error answers each
endpoint documents, the authenticated user of a request and lazily mapped pages.

Routers live in ``<app>/api.py``; ``vetserve/api/`` mounts them with authentication and error
handling.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from ninja.params.functions import Path
from ninja.schema import DjangoGetter
from pydantic import BeforeValidator, StringConstraints, WithJsonSchema, model_validator

from vetserve.core.bounds import LATITUDES, LONGITUDES
from vetserve.core.paging import COUNT_CAP, SortedWhenFew, count_upto

if TYPE_CHECKING:
    from vetserve.accounts.models import User


class ErrorOut(Schema):
    code: str = Field(description="Machine-readable: not_found, forbidden, invalid, …")
    message: str
    errors: dict[str, list[str]] | None = None


# The error answers every authenticated endpoint documents (see api/errors.py): 400 a body that
# is not JSON, 401 no valid token, 403 not allowed, 404 not found or not yours, 409 a conflict
# with the current state, 422 a value refused; 414 an address longer than the server reads
# (gunicorn's 4 KB request line), answered by the server before the application, not in JSON.
URL_TOO_LONG: dict[int, Any] = {414: None}
ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    **URL_TOO_LONG,
}

# --- bounds of what the API accepts ------------------------------------------------------------
# Every number and text an endpoint takes has a range or a length, so that no value reaches a
# service or the database that it cannot hold (an id or offset of 2**63 overflowed SQLite's
# integer and answered 500; issue 12). The models' own bounds are the authority; these match
# them or are tighter.

# Row ids: far above any real table here, far below the 64-bit columns' limit.
ID_MAX = 2**31 - 1
# How far a list may be paged into (rows skipped).
OFFSET_MAX = 10**7
# Counts of people, places, targets … (a shift's 1,000 people is already a stadium).
COUNT_MAX = 1_000_000
# Day counts: validity periods, look-ahead windows (a century).
DAYS_MAX = 36_500
# Years a person enlisted or left the service, ages.
YEAR_MIN, YEAR_MAX = 1900, 2100
AGE_MAX = 150
# Text lengths: a code or short name, a name or line, a note, a long description.
CODE_LENGTH = 50
NAME_LENGTH = 200
NOTE_LENGTH = 500
TEXT_LENGTH = 5000
# Items in a list given in one request (ids, codes, groups).
LIST_MAX = 5000


_NUMBER_TEXT = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")


def _not_a_number(value: Any) -> Any:
    """Dates and times come as ISO text. Pydantic would also read a number as seconds since
    1970, which the document does not promise and no client means (``"at": 0``), and in a
    query string every number arrives as text (``?date_from=0``)."""
    if isinstance(value, bool | int | float | Decimal) or (
        isinstance(value, str) and _NUMBER_TEXT.fullmatch(value)
    ):
        raise ValueError("Give the date or time as ISO 8601 text, e.g. 2026-03-01T08:00+08:00.")
    return value


# Body fields: strict numbers (false is not 0), dates as text only.
Id = Annotated[int, Field(ge=1, le=ID_MAX, strict=True)]
Count = Annotated[int, Field(ge=0, le=COUNT_MAX, strict=True)]
Days = Annotated[int, Field(ge=0, le=DAYS_MAX, strict=True)]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX, strict=True)]
Age = Annotated[int, Field(ge=0, le=AGE_MAX, strict=True)]
# true or false, not 0 or "yes"
Flag = Annotated[bool, Field(strict=True)]
Day = Annotated[date, BeforeValidator(_not_a_number)]
Moment = Annotated[datetime, BeforeValidator(_not_a_number)]
Code = Annotated[str, StringConstraints(max_length=CODE_LENGTH)]
Line = Annotated[str, StringConstraints(max_length=NAME_LENGTH)]
Note = Annotated[str, StringConstraints(max_length=NOTE_LENGTH)]
Text = Annotated[str, StringConstraints(max_length=TEXT_LENGTH)]


def decimal_schema(low: float, high: float, max_digits: int) -> WithJsonSchema:
    """How the document shows a decimal: a number in its range, or the number as text of at
    most as many characters as its digits allow (pydantic's own form leaves the text
    unbounded)."""
    return WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": low, "maximum": high},
                {"type": "string", "maxLength": max_digits + 2, "pattern": DECIMAL_PATTERN},
            ]
        }
    )


DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"


def decimal_text(max_digits: int) -> BeforeValidator:
    """Refuse a decimal given as text that the document does not allow (pydantic reads "1e5",
    "+1" and "-0000000" too)."""

    def check(value: Any) -> Any:
        if isinstance(value, str) and (
            len(value) > max_digits + 2 or not re.fullmatch(DECIMAL_PATTERN, value)
        ):
            raise ValueError("Give the number as digits, e.g. 12.5.")
        return value

    return BeforeValidator(check)


# Places in China: the same ranges as the models' CHECK constraints (core.bounds).
Latitude = Annotated[
    Decimal,
    Field(ge=LATITUDES.low, le=LATITUDES.high, max_digits=9, decimal_places=6),
    decimal_schema(float(LATITUDES.low), float(LATITUDES.high), 9),
    decimal_text(9),
]
Longitude = Annotated[
    Decimal,
    Field(ge=LONGITUDES.low, le=LONGITUDES.high, max_digits=9, decimal_places=6),
    decimal_schema(float(LONGITUDES.low), float(LONGITUDES.high), 9),
    decimal_text(9),
]


def one_of(choices: type[Enum], *, blank: bool = False) -> WithJsonSchema:
    """The document's form of a field taking a model's choices: the values inline. Named enum
    components would collide (people, badges and activities each have a ``Status``), and ninja
    keeps one of the same-named components silently."""
    values = [str(member.value) for member in choices]
    return WithJsonSchema({"type": "string", "enum": [*values, ""] if blank else values})


# Path and query parameters (text on the wire, so not strict): ids in a path, ids in a filter.
PathId = Annotated[int, Path(ge=1, le=ID_MAX)]
QueryId = Annotated[int, Field(ge=1, le=ID_MAX)]


class Payload(Schema):
    """The base of every request body: a JSON object. ninja's Schema also reads attributes of
    any object, so a body of ``[null, null]`` passed as "no fields given" for a schema whose
    fields all have defaults; a body must be an object."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        given = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(given, Mapping | Schema):
            raise ValueError("The body must be a JSON object.")
        return data


class Paged(LimitOffsetPagination):
    """ninja's limit/offset pages with the offset bounded (2**63 answered 500) and the count
    capped as the pages' is (core/paging.py): an exact count of a city's 788,332 stays cost
    more than the page itself (issue 14)."""

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=OFFSET_MAX)

    class Output(Schema):
        items: list[Any]
        count: int = Field(
            description=f"How many rows there are, counted up to {COUNT_CAP:,}: "
            "when count_capped is true there are more (page on until items is empty)."
        )
        count_capped: bool = Field(description=f"true when there are more than {COUNT_CAP:,}")

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        offset = pagination.offset
        limit: int = min(pagination.limit, self.max_limit)
        seen = count_upto(queryset, COUNT_CAP + 1)
        return {
            "items": queryset[offset : offset + limit],
            "count": min(seen, COUNT_CAP),
            "count_capped": seen > COUNT_CAP,
        }


def user_of(request: HttpRequest) -> User:
    """The user the API's authentication found (a bearer token's or the session's): an active
    user of the user model, since both authenticators answer None for anyone else."""
    user: User = request.auth  # type: ignore[attr-defined]  # ninja sets it, HttpRequest lacks it
    return user


class MappedRows:
    """A countable, sliceable view of a queryset whose rows are mapped to output dicts only
    after ninja's pagination has sliced it: one capped COUNT and one page of rows per
    request."""

    def __init__(self, qs: QuerySet[Any] | SortedWhenFew, fn: Callable[[Any], Any]) -> None:
        self.qs, self.fn = qs, fn

    def count_upto(self, most: int) -> int:
        return count_upto(self.qs, most)

    def __len__(self) -> int:
        return len(self.qs) if isinstance(self.qs, SortedWhenFew) else int(self.qs.count())

    def __getitem__(self, item: slice) -> list[Any]:
        return [self.fn(row) for row in self.qs[item]]
