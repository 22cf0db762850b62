"""The lifecycle's hook for telling people what happened to a report.

Transitions (and intake) call :func:`events_recorded` inside their transaction. The
notices are written in that same transaction, so they exist exactly when the change
committed, and are sent by a background task afterwards: a failed send never blocks or
rolls back the change. What is said to whom lives in :mod:`aduan.notifications`.
"""

from __future__ import annotations

from aduan.reports.models import ReportEvent


def events_recorded(events: list[ReportEvent]) -> None:
    from aduan.notifications.services import notices_for_events

    notices_for_events(events)
