"""What the staff page shows of a notice: never a reporter's address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from aduan.notifications.models import Notification
from aduan.reports.redaction import redact
from aduan.reports.tracking import display
from aduan.sla.models import SlaAction

KIND_LABELS: dict[str, Any] = {
    "event": _("Perkembangan laporan"),
    "digest": _("Ringkasan harian"),
    **dict(SlaAction.Kind.choices),
}


@dataclass(frozen=True)
class NoticeRow:
    pk: int
    created_at: datetime
    kind: Any
    channel: Any
    recipient: str
    subject: str
    status: str
    status_label: Any
    attempts: int
    last_error: str
    tracking_id: str
    tracking_display: str


def row(notice: Notification) -> NoticeRow:
    report = notice.report
    if notice.audience == Notification.Audience.REPORTER:
        # The reporter's address is identity; it stays out of lists (only the desk may see
        # it, on the report page, where the view is audited).
        recipient = str(_("Pelapor"))
    else:
        recipient = notice.recipient
    return NoticeRow(
        pk=notice.pk,
        created_at=notice.created_at,
        kind=KIND_LABELS.get(notice.kind, notice.kind),
        channel=notice.get_channel_display(),
        recipient=recipient,
        subject=notice.subject,
        status=notice.status,
        status_label=notice.get_status_display(),
        attempts=notice.attempts,
        # Gateway and SMTP errors may quote the address they refused.
        last_error=redact(notice.last_error)[:300],
        tracking_id=report.tracking_id if report else "",
        tracking_display=display(report.tracking_id) if report else "",
    )
