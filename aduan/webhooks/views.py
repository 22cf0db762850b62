"""Webhook endpoint pages under /petugas/webhook/: agency admins (their subtree) and the
desk (every agency). Other staff get 403; an endpoint outside the user's agencies is 404."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aduan.accounts.guards import staff_required
from aduan.agencies.models import Agency
from aduan.reports import access
from aduan.webhooks import delivery, selectors, services
from aduan.webhooks.forms import DeliveryFilterForm, EndpointForm
from aduan.webhooks.models import EventType, WebhookDelivery, WebhookEndpoint

ENDPOINTS_PER_PAGE = 50
DELIVERIES_PER_PAGE = 25


def _agencies(request: HttpRequest) -> list[Agency] | None:
    agencies = access.webhook_admin_agencies(request.staff_scope)  # type: ignore[attr-defined]
    if agencies is not None and not agencies:
        raise PermissionDenied
    return agencies


def _endpoint(request: HttpRequest, endpoint_id: object) -> WebhookEndpoint:
    endpoint = selectors.endpoint_within(_agencies(request), endpoint_id)
    if endpoint is None:
        raise Http404
    return endpoint


def _creatable_agencies(request: HttpRequest) -> QuerySet[Agency]:
    scope = request.staff_scope  # type: ignore[attr-defined]
    return (
        access.managed_agencies(scope)
        .filter(is_active=True)
        .exclude(kind=Agency.Kind.DESK)
        .order_by("path")
    )


def _secret_page(request: HttpRequest, endpoint: WebhookEndpoint, secret: str) -> HttpResponse:
    response = render(request, "webhooks/secret.html", {"endpoint": endpoint, "secret": secret})
    patch_cache_control(response, no_store=True, private=True)
    return response


@staff_required
@require_GET
def endpoint_list(request: HttpRequest) -> HttpResponse:
    endpoints = (
        selectors.endpoints_within(_agencies(request))
        .annotate(waiting=Count("deliveries", filter=Q(deliveries__status__in=delivery.OPEN)))
        .order_by("agency__code", "created_at", "id")
    )
    page = Paginator(endpoints, ENDPOINTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "webhooks/list.html", {"page": page})


@staff_required
@require_http_methods(["GET", "POST"])
def endpoint_create(request: HttpRequest) -> HttpResponse:
    _agencies(request)
    agencies = _creatable_agencies(request)
    form = EndpointForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            endpoint, secret = services.endpoint_create(
                agency=data["agency"],
                url=data["url"],
                events=data["events"],
                description=data["description"],
                by=request.user,
                request=request,
            )
        except services.WebhookInputError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return _secret_page(request, endpoint, secret)
    return render(request, "webhooks/form.html", {"form": form})


@staff_required
@require_GET
def endpoint_detail(request: HttpRequest, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    filters = DeliveryFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    deliveries = selectors.deliveries_of(endpoint, status=status)
    page = Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "endpoint": endpoint,
        "event_labels": [EventType(e).label for e in endpoint.events if e in EventType.values],
        "page": page,
        "filters": filters,
        "status": status,
    }
    return render(request, "webhooks/detail.html", context)


@staff_required
@require_POST
def endpoint_pause(request: HttpRequest, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    services.endpoint_pause(
        endpoint=endpoint, reason=str(services.PauseReason.MANUAL), by=request.user, request=request
    )
    messages.success(request, _("Endpoint dijeda. Peristiwa baru menunggu sampai dilanjutkan."))
    return redirect("webhooks:detail", endpoint.uuid)


@staff_required
@require_POST
def endpoint_resume(request: HttpRequest, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    count = services.endpoint_resume(endpoint=endpoint, by=request.user, request=request)
    messages.success(
        request,
        _("Endpoint dilanjutkan; %(n)s pengiriman yang menunggu dikirim sekarang.") % {"n": count},
    )
    return redirect("webhooks:detail", endpoint.uuid)


@staff_required
@require_POST
def endpoint_rotate(request: HttpRequest, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    secret = services.endpoint_rotate_secret(endpoint=endpoint, by=request.user, request=request)
    return _secret_page(request, endpoint, secret)


@staff_required
@require_POST
def endpoint_ping(request: HttpRequest, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    services.endpoint_ping(endpoint=endpoint)
    messages.success(
        request, _("Peristiwa uji (ping) dimasukkan ke antrean. Hasilnya tampil di log di bawah.")
    )
    return redirect("webhooks:detail", endpoint.uuid)


@staff_required
@require_http_methods(["GET", "POST"])
def endpoint_delete(request: HttpRequest, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    if request.method == "GET":
        return render(request, "webhooks/delete.html", {"endpoint": endpoint})
    services.endpoint_delete(endpoint=endpoint, by=request.user, request=request)
    messages.success(request, _("Endpoint %(url)s dihapus.") % {"url": endpoint.url})
    return redirect("webhooks:list")


def _delivery(endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    row = selectors.delivery_of(endpoint, delivery_id)
    if row is None:
        raise Http404
    return row


@staff_required
@require_GET
def delivery_detail(request: HttpRequest, endpoint_id: str, delivery_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    row = _delivery(endpoint, delivery_id)
    context = {
        "endpoint": endpoint,
        "delivery": row,
        "attempts": selectors.attempts_of(row)[:100],
        "payload": json.dumps(row.payload, indent=2, ensure_ascii=False, sort_keys=True),
    }
    return render(request, "webhooks/delivery.html", context)


@staff_required
@require_POST
def delivery_redeliver(request: HttpRequest, endpoint_id: str, delivery_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    row = _delivery(endpoint, delivery_id)
    services.delivery_redeliver(delivery_row=row)
    if endpoint.is_paused and row.event_type != "ping":
        messages.info(request, _("Dimasukkan ke antrean; dikirim setelah endpoint dilanjutkan."))
    else:
        messages.success(request, _("Peristiwa %(id)s dikirim ulang.") % {"id": row.event_id})
    return redirect("webhooks:detail", endpoint.uuid)
