"""Reads for the webhook pages and API. Who may see what is decided in
:mod:`aduan.reports.access`; these functions shape querysets for agencies given there."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from aduan.agencies.models import Agency
from aduan.reports import access
from aduan.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


def endpoints_within(agencies: list[Agency] | None) -> QuerySet[WebhookEndpoint]:
    """Active endpoints of these agencies' subtrees (``None``: of every agency)."""
    qs = WebhookEndpoint.objects.filter(is_active=True).select_related("agency")
    if agencies is None:
        return qs
    return qs.filter(access.subtree_q(agencies))


def endpoint_within(agencies: list[Agency] | None, raw_id: object) -> WebhookEndpoint | None:
    """One endpoint by its public id, or None when unknown or outside the agencies: the
    caller answers 404 alike, so nothing leaks by probing."""
    try:
        endpoint_uuid = uuid.UUID(str(raw_id))
    except ValueError:
        return None
    return endpoints_within(agencies).filter(uuid=endpoint_uuid).first()


def deliveries_of(endpoint: WebhookEndpoint, *, status: str = "") -> QuerySet[WebhookDelivery]:
    qs = WebhookDelivery.objects.filter(endpoint=endpoint).select_related("report")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def delivery_of(endpoint: WebhookEndpoint, pk: int) -> WebhookDelivery | None:
    return (
        WebhookDelivery.objects.filter(endpoint=endpoint, pk=pk)
        .select_related("report", "endpoint__agency")
        .first()
    )


def attempts_of(delivery: WebhookDelivery) -> QuerySet[WebhookAttempt]:
    return WebhookAttempt.objects.filter(delivery=delivery).order_by("-attempted_at", "-id")
