"""What the tracking page shows, decided once per request from the access module.

Three levels, from the most to the least trusted viewer:

* the reporter (secret link or own account): everything about their report, including
  the conversation with the desk and agency and their own attachments;
* anybody, for a report in the public list: redacted text, agency, location, public
  messages, deadlines;
* anybody else (confidential, or not yet verified, rejected or archived): the status and
  the labels of the public timeline. Confidential reports additionally hide deadlines and
  the rejection reason, which could hint at their content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.reports import access, lifecycle, selectors
from aduan.reports.models import Attachment, Report, ReportEvent, Status

Visibility = ReportEvent.Visibility
REJECTION_LABELS: dict[str, Any] = dict(lifecycle.RejectionReason.CHOICES)
# Actions that are not lifecycle transitions but still appear on the timeline.
EXTRA_ACTION_LABELS: dict[str, Any] = {"submit": _("Laporan diterima")}
STATUS_LABELS: dict[str, Any] = dict(Status.choices)
DEFAULT_TZ = "Asia/Jakarta"


@dataclass(frozen=True)
class Viewer:
    is_reporter: bool
    show_content: bool
    show_details: bool
    secret: str | None = None
    bad_secret: bool = False


def viewer_for(report: Report, *, secret: str | None, user: Any) -> Viewer:
    holds_secret = access.holds_reporter_secret(report, secret)
    view = access.citizen_view(report, secret=secret, user=user)
    return Viewer(
        is_reporter=view.is_reporter,
        show_content=view.show_text,
        show_details=view.show_details,
        secret=secret if holds_secret else None,
        bad_secret=bool(secret) and not holds_secret,
    )


@dataclass(frozen=True)
class TimelineEntry:
    created_at: datetime
    label: Any
    from_status: Any
    to_status: Any
    agency_name: str = ""
    reason: Any = ""
    message: str = ""
    is_private: bool = False


@dataclass(frozen=True)
class Deadline:
    label: Any
    day: date
    passed: bool


@dataclass
class TrackingPage:
    report: Report
    viewer: Viewer
    status_text: Any
    timeline: list[TimelineEntry]
    deadlines: list[Deadline] = field(default_factory=list)
    rejection_reason: Any = ""
    attachment_count: int = 0
    attachments: list[Attachment] = field(default_factory=list)


def event_label(event: ReportEvent) -> Any:
    if event.action in EXTRA_ACTION_LABELS:
        return EXTRA_ACTION_LABELS[event.action]
    if event.action in lifecycle.TRANSITIONS:
        return lifecycle.action_label(event.action)
    # An action this page does not know yet: say what it did to the status.
    return STATUS_LABELS.get(event.to_status, event.to_status)


def _entry(event: ReportEvent, viewer: Viewer) -> TimelineEntry:
    changed = event.from_status and event.from_status != event.to_status
    message = ""
    if viewer.is_reporter:
        message = event.message
    elif viewer.show_content:
        message = event.public_message
    reason = ""
    if viewer.show_details and event.action in ("reject", "expire"):
        reason = REJECTION_LABELS.get(event.reason, "")
    return TimelineEntry(
        created_at=event.created_at,
        label=event_label(event),
        from_status=STATUS_LABELS.get(event.from_status, "") if changed else "",
        to_status=STATUS_LABELS.get(event.to_status, "")
        if changed or not event.from_status
        else "",
        agency_name=event.agency.name if viewer.show_content and event.agency else "",
        reason=reason,
        message=message,
        is_private=event.visibility == Visibility.PARTIES,
    )


def status_text(report: Report, viewer: Viewer) -> Any:
    agency = report.agency if viewer.show_content else None
    if agency is not None and report.status == Status.DISPATCHED:
        return _("Terdisposisi ke %(agency)s") % {"agency": agency.name}
    if agency is not None and report.status == Status.IN_PROGRESS:
        return _("Diproses %(agency)s") % {"agency": agency.name}
    return report.get_status_display()


def _local_day(moment: datetime, tz: str) -> date:
    # A deadline ends at 23:59 in the handling agency's zone: show that day, not the
    # day it happens to be in Jakarta.
    return moment.astimezone(ZoneInfo(tz)).date()


def deadlines(report: Report, now: datetime) -> list[Deadline]:
    tz = report.agency.time_zone if report.agency else DEFAULT_TZ
    wanted: list[tuple[Any, datetime | None]] = []
    if report.status == Status.SUBMITTED:
        wanted.append((_("Batas verifikasi oleh admin nasional"), report.due_at))
    elif report.status == Status.NEEDS_INFO:
        wanted.append((_("Batas pelapor melengkapi laporan"), report.auto_at))
    elif report.status in (Status.DISPATCHED, Status.IN_PROGRESS, Status.ESCALATED):
        if report.first_response_at is None:
            wanted.append((_("Batas tanggapan pertama"), report.first_response_due_at))
        wanted.append((_("Batas penyelesaian"), report.completion_due_at))
    elif report.status == Status.RESPONDED:
        wanted.append((_("Selesai otomatis jika tidak ada tanggapan sampai"), report.auto_at))
    return [
        Deadline(label=label, day=_local_day(moment, tz), passed=moment < now)
        for label, moment in wanted
        if moment is not None
    ]


def tracking_page(report: Report, viewer: Viewer) -> TrackingPage:
    events = selectors.timeline_events(report, include_parties=viewer.is_reporter)
    page = TrackingPage(
        report=report,
        viewer=viewer,
        status_text=status_text(report, viewer),
        timeline=[_entry(e, viewer) for e in events],
    )
    if viewer.show_details:
        page.deadlines = deadlines(report, timezone.now())
        if report.status == Status.REJECTED:
            page.rejection_reason = REJECTION_LABELS.get(report.rejection_reason, "")
    if viewer.is_reporter:
        page.attachments = list(selectors.reporter_attachments(report))
        page.attachment_count = len(page.attachments)
    elif viewer.show_content:
        page.attachment_count = selectors.reporter_attachments(report).count()
    return page
