"""Audit pages: the full trail of one report, everything one person did."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from aduan.accounts.guards import staff_required
from aduan.audit import selectors
from aduan.reports import access, tracking
from aduan.reports.access import StaffScope


def _scope(request: HttpRequest) -> StaffScope:
    return request.staff_scope  # type: ignore[attr-defined]


@staff_required
@require_http_methods(["GET"])
def report_audit(request: HttpRequest, tracking_id: str) -> HttpResponse:
    scope = _scope(request)
    report = access.report_by_tracking_id(tracking_id)
    # One answer for unknown reports and reports outside the viewer's reach.
    if report is None or not access.can_audit_report(scope, report):
        raise Http404
    page, entries = selectors.report_trail(report, scope=scope, page=request.GET.get("page"))
    context = {
        "report": report,
        "tracking_display": tracking.display(report.tracking_id),
        "page": page,
        "entries": entries,
    }
    return render(request, "audit/report.html", context)


@staff_required
@require_http_methods(["GET"])
def user_audit(request: HttpRequest, user_id: int) -> HttpResponse:
    scope = _scope(request)
    if not access.can_audit_user(scope, user_id):
        raise Http404
    person = get_user_model().objects.filter(pk=user_id).first()
    if person is None:
        raise Http404
    page, entries = selectors.user_trail(person, scope=scope, page=request.GET.get("page"))
    context = {"person": person, "page": page, "entries": entries}
    return render(request, "audit/user.html", context)
