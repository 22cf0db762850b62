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


@require_http_methods(["GET"])
def report_list(request: HttpRequest) -> HttpResponse:
    form = PublicListForm(request.GET or None)
    notes: list[str] = []
    if form.is_bound:
        form.is_valid()  # invalid filters are dropped and explained, never an error page
        notes += form.ignored_messages()
    filters = form.filters() if form.is_bound else selectors.PublicListFilter()
    reports = selectors.public_list_page_rows(filters=filters)
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
