"""Cell text to values: the many ways offices write a date or a year, and lengths to keep.

Each parser returns the value or raises `BadValue` with a message for people. Text arrives
already folded to half-width (see `vetserve.core.text.fold_width`). Parsers of a domain's own
choices live with the domain (the roster's in `vetserve.people.roster_values`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from vetserve.core.bounds import DATES, SERVICE_YEARS


class BadValue(ValueError):
    pass


@dataclass(frozen=True)
class PartialDate:
    """A date as offices write it; 出生年月 often has no day."""

    year: int
    month: int
    day: int | None

    def matches(self, other: date) -> bool:
        return (self.year, self.month) == (other.year, other.month) and self.day in (
            None,
            other.day,
        )

    def __str__(self) -> str:
        if self.day is None:
            return f"{self.year}-{self.month:02d}"
        return f"{self.year}-{self.month:02d}-{self.day:02d}"


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?)?\s*月?")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")


def parse_partial_date(text: str) -> PartialDate:
    """2022-02-11, 2022/2/11, 2022.2.11, 2022年2月11日, 20220211, 1975.03 (no day)."""
    text = text.strip()
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if match is None:
        raise BadValue(_("Write a date as 1975-03-15."))
    year, month = int(match.group(1)), int(match.group(2))
    day = int(match.group(3)) if match.group(3) else None
    try:
        found = date(year, month, day or 1)
    except ValueError:
        raise BadValue(_("%(value)s is not a real date.") % {"value": text}) from None
    if found not in DATES:
        raise BadValue(
            _("Enter a value from %(low)s to %(high)s.")
            % {"low": DATES.low.isoformat(), "high": DATES.high.isoformat()}
        )
    return PartialDate(year, month, day)


_YEAR = re.compile(r"(19\d{2}|20\d{2})")


def parse_year(text: str, *, today: date | None = None) -> int:
    """1993, 1993年, 1993.12, 1993-12-01: the year is what the roster keeps."""
    match = _YEAR.search(text)
    this_year = (today or date.today()).year
    if match is None or not SERVICE_YEARS.low <= int(match.group(1)) <= this_year:
        raise BadValue(_("Write a year such as 1993."))
    return int(match.group(1))


def limit_length(text: str, limit: int) -> str:
    if len(text) > limit:
        raise BadValue(_("Too long: at most %(limit)d characters.") % {"limit": limit})
    return text
