"""The engine's structured reasons in words, for the review page (``vetserve.dispatch.reasons``)."""

from __future__ import annotations

from typing import Any

from django import template

from vetserve.dispatch.wording import reasons_line

register = template.Library()


@register.filter
def reasons_text(stored: Any) -> str:
    """A line's stored reasons (``[[code, value], …]``) as one line of words."""
    return reasons_line(stored or [])
