"""Acting once on a deadline: the claim row, the staff-only event and the staff notices.

Each act is claimed by inserting its :class:`SlaAction` row inside a savepoint; the
unique (report, kind, deadline) key makes a second sweep (or a concurrent one) fail the
insert and move on. The event and the notices are written in the same transaction as
the claim, so they exist exactly when the claim committed.

Notices are grouped per recipient and kind: an officer with five reports due tomorrow
gets one e-mail listing five, not five e-mails (the desk would otherwise get hundreds).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aduan.notifications import messages
from aduan.notifications.models import Notification
from aduan.notifications.services import Draft, notification_queue, notifications_enabled
from aduan.reports import hooks
from aduan.reports.models import Report, ReportEvent
from aduan.sla.models import SlaAction

logger = logging.getLogger(__name__)

Kind = SlaAction.Kind
# Event actions for the report's staff timeline. They are not lifecycle transitions (the
# status does not change); the lead may fold these labels into the lifecycle table.
EVENT_ACTIONS = {
    Kind.DUE_SOON: "sla_reminder",
    Kind.OVERDUE: "sla_reminder",
    Kind.ESCALATE_AGENCY: "sla_escalation",
    Kind.ESCALATE_PARENT: "sla_escalation",
    Kind.ESCALATE_DESK: "sla_escalation",
    Kind.OMBUDSMAN_OFFER: "sla_ombudsman_offer",
}


@dataclass(frozen=True)
class StaffAct:
    """One act due now: ``kind`` on ``report`` for the deadline ``deadline_at``."""

    report: Report
    kind: str
    deadline_at: datetime
    label: str  # which deadline, for the notice
    recipients: Callable[[], list[Any]]


def sla_action_claim(
    *, report: Report, kind: str, deadline_at: datetime, recipients: int, now: datetime
) -> SlaAction | None:
    """Insert the claim row; None when another sweep already acted on this deadline."""
    try:
        with transaction.atomic():
            return SlaAction.objects.create(
                report=report,
                kind=kind,
                deadline_at=deadline_at,
                recipients=recipients,
                created_at=now,
            )
    except IntegrityError:
        return None


def sla_event_record(*, action: SlaAction, report: Report, message: str) -> ReportEvent:
    """The act on the report's history: actor "system", staff eyes only, no change of
    status (events are append-only history; this is not a transition)."""
    event = _sla_event(action, report, message)
    event.save()
    # Subscribers (webhooks' report.deadline_reminder) see it like any recorded event.
    hooks.event_recorded(event)
    return event


def _sla_event(action: SlaAction, report: Report, message: str) -> ReportEvent:
    return ReportEvent(
        report=report,
        action=EVENT_ACTIONS[Kind(action.kind)],
        from_status=report.status,
        to_status=report.status,
        actor=None,
        actor_kind=ReportEvent.ActorKind.SYSTEM,
        agency=report.agency,
        reason=action.kind,
        message=message,
        visibility=ReportEvent.Visibility.STAFF,
        created_at=action.created_at,
    )


def _claim_many(acts: list[tuple[StaffAct, list[Any]]], now: datetime) -> list[SlaAction | None]:
    """:func:`sla_action_claim` of each act (with its recipients), in one insert: the
    claims already there (another sweep) are read first and left out."""
    keys = [(act.report.pk, str(act.kind), act.deadline_at) for act, _users in acts]
    there = set(
        SlaAction.objects.filter(
            report__in=[act.report.pk for act, _users in acts],
            kind__in={str(act.kind) for act, _users in acts},
        ).values_list("report_id", "kind", "deadline_at")
    )
    rows: list[SlaAction | None] = []
    for key, (act, users) in zip(keys, acts, strict=True):
        if key in there:
            rows.append(None)
            continue
        there.add(key)
        rows.append(
            SlaAction(
                report=act.report,
                kind=act.kind,
                deadline_at=act.deadline_at,
                recipients=len(users),
                created_at=now,
            )
        )
    try:
        with transaction.atomic():
            SlaAction.objects.bulk_create([row for row in rows if row is not None])
    except IntegrityError:  # claimed by a concurrent sweep meanwhile: one at a time
        return [
            sla_action_claim(
                report=act.report,
                kind=act.kind,
                deadline_at=act.deadline_at,
                recipients=len(users),
                now=now,
            )
            for act, users in acts
        ]
    return rows


def _event_message(act: StaffAct, recipients: int) -> str:
    with messages.staff_language():
        return _("%(kind)s (batas %(label)s: %(deadline)s); %(n)s penerima.") % {
            "kind": Kind(act.kind).label,
            "label": act.label,
            "deadline": messages.moment(act.deadline_at, messages.report_tz(act.report)),
            "n": recipients,
        }


def perform_staff_acts(acts: list[StaffAct], *, now: datetime) -> Counter[str]:
    """Claim each act, record it, and queue one notice per (recipient, kind) listing every
    report that recipient is told about; all in one transaction. Returns acts done."""
    done: Counter[str] = Counter()
    if not acts:
        return done
    # (kind, user id) → the user, their items, and the first claim (the notice's key).
    groups: dict[tuple[str, int], tuple[Any, list[messages.SlaItem], int]] = {}
    with transaction.atomic():
        acts_with_users = [(act, act.recipients()) for act in acts]
        claims = _claim_many(acts_with_users, now)
        events = []
        for (act, users), action in zip(acts_with_users, claims, strict=True):
            if action is None:
                continue  # another sweep got there first
            done[str(act.kind)] += 1
            events.append(_sla_event(action, act.report, _event_message(act, len(users))))
            item = messages.SlaItem(
                report=act.report, deadline_at=act.deadline_at, deadline_label=act.label
            )
            for user in users:
                _user, items, _first = groups.setdefault(
                    (str(act.kind), user.pk), (user, [], action.pk)
                )
                items.append(item)
        # One chain append and one call of each subscriber (webhooks' deadline reminder).
        ReportEvent.objects.bulk_create(events)
        hooks.events_recorded(events)
        if groups and notifications_enabled():
            notification_queue(drafts=_drafts(groups), now=now)
    return done


def _drafts(groups: dict[tuple[str, int], tuple[Any, list[messages.SlaItem], int]]) -> list[Draft]:
    drafts = []
    for (kind, user_pk), (user, items, first_action) in groups.items():
        drafts.append(
            Draft(
                dedupe_key=f"sla:{kind}:user:{user_pk}:{first_action}",
                kind=kind,
                audience=Notification.Audience.STAFF,
                channel=Notification.Channel.EMAIL,
                recipient=user.email,
                message=messages.sla_staff(kind, items),
                report=items[0].report if len(items) == 1 else None,
                user=user,
            )
        )
    return drafts
