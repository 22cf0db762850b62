"""Reporters of merged reports follow the main report (issue 6).

When the desk merges report B into A, B's reporter is told by B's own archive notice
(:func:`aduan.notifications.messages.reporter_event` words it as a merge). From then on
every public step on A also reaches B's reporter, on B's channel and in B's language.
They are not A's reporter: they get A's status and, only when A is public, its public
message — never the conversation between A's reporter and the desk.
"""

from __future__ import annotations

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


def follower_reports(report: Report) -> list[Report]:
    return list(Report.objects.filter(merged_into=report, status=Status.ARCHIVED).order_by("pk"))


def queue_follower_notices(event: ReportEvent) -> list[Notification]:
    if not notifications_enabled() or not _followed(event):
        return []
    main = event.report
    own = recipients.reporter_contact(main)
    seen = {(own.channel, own.address)} if own else set()
    drafts = []
    for follower in follower_reports(main):
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
    if not drafts:
        return []
    return notification_queue(drafts=drafts, now=event.created_at)


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
