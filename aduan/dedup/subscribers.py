"""What the duplicate finder does when a report event is recorded (a lifecycle hook,
inside the transaction that wrote the event; see :mod:`aduan.reports.hooks`). A new
report's indexing is deferred to the worker (:mod:`aduan.dedup.tasks`)."""

from __future__ import annotations

import logging

from aduan.dedup import followers, services
from aduan.reports.models import ReportEvent

logger = logging.getLogger(__name__)


def event_recorded(event: ReportEvent) -> None:
    if event.action == "submit":
        return  # indexed by aduan.dedup.tasks.index_new_reports (after-submit, in the worker)
    if event.action == "archive" and event.report.merged_into_id is not None:
        services.flatten_merges(event.report)
    # Reporters of reports merged into this one follow it ("ikuti laporan utama").
    try:
        followers.queue_follower_notices(event)
    except Exception:  # a notice must never block the change itself
        logger.exception("dedup: follower notices for event %s failed", event.pk)
