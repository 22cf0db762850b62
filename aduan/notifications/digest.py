"""The daily staff digest: one e-mail per staff member listing their due items.

Due items are open reports of the member's working subtree (all reports waiting for
verification, for the desk) whose staff deadline falls within the next working day or
has passed. The worker sends it once a working day from :data:`DIGEST_HOUR` (WIB),
claimed by a :class:`DigestRun` row per day; each member's notice is also keyed by
(day, user), so ``aduan digest --date`` can fill the gaps of an interrupted run without
sending anything twice.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from aduan.agencies.models import Membership, Role
from aduan.notifications import messages
from aduan.notifications.models import DigestRun, Notification
from aduan.notifications.recipients import WORKING_ROLES
from aduan.notifications.services import Draft, notification_queue, notifications_enabled
from aduan.reports.models import Report, Status
from aduan.sla import calendar, duties

logger = logging.getLogger(__name__)

DIGEST_TZ = "Asia/Jakarta"
MAX_ITEMS = 50


def digest_hour() -> int:
    return int(getattr(settings, "ADUAN_DIGEST_HOUR", 6))


def digest_if_due(*, now: datetime | None = None) -> int | None:
    """Called by the worker every minute: send today's digest once, on working days
    from the digest hour. Returns the notices queued, None when nothing was due."""
    now = now or timezone.now()
    local = now.astimezone(ZoneInfo(DIGEST_TZ))
    day = local.date()
    if local.time() < time(digest_hour()) or not calendar.is_working_day(day):
        return None
    if DigestRun.objects.filter(date=day).exists():
        return None
    try:
        with transaction.atomic():
            run = DigestRun.objects.create(date=day, started_at=now)
    except IntegrityError:
        return None  # another worker claimed today's digest
    sent = digest_send(day=day, now=now)
    DigestRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), sent=sent)
    return sent


def digest_send(*, day: date, now: datetime) -> int:
    """Queue the digest of ``day`` for every staff member with due items."""
    if not notifications_enabled():
        return 0
    queued = 0
    for user, memberships in _staff_members():
        draft = _draft(user, memberships, day=day, now=now)
        if draft is not None:
            queued += len(notification_queue(drafts=[draft], now=now))
    logger.info("digest %s: %s notices queued", day, queued)
    return queued


def _staff_members() -> list[tuple[Any, list[Membership]]]:
    """Active staff with an e-mail address and their desk or working memberships."""
    members = (
        Membership.objects.filter(
            role__in=[Role.DESK, *WORKING_ROLES], user__is_active=True, agency__is_active=True
        )
        .exclude(user__email="")
        .select_related("user", "agency")
        .order_by("user_id", "id")
    )
    by_user: dict[int, tuple[Any, list[Membership]]] = {}
    for membership in members:
        by_user.setdefault(membership.user_id, (membership.user, []))[1].append(membership)
    return list(by_user.values())


def due_items_query(memberships: list[Membership], horizon: datetime) -> Q:
    scope = Q(pk__in=[])
    for membership in memberships:
        if membership.role == Role.DESK:
            scope |= Q(status=Status.SUBMITTED)
        else:
            scope |= Q(
                status__in=duties.AGENCY_STATUSES,
                agency__path__startswith=membership.agency.path,
            )
    return scope & Q(due_at__lte=horizon)


def _draft(user: Any, memberships: list[Membership], *, day: date, now: datetime) -> Draft | None:
    tz = next((m.agency.time_zone for m in memberships if m.role != Role.DESK), DIGEST_TZ)
    horizon = calendar.end_of_day(duties.next_working_day(day), tz)
    qs = Report.objects.filter(due_items_query(memberships, horizon)).select_related("agency")
    reports = list(qs.order_by("due_at", "pk")[: MAX_ITEMS + 1])
    if not reports:
        return None
    more = 0
    if len(reports) > MAX_ITEMS:
        more = qs.count() - MAX_ITEMS
        reports = reports[:MAX_ITEMS]
    with messages.staff_language():
        items = [
            messages.SlaItem(
                report=r, deadline_at=r.due_at, deadline_label=duties.deadline_label(r)
            )
            for r in reports
            if r.due_at is not None
        ]
    return Draft(
        dedupe_key=f"digest:{day.isoformat()}:user:{user.pk}",
        kind="digest",
        audience=Notification.Audience.STAFF,
        channel=Notification.Channel.EMAIL,
        recipient=user.email,
        message=messages.digest(day, items, now=now, more=more),
        user=user,
    )
