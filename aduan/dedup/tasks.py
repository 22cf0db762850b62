"""Near-duplicate indexing of new reports, off the intake request.

:func:`index_new_reports` is an after-submit subscriber (:mod:`aduan.reports.hooks`):
intake queues one task in its own transaction and the worker indexes the report and
records its candidates within seconds (inline in the intake transaction with the
immediate backend of tests). A task lost with its worker (killed while running: neither
django-tasks-db nor RQ runs it again) is caught by :func:`requeue_unindexed`, run by the
SLA sweep every minute: recent reports without an index entry after a few minutes are
queued again (:func:`aduan.reports.hooks.requeue_missing`). Older gaps (a worker down
for longer, hook-less bulk imports) are what ``aduan dedup reindex`` repairs. Running
twice is harmless: a report that already has its index entry is skipped.
"""

from __future__ import annotations

import logging
from datetime import datetime

from aduan.dedup import services
from aduan.dedup.models import IndexedReport
from aduan.reports import hooks
from aduan.reports.models import Report

logger = logging.getLogger(__name__)

_FIELDS = ("pk", "title", "body", "region_id", "district_id", "submitted_at", "tracking_id")


def index_new_reports(report_ids: list[int]) -> None:
    """Index each report not indexed yet and record its candidates, in both directions
    (a report indexed before an earlier one gets paired by the earlier one's run)."""
    done = set(
        IndexedReport.objects.filter(report_id__in=report_ids).values_list("report_id", flat=True)
    )
    for report in Report.objects.filter(pk__in=report_ids).only(*_FIELDS).order_by("pk"):
        if report.pk in done:
            continue
        try:
            services.index_report(report, newer=True)
        except Exception:  # one bad report must not keep the others unindexed
            logger.exception("dedup: could not index report %s", report.pk)


def requeue_unindexed(*, now: datetime) -> int:
    """The sweep's safety net: queue again the recent reports whose indexing was lost."""
    return hooks.requeue_missing(now=now, done=IndexedReport.objects.all(), label="dedup indexing")
