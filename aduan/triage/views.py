"""The desk's triage page: model status, live accuracy, auto-dispatch settings."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from aduan.accounts.guards import staff_required
from aduan.backoffice.views.common import refuse, scope_of
from aduan.triage import selectors, store
from aduan.triage.forms import AutoDispatchForm
from aduan.triage.models import Target, TriageSettings
from aduan.triage.services import auto_dispatch_threshold

DESK_ONLY = gettext_lazy("Halaman ini khusus untuk admin nasional (meja verifikasi).")


@require_http_methods(["GET", "POST"])
@staff_required
def overview(request: HttpRequest) -> HttpResponse:
    if not scope_of(request).is_desk:
        return refuse(request, str(DESK_ONLY))
    config = TriageSettings.current()
    form = AutoDispatchForm(request.POST or None, instance=config)
    if request.method == "POST" and form.is_valid():
        config = form.save(commit=False)
        config.updated_at = timezone.now()
        config.updated_by = request.user  # type: ignore[assignment]
        config.save()
        messages.success(request, _("Pengaturan disposisi otomatis disimpan."))
        return redirect("triage:overview")
    agency_model = store.latest_row(Target.AGENCY)
    category_model = store.latest_row(Target.CATEGORY)
    threshold = auto_dispatch_threshold(agency_model, config.target_precision)
    context = {
        "form": form,
        "config": config,
        "agency_model": agency_model,
        "category_model": category_model,
        "threshold_percent": round(threshold * 100) if threshold is not None else None,
        "weeks": selectors.weekly_accuracy(),
        "auto": selectors.auto_dispatch_counts(),
    }
    return render(request, "triage/overview.html", context, status=400 if form.errors else 200)
