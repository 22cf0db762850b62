"""Queueing notices (writes). Called inside the transaction of the change that causes
them; sending happens in :mod:`aduan.notifications.tasks` after commit."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from aduan.notifications import messages, recipients, tasks
from aduan.notifications.models import Notification
from aduan.notifications.selectors import needs_attention
from aduan.reports.models import Channel as ReportChannel
from aduan.reports.models import Report, ReportEvent

logger = logging.getLogger(__name__)

Audience = Notification.Audience
Channel = Notification.Channel
Status = Notification.Status
Visibility = ReportEvent.Visibility
ActorKind = ReportEvent.ActorKind

# Steps that hand the report to somebody who must now act on it.
STAFF_NOTICE_ACTIONS = frozenset(
    {"dispatch", "forward", "escalate", "reporter_reply", "provide_info", "return_to_desk"}
)


@dataclass(frozen=True)
class Draft:
    dedupe_key: str
    kind: str
    audience: str
    channel: str
    recipient: str
    message: messages.Message
    report: Report | None = None
    event: ReportEvent | None = None
    user: Any = None


def notifications_enabled() -> bool:
    """Off by setting (ADUAN_NOTIFICATIONS=false). Replayed history (demo data, imports)
    is kept quiet by aduan.reports.hooks.suppressed(), which never calls us."""
    return bool(getattr(settings, "ADUAN_NOTIFICATIONS", True))


def notification_queue(*, drafts: list[Draft], now: datetime) -> list[Notification]:
    """Write the notices and queue their delivery for after commit. A draft whose
    ``dedupe_key`` is already queued is skipped: the same notice is never queued twice."""
    created: list[Notification] = []
    with transaction.atomic():
        for draft in drafts:
            try:
                with transaction.atomic():  # a savepoint: one duplicate leaves the rest
                    created.append(_insert(draft, now))
            except IntegrityError:
                logger.info("notice %s already queued", draft.dedupe_key)
        tasks.enqueue([n.pk for n in created])
    return created


def _insert(draft: Draft, now: datetime) -> Notification:
    return Notification.objects.create(
        dedupe_key=draft.dedupe_key,
        kind=draft.kind,
        audience=draft.audience,
        channel=draft.channel,
        recipient=draft.recipient,
        user=draft.user,
        report=draft.report,
        event=draft.event,
        subject=draft.message.subject,
        body=draft.message.body,
        status=Status.QUEUED,
        next_attempt_at=now,
        created_at=now,
    )


# ---- lifecycle events ------------------------------------------------------------------


def notices_for_event(event: ReportEvent) -> list[Notification]:
    if not notifications_enabled() or event.visibility == Visibility.STAFF:
        return []
    drafts = reporter_drafts(event) + staff_drafts(event)
    if not drafts:
        return []
    return notification_queue(drafts=drafts, now=event.created_at)


def reporter_drafts(event: ReportEvent) -> list[Draft]:
    """Every public step, on the channel the reporter used; the reporter's own actions
    only get the submission receipt."""
    if event.actor_kind == ActorKind.REPORTER and event.action != "submit":
        return []
    contact = recipients.reporter_contact(event.report)
    if contact is None:
        return []
    if event.action == "submit" and event.report.channel in (ReportChannel.SMS, ReportChannel.CHAT):
        return []  # the SMS or chat reply already carried the tracking ID
    return [
        Draft(
            dedupe_key=f"event:{event.pk}:reporter:{contact.channel}",
            kind="event",
            audience=Audience.REPORTER,
            channel=contact.channel,
            recipient=contact.address,
            message=messages.reporter_event(event, contact.channel),
            report=event.report,
            event=event,
        )
    ]


def staff_drafts(event: ReportEvent) -> list[Draft]:
    """The staff who must act now: the handling agency's officers and admins (or the
    desk when the report is back with it). The actor is not told of their own act."""
    if event.action not in STAFF_NOTICE_ACTIONS:
        return []
    report = event.report
    users = [u for u in recipients.responsible_staff(report) if u.pk != event.actor_id]
    if not users:
        return []
    message = messages.staff_event(event)
    return [
        Draft(
            dedupe_key=f"event:{event.pk}:user:{user.pk}:email",
            kind="event",
            audience=Audience.STAFF,
            channel=Channel.EMAIL,
            recipient=user.email,
            message=message,
            report=report,
            event=event,
            user=user,
        )
        for user in users
    ]


# ---- the staff page --------------------------------------------------------------------


def notification_resend(*, notification: Notification, now: datetime) -> bool:
    """Queue a failed (or stuck) notice again with a fresh retry budget."""
    with transaction.atomic():
        updated = Notification.objects.filter(needs_attention(now), pk=notification.pk).update(
            status=Status.QUEUED, attempts=0, next_attempt_at=now, claimed_at=None
        )
        if updated:
            tasks.enqueue([notification.pk])
    return bool(updated)
