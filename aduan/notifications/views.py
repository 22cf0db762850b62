"""The staff page of notices that did not go out, with "send again"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aduan.accounts.guards import staff_required
from aduan.agencies.models import Agency
from aduan.notifications import presenters, selectors, services
from aduan.reports import access

PAGE_SIZE = 50


def _oversight(request: HttpRequest) -> list[Agency] | None:
    agencies = access.notification_oversight(request.staff_scope)  # type: ignore[attr-defined]
    if agencies is not None and not agencies:
        raise PermissionDenied
    return agencies


@staff_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    agencies = _oversight(request)
    notices = selectors.notices_needing_attention(agencies=agencies, now=timezone.now())
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [presenters.row(n) for n in page.object_list]
    return render(request, "notifications/list.html", {"page": page, "rows": rows})


@staff_required
@require_POST
def notice_resend(request: HttpRequest, pk: int) -> HttpResponse:
    agencies = _oversight(request)
    notice = get_object_or_404(selectors.notices_visible(agencies=agencies), pk=pk)
    if services.notification_resend(notification=notice, now=timezone.now()):
        messages.success(request, _("Notifikasi dimasukkan kembali ke antrean pengiriman."))
    else:
        messages.info(request, _("Notifikasi ini tidak perlu dikirim ulang."))
    return redirect("notifications:list")
