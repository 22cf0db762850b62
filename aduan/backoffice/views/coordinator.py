"""The coordinator view: mentored agencies' open, overdue and follow-up figures, and
(read-only) their open reports."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aduan.accounts.guards import staff_required
from aduan.backoffice import performance, presenters, selectors
from aduan.backoffice.views.common import paginate, refuse, scope_of
from aduan.reports import access


@require_GET
@staff_required
def coordinator(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not (scope.mentored_agencies or scope.is_desk):
        return refuse(request, _("Halaman ini khusus untuk koordinator lokal."))
    code = request.GET.get("instansi", "")[:60]
    requested = selectors.agency_by_code(code)
    if code and requested is None:
        raise Http404
    roots = access.coordinator_agencies(scope, requested)
    if roots is None:
        raise Http404  # an agency the coordinator does not mentor
    now = timezone.now()
    context: dict[str, Any] = {
        "groups": performance.coordinator_overview(roots, now=now),
        "requested": requested,
        "is_desk": scope.is_desk,
        "agencies": selectors.top_level_agencies() if scope.is_desk else [],
        "window_days": performance.FOLLOW_UP_WINDOW.days,
    }
    if requested is not None:
        reports = selectors.inbox_list(
            base=access.inbox_reports([requested]), filters=selectors.InboxFilter(), now=now
        )
        page, notes = paginate(request, reports)
        context.update(page=page, notes=notes, rows=presenters.inbox_rows(list(page), now))
    return render(request, "backoffice/coordinator.html", context)
