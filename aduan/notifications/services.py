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
    ``dedupe_key`` is already queued is skipped: the same notice is never queued twice.
    Several drafts (a sweep's batch) are written in one insert."""
    with transaction.atomic():
        created = _insert_many(drafts, now) if len(drafts) > 1 else _insert_each(drafts, now)
        tasks.enqueue([n.pk for n in created])
    return created


def _insert_each(drafts: list[Draft], now: datetime) -> list[Notification]:
    created = []
    for draft in drafts:
        try:
            with transaction.atomic():  # a savepoint: one duplicate leaves the rest
                created.append(_row(draft, now, save=True))
        except IntegrityError:
            logger.info("notice %s already queued", draft.dedupe_key)
    return created


def _insert_many(drafts: list[Draft], now: datetime) -> list[Notification]:
    keys = {d.dedupe_key for d in drafts}
    queued = set(
        Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    )
    fresh: dict[str, Draft] = {}
    for draft in drafts:
        if draft.dedupe_key in queued or draft.dedupe_key in fresh:
            logger.info("notice %s already queued", draft.dedupe_key)
        else:
            fresh[draft.dedupe_key] = draft
    try:
        with transaction.atomic():
            rows = [_row(d, now, save=False) for d in fresh.values()]
            return Notification.objects.bulk_create(rows)
    except IntegrityError:  # queued by a concurrent writer meanwhile: one at a time
        return _insert_each(list(fresh.values()), now)


def _row(draft: Draft, now: datetime, *, save: bool) -> Notification:
    row = Notification(
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
    if save:
        row.save(force_insert=True)
    return row


# ---- lifecycle events ------------------------------------------------------------------


def notices_for_event(event: ReportEvent) -> list[Notification]:
    return notices_for_events([event])


def notices_for_events(events: list[ReportEvent]) -> list[Notification]:
    """The notices of events recorded in one transaction, written together (per moment:
    a notice is due when its event happened)."""
    if not notifications_enabled():
        return []
    by_moment: dict[datetime, list[Draft]] = {}
    for event in events:
        if event.visibility == Visibility.STAFF:
            continue
        drafts = reporter_drafts(event) + staff_drafts(event)
        if drafts:
            by_moment.setdefault(event.created_at, []).extend(drafts)
    created: list[Notification] = []
    for moment, drafts in by_moment.items():
        created += notification_queue(drafts=drafts, now=moment)
    return created


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
