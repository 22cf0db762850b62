"""Escalating an overdue first response, and offering the Ombudsman to the reporter.

An agency that has not answered by the first-response deadline is escalated step by
step, each step once: to its own admins at the deadline, two working days later to the
admins of its parent agency (up the hierarchy), and two more working days later to the
national desk. A top-level agency has no parent step: the desk comes two working days
after its own admins. Any first response (an update or the follow-up) ends the chain.

Queries: the first-response candidates are bounded by a window on
``first_response_due_at`` and skip reports already escalated through an anti-join on the
unique SlaAction key. The Ombudsman candidates are the reports whose precomputed
``offer_at`` has come (set by every transition, cleared once offered), so the index holds
only offers still owed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef

from aduan.notifications import messages, recipients
from aduan.notifications.models import Notification
from aduan.notifications.services import Draft, notification_queue, notifications_enabled
from aduan.reports.effects import report_offer_time
from aduan.reports.models import Report
from aduan.sla import calendar, deadlines, duties
from aduan.sla.actions import StaffAct, perform_staff_acts, sla_action_claim, sla_event_record
from aduan.sla.models import SlaAction, SlaLimit
from aduan.sla.reminders import StaffCache, batches

Kind = SlaAction.Kind
CHAIN = (Kind.ESCALATE_AGENCY, Kind.ESCALATE_PARENT, Kind.ESCALATE_DESK)
# First-response deadlines older than this are not escalated any more (the whole chain
# spans four working days; the margin covers long holidays and a sweep that was down).
ESCALATION_WINDOW = timedelta(days=21)
OFFER_WINDOW = timedelta(days=30)


def step_days() -> int:
    return int(getattr(settings, "ADUAN_SLA_ESCALATION_STEP_DAYS", 2))


@dataclass(frozen=True)
class Step:
    kind: str
    at: datetime  # the step is due once ``now`` is past this


def escalation_steps(report: Report) -> list[Step]:
    """The chain for this report's first-response deadline, in order."""
    deadline = report.first_response_due_at
    assert deadline is not None and report.agency is not None
    return _steps(deadline, duties.report_tz(report), report.agency.parent_id is not None)


def _steps(deadline: datetime, tz: str, has_parent: bool) -> list[Step]:
    days = step_days()
    steps = [Step(Kind.ESCALATE_AGENCY, deadline)]
    if has_parent:
        steps.append(Step(Kind.ESCALATE_PARENT, calendar.add_working_days(deadline, days, tz)))
    steps.append(
        Step(Kind.ESCALATE_DESK, calendar.add_working_days(deadline, days * len(steps), tz))
    )
    return steps


def _recipients_for(kind: str, report: Report, staff: StaffCache) -> list[Any]:
    if kind == Kind.ESCALATE_AGENCY:
        return staff.admins(report.agency)
    if kind == Kind.ESCALATE_PARENT:
        return staff.admins(report.agency.parent if report.agency else None)
    return staff.desk()


def escalate_first_responses(*, now: datetime, staff: StaffCache | None = None) -> Counter[str]:
    staff = staff or StaffCache()
    done: Counter[str] = Counter()

    def took(kind: str) -> Exists:
        return Exists(
            SlaAction.objects.filter(
                report=OuterRef("pk"), kind=kind, deadline_at=OuterRef("first_response_due_at")
            )
        )

    window = Report.objects.filter(
        status__in=duties.AGENCY_STATUSES,
        agency__isnull=False,
        first_response_at__isnull=True,
        first_response_due_at__lt=now,
        first_response_due_at__gte=now - ESCALATION_WINDOW,
    ).exclude(took(Kind.ESCALATE_DESK))
    # Reports mid-chain wait days for their next step and are in the window every minute:
    # read their keys, deadline, zone and steps taken first, whole rows only for a step due.
    light = window.annotate(
        agency_told=took(Kind.ESCALATE_AGENCY), parent_told=took(Kind.ESCALATE_PARENT)
    ).values_list(
        "pk",
        "first_response_due_at",
        "agency__time_zone",
        "agency__parent_id",
        "agency_told",
        "parent_told",
    )
    owed = []
    for pk, deadline, tz, parent, agency_told, parent_told in light.iterator(chunk_size=2000):
        told: dict[str, bool] = {
            Kind.ESCALATE_AGENCY: agency_told,
            Kind.ESCALATE_PARENT: parent_told,
        }
        assert deadline is not None
        steps = _steps(deadline, tz, parent is not None)
        if any(now > step.at and not told.get(step.kind, False) for step in steps):
            owed.append(pk)
    qs = Report.objects.select_related("agency", "agency__parent").filter(
        pk__in=owed, first_response_at__isnull=True
    )
    for batch in batches(qs):
        taken = set(
            SlaAction.objects.filter(report__in=batch, kind__in=CHAIN).values_list(
                "report_id", "kind", "deadline_at"
            )
        )
        acts = []
        for report in batch:
            deadline = report.first_response_due_at
            assert deadline is not None
            for step in escalation_steps(report):
                if now <= step.at:
                    break  # later steps are later still: the chain keeps its order
                if (report.pk, step.kind, deadline) in taken:
                    continue
                acts.append(_act(report, step.kind, deadline, staff))
        done += perform_staff_acts(acts, now=now)
    return done


