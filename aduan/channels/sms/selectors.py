"""Reads for the SMS and chat channel."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from aduan.agencies.models import Agency
from aduan.channels.sms.models import PHONE_PLATFORMS, InboundSms, Outcome
from aduan.reports.models import Report, Status
from aduan.reports.selectors import selectable_agencies

AWAITING_REPLY = (Status.RESPONDED, Status.NEEDS_INFO)
FILED = (Outcome.REPORT_CREATED, Outcome.REPORT_REPEATED)


def same_sender_platforms(platform: str) -> list[str]:
    """SMS and WhatsApp share phone numbers: one person, one identity on both."""
    return sorted(PHONE_PLATFORMS) if platform in PHONE_PLATFORMS else [platform]


def agency_by_keyword(token: str) -> Agency | None:
    """The one active top-level agency whose abbreviation or code is ``token``."""
    matches = list(
        selectable_agencies().filter(Q(abbreviation__iexact=token) | Q(code__iexact=token))[:2]
    )
    return matches[0] if len(matches) == 1 else None


def previous_delivery(*, platform: str, message_id: str) -> InboundSms | None:
    if not message_id:
        return None
    return (
        InboundSms.objects.select_related("report")
        .filter(platform=platform, message_id=message_id)
        .first()
    )


def recent_report_from(
    *, platform: str, sender: str, text_hash: str, since: datetime
) -> Report | None:
    """The report this sender filed with the same text since ``since``, if any."""
    row = (
        InboundSms.objects.select_related("report")
        .filter(
            platform__in=same_sender_platforms(platform),
            sender=sender,
            text_hash=text_hash,
            outcome__in=FILED,
            report__isnull=False,
            created_at__gte=since,
        )
        .order_by("-created_at")
        .first()
    )
    return row.report if row is not None else None


def filed_by(report: Report, *, platform: str, sender: str) -> bool:
    return InboundSms.objects.filter(
        report=report,
        platform__in=same_sender_platforms(platform),
        sender=sender,
        outcome=Outcome.REPORT_CREATED,
    ).exists()


def awaiting_reply(*, platform: str, sender: str, since: datetime) -> list[Report]:
    """Reports this sender filed that wait for the reporter's answer (at most two are
    loaded: the caller only needs to know whether exactly one does)."""
    filed = InboundSms.objects.filter(
        platform__in=same_sender_platforms(platform),
        sender=sender,
        outcome=Outcome.REPORT_CREATED,
        report__isnull=False,
    ).values("report_id")
    return list(
        Report.objects.select_related("agency")
        .filter(pk__in=filed, status__in=AWAITING_REPLY, updated_at__gte=since)
        .order_by("-updated_at")[:2]
    )
