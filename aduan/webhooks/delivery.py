"""Sending deliveries: claim, POST, record, retry with back-off, pause a failing endpoint.

At-least-once: a delivery row exists exactly when the change that caused it committed,
and it is tried until the receiver answers 2xx or :data:`RETRY_DELAYS` run out (more than
24 hours). Never twice after success: each try first *claims* the row with one
``UPDATE ... WHERE status IN (pending, failed) AND next_attempt_at <= now`` that also
pushes ``next_attempt_at`` a lease into the future, so a second worker (or a duplicate
task) finds nothing to do; PostgreSQL re-checks that condition on the locked row and
SQLite runs one writer at a time, so exactly one claim wins on both. The outcome is
written only if the row still carries this claim's token (a manual redelivery meanwhile
starts a new cycle). A worker that dies mid-send frees the row when the lease ends, and
:func:`requeue_due` (the sweep's safety net) queues it again.
"""

from __future__ import annotations

import http.client
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks import task, task_backends

from aduan.core.tasks import enqueue_atomic
from aduan.webhooks import signing
from aduan.webhooks.destinations import DestinationRefused, check_destination
from aduan.webhooks.models import PING, WebhookAttempt, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

Status = WebhookDelivery.Status
OPEN = (Status.PENDING, Status.FAILED)

# Wait after the 1st, 2nd, ... failed try. Eight tries spread over 44.6 hours, so a
# receiver that is down for a day and a night still gets everything.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
TIMEOUT_SECONDS = 10
LEASE = timedelta(minutes=5) * settings.ADUAN_SAFETY_NET_SCALE  # ≫ one POST (10 s timeout)
# Pause an endpoint after this many failed tries in a row spanning at least this long
# (a short restart of the receiver should not need a person to resume it), or as soon as
# any delivery is abandoned.
PAUSE_AFTER_FAILURES = 10
PAUSE_MIN_FAILING = timedelta(hours=1)
# A due delivery whose time came this long ago has lost its task (crash, or a backend
# that cannot schedule for later): the sweep queues it again.
STALE_AFTER = timedelta(minutes=5) * settings.ADUAN_SAFETY_NET_SCALE
BATCH = 100
EXCERPT_CHARS = 500


def retry_delay(attempts: int) -> timedelta | None:
    """Wait after ``attempts`` failed tries; None when the delivery is abandoned."""
    if attempts < 1 or attempts > len(RETRY_DELAYS):
        return None
    return RETRY_DELAYS[attempts - 1]


# ---- tasks -----------------------------------------------------------------------------


@task()
def deliver_webhooks(delivery_ids: list[int]) -> None:
    for pk in delivery_ids:
        try:
            attempt_delivery(pk)
        except Exception:  # one broken row must not keep the others from going out
            logger.exception("webhook delivery %s crashed", pk)


def enqueue(delivery_ids: Iterable[int]) -> None:
    """Queue these deliveries atomically with the caller's transaction."""
    ids = list(delivery_ids)
    for start in range(0, len(ids), BATCH):
        enqueue_atomic(deliver_webhooks, ids[start : start + BATCH])


def can_defer() -> bool:
    return bool(task_backends[deliver_webhooks.backend].supports_defer)


def _schedule(pk: int, run_after: datetime) -> None:
    # A backend that cannot run tasks later (the immediate one of tests and development)
    # leaves the retry to requeue_due.
    if can_defer():
        enqueue_atomic(deliver_webhooks.using(run_after=run_after), [pk])


# ---- one try ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HttpResult:
    status_code: int | None
    excerpt: str = ""
    error: str = ""
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an instruction: following it could lead anywhere
    (including an internal address) with the signed body."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _read_excerpt(response: Any) -> str:
    try:
        raw: bytes = response.read(EXCERPT_CHARS * 4)
    except (OSError, http.client.HTTPException):
        return ""
    return raw.decode("utf-8", errors="replace")[:EXCERPT_CHARS]


