"""Pages of long lists that stay fast at millions of rows.

Django's paginator counts every matching row to print "n reports" and "page x of y":
at ten million public reports that count alone reads the whole table on every page view.
:class:`CappedPaginator` counts at most ``cap`` rows (an index-ordered ``LIMIT`` inside
the count), says "more than 10,000" beyond that, and offers the pages up to the cap;
older rows are reached by narrowing the search, as every large catalogue does. Given a
``cache_key`` naming the query, a list found to hold more than the cap skips even that
capped count for a minute (27 ms of the public list's 81 ms at 10M reports): its figure
is "more than 10,000" either way, and a list that large does not shrink below the cap
in a minute. Smaller lists are counted on every view, so their pages never lag.

Past the first page a page of a query set is read in two steps: the keys of its rows
(``OFFSET`` over the ordering index alone), then those rows with their joins. One query
would join every skipped row too: page 200 of the public list took 44 ms at 10M reports
that way, the keys ~2 ms. Given ``rows``, a page lists ``rows(queryset)`` of its
rows' queryset instead: the list is counted and paged over the plain matching rows, and
only the page's own rows get the joins, annotations and columns shown (and the cost of
building them; the public list's row query took 0.4 ms to build).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import SimpleLazyObject, cached_property

DEFAULT_CAP = 10_000
OVER_CAP_SECONDS = 60


class CappedPaginator(Paginator):
    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        cap: int | None = None,
        cache_key: str | None = None,
        rows: Callable[[QuerySet[Any]], Any] | None = None,
    ) -> None:
        super().__init__(object_list, per_page)
        self._rows = rows
        self.cap = cap or DEFAULT_CAP
        digest = hashlib.sha256(cache_key.encode()).hexdigest()[:32] if cache_key else ""
        self._over_cap_key = f"aduan:over-cap:{self.cap}:{digest}" if cache_key else None

    @cached_property
    def _bounded_count(self) -> int:
        """Matching rows, counted up to one past the cap."""
        key = self._over_cap_key
        if key is not None and cache.get(key):
            return self.cap + 1
        rows: Any = self.object_list
        if isinstance(rows, QuerySet):
            rows = rows.values("pk")  # the keys only: no joins, no per-row annotations
        found = int(rows[: self.cap + 1].count())
        if key is not None and found > self.cap:
            cache.set(key, True, OVER_CAP_SECONDS)
        return found

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
        if not isinstance(rows, QuerySet):
            return page
        bottom = (page.number - 1) * self.per_page
        top = bottom + self.per_page  # as Paginator.page() (orphans join the last page)
        if top + self.orphans >= self.count:
            top = self.count
        if bottom > 0:
            keys = list(rows.values_list("pk", flat=True)[bottom:top])
            # The same query set (ordering, joins, deferred fields) over those keys only.
            page.object_list = list(self._shown(rows.filter(pk__in=keys)))
        elif self._rows is not None:
            # Built when read: a caller with its own way to the first page skips the cost.
            shown = self._rows
            page.object_list = SimpleLazyObject(lambda: shown(rows)[bottom:top])
        return page

    def _shown(self, rows: QuerySet[Any]) -> Any:
        return rows if self._rows is None else self._rows(rows)
