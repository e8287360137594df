"""Paging and sorting for every list page: one way, so that each list counts, pages, sorts and
keeps its filters alike (issues 13 and 14).

- The count is capped: a list counts at most ``COUNT_CAP`` rows (``SELECT COUNT(*) FROM (…
  LIMIT cap)``), so neither the count nor the deepest OFFSET grows with the data; past the cap
  the page says "more than …" and the reverse sort or a filter reaches the rest.
- Sorting takes a key from a whitelist per list (``?sort=name`` ascending, ``?sort=-name``
  descending); an unknown key is the list's default, never a column name from the URL.
- Links keep the filters: ``query`` is the query string without ``page`` (and the sort links'
  own ``sort``), exactly as each view chose to expose it (the roster exposes a search handle,
  never a personal number).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.functional import Promise

PER_PAGE = 50
# 200 pages of 50: beyond this a person narrows the filters or turns the sort around. Counting
# (and OFFSET-ing) at most this many index entries stays a few milliseconds at any scale.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Django's paginator counting at most ``cap`` rows; ``capped`` says there are more."""

    def __init__(self, object_list: Any, per_page: int, cap: int = COUNT_CAP) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        seen = count_upto(self.object_list, self.cap + 1)
        self.capped = seen > self.cap
        return min(seen, self.cap)


def count_upto(rows: Any, most: int) -> int:
    """How many ``rows`` there are, counting at most ``most``: a page list's and an API list's
    count alike."""
    if hasattr(rows, "count_upto"):
        # A list made of several queries (the scan records) or mapped rows counts itself.
        return int(rows.count_upto(most))
    if isinstance(rows, QuerySet) and rows.query.combinator:
        # A union takes no new columns or order: count it as it is.
        return int(rows[:most].count())
    if isinstance(rows, QuerySet):
        # Only the ids and in no order: how many of the first ``most`` there are does not
        # depend on the order, and without it the database stops after ``most`` index
        # entries instead of sorting the whole scope first.
        return int(rows.order_by().values("pk")[:most].count())
    return len(rows)


class SortedWhenFew:
    """A list that pages along its order index when its scope is large and sorts its rows when
    the scope is small: the capped count, taken first anyway, says which.

    Walking the order index and stopping after a page is right for a scope holding much of the
    table (a city's 51,530 badges: 50 index entries read). For a narrow scope PostgreSQL walks
    the same index expecting the scope's rows spread evenly; a county's badges were the oldest
    ones, so it read 33,814 entries for 50 (140 ms). When the count stopped short of ``most``
    (so at most ``COUNT_CAP`` rows) the list is ordered by ``few_order`` instead, the same order
    written so no index can give it: the database fetches the scope's rows by their own
    indexes and sorts at most ``COUNT_CAP`` of them (issue 14)."""

    def __init__(self, rows: QuerySet[Any], few_order: Sequence[Any]) -> None:
        self.rows, self.few_order = rows, list(few_order)
        self.few = False

    def count_upto(self, most: int) -> int:
        seen = count_upto(self.rows, most)
        self.few = seen < most
        return seen

    def __len__(self) -> int:
        return self.count_upto(COUNT_CAP + 1)

    def __getitem__(self, item: slice) -> QuerySet[Any]:
        if not self.few:
            return self.rows[item]
        # The page's ids first, sorted from the scope's rows alone; then those rows with
        # their joins (a county's badges: 140 → 28 ms; joining every row before the sort
        # cost twice that).
        ids = list(self.rows.order_by(*self.few_order).values_list("pk", flat=True)[item])
        return self.rows.filter(pk__in=ids)


@dataclass(frozen=True)
class Sort:
    """One way a list may be sorted: its label and the columns, in ascending form."""

    label: str | Promise
    # Field names ("-" for a column descending by default) or expressions (a collation).
    columns: tuple[Any, ...]


@dataclass(frozen=True)
class SortLink:
    key: str
    label: str | Promise
    query: str
    active: bool
    descending: bool


@dataclass
class Sorting:
    """The sort chosen for a request, and the links that change it keeping the filters."""

    key: str
    descending: bool
    links: list[SortLink]

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key


def _ordered(column: Any, descending: bool) -> Any:
    if isinstance(column, str):
        if not descending:
            return column
        return column[1:] if column.startswith("-") else f"-{column}"
    return column.desc() if descending else column.asc()


def choose_sort(
    params: QueryDict | Mapping[str, str],
    sorts: Mapping[str, Sort],
    default: str,
) -> tuple[str, bool]:
    """The whitelisted sort key of ``params["sort"]`` and whether it is descending."""
    wanted = str(params.get("sort") or default)
    descending = wanted.startswith("-")
    key = wanted.lstrip("-")
    if key not in sorts:
        key, descending = default.lstrip("-"), default.startswith("-")
    return key, descending


def sort_rows(
    qs: QuerySet[Any],
    params: QueryDict | Mapping[str, str],
    sorts: Mapping[str, Sort],
    default: str,
    query: str,
) -> tuple[QuerySet[Any], Sorting]:
    """``qs`` ordered by the chosen sort (the primary key last, for a total order that pages
    the same way every time) and the links for the sort control."""
    key, descending = choose_sort(params, sorts, default)
    columns = sorts[key].columns
    order = [_ordered(c, descending) for c in columns]
    order.append("-pk" if descending else "pk")
    base = QueryDict(query, mutable=True)
    base.pop("sort", None)
    base.pop("page", None)
    links = []
    for k, sort in sorts.items():
        active = k == key
        # A second tap on the active sort turns it around.
        target = (k if descending else f"-{k}") if active else k
        link = base.copy()
        link["sort"] = target
        links.append(SortLink(k, sort.label, link.urlencode(), active, active and descending))
    return qs.order_by(*order), Sorting(key, descending, links)


def page_of(
    request: HttpRequest, rows: Any, per_page: int = PER_PAGE, cap: int = COUNT_CAP
) -> Page:
    """One page of ``rows``; a missing, bad or too-high ?page= gives the nearest real page."""
    return CappedPaginator(rows, per_page, cap).get_page(request.GET.get("page"))


def query_pairs(query: str) -> Sequence[tuple[str, str]]:
    """The parameters of a query string, for the hidden fields of a jump-to-page form."""
    return [
        (key, value)
        for key, values in QueryDict(query).lists()
        if key != "page"
        for value in values
    ]
