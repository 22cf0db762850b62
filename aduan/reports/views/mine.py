"""A signed-in citizen's own reports: the account is an alternative to the private link."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from aduan.reports import access

PAGE_SIZE = 20


@login_required
@require_http_methods(["GET"])
def my_reports(request: HttpRequest) -> HttpResponse:
    reports = access.reports_of_reporter(request.user).select_related("agency")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/mine.html", {"page": page})
