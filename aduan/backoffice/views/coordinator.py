"""The coordinator view: mentored agencies' open, overdue and follow-up figures, and
(read-only) their open reports."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from aduan.accounts.guards import staff_required
from aduan.backoffice import performance, presenters, selectors
from aduan.backoffice.views.common import coordinator_choice, paginate, scope_of
from aduan.reports import access


@require_GET
@staff_required
def coordinator(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    choice = coordinator_choice(request, scope)
    if isinstance(choice, HttpResponse):
        return choice
    requested, roots = choice.requested, choice.roots
    assert roots is not None
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
