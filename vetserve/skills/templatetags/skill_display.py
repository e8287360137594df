"""How skill catalogue values read for people: a validity in years or months."""

from __future__ import annotations

from django import template

from vetserve.skills import models

register = template.Library()


@register.filter
def validity_text(days: int | None) -> str:
    return models.validity_text(days)


@register.filter
def level_label(level: int) -> str:
    """A skill level as its name ("2 · 熟练"), never a bare number."""
    from vetserve.skills.forms import LEVELS

    return str(dict(LEVELS).get(level, level))
