"""Delivering queued notices in the background, with retries and exponential back-off.

Delivery is at-least-once at the task level (a task may run twice, or be re-queued by the
sweep's safety net) and exactly-once per notice in the normal case: each attempt first
claims the row with ``UPDATE ... WHERE status = 'queued'``, so a second runner finds
nothing to do, and a sent row is never sent again. A worker that dies between the claim
and the send leaves the row "sending"; the sweep puts it back in the queue after
:data:`STUCK_AFTER` (the only case in which a notice might go out twice).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task, task_backends

from aduan.core.tasks import enqueue_atomic
from aduan.notifications import adapters
from aduan.notifications.models import Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_BASE_MINUTES = 1
BACKOFF_FACTOR = 5  # 1, 5, 25, 125, 625 minutes: the last try is ~13 hours after the first
# A queued notice whose time came this long ago has lost its task (a crash between commit
# and enqueue on a non-transactional backend, or a backend that cannot defer).
STALE_AFTER = timedelta(minutes=10) * settings.ADUAN_SAFETY_NET_SCALE
STUCK_AFTER = timedelta(minutes=30) * settings.ADUAN_SAFETY_NET_SCALE
# Past this, a notice is stale news: it is marked failed (visible on the staff page, where
# it can be sent again by hand) rather than sent days late.
GIVE_UP_AFTER = timedelta(days=2)
REQUEUE_BATCH = 500

Status = Notification.Status
GAVE_UP = "Not sent within two days of its time; send it again by hand if still useful."


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after ``attempts`` failed ones."""
    return timedelta(minutes=BACKOFF_BASE_MINUTES * BACKOFF_FACTOR ** max(attempts - 1, 0))


@task()
def deliver_notifications(notification_ids: list[int]) -> None:
    for pk in notification_ids:
        deliver_one(pk)


def deliver_one(pk: int, *, now: datetime | None = None) -> bool:
    """Try to send one notice; True when it was sent by this call."""
    now = now or timezone.now()
    claimed = Notification.objects.filter(pk=pk, status=Status.QUEUED).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return False  # already sent or failed for good, or another worker holds it
    notification = Notification.objects.get(pk=pk)
    try:
        adapters.send(notification)
    except Exception as exc:  # any adapter failure is one failed attempt, never a crash
        _failed(notification, exc, now)
        return False
    Notification.objects.filter(pk=pk, status=Status.SENDING).update(
        status=Status.SENT, sent_at=now, next_attempt_at=None, last_error=""
    )
    return True


def _failed(notification: Notification, exc: Exception, now: datetime) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    attempts = notification.attempts
    if attempts >= MAX_ATTEMPTS:
        Notification.objects.filter(pk=notification.pk).update(
            status=Status.FAILED, last_error=error, next_attempt_at=None
        )
        logger.warning("notification %s failed for good: %s", notification.pk, error)
        return
    retry_at = now + backoff(attempts)
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(
            status=Status.QUEUED, last_error=error, next_attempt_at=retry_at
        )
        schedule(notification.pk, run_after=retry_at)
    logger.info(
        "notification %s attempt %s failed (%s); retry at %s",
        notification.pk,
        attempts,
        error,
        retry_at,
    )


def can_defer() -> bool:
    backend = task_backends[deliver_notifications.backend]
    return bool(backend.supports_defer)


def schedule(pk: int, *, run_after: datetime) -> None:
    """Queue a retry for later; a backend that cannot defer (the immediate backend of
    tests and development) leaves it to the sweep's :func:`requeue_stale`."""
    if can_defer():
        enqueue_atomic(deliver_notifications.using(run_after=run_after), [pk])


def enqueue(ids: list[int]) -> None:
    """Send these freshly written notices once the caller's transaction commits."""
    if ids:
        enqueue_atomic(deliver_notifications, ids)


def requeue_stale(*, now: datetime) -> int:
    """The safety net run by the sweep: queue again what lost its task. A duplicate task
    is harmless (the claim above), a lost one would be a silent failure."""
    Notification.objects.filter(
        status=Status.QUEUED, next_attempt_at__lt=now - GIVE_UP_AFTER
    ).update(status=Status.FAILED, next_attempt_at=None, last_error=GAVE_UP)
    Notification.objects.filter(status=Status.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
        status=Status.QUEUED, next_attempt_at=now - STALE_AFTER
    )
    due = Q(status=Status.QUEUED, next_attempt_at__lte=now - STALE_AFTER)
    ids = list(
        Notification.objects.filter(due)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:REQUEUE_BATCH]
    )
    if not ids:
        return 0
    with transaction.atomic():
        # Moving the time forward keeps the next sweep from queueing them yet again.
        Notification.objects.filter(due, pk__in=ids).update(next_attempt_at=now)
        enqueue(ids)
    return len(ids)
