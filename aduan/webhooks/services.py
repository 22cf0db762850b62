"""Writes: registering endpoints, queueing deliveries, pausing, resuming, redelivering.

:func:`deliveries_queue_for_events` is the report-event subscriber: it runs inside the
transaction that records the event, so the delivery rows (and their task, with the
database task backend) commit or roll back with the change itself.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.agencies.models import Agency, Membership, Role
from aduan.audit.services import audit_record
from aduan.reports.models import ReportEvent
from aduan.webhooks import delivery, destinations, events, signing
from aduan.webhooks.models import PING, EventType, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

MAX_ENDPOINTS_PER_AGENCY = 10
# How long the old secret keeps signing after a rotation (two signatures per delivery).
SECRET_OVERLAP = timedelta(hours=24)

Status = WebhookDelivery.Status


class AuditAction:
    """Audit actions of this app (the lead may add them to AuditRecord.Action)."""

    CREATE = "webhook_create"
    DELETE = "webhook_delete"
    ROTATE = "webhook_secret_rotate"
    PAUSE = "webhook_pause"
    RESUME = "webhook_resume"


class PauseReason:
    ABANDONED = gettext_lazy(
        "Sebuah pengiriman tetap gagal setelah semua percobaan ulang (lebih dari 24 jam)."
    )
    FAILING = gettext_lazy("Pengiriman gagal berturut-turut selama lebih dari satu jam.")
    MANUAL = gettext_lazy("Dijeda oleh admin.")


class WebhookInputError(Exception):
    """Input an admin must correct; ``field`` names the form/API field."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _audit(
    action: str,
    *,
    by: Any,
    request: HttpRequest | None,
    endpoint: WebhookEndpoint,
    api_key_prefix: str = "",
    **detail: Any,
) -> None:
    """Who changed an endpoint: a person (``by``) on the pages, or an API key."""
    if api_key_prefix:
        detail["api_key"] = api_key_prefix
    audit_record(
        actor=by,
        action=action,
        request=request,
        agency=endpoint.agency,
        detail={"endpoint": str(endpoint.uuid), "url": endpoint.url, **detail},
    )


# ---- endpoints ---------------------------------------------------------------------------


def clean_events(raw: Any) -> list[str]:
    if not isinstance(raw, list | tuple) or not raw:
        raise WebhookInputError(_("Pilih paling sedikit satu jenis peristiwa."), field="events")
    unknown = sorted({str(e) for e in raw} - set(EventType.values))
    if unknown:
        raise WebhookInputError(
            _("Jenis peristiwa tidak dikenal: %(names)s.") % {"names": ", ".join(unknown)},
            field="events",
        )
    return [e for e in EventType.values if e in raw]


