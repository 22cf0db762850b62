"""The verification desk's queue and its bulk actions (role DESK only)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from aduan.accounts.guards import staff_required
from aduan.backoffice import presenters, selectors, services
from aduan.backoffice.forms.bulk import BulkForm
from aduan.backoffice.forms.filters import QueueFilterForm
from aduan.backoffice.views.common import paginate, refuse, scope_of, staff_actor
from aduan.reports.models import Status

DESK_ONLY = gettext_lazy("Halaman ini khusus untuk admin nasional (meja verifikasi).")


@require_GET
@staff_required
def desk_queue(request: HttpRequest) -> HttpResponse:
    if not scope_of(request).is_desk:
        return refuse(request, str(DESK_ONLY))
    bulk = BulkForm(initial={"next": request.GET.urlencode()})
    return render(request, "backoffice/queue.html", _queue_context(request, request.GET, bulk))


@require_POST
@staff_required
def desk_bulk(request: HttpRequest) -> HttpResponse:
    if not scope_of(request).is_desk:
        return refuse(request, str(DESK_ONLY))
    form = BulkForm(request.POST)
    params = QueryDict(str(request.POST.get("next", ""))[:2000])
    if not form.is_valid():
        context = _queue_context(request, params, form)
        return render(request, "backoffice/queue.html", context, status=400)
    reports = selectors.reports_by_tracking_ids(form.cleaned_data["laporan"])
    outcomes = services.reports_bulk_transition(
        reports=reports,
        action=form.cleaned_data["action"],
        actor=staff_actor(request),
        change_for=form.change_for,
    )
    _report_outcomes(request, outcomes, asked=len(form.cleaned_data["laporan"]))
    url = reverse("backoffice:desk_queue")
    return redirect(f"{url}?{params.urlencode()}" if params else url)


def _queue_context(request: HttpRequest, params: QueryDict, bulk: BulkForm) -> dict[str, Any]:
    now = timezone.now()
    form = QueueFilterForm(params or None)
    filters = form.filters()
    page, notes = paginate(request, selectors.desk_queue(filters=filters, now=now))
    return {
        "form": form,
        "filters": filters,
        "page": page,
        "rows": presenters.queue_rows(list(page.object_list), now),
        "notes": notes + form.ignored_messages(),
        "bulk": bulk,
        "selected": set(bulk["laporan"].value() or []) if bulk.is_bound else set(),
        "tab_submitted": Status.SUBMITTED,
        "tab_needs_info": Status.NEEDS_INFO,
    }


def _report_outcomes(
    request: HttpRequest, outcomes: list[services.BulkOutcome], *, asked: int
) -> None:
    done = sum(1 for o in outcomes if o.ok)
    if done:
        messages.success(
            request,
            ngettext("%(n)d laporan berhasil diproses.", "%(n)d laporan berhasil diproses.", done)
            % {"n": done},
        )
    for outcome in outcomes:
        if not outcome.ok:
            messages.error(
                request,
                _("%(id)s tidak diproses: %(message)s")
                % {"id": outcome.tracking_display, "message": outcome.message},
            )
    missing = asked - len(outcomes)
    if missing > 0:
        messages.error(
            request,
            ngettext(
                "%(n)d nomor pelacakan tidak ditemukan.",
                "%(n)d nomor pelacakan tidak ditemukan.",
                missing,
            )
            % {"n": missing},
        )
