"""Template filters of the shared pagination and sort controls (core/paging.py)."""

from __future__ import annotations

from collections.abc import Sequence

from django import template

from vetserve.core import paging

register = template.Library()


@register.filter
def query_pairs(query: str) -> Sequence[tuple[str, str]]:
    """The filters of a list as (name, value) pairs, for a form that must keep them."""
    return paging.query_pairs(query or "")