def http_post(url: str, body: bytes, headers: dict[str, str]) -> HttpResult:
    """POST once; never raises for network trouble (it is the result)."""
    started = time.monotonic()
    code: int | None = None
    excerpt = error = ""
    try:
        check_destination(url)
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - scheme checked by destinations.clean_url
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            code, excerpt = response.status, _read_excerpt(response)
    except urllib.error.HTTPError as exc:  # 3xx (not followed), 4xx, 5xx
        code, excerpt, error = exc.code, _read_excerpt(exc), f"HTTP {exc.code}"
        exc.close()
    except DestinationRefused as exc:
        error = f"Refused: {exc}"
    except (OSError, http.client.HTTPException, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        error = f"{type(exc).__name__}: {reason}"
    duration = int((time.monotonic() - started) * 1000)
    return HttpResult(code, excerpt, error[:500], duration)


def body_bytes(payload: dict[str, Any]) -> bytes:
    # Deterministic, so a redelivery sends the same bytes as the first try.
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def request_for(delivery: WebhookDelivery, *, now: datetime) -> tuple[bytes, dict[str, str]]:
    body = body_bytes(delivery.payload)
    headers = signing.signed_headers(
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        body=body,
        secrets_=signing.signing_secrets(delivery.endpoint, now=now),
        timestamp=int(now.timestamp()),
    )
    return body, headers


def _claimable() -> QuerySet[WebhookDelivery]:
    # The endpoint condition is a subquery on another table, so the conditions on the
    # delivery row itself stay in the UPDATE's own WHERE (re-checked under the row lock).
    # A paused endpoint still takes test pings: that is how an admin checks it is back.
    deliverable = WebhookEndpoint.objects.filter(is_active=True, paused_at__isnull=True)
    return WebhookDelivery.objects.filter(status__in=OPEN).filter(
        Q(endpoint_id__in=deliverable.values("pk"))
        | Q(
            event_type=PING,
            endpoint_id__in=WebhookEndpoint.objects.filter(is_active=True).values("pk"),
        )
    )


def attempt_delivery(pk: int, *, now: datetime | None = None) -> str | None:
    """Try one delivery if it is due; returns its new status, or None when there was
    nothing to do (not due, already delivered, endpoint paused, claimed elsewhere)."""
    now = now or timezone.now()
    token = secrets.token_hex(16)
    claimed = (
        _claimable()
        .filter(pk=pk, next_attempt_at__lte=now)
        .update(claim_token=token, next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
    )
    if claimed != 1:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint__agency").get(pk=pk)
    try:
        body, headers = request_for(delivery, now=now)
    except signing.SecretUnreadable:
        result = HttpResult(None, error="Secret unreadable (SECRET_KEY changed): rotate it.")
    else:
        result = http_post(delivery.endpoint.url, body, headers)
    return _record(delivery, token=token, result=result, now=now)


def _record(delivery: WebhookDelivery, *, token: str, result: HttpResult, now: datetime) -> str:
    is_ping = delivery.event_type == PING
    if result.ok:
        status, retry_at = Status.SUCCEEDED, None
    else:
        delay = None if is_ping else retry_delay(delivery.attempts)
        status = Status.FAILED if delay is not None else Status.ABANDONED
        retry_at = now + delay if delay is not None else None
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            attempted_at=now,
            status_code=result.status_code,
            error=result.error,
            response_excerpt=result.excerpt,
            duration_ms=result.duration_ms,
        )
        current = WebhookDelivery.objects.filter(pk=delivery.pk, claim_token=token).update(
            status=status,
            next_attempt_at=retry_at,
            claim_token="",
            last_status_code=result.status_code,
            last_error=result.error,
            last_response_excerpt=result.excerpt,
            delivered_at=now if result.ok else None,
        )
        if not current:
            # Redelivered by hand while this try was in flight: that cycle owns the row.
            return delivery.status
        if retry_at is not None:
            _schedule(delivery.pk, retry_at)
    if not is_ping:
        _account(delivery.endpoint, ok=result.ok, abandoned=status == Status.ABANDONED, now=now)
    log = logger.info if result.ok else logger.warning
    log(
        "webhook %s to endpoint %s attempt %s: %s",
        delivery.event_id,
        delivery.endpoint_id,
        delivery.attempts,
        result.status_code or result.error,
    )
    return status


def _account(endpoint: WebhookEndpoint, *, ok: bool, abandoned: bool, now: datetime) -> None:
    """Track the endpoint's health; pause it when it keeps failing."""
    rows = WebhookEndpoint.objects.filter(pk=endpoint.pk)
    if ok:
        rows.filter(consecutive_failures__gt=0).update(consecutive_failures=0, failing_since=None)
        return
    rows.update(
        consecutive_failures=F("consecutive_failures") + 1,
        failing_since=Coalesce(F("failing_since"), Value(now, output_field=DateTimeField())),
    )
    endpoint.refresh_from_db(fields=["consecutive_failures", "failing_since", "paused_at"])
    if endpoint.paused_at is not None:
        return
    from aduan.webhooks import services  # services queue deliveries through this module

    if abandoned:
        reason = services.PauseReason.ABANDONED
    elif (
        endpoint.consecutive_failures >= PAUSE_AFTER_FAILURES
        and endpoint.failing_since is not None
        and endpoint.failing_since <= now - PAUSE_MIN_FAILING
    ):
        reason = services.PauseReason.FAILING
    else:
        return
    services.endpoint_pause(endpoint=endpoint, reason=str(reason), now=now, automatic=True)


# ---- running what is due ---------------------------------------------------------------


def due_ids(*, now: datetime, limit: int = BATCH, stale: bool = False) -> list[int]:
    cutoff = now - STALE_AFTER if stale else now
    return list(
        _claimable()
        .filter(next_attempt_at__lte=cutoff)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def run_due(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Try every due delivery now, in this process (tests, cron, ``deliver_webhooks``).
    Returns how many were tried."""
    now = now or timezone.now()
    tried = 0
    for pk in due_ids(now=now, limit=limit):
        if attempt_delivery(pk, now=now) is not None:
            tried += 1
    return tried


def log_retention() -> timedelta:
    return timedelta(days=int(getattr(settings, "ADUAN_WEBHOOKS_LOG_DAYS", 90)))


def purge_old(*, now: datetime | None = None) -> int:
    """Forget finished deliveries (and their attempts) older than the retention: the log
    is for debugging a connection, not an archive; the report events stay forever."""
    now = now or timezone.now()
    old = WebhookDelivery.objects.filter(
        status__in=(Status.SUCCEEDED, Status.ABANDONED), created_at__lt=now - log_retention()
    )
    deleted = 0
    while True:
        ids = list(old.values_list("pk", flat=True)[: BATCH * 10])
        if not ids:
            return deleted
        WebhookAttempt.objects.filter(delivery_id__in=ids).delete()
        deleted += (
            WebhookDelivery.objects.filter(pk__in=ids)
            .delete()[1]
            .get(WebhookDelivery._meta.label, 0)
        )


def requeue_due(*, now: datetime | None = None) -> int:
    """The safety net (for the sweep): queue deliveries whose task got lost."""
    now = now or timezone.now()
    ids = due_ids(now=now, limit=BATCH * 10, stale=True)
    if not ids:
        return 0
    with transaction.atomic():
        # Moving the time forward keeps the next sweep from queueing them again.
        WebhookDelivery.objects.filter(pk__in=ids, status__in=OPEN).update(next_attempt_at=now)
        enqueue(ids)
    return len(ids)