def endpoint_create(
    *,
    agency: Agency,
    url: str,
    events: list[str],
    description: str = "",
    by: Any = None,
    request: HttpRequest | None = None,
    api_key_prefix: str = "",
    now: datetime | None = None,
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its secret, which is shown only now."""
    now = now or timezone.now()
    try:
        clean = destinations.clean_url(url)
    except ValidationError as exc:
        raise WebhookInputError(" ".join(exc.messages), field="url") from None
    chosen = clean_events(events)
    if not agency.is_active or agency.kind == Agency.Kind.DESK:
        raise WebhookInputError(_("Pilih instansi yang aktif."), field="agency")
    if WebhookEndpoint.objects.filter(agency=agency, is_active=True).count() >= (
        MAX_ENDPOINTS_PER_AGENCY
    ):
        raise WebhookInputError(
            _("Satu instansi paling banyak memiliki %(n)s endpoint.")
            % {"n": MAX_ENDPOINTS_PER_AGENCY},
            field="url",
        )
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        agency=agency,
        url=clean,
        events=chosen,
        description=description.strip()[:200],
        created_by=by if getattr(by, "is_authenticated", False) else None,
        created_at=now,
    )
    endpoint.secret_sealed = signing.seal_secret(endpoint, secret)
    with transaction.atomic():
        endpoint.save()
        _audit(
            AuditAction.CREATE,
            by=by,
            request=request,
            endpoint=endpoint,
            api_key_prefix=api_key_prefix,
            events=chosen,
        )
    return endpoint, secret


def endpoint_rotate_secret(
    *,
    endpoint: WebhookEndpoint,
    by: Any = None,
    request: HttpRequest | None = None,
    api_key_prefix: str = "",
    now: datetime | None = None,
) -> str:
    """A new secret, shown once; the old one keeps signing for :data:`SECRET_OVERLAP`."""
    now = now or timezone.now()
    secret = signing.new_secret()
    endpoint.previous_secret_sealed = endpoint.secret_sealed
    endpoint.previous_secret_expires_at = now + SECRET_OVERLAP
    endpoint.secret_sealed = signing.seal_secret(endpoint, secret)
    with transaction.atomic():
        endpoint.save(
            update_fields=["secret_sealed", "previous_secret_sealed", "previous_secret_expires_at"]
        )
        _audit(
            AuditAction.ROTATE,
            by=by,
            request=request,
            endpoint=endpoint,
            api_key_prefix=api_key_prefix,
        )
    return secret


def endpoint_pause(
    *,
    endpoint: WebhookEndpoint,
    reason: str,
    now: datetime | None = None,
    automatic: bool = False,
    by: Any = None,
    request: HttpRequest | None = None,
    api_key_prefix: str = "",
) -> bool:
    """Stop deliveries (they wait, nothing is lost). True when this call paused it; an
    automatic pause tells the agency's admins by e-mail, once."""
    now = now or timezone.now()
    with transaction.atomic():
        paused = WebhookEndpoint.objects.filter(
            pk=endpoint.pk, is_active=True, paused_at__isnull=True
        ).update(paused_at=now, paused_reason=reason[:300])
        if not paused:
            return False
        endpoint.paused_at, endpoint.paused_reason = now, reason[:300]
        if automatic:
            transaction.on_commit(lambda: _tell_admins_paused(endpoint))
        else:
            _audit(
                AuditAction.PAUSE,
                by=by,
                request=request,
                endpoint=endpoint,
                api_key_prefix=api_key_prefix,
            )
    logger.warning("webhook endpoint %s paused: %s", endpoint.pk, reason)
    return True


def endpoint_resume(
    *,
    endpoint: WebhookEndpoint,
    by: Any = None,
    request: HttpRequest | None = None,
    api_key_prefix: str = "",
    now: datetime | None = None,
) -> int:
    """Deliver again: everything that waited is due now. Returns how many were queued."""
    now = now or timezone.now()
    with transaction.atomic():
        resumed = WebhookEndpoint.objects.filter(
            pk=endpoint.pk, is_active=True, paused_at__isnull=False
        ).update(paused_at=None, paused_reason="", consecutive_failures=0, failing_since=None)
        endpoint.refresh_from_db()
        if not resumed:
            return 0
        waiting = WebhookDelivery.objects.filter(endpoint=endpoint, status__in=delivery.OPEN)
        ids = list(waiting.values_list("pk", flat=True))
        waiting.update(next_attempt_at=now)
        delivery.enqueue(ids)
        _audit(
            AuditAction.RESUME,
            by=by,
            request=request,
            endpoint=endpoint,
            api_key_prefix=api_key_prefix,
            requeued=len(ids),
        )
    return len(ids)


def endpoint_delete(
    *,
    endpoint: WebhookEndpoint,
    by: Any = None,
    request: HttpRequest | None = None,
    api_key_prefix: str = "",
) -> None:
    """Deactivate: nothing more is sent; the log stays for the record."""
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
        WebhookDelivery.objects.filter(endpoint=endpoint, status__in=delivery.OPEN).update(
            status=Status.ABANDONED,
            next_attempt_at=None,
            last_error=_("Endpoint dihapus."),
        )
        endpoint.is_active = False
        _audit(
            AuditAction.DELETE,
            by=by,
            request=request,
            endpoint=endpoint,
            api_key_prefix=api_key_prefix,
        )


def endpoint_ping(*, endpoint: WebhookEndpoint, now: datetime | None = None) -> WebhookDelivery:
    """Queue a test event ("ping"), sent even while the endpoint is paused."""
    now = now or timezone.now()
    event_id = str(uuid.uuid4())
    with transaction.atomic():
        row = WebhookDelivery.objects.create(
            endpoint=endpoint,
            event_id=event_id,
            event_type=PING,
            payload=events.ping_payload(endpoint=endpoint, event_id=event_id, now=now),
            next_attempt_at=now,
            created_at=now,
        )
        delivery.enqueue([row.pk])
    return row


def delivery_redeliver(*, delivery_row: WebhookDelivery, now: datetime | None = None) -> bool:
    """Send again, whatever happened before: a new cycle of tries with the same event id
    (the receiver de-duplicates). False when the endpoint was deleted."""
    now = now or timezone.now()
    if not delivery_row.endpoint.is_active:
        return False
    with transaction.atomic():
        # Clearing the claim token makes a try still in flight leave the row alone.
        WebhookDelivery.objects.filter(pk=delivery_row.pk).update(
            status=Status.PENDING, attempts=0, next_attempt_at=now, claim_token=""
        )
        delivery.enqueue([delivery_row.pk])
    delivery_row.refresh_from_db()
    return True


# ---- the report-event subscriber ---------------------------------------------------------


def events_recorded(batch: list[ReportEvent]) -> None:
    """Registered with :mod:`aduan.reports.hooks` in WebhooksConfig.ready()."""
    deliveries_queue_for_events(batch)


def deliveries_queue_for_events(batch: list[ReportEvent]) -> list[WebhookDelivery]:
    """One delivery per subscribed endpoint and event, in the caller's transaction; one
    query finds the endpoints of the whole batch."""
    matched = [(event, m) for event in batch if (m := events.match(event)) is not None]
    if not matched:
        return []
    targets = events.endpoints_for_many([m for _event, m in matched])
    rows: list[WebhookDelivery] = []
    for (event, m), endpoints in zip(matched, targets, strict=True):
        if not endpoints:
            continue
        event_id = events.event_id_for(event)
        rows += [
            WebhookDelivery(
                endpoint=endpoint,
                event_id=event_id,
                event_type=m.event_type,
                report=event.report,
                payload=events.payload(
                    event=event, event_type=m.event_type, event_id=event_id, endpoint=endpoint
                ),
                next_attempt_at=event.created_at,
                created_at=event.created_at,
            )
            for endpoint in endpoints
        ]
    if rows:
        WebhookDelivery.objects.bulk_create(rows)
        delivery.enqueue(row.pk for row in rows)
    return rows


# ---- telling admins ----------------------------------------------------------------------


def admin_recipients(endpoint: WebhookEndpoint) -> list[str]:
    """The agency's admins; whoever registered the endpoint when it has none."""
    emails = list(
        Membership.objects.filter(
            agency_id=endpoint.agency_id, role=Role.AGENCY_ADMIN, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )
    creator = endpoint.created_by
    if not emails and creator is not None and creator.email:
        emails = [creator.email]
    return sorted(emails)


def _tell_admins_paused(endpoint: WebhookEndpoint) -> None:
    recipients = admin_recipients(endpoint)
    if not recipients:
        logger.warning("webhook endpoint %s paused; no admin to tell", endpoint.pk)
        return
    page = f"{settings.SITE_URL}{reverse('webhooks:detail', args=[endpoint.uuid])}"
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[Aduan] Webhook dijeda: %(url)s") % {"url": endpoint.url[:80]}
        body = _(
            "Pengiriman webhook ke %(url)s (%(agency)s) dijeda karena terus gagal.\n\n"
            "Alasan: %(reason)s\n\n"
            "Peristiwa yang belum terkirim tidak hilang: semuanya menunggu dan dikirim "
            "kembali setelah endpoint dilanjutkan. Perbaiki penerima, kirim peristiwa "
            "uji, lalu pilih “Lanjutkan” di:\n%(page)s\n"
        ) % {
            "url": endpoint.url,
            "agency": endpoint.agency.name,
            "reason": endpoint.paused_reason,
            "page": page,
        }
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # the pause stands; the page shows it even if mail is down
        logger.exception("could not e-mail admins about paused webhook %s", endpoint.pk)
