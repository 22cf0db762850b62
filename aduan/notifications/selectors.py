"""Reads for the back office: notices that did not go out."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from aduan.agencies.models import Agency
from aduan.notifications.models import Notification

Status = Notification.Status
# A notice still queued this long after its time has lost its way (no worker running, a
# lost task): the staff page shows it with the failed ones.
QUEUED_TOO_LONG = timedelta(minutes=15)


def needs_attention(now: datetime) -> Q:
    late = now - QUEUED_TOO_LONG
    return (
        Q(status=Status.FAILED)
        | Q(status=Status.QUEUED, next_attempt_at__lt=late)
        | Q(status=Status.SENDING, claimed_at__lt=late)
    )


def notices_visible(*, agencies: list[Agency] | None) -> QuerySet[Notification]:
    """Notices within the reviewer's scope (see ``access.notification_oversight``): the
    desk sees all; an agency admin sees the notices to reporters of reports in the
    agency's subtree and to staff who work in that subtree."""
    qs = Notification.objects.all()
    if agencies is None:
        return qs
    scope = Q(pk__in=[])
    for agency in agencies:
        scope |= Q(
            audience=Notification.Audience.REPORTER, report__agency__path__startswith=agency.path
        )
        scope |= Q(
            pk__in=Notification.objects.filter(
                user__memberships__agency__path__startswith=agency.path
            ).values("pk")
        )
    return qs.filter(scope)


def notices_needing_attention(
    *, agencies: list[Agency] | None, now: datetime
) -> QuerySet[Notification]:
    return (
        notices_visible(agencies=agencies)
        .filter(needs_attention(now))
        .select_related("report", "user")
        .order_by("-created_at", "-id")
    )
