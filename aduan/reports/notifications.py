"""Telling the reporter what happened to their report.

Transitions call :func:`event_recorded` inside their transaction; the message is sent by
a background task after commit, so a failed send never blocks or rolls back the change.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from aduan.core.tasks import enqueue_atomic
from aduan.reports.models import ReportEvent
from aduan.reports.tracking import display

logger = logging.getLogger(__name__)


def event_recorded(event: ReportEvent) -> None:
    if event.visibility == ReportEvent.Visibility.STAFF:
        return
    if event.actor_kind == ReportEvent.ActorKind.REPORTER and event.action != "submit":
        return  # the reporter knows what they just did; a receipt is still sent
    if not event.report.reporter_email:
        return
    enqueue_atomic(notify_reporter, event.pk)


@task()
def notify_reporter(event_id: int) -> None:
    from aduan.reports.lifecycle import action_label

    event = ReportEvent.objects.select_related("report", "agency").get(pk=event_id)
    report = event.report
    with translation.override(settings.LANGUAGE_CODE):
        tracking = display(report.tracking_id)
        subject = _("Laporan %(id)s: %(status)s") % {
            "id": tracking,
            "status": report.get_status_display(),
        }
        lines = [
            str(action_label(event.action)),
            "",
            event.public_message or (event.message if event.visibility != "staff" else ""),
            "",
            _("Lacak laporan Anda: %(url)s")
            % {"url": f"{settings.SITE_URL}/lacak/{report.tracking_id}/"},
        ]
    send_mail(subject, "\n".join(lines), None, [report.reporter_email])
    logger.info("notified reporter of event %s", event_id)
