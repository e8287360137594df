"""Pagination helpers shared by every router."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet


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
