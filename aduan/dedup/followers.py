"""Reporters of merged reports follow the main report (issue 6).

When the desk merges report B into A, B's reporter is told by B's own archive notice
(:func:`aduan.notifications.messages.reporter_event` words it as a merge). From then on
every public step on A also reaches B's reporter, on B's channel and in B's language.
They are not A's reporter: they get A's status and, only when A is public, its public
message — never the conversation between A's reporter and the desk.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from aduan.notifications import messages, recipients
from aduan.notifications.models import Notification
from aduan.notifications.services import Draft, notification_queue, notifications_enabled
from aduan.reports.access import is_public
from aduan.reports.models import Report, ReportEvent, Status
from aduan.reports.tracking import display

# Steps of the main report worth telling its followers.
FOLLOWED_ACTIONS = frozenset(
    {"dispatch", "accept", "forward", "update", "respond", "close", "auto_close", "escalate"}
)
FOLLOWED_ACTIONS_WITH_STATE = frozenset({"reject", "archive"})


def _followed(event: ReportEvent) -> bool:
    if event.visibility != ReportEvent.Visibility.PUBLIC:
        return False
    return event.action in FOLLOWED_ACTIONS or event.action in FOLLOWED_ACTIONS_WITH_STATE


def follower_reports(main_ids: list[int]) -> dict[int, list[Report]]:
    """The reports merged into each of these main reports, oldest first."""
    found: dict[int, list[Report]] = defaultdict(list)
    rows = Report.objects.filter(merged_into__in=main_ids, status=Status.ARCHIVED)
    for follower in rows.order_by("pk"):
        assert follower.merged_into_id is not None
        found[follower.merged_into_id].append(follower)
    return found


def queue_follower_notices_for(events: list[ReportEvent]) -> list[Notification]:
    """Notices to the followers of these events' reports: one query for the batch."""
    if not notifications_enabled():
        return []
    followed = [e for e in events if _followed(e)]
    if not followed:
        return []
    found = follower_reports([e.report_id for e in followed])
    created: list[Notification] = []
    for event in followed:
        drafts = _follower_drafts(event, found.get(event.report_id, []))
        if drafts:
            created += notification_queue(drafts=drafts, now=event.created_at)
    return created


def _follower_drafts(event: ReportEvent, followers: list[Report]) -> list[Draft]:
    if not followers:
        return []
    own = recipients.reporter_contact(event.report)
    seen = {(own.channel, own.address)} if own else set()
    drafts = []
    for follower in followers:
        contact = recipients.reporter_contact(follower)
        if contact is None or (contact.channel, contact.address) in seen:
            continue  # one person filing twice is told once
        seen.add((contact.channel, contact.address))
        drafts.append(
            Draft(
                dedupe_key=f"event:{event.pk}:follower:{follower.pk}:{contact.channel}",
                kind="follow",
                audience=Notification.Audience.REPORTER,
                channel=contact.channel,
                recipient=contact.address,
                message=follower_message(event, follower, contact.channel),
                report=follower,
                event=event,
            )
        )
    return drafts


def follower_message(event: ReportEvent, follower: Report, channel: str) -> messages.Message:
    main = event.report
    with messages.reporter_language(follower):
        status = messages.status_label(main)
        public = event.public_message if is_public(main) else ""
        intro = _(
            "Laporan Anda %(own)s telah digabungkan dengan laporan %(main)s tentang masalah "
            "yang sama. Perkembangan laporan %(main)s:"
        ) % {"own": display(follower.tracking_id), "main": display(main.tracking_id)}
        if channel == Notification.Channel.SMS:
            merged = _("Laporan Anda %(own)s digabung ke laporan ini.") % {
                "own": display(follower.tracking_id)
            }
            extra = f"{merged} {public}".strip()
            return messages.Message(subject="", body=messages.sms_text(main, status, extra))
        lines = [
            intro,
            "",
            messages.action_text(event.action),
            _("Status: %(status)s") % {"status": status},
        ]
        if public:
            lines += ["", public]
        lines += ["", _("Lacak laporan utama: %(url)s") % {"url": messages.tracking_url(main)}]
        subject = _("Laporan %(id)s: %(status)s") % {
            "id": display(main.tracking_id),
            "status": status,
        }
    return messages.Message(subject=" ".join(subject.split())[:200], body="\n".join(lines) + "\n")


def merge_notice_text(report: Report) -> str:
    """The words of B's archive notice when it was merged (see module docstring)."""
    main = report.merged_into
    if main is None:
        return ""
    return _(
        "Laporan Anda digabungkan dengan laporan %(main)s karena melaporkan masalah yang "
        "sama. Penanganan dilanjutkan pada laporan %(main)s dan Anda akan menerima kabar "
        "perkembangannya. Lacak: %(url)s"
    ) % {"main": display(main.tracking_id), "url": messages.tracking_url(main)}
