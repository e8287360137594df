"""How activity values read for people: a shift's requirements as one line of text."""

from __future__ import annotations

from typing import Any

from django import template

from vetserve.activities import selectors

register = template.Library()


@register.filter
def requirements_text(data: Any, names: selectors.RequirementNames | None = None) -> str:
    """``{{ shift.requirements|requirements_text:requirement_names }}``: pass the names loaded
    once by the view on a list, so each row costs no query."""
    return selectors.requirement_text(data, names)
