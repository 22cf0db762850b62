"""The public list of reports: search, filters and pages, from public reports only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aduan.core.pagination import CappedPaginator
from aduan.reports import selectors
from aduan.reports.forms import PublicListForm

PAGE_SIZE = 20
LIST_PAGE_FIELDS = (
    "tracking_id",
    "public_title",
    "status",
    "submitted_at",
    "agency_id",
    "agency__name",
    "region_id",
    "region__name",
)


@require_http_methods(["GET"])
def report_list(request: HttpRequest) -> HttpResponse:
    form = PublicListForm(request.GET or None)
    notes: list[str] = []
    if form.is_bound:
        form.is_valid()  # invalid filters are dropped and explained, never an error page
        notes += form.ignored_messages()
    filters = form.filters() if form.is_bound else selectors.PublicListFilter()
    # The page shows only these: narrow rows (the other report columns and the category
    # would be read for nothing; at 20 rows that was half of the rows' time).
    reports = (
        selectors.public_report_list(filters=filters)
        .select_related(None)
        .select_related("agency", "region")
        .only(*LIST_PAGE_FIELDS)
    )
    requested = request.GET.get("page", "")
    # get_page() answers a bad or too large page number with the first/last page.
    paginator = CappedPaginator(reports, PAGE_SIZE, cache_key=filters.cache_key())
    page = paginator.get_page(requested)
    if requested and requested != str(page.number):
        notes.append(
            _("Halaman “%(page)s” tidak ada; ditampilkan halaman %(number)s.")
            % {"page": requested[:20], "number": page.number}
        )
    context = {
        "form": form,
        "page": page,
        "notes": notes,
        "filtered": filters != selectors.PublicListFilter(),
    }
    return render(request, "reports/list.html", context)
