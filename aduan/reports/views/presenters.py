"""What the tracking page shows, decided once per request from the access module.

Three levels, from the most to the least trusted viewer:

* the reporter (secret link or own account): everything about their report, including
  the conversation with the desk and agency, every file on it they can see, and the
  actions they may take now (:mod:`aduan.reports.reporter_actions`);
* anybody, for a report in the public list: redacted text, agency, location, public
  messages, files the agency published, deadlines;
* anybody else (confidential, or not yet verified, rejected or archived): the status and
  the labels of the public timeline. Confidential reports additionally hide deadlines and
  the rejection reason, which could hint at their content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.reports import access, lifecycle, reporter_actions, selectors
from aduan.reports.models import STATUS_LABELS, Attachment, Report, ReportEvent, Status

Visibility = ReportEvent.Visibility
REJECTION_LABELS: dict[str, Any] = dict(lifecycle.RejectionReason.CHOICES)
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
    attachments: tuple[Attachment, ...] = ()


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
    # The reporter's side (empty for everybody else).
    actions: list[str] = field(default_factory=list)
    pending_request: str = ""
    latest_response: str = ""
    escalation_declined: bool = False


def event_label(event: ReportEvent) -> Any:
    if event.action in lifecycle.TRANSITIONS or event.action in lifecycle.EVENT_LABELS:
        return lifecycle.action_label(event.action)
    # An action this page does not know yet: say what it did to the status.
    return STATUS_LABELS.get(event.to_status, event.to_status)


def _entry(event: ReportEvent, viewer: Viewer, files: dict[int, list[Attachment]]) -> TimelineEntry:
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
        attachments=tuple(files.get(event.pk, ())),
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
    return [
        Deadline(label=label, day=_local_day(moment, tz), passed=moment < now)
        for label, moment in selectors.pending_deadlines(report)
    ]


def visible_attachments(report: Report, viewer: Viewer) -> QuerySet[Attachment]:
    """Files this viewer may download; the rule lives in the access module."""
    view = access.CitizenView(
        is_reporter=viewer.is_reporter,
        show_text=viewer.show_content,
        show_details=viewer.show_details,
    )
    return access.citizen_attachments(report, view)


def _files_by_event(report: Report, viewer: Viewer) -> dict[int, list[Attachment]]:
    files: dict[int, list[Attachment]] = {}
    for attachment in visible_attachments(report, viewer):
        if attachment.event_id is not None:
            files.setdefault(attachment.event_id, []).append(attachment)
    return files


def _last_message(events: list[ReportEvent], action: str) -> str:
    """The newest message of ``action``: what the reporter answers to."""
    for event in reversed(events):
        if event.action == action:
            return event.message
    return ""


def tracking_page(
    report: Report, viewer: Viewer, *, escalation_declined: bool = False
) -> TrackingPage:
    events = selectors.timeline_events(report, include_parties=viewer.is_reporter)
    files = _files_by_event(report, viewer) if viewer.show_content else {}
    page = TrackingPage(
        report=report,
        viewer=viewer,
        status_text=status_text(report, viewer),
        timeline=[_entry(e, viewer, files) for e in events],
        attachments=[a for group in files.values() for a in group],
    )
    if viewer.show_details:
        page.deadlines = deadlines(report, timezone.now())
        if report.status == Status.REJECTED:
            page.rejection_reason = REJECTION_LABELS.get(report.rejection_reason, "")
    if viewer.is_reporter:
        own_events = _reporter_event_ids(events)
        page.attachment_count = sum(1 for a in page.attachments if a.event_id in own_events)
        page.actions = reporter_actions.offered_actions(report)
        if report.status == Status.NEEDS_INFO:
            page.pending_request = _last_message(events, "request_info")
        if report.status == Status.RESPONDED:
            page.latest_response = _last_message(events, "respond")
        page.escalation_declined = escalation_declined
    elif viewer.show_content:
        page.attachment_count = selectors.reporter_attachments(report).count()
    return page


def _reporter_event_ids(events: list[ReportEvent]) -> set[int]:
    return {e.pk for e in events if e.actor_kind == ReportEvent.ActorKind.REPORTER}
