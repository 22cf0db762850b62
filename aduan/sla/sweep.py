"""The SLA sweep: automatic transitions and SLA acts whose time has come.

Run every minute by ``aduan worker`` (and by hand with ``aduan sweep``). Safe from
several processes at once and idempotent:

* automatic transitions (needs-info expiry, auto-close) update their row with
  ``WHERE status = <old>``, so when two sweeps pick the same report one wins and the
  other gets a Conflict and moves on; a report acted upon leaves the due set. They are
  written CHUNK reports per transaction (:func:`transition_many`: one chain append and
  one call of each subscriber for the chunk);
* reminders, escalations and the Ombudsman offer are claimed by inserting a unique
  :class:`aduan.sla.models.SlaAction` row per (report, kind, deadline) in the same
  transaction as their notices (:mod:`aduan.sla.actions`): a second sweep finds the
  row and does nothing;
* notices that lost their delivery task are queued again (:func:`requeue_stale`).

Indexes relied upon: ``report_auto_at`` (partial, auto_at) for the transitions;
``report_status_due`` (status, due_at) for the reminders; ``sla_action_once_per_deadline``
(report, kind, deadline_at) for every "already done?" anti-join; ``notification_unsent``
for the safety net; ``report_first_response_due`` for the escalations and
``report_offer_at`` (offers still owed) for the Ombudsman offers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from aduan.channels.sms.parts import sms_parts_prune
from aduan.core import idempotency
from aduan.dedup.tasks import requeue_unindexed
from aduan.notifications.tasks import requeue_stale
from aduan.reports.lifecycle import Actor, Conflict, InvalidState, transition_many
from aduan.reports.models import Report, Status
from aduan.sla import escalation, reminders
from aduan.triage.tasks import requeue_unsuggested
from aduan.webhooks import delivery as webhook_delivery

logger = logging.getLogger(__name__)

AUTO_ACTIONS = {Status.NEEDS_INFO: "expire", Status.RESPONDED: "auto_close"}
BATCH = 500
# Transitions per transaction: the chain head is held from the events' append to the
# commit, so other writers wait at most one chunk's subscribers.
CHUNK = 100


@dataclass
class SweepResult:
    acted: dict[str, int] = field(default_factory=dict)  # automatic transitions
    sla: dict[str, int] = field(default_factory=dict)  # reminders, escalations, offers
    skipped: int = 0
    requeued: int = 0
    purged: int = 0

    @property
    def total(self) -> int:
        return sum(self.acted.values())


def sweep(*, now: datetime | None = None, limit: int | None = None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    if not _transitions(now, limit, result):
        return result
    _sla_acts(now, result)
    _housekeeping(now, result)
    if result.total or result.sla:
        logger.info("sweep: transitions %s, SLA acts %s", result.acted, result.sla)
    return result


def _housekeeping(now: datetime, result: SweepResult) -> None:
    """Re-queue work whose task was lost (a crashed worker, a backend that cannot defer)
    and forget what has outlived its purpose; every step is idempotent."""
    result.requeued = requeue_stale(now=now) + webhook_delivery.requeue_due(now=now)
    # Intake's deferred work (duplicate index, routing suggestion) whose task was lost.
    result.requeued += requeue_unindexed(now=now) + requeue_unsuggested(now=now)
    result.purged = (
        idempotency.purge_expired(now=now)
        + webhook_delivery.purge_old(now=now)
        + sms_parts_prune(now=now)
    )


def _transitions(now: datetime, limit: int | None, result: SweepResult) -> bool:
    """Run due automatic transitions, CHUNK reports per transaction; False when ``limit``
    stopped the sweep early."""
    actor = Actor.system()
    last_id = 0
    while True:
        batch = list(
            Report.objects.select_related("agency")
            .filter(auto_at__lte=now, status__in=list(AUTO_ACTIONS), pk__gt=last_id)
            .order_by("pk")[:BATCH]
        )
        if not batch:
            return True
        last_id = batch[-1].pk
        by_action: dict[str, list[Report]] = {}
        for report in batch:
            by_action.setdefault(AUTO_ACTIONS[Status(report.status)], []).append(report)
        for action, reports in by_action.items():
            for start in range(0, len(reports), CHUNK):
                chunk = reports[start : start + CHUNK]
                if limit is not None:
                    chunk = chunk[: limit - result.total]
                events, failed = transition_many(chunk, action, actor=actor, now=now)
                result.skipped += len(failed)
                for report, error in failed:
                    if not isinstance(error, Conflict | InvalidState):
                        # Not "someone got there first": the rules refused the system.
                        logger.warning(
                            "sweep: %s refused on report %s: %s", action, report.pk, error
                        )
                if events:
                    result.acted[action] = result.acted.get(action, 0) + len(events)
                if limit is not None and result.total >= limit:
                    return False


def _sla_acts(now: datetime, result: SweepResult) -> None:
    staff = reminders.StaffCache()
    counts = reminders.remind_due_soon(now=now, staff=staff)
    counts += reminders.remind_overdue(now=now, staff=staff)
    counts += escalation.escalate_first_responses(now=now, staff=staff)
    offers = escalation.offer_ombudsman(now=now)
    if offers:
        counts["ombudsman_offer"] += offers
    result.sla = dict(counts)
