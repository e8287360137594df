"""What the activities endpoints share: input field types with the limits of their columns,
and the checks every write applies to its payload before calling a service."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field
from pydantic import StringConstraints

from vetserve.core.api import Count, decimal_schema, decimal_text

# Text that must not be empty once trimmed, and the limits of the columns it goes to.
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Place = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
QUANTITY_MAX = 10**12 - 1  # 14 digits, 2 of them decimals
Quantity = Annotated[
    Decimal,
    Field(max_digits=14, decimal_places=2),
    decimal_schema(-QUANTITY_MAX, QUANTITY_MAX, 14),
    decimal_text(14),
]
Target = Annotated[
    Decimal,
    Field(ge=0, max_digits=14, decimal_places=2),
    decimal_schema(0, QUANTITY_MAX, 14),
    decimal_text(14),
]
# Counts of people, activities and hours: never negative, bounded (2**63 overflowed).
NonNegative = Count


def aware(**moments: datetime | None) -> None:
    """A time without its offset is ambiguous for a script: refuse it rather than guess."""
    for field, moment in moments.items():
        if moment is not None and timezone.is_naive(moment):
            raise ValidationError({field: _("Give the time with its offset, e.g. +08:00.")})


def not_empty(data: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if key in data and data[key] is None:
            raise ValidationError({key: _("This field cannot be empty.")})


def blank_for_none(data: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if key in data and data[key] is None:
            data[key] = ""
