"""Long lists count at most a capped number of rows (a full count reads the whole table
at ten million reports) and say so."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aduan.core import pagination
from aduan.core.pagination import CappedPaginator
from aduan.reports.models import Report, Status
from tests.factories import report


def public_reports(n: int) -> None:
    for i in range(n):
        r = report(title=f"Lampu jalan mati {i}")
        Report.objects.filter(pk=r.pk).update(status=Status.DISPATCHED)


@pytest.mark.django_db
def test_count_stops_at_the_cap(world: Any) -> None:
    public_reports(5)
    rows = Report.objects.order_by("-submitted_at")
    capped = CappedPaginator(rows, 2, cap=3)
    with CaptureQueriesContext(connection) as queries:
        assert (capped.count, capped.capped, capped.num_pages) == (3, True, 2)
    assert len(queries) == 1 and "LIMIT 4" in queries[0]["sql"].upper()
    exact = CappedPaginator(rows, 2, cap=5)
    assert (exact.count, exact.capped, exact.num_pages) == (5, False, 3)


@pytest.mark.django_db
def test_public_list_says_more_than_the_cap(world: Any, client: Any, monkeypatch: Any) -> None:
    public_reports(4)
    monkeypatch.setattr(pagination, "DEFAULT_CAP", 3)
    page = client.get(reverse("reports:list")).content.decode()
    assert "Lebih dari 3 laporan" in page
    assert "persempit pencarian" in page
    monkeypatch.setattr(pagination, "DEFAULT_CAP", 10)
    page = client.get(reverse("reports:list")).content.decode()
    assert "4 laporan" in page and "Lebih dari" not in page


@pytest.mark.django_db
def test_desk_queue_says_more_than_the_cap(world: Any, client: Any, monkeypatch: Any) -> None:
    for i in range(4):
        report(title=f"Jalan rusak {i}")
    monkeypatch.setattr(pagination, "DEFAULT_CAP", 2)
    client.force_login(world.desk)
    page = client.get(reverse("backoffice:desk_queue")).content.decode()
    assert "Lebih dari 2 laporan" in page


@pytest.mark.django_db
def test_pages_show_what_rows_makes_of_their_own_rows_only(world: Any) -> None:
    public_reports(7)
    rows = Report.objects.order_by("-submitted_at", "-id")
    expected = list(rows.values_list("tracking_id", "status"))
    shown: list[Any] = []

    def show(queryset: Any) -> Any:
        shown.append(queryset)
        return queryset.values_list("tracking_id", "status")

    paginator = CappedPaginator(rows, 3, rows=show)
    first = paginator.page(1)
    assert shown == []  # the first page's rows are built when read, not before
    assert list(first.object_list) == expected[:3]
    with CaptureQueriesContext(connection) as queries:
        assert paginator.page(3).object_list == expected[6:]
    # Keys over the plain rows, then only the page's rows by key with what ``rows`` adds.
    assert len(queries) == 2 and "IN (" in queries[1]["sql"].upper()


@pytest.mark.django_db
def test_later_pages_read_keys_first_and_keep_order_and_orphans(world: Any) -> None:
    public_reports(7)
    rows = Report.objects.select_related("agency").order_by("-submitted_at", "-id")
    expected = list(rows.values_list("pk", flat=True))
    paginator = CappedPaginator(rows, 3)
    paginator.orphans = 1  # the last page takes the one row left over
    pages = [[r.pk for r in paginator.page(n).object_list] for n in (1, 2)]
    assert pages == [expected[:3], expected[3:]]
    with CaptureQueriesContext(connection) as queries:
        list(paginator.page(2).object_list)
    sqls = [q["sql"].upper() for q in queries]
    # Keys over the ordering only (with the offset), then the joined rows by key.
    assert any("OFFSET 3" in s and "JOIN" not in s for s in sqls)
    assert any("JOIN" in s and "OFFSET" not in s and " IN (" in s for s in sqls)


@pytest.mark.django_db
def test_a_list_over_the_cap_skips_its_count_for_a_minute(world: Any, monkeypatch: Any) -> None:
    public_reports(5)
    rows = Report.objects.order_by("-submitted_at")
    first = CappedPaginator(rows, 2, cap=3, cache_key="all")
    assert (first.count, first.capped) == (3, True)
    with CaptureQueriesContext(connection) as queries:
        again = CappedPaginator(rows, 2, cap=3, cache_key="all")
        assert (again.count, again.capped, again.num_pages) == (3, True, 2)
    assert len(queries) == 0
    # Another query, or the same one with another cap, is counted.
    with CaptureQueriesContext(connection) as queries:
        assert CappedPaginator(rows, 2, cap=3, cache_key="other").capped
        assert not CappedPaginator(rows, 2, cap=9, cache_key="all").capped
    assert len(queries) == 2
    # A minute later it is counted again.
    monkeypatch.setattr(pagination, "OVER_CAP_SECONDS", 0)
    assert CappedPaginator(rows, 2, cap=3, cache_key="fresh").count == 3
    with CaptureQueriesContext(connection) as queries:
        assert CappedPaginator(rows, 2, cap=3, cache_key="fresh").count == 3
    assert len(queries) == 1


@pytest.mark.django_db
def test_a_list_under_the_cap_is_counted_every_time(world: Any) -> None:
    public_reports(2)
    rows = Report.objects.order_by("-submitted_at")
    assert CappedPaginator(rows, 2, cap=3, cache_key="small").count == 2
    public_reports(1)  # a new report shows at once: nothing was kept
    with CaptureQueriesContext(connection) as queries:
        assert CappedPaginator(rows, 2, cap=3, cache_key="small").count == 3
    assert len(queries) == 1


@pytest.mark.django_db
def test_public_list_filters_are_kept_apart(world: Any, client: Any, monkeypatch: Any) -> None:
    public_reports(4)
    monkeypatch.setattr(pagination, "DEFAULT_CAP", 3)
    assert "Lebih dari 3 laporan" in client.get(reverse("reports:list")).content.decode()
    # The whole list is over the cap; a filter matching none is its own, exact count.
    page = client.get(reverse("reports:list"), {"q": "tidak ada yang cocok"}).content.decode()
    assert "Lebih dari" not in page


def test_public_list_cache_keys_cannot_be_forged_by_the_query() -> None:
    from aduan.reports.selectors import PublicListFilter

    # A search text that holds the separator of a joined key must not name another
    # filter set (here: no text, status "dispatched").
    forged = PublicListFilter(q="\x1f\x1f\x1f\x1fdispatched")
    assert forged.cache_key() != PublicListFilter(status="dispatched").cache_key()
    assert PublicListFilter().cache_key() == PublicListFilter().cache_key()
