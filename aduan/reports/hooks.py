"""What else happens when a report event is recorded (notices, webhooks, ...).

Called by the lifecycle and by intake *inside* the transaction that wrote the event, so
each subscriber queues its work atomically with the change (rows that exist exactly when
the event committed). Subscribers register in their AppConfig.ready(); the lifecycle does
not need to know them. A subscriber must only queue work, never send or call out here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from aduan.reports.models import ReportEvent

Subscriber = Callable[[ReportEvent], None]
_subscribers: list[Subscriber] = []
# Replaying history (bulk import, demo data) records events nobody should be told about.
_suppressed: ContextVar[bool] = ContextVar("aduan_hooks_suppressed", default=False)


def on_event_recorded(subscriber: Subscriber) -> Subscriber:
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
    if _suppressed.get():
        return
    for subscriber in _subscribers:
        subscriber(event)
