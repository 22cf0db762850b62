"""What the duplicate finder does when a report event is recorded (a lifecycle hook,
inside the transaction that wrote the event; see :mod:`aduan.reports.hooks`). A new
report's indexing is deferred to the worker (:mod:`aduan.dedup.tasks`)."""

from __future__ import annotations

import logging

from aduan.dedup import followers, services
from aduan.reports.models import ReportEvent

logger = logging.getLogger(__name__)


def events_recorded(events: list[ReportEvent]) -> None:
    for event in events:
        if event.action == "archive" and event.report.merged_into_id is not None:
            services.flatten_merges(event.report)
    # Reporters of reports merged into these follow them ("ikuti laporan utama"); a new
    # report's first event is indexed by aduan.dedup.tasks.index_new_reports instead.
    try:
        followers.queue_follower_notices_for([e for e in events if e.action != "submit"])
    except Exception:  # a notice must never block the change itself
        logger.exception("dedup: follower notices for events %s failed", [e.pk for e in events])
