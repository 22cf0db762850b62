"""What else happens when a report event is recorded (notices, webhooks, ...).

Called by the lifecycle and by intake *inside* the transaction that wrote the event, so
each subscriber queues its work atomically with the change (rows that exist exactly when
the event committed). Subscribers register in their AppConfig.ready(); the lifecycle does
not need to know them. A subscriber must only queue work, never send or call out here.

Work on a new report that may wait a few seconds (the near-duplicate index, the routing
suggestion) registers with :func:`after_submit` instead: intake queues one task,
:func:`run_after_submit`, in its own transaction (a task row with the database backend,
so it exists exactly when the report does; after commit with Redis), and the worker runs
every such subscriber with the new report IDs. Subscribers must be idempotent (a task may
run twice) and each app re-queues what a dead worker lost from the SLA sweep (see
``aduan.dedup.tasks``, ``aduan.triage.tasks``). With the immediate task backend (tests,
development without a worker) they run inside the intake transaction instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django_tasks import task, task_backends
from django_tasks.backends.immediate import ImmediateBackend

from aduan.core.tasks import enqueue_atomic
from aduan.reports.models import Report, ReportEvent

logger = logging.getLogger(__name__)

# Subscribers take the events one transaction recorded (one, or a batch from the sweep).
Subscriber = Callable[[list[ReportEvent]], None]
SubmittedSubscriber = Callable[[list[int]], None]
_subscribers: list[Subscriber] = []
_after_submit: list[SubmittedSubscriber] = []
# Replaying history (bulk import, demo data) records events nobody should be told about.
_suppressed: ContextVar[bool] = ContextVar("aduan_hooks_suppressed", default=False)


def on_events_recorded(subscriber: Subscriber) -> Subscriber:
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)
    return subscriber


@contextmanager
def suppressed() -> Iterator[None]:
    """Record events without notices or webhooks (history being replayed)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def event_recorded(event: ReportEvent) -> None:
    events_recorded([event])


def events_recorded(events: list[ReportEvent]) -> None:
    """Every subscriber once with the whole batch (a subscriber that queries per event
    would undo the batching; each answers for its own)."""
    if _suppressed.get() or not events:
        return
    for subscriber in _subscribers:
        subscriber(events)


def after_submit(subscriber: SubmittedSubscriber) -> SubmittedSubscriber:
    """Register work deferred to the worker for newly submitted reports (their IDs)."""
    if subscriber not in _after_submit:
        _after_submit.append(subscriber)
    return subscriber


@task()
def run_after_submit(report_ids: list[int]) -> None:
    """The worker's side: every deferred subscriber; one failing never stops the others
    (what it left undone is queued again by its app's safety net)."""
    for subscriber in list(_after_submit):
        try:
            subscriber(report_ids)
        except Exception:
            logger.exception("after-submit work %s failed for %s", subscriber, report_ids)


def runs_inline() -> bool:
    """No worker to defer to: the immediate backend runs a task at once."""
    return isinstance(task_backends[run_after_submit.backend], ImmediateBackend)


# The after-submit safety net (run by the SLA sweep every minute): recent reports whose
# deferred work left no trace after STALE_AFTER are queued again, in small tasks.
STALE_AFTER = timedelta(minutes=10) * settings.ADUAN_SAFETY_NET_SCALE
RETRY_FOR = timedelta(days=2)
REQUEUE_BATCH = 500
TASK_SIZE = 20  # reports per re-queued task: a worker stopped mid-task redoes little


def requeue_missing(*, now: datetime, done: QuerySet[Any], label: str, **filters: Any) -> int:
    """Queue the after-submit work again for reports submitted between RETRY_FOR and
    STALE_AFTER ago (and matching ``filters``) that have no row in ``done`` (rows with a
    ``report_id``): their task was lost with its worker. Returns how many."""
    if runs_inline():
        return 0
    ids = list(
        Report.objects.filter(
            submitted_at__gte=now - RETRY_FOR, submitted_at__lte=now - STALE_AFTER, **filters
        )
        .exclude(Exists(done.filter(report_id=OuterRef("pk"))))
        .order_by("submitted_at")
        .values_list("pk", flat=True)[:REQUEUE_BATCH]
    )
    for start in range(0, len(ids), TASK_SIZE):
        enqueue_atomic(run_after_submit, ids[start : start + TASK_SIZE])
    if ids:
        logger.info("%s: %s reports queued again", label, len(ids))
    return len(ids)


def queue_after_submit(report_ids: list[int]) -> bool:
    """Queue the deferred work for these reports inside the caller's transaction.
    False when nothing was queued because it must run inline (:func:`run_inline`)."""
    if _suppressed.get() or not _after_submit:
        return True
    if runs_inline():
        return False
    enqueue_atomic(run_after_submit, report_ids)
    return True


def run_inline(report_ids: list[int]) -> None:
    """The deferred work, now, in the caller's transaction: each subscriber in a
    savepoint, so a failure never spoils the intake."""
    if _suppressed.get():
        return
    for subscriber in list(_after_submit):
        try:
            with transaction.atomic():
                subscriber(report_ids)
        except Exception:
            logger.exception("after-submit work %s failed for %s", subscriber, report_ids)
