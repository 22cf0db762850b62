"""The public list of reports: search, filters and pages, from public reports only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, TypedDict

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aduan.core.pagination import CappedPaginator
from aduan.reports import selectors
from aduan.reports.forms import PublicListForm
from aduan.reports.models import STATUS_LABELS

PAGE_SIZE = 20


@require_http_methods(["GET"])
def report_list(request: HttpRequest) -> HttpResponse:
    form = PublicListForm(request.GET or None)
    notes: list[str] = []
    if form.is_bound:
        form.is_valid()  # invalid filters are dropped and explained, never an error page
        notes += form.ignored_messages()
    filters = form.filters() if form.is_bound else selectors.PublicListFilter()
    requested = request.GET.get("page", "")
    # get_page() answers a bad or too large page number with the first/last page.
    paginator = CappedPaginator(
        selectors.public_list_matching(filters=filters),
        PAGE_SIZE,
        cache_key=filters.cache_key(),
        rows=selectors.public_list_shown,
    )
    page = paginator.get_page(requested)
    values: Iterable[tuple[Any, ...]]
    if page.number == 1:
        values = selectors.public_list_first_page(filters=filters, size=PAGE_SIZE)
    else:
        values = page.object_list  # its keys, then its rows (CappedPaginator)
    if requested and requested != str(page.number):
        notes.append(
            _("Halaman “%(page)s” tidak ada; ditampilkan halaman %(number)s.")
            % {"page": requested[:20], "number": page.number}
        )
    context = {
        "form": form,
        "page": page,
        "rows": list_rows(values),
        "notes": notes,
        "filtered": filters != selectors.PublicListFilter(),
    }
    return render(request, "reports/list.html", context)


class ListRow(TypedDict):
    url: str
    title: str
    status: str
    status_label: str
    agency: str
    region: str
    received: str
    reporters: int  # 0 when nobody else reported the problem


# Not a tracking ID: those use Crockford's alphabet, which has no I, L, O or U.
_ID_MARK = "TRACKINGIDMARK"


def list_rows(values: Iterable[tuple[Any, ...]]) -> list[ListRow]:
    """The page's rows (``selectors.LIST_ROW`` tuples) as the template's plain values. The
    template reads a dict's key at once, where a model's attribute costs it a failed item
    lookup first; the tracking URL is reversed, the status labels translated and each day
    formatted once per page, not per row."""
    head, _mark, tail = reverse("reports:track", args=[_ID_MARK]).rpartition(_ID_MARK)
    labels = {value: str(label) for value, label in STATUS_LABELS.items()}
    days: dict[date, str] = {}
    rows: list[ListRow] = []
    for tracking_id, title, status, submitted_at, agency, region, merged in values:
        day = timezone.localtime(submitted_at).date()
        received = days.get(day)
        if received is None:
            received = days[day] = date_format(day, "j F Y")
        rows.append(
            {
                "url": f"{head}{tracking_id}{tail}",
                "title": title,
                "status": status,
                "status_label": labels.get(status, status),
                "agency": agency or "",
                "region": region or "",
                "received": received,
                "reporters": merged + 1 if merged else 0,
            }
        )
    return rows
