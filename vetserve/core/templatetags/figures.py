"""Numbers as people read them in a table: thousands separated by commas (8,000 m²,
6,000,000 m²), at most the decimals given, none when whole.

Django's Simplified Chinese formats group by nothing (``THOUSAND_SEPARATOR = ""``), so a
campaign's 6000000 would read as one long run of digits; Chinese offices write 6,000,000 in
tables, as the news report the demo follows does.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


@register.filter
def figure(value: Any, decimals: int = 1) -> str:
    """``8000`` → ``8,000``; ``1234.56`` → ``1,234.6``; ``12.0`` → ``12``; None → ``—``."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    step = Decimal(1).scaleb(-int(decimals))
    rounded = number.quantize(step, rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return f"{int(rounded):,}"
    return f"{rounded:,.{int(decimals)}f}".rstrip("0").rstrip(".")


@register.filter
def hours_from_minutes(minutes: Any) -> str:
    """Served minutes as hours to a tenth: ``90`` → ``1.5``."""
    if minutes is None or minutes == "":
        return "—"
    return figure(Decimal(int(minutes)) / 60, 1)
