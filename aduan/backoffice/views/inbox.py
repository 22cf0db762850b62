"""The agency inbox: reports handled inside the user's working subtree."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from aduan.accounts.guards import staff_required
from aduan.backoffice import presenters, selectors
from aduan.backoffice.forms.filters import InboxFilterForm
from aduan.backoffice.views.common import inbox_choice, paginate, scope_of
from aduan.reports import access


@require_GET
@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    choice = inbox_choice(request, scope)
    if isinstance(choice, HttpResponse):
        return choice
    requested, roots = choice.requested, choice.roots
    if roots is None:
        # The desk has no inbox of its own: it picks an agency first.
        choose: dict[str, Any] = {"agencies": selectors.top_level_agencies(), "roots": []}
        return render(request, "backoffice/inbox.html", choose)
    now = timezone.now()
    form = InboxFilterForm(request.GET or None, units=selectors.units_within(roots))
    base = access.inbox_reports(roots)
    page, notes = paginate(
        request, selectors.inbox_list(base=base, filters=form.filters(), now=now)
    )
    context: dict[str, Any] = {
        "roots": roots,
        "requested": requested,
        "form": form,
        "page": page,
        "rows": presenters.inbox_rows(list(page.object_list), now),
        "counts": selectors.inbox_counts(base=base, now=now),
        "notes": notes + form.ignored_messages(),
        "is_desk": scope.is_desk,
    }
    return render(request, "backoffice/inbox.html", context)