def _act(report: Report, kind: str, deadline: datetime, staff: StaffCache) -> StaffAct:
    return StaffAct(
        report=report,
        kind=kind,
        deadline_at=deadline,
        label=duties.first_response_label(),
        recipients=lambda: _recipients_for(kind, report, staff),
    )


# ---- the Ombudsman offer ---------------------------------------------------------------


def offer_catch_up() -> timedelta:
    """How late an offer may still be made (the sweep was down, history was imported):
    twice the dispatch limit and two weeks, plus the window. Older owed offers are left
    alone; the reporter can still ask for the Ombudsman on the tracking page."""
    limit = deadlines.limits()[SlaLimit.Key.OMBUDSMAN_AFTER_DISPATCH]
    return timedelta(days=2 * limit.days + 14) + OFFER_WINDOW


def offer_ombudsman(*, now: datetime) -> int:
    """Tell the reporter, once per report, that they may ask for the Ombudsman.

    Reads the ``report_offer_at`` index: only reports whose offer time has come and which
    were not offered yet (the offer clears ``offer_at``), so a quiet minute reads nothing.
    """
    qs = Report.objects.select_related("agency", "reporter").filter(
        offer_at__lte=now, offer_at__gte=now - offer_catch_up()
    )
    done = 0
    for batch in batches(qs):
        for report in batch:
            if _offer_or_settle(report, now):
                done += 1
    return done


def _offer_or_settle(report: Report, now: datetime) -> bool:
    """Offer if it is due; either way leave ``offer_at`` right: cleared once offered (or
    found offered by another sweep), recomputed if the limits changed since it was set.
    The update is guarded on the value read, so a transition meanwhile wins."""
    read = report.offer_at
    moment = report_offer_time(report)
    with transaction.atomic():
        offered = moment is not None and now > moment and _offer(report, now)
        settled = None if offered or moment is None or now > moment else moment
        Report.objects.filter(pk=report.pk, offer_at=read).update(offer_at=settled)
    return offered


def _offer(report: Report, now: datetime) -> bool:
    contact = recipients.reporter_contact(report)
    with transaction.atomic():
        # Keyed on the submission time: one offer per report, whatever its deadlines.
        action = sla_action_claim(
            report=report,
            kind=Kind.OMBUDSMAN_OFFER,
            deadline_at=report.submitted_at,
            recipients=1 if contact else 0,
            now=now,
        )
        if action is None:
            return False
        with messages.staff_language():
            note = str(Kind.OMBUDSMAN_OFFER.label)
        sla_event_record(action=action, report=report, message=note)
        if contact is not None and notifications_enabled():
            draft = Draft(
                dedupe_key=f"sla:{Kind.OMBUDSMAN_OFFER}:{report.pk}:reporter:{contact.channel}",
                kind=Kind.OMBUDSMAN_OFFER,
                audience=Notification.Audience.REPORTER,
                channel=contact.channel,
                recipient=contact.address,
                message=messages.ombudsman_offer(report, contact.channel),
                report=report,
            )
            notification_queue(drafts=[draft], now=now)
    return True
