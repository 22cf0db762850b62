"""The SLA sweep: automatic transitions whose time has come.

Safe to run from several processes at once: each transition updates its row with
``WHERE status = <old>``, so when two sweeps pick the same report one wins and the other
gets a Conflict and moves on. Idempotent: a report acted upon leaves the due set.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from aduan.core import idempotency
from aduan.reports.lifecycle import Actor, Conflict, InvalidState, transition
from aduan.reports.models import Report, Status

logger = logging.getLogger(__name__)

AUTO_ACTIONS = {Status.NEEDS_INFO: "expire", Status.RESPONDED: "auto_close"}
BATCH = 500


@dataclass
class SweepResult:
    acted: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    purged: int = 0

    @property
    def total(self) -> int:
        return sum(self.acted.values())


def sweep(*, now: datetime | None = None, limit: int | None = None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    actor = Actor.system()
    last_id = 0
    while True:
        batch = list(
            Report.objects.select_related("agency")
            .filter(auto_at__lte=now, status__in=list(AUTO_ACTIONS), pk__gt=last_id)
            .order_by("pk")[:BATCH]
        )
        if not batch:
            break
        for report in batch:
            last_id = report.pk
            action = AUTO_ACTIONS[Status(report.status)]
            try:
                transition(report, action, actor=actor, now=now)
            except (Conflict, InvalidState):
                result.skipped += 1  # another sweep or a person got there first
                continue
            result.acted[action] = result.acted.get(action, 0) + 1
            if limit is not None and result.total >= limit:
                return result
    result.purged = idempotency.purge_expired(now=now)
    if result.total:
        logger.info("sweep acted on %s reports: %s", result.total, result.acted)
    return result
