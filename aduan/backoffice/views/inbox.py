"""The agency inbox: reports handled inside the user's working subtree."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aduan.accounts.guards import staff_required
from aduan.backoffice import presenters, selectors
from aduan.backoffice.forms.filters import InboxFilterForm
from aduan.backoffice.views.common import paginate, refuse, scope_of
from aduan.reports import access


@require_GET
@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not (scope.working_agencies or scope.is_desk):
        return refuse(request, _("Kotak masuk hanya untuk petugas dan admin instansi."))
    code = request.GET.get("instansi", "")[:60]
    requested = selectors.agency_by_code(code)
    if code and requested is None:
        raise Http404
    roots = access.inbox_agencies(scope, requested)
    if roots is None:
        if requested is not None:
            raise Http404  # an agency outside the user's subtree
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
