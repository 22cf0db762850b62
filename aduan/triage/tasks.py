"""Routing suggestions for new reports, computed by the worker after intake committed.

:func:`suggest_new_reports` is an after-submit subscriber (:mod:`aduan.reports.hooks`):
intake queues one task in its own transaction (a task row with the database backend;
after commit with Redis; inline with the immediate backend of tests), so the suggestion
never costs the reporter's request and a crash after the commit cannot lose it. A task
lost with its worker is caught by :func:`requeue_unsuggested` (run by the SLA sweep every
minute): recent waiting reports without a suggestion after a few minutes are queued
again while a model exists (:func:`aduan.reports.hooks.requeue_missing`). Running twice
is harmless: a report that has a suggestion or left the queue is skipped.
"""

from __future__ import annotations

import logging
from datetime import datetime

from aduan.reports import hooks
from aduan.reports.models import Status
from aduan.triage.models import Suggestion, Target, TrainedModel

logger = logging.getLogger(__name__)


def suggest_new_reports(report_ids: list[int]) -> None:
    """Suggest (and auto-dispatch if enabled) for each report that has no suggestion."""
    from aduan.triage.services import suggest_new_report  # heavy: loaded by the worker

    done = set(
        Suggestion.objects.filter(report_id__in=report_ids).values_list("report_id", flat=True)
    )
    for report_id in report_ids:
        if report_id not in done:
            suggest_new_report(report_id)  # logs and swallows its own errors


def requeue_unsuggested(*, now: datetime) -> int:
    """The sweep's safety net: queue again the waiting reports whose suggestion was lost."""
    if not TrainedModel.objects.filter(target=Target.AGENCY).exists():
        return 0  # nothing to suggest with: reports wait without, as before triage
    return hooks.requeue_missing(
        now=now, done=Suggestion.objects.all(), label="triage", status=Status.SUBMITTED
    )
