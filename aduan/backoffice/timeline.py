"""The full staff timeline of a report and the names its files are shown under.

The reporter is never named here: their events say "Pelapor", and the original names of
files an anonymous reporter uploaded (often "KTP_<name>.jpg") are replaced for anyone
who may not see the reporter's identity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from aduan.backoffice import presenters, selectors
from aduan.backoffice.forms.base import REASON_ARCHIVED, REASON_DUPLICATE, REASON_NOT_AUTHORITY
from aduan.reports import lifecycle
from aduan.reports.models import STATUS_LABELS, Attachment, Report, ReportEvent
from aduan.reports.uploads import ALLOWED_TYPES

ActorKind = ReportEvent.ActorKind
VISIBILITY_LABELS: dict[str, Any] = dict(ReportEvent.Visibility.choices)
REASON_LABELS: dict[str, Any] = {
    **dict(lifecycle.RejectionReason.CHOICES),
    REASON_DUPLICATE: _("Duplikat laporan lain"),
    REASON_ARCHIVED: _("Diarsipkan oleh admin nasional"),
    REASON_NOT_AUTHORITY: _("Bukan wewenang"),
}
EXTRA_LABELS: dict[str, Any] = {"submit": _("Laporan diterima")}


@dataclass(frozen=True)
class StaffEvent:
    created_at: datetime
    when: str
    label: Any
    actor: str
    from_status: Any
    to_status: Any
    agency_name: str
    reason: Any
    message: str
    visibility: str
    visibility_label: Any
    attachments: list[tuple[Attachment, str]] = field(default_factory=list)


def _actor_text(event: ReportEvent) -> str:
    if event.actor_kind == ActorKind.SYSTEM:
        return str(_("Sistem"))
    if event.actor_kind == ActorKind.REPORTER:
        return str(_("Pelapor"))
    # A person, or an agency system acting through its API key.
    who = event.actor_label
    if event.actor is not None:
        who = event.actor.get_full_name() or event.actor.get_username()
    if event.actor_agency is not None:
        return f"{who} ({event.actor_agency.name})" if who else event.actor_agency.name
    return who or str(_("Petugas"))


def _label(event: ReportEvent) -> Any:
    if event.action in EXTRA_LABELS:
        return EXTRA_LABELS[event.action]
    if event.action in lifecycle.TRANSITIONS:
        return lifecycle.action_label(event.action)
    return event.action


def staff_events(report: Report, *, can_see_reporter: bool) -> list[StaffEvent]:
    tz = presenters.report_tz(report)
    entries = []
    for e in selectors.staff_timeline(report):
        changed = bool(e.from_status) and e.from_status != e.to_status
        entries.append(
            StaffEvent(
                created_at=e.created_at,
                when=presenters.local_text(e.created_at, tz),
                label=_label(e),
                actor=_actor_text(e),
                from_status=STATUS_LABELS.get(e.from_status, "") if changed else "",
                to_status=STATUS_LABELS.get(e.to_status, "") if changed else "",
                agency_name=e.agency.name if e.agency is not None and changed else "",
                reason=REASON_LABELS.get(e.reason, e.reason),
                message=e.message,
                visibility=e.visibility,
                visibility_label=VISIBILITY_LABELS.get(e.visibility, e.visibility),
                attachments=[
                    (a, attachment_name(a, can_see_reporter=can_see_reporter, event=e))
                    for a in e.attachments.all()
                ],
            )
        )
    return entries


def _from_reporter(event: ReportEvent | None) -> bool:
    return event is None or event.actor_kind == ActorKind.REPORTER


def attachment_name(
    attachment: Attachment, *, can_see_reporter: bool, event: ReportEvent | None = None
) -> str:
    event = event if event is not None else attachment.event
    if can_see_reporter or not _from_reporter(event):
        return attachment.original_name
    extension = ALLOWED_TYPES.get(attachment.content_type, "bin")
    return f"lampiran-pelapor-{attachment.token[:8]}.{extension}"
