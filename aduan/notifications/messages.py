"""The words of every notice, rendered once, when the notice is queued.

Reporter notices speak the reporter's language (the report's, else the site default) and
carry the public tracking link, never the private secret. Staff notices link to the back
office and never carry an anonymous reporter's identity: they hold no reporter fields at
all, and reporter-written text is redacted and scrubbed of the reporter's own details.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aduan.notifications.models import Notification
from aduan.reports.models import Report, ReportEvent, Status
from aduan.reports.redaction import public_text
from aduan.reports.tracking import display

SMS_SINGLE = 160
SMS_DOUBLE = 306  # two concatenated GSM-7 segments
DEFAULT_TZ = "Asia/Jakarta"
Visibility = ReportEvent.Visibility


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


@dataclass(frozen=True)
class SlaItem:
    """One report in an SLA notice: which deadline, and when."""

    report: Report
    deadline_at: datetime
    deadline_label: str


# ---- shared pieces ---------------------------------------------------------------------


@contextmanager
def reporter_language(report: Report) -> Iterator[None]:
    known = {code for code, _name in settings.LANGUAGES}
    code = getattr(report, "language", "") or settings.LANGUAGE_CODE
    with translation.override(code if code in known else settings.LANGUAGE_CODE):
        yield


@contextmanager
def staff_language() -> Iterator[None]:
    with translation.override(settings.LANGUAGE_CODE):
        yield


def tracking_url(report: Report) -> str:
    return f"{settings.SITE_URL}{reverse('reports:track', args=[report.tracking_id])}"


def staff_url(report: Report) -> str:
    return f"{settings.SITE_URL}/petugas/laporan/{report.tracking_id}/"


def report_tz(report: Report) -> str:
    return report.agency.time_zone if report.agency_id and report.agency else DEFAULT_TZ


def moment(value: datetime | None, tz: str) -> str:
    """“5 November 2026 23.59 WIB”: deadlines are read in the agency's own zone."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(tz))
    return f"{formats.date_format(local, 'j F Y')} {local:%H.%M} {local.tzname()}"


def day_text(day: date) -> str:
    return formats.date_format(day, "l, j F Y")


def status_label(report: Report) -> str:
    if report.agency_id and report.status == Status.DISPATCHED:
        return _("Terdisposisi ke %(agency)s") % {"agency": report.agency.name}  # type: ignore[union-attr]
    if report.agency_id and report.status == Status.IN_PROGRESS:
        return _("Diproses %(agency)s") % {"agency": report.agency.name}  # type: ignore[union-attr]
    return str(report.get_status_display())


def action_text(action: str) -> str:
    from aduan.reports.lifecycle import action_label

    if action == "submit":
        return _("Laporan diterima")
    return str(action_label(action))


def rejection_text(event: ReportEvent) -> str:
    from aduan.reports.lifecycle import RejectionReason

    if event.action not in ("reject", "expire"):
        return ""
    return str(dict(RejectionReason.CHOICES).get(event.reason, ""))


def _shorten(text: str, limit: int) -> str:
    # "..." rather than "…": one character outside GSM-7 turns the whole SMS into UCS-2,
    # with 70-character segments.
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: max(limit - 3, 0)].rstrip() + "..."


def sms_text(report: Report, status: str, extra: str = "") -> str:
    """“Aduan <ID>: <status>. <extra> Info: <link>”, in one SMS when at all possible."""
    head = f"Aduan {display(report.tracking_id)}: "
    tail = " " + _("Info: %(url)s") % {"url": tracking_url(report)}
    text = f"{head}{status}.{tail}"
    if len(text) > SMS_SINGLE:
        text = f"{head}{report.get_status_display()}.{tail}"
    if extra:
        room = SMS_DOUBLE - len(text) - 1
        if room > 20:
            text = f"{head}{status}. {_shorten(extra, room)}{tail}"
    return text


def staff_title(report: Report) -> str:
    return scrub_reporter(report.public_title or report.title, report)


def scrub_reporter(text: str, report: Report) -> str:
    """Reporter-written text for staff: personal data redacted, and the reporter's own
    name, e-mail and phone taken out even when written in an unusual form."""
    return public_text(text, report)


# ---- reporter notices ------------------------------------------------------------------


def event_message_for_reporter(event: ReportEvent) -> str:
    """PUBLIC events carry their redacted public message; PARTIES events are the
    conversation with the reporter (a request for details), shown in full."""
    if event.visibility == Visibility.PARTIES:
        return event.message
    return event.public_message


def reporter_event(event: ReportEvent, channel: str) -> Message:
    report = event.report
    with reporter_language(report):
        status = status_label(report)
        message = event_message_for_reporter(event)
        if event.action == "archive" and report.merged_into_id:
            from aduan.dedup.followers import merge_notice_text  # merged as a duplicate

            message = merge_notice_text(report)
        reason = rejection_text(event)
        if channel == Notification.Channel.SMS:
            return Message(subject="", body=sms_text(report, status, message or reason))
        context = {
            "tracking": display(report.tracking_id),
            "action": action_text(event.action),
            "status": status,
            "message": message,
            "reason": reason,
            "url": tracking_url(report),
            "is_receipt": event.action == "submit",
        }
        subject = _("Laporan %(id)s: %(status)s") % {"id": context["tracking"], "status": status}
        body = render_to_string("notifications/email/reporter_event.txt", context)
    return Message(subject=_one_line(subject), body=body)


def ombudsman_offer(report: Report, channel: str) -> Message:
    with reporter_language(report):
        if channel == Notification.Channel.SMS:
            return Message(
                subject="",
                body=sms_text(
                    report,
                    _("Batas waktu lewat. Anda dapat meminta pelimpahan ke Ombudsman"),
                ),
            )
        tracking = display(report.tracking_id)
        subject = _("Laporan %(id)s: Anda dapat meminta pelimpahan ke Ombudsman") % {"id": tracking}
        body = render_to_string(
            "notifications/email/ombudsman_offer.txt",
            {"tracking": tracking, "url": tracking_url(report), "status": status_label(report)},
        )
    return Message(subject=_one_line(subject), body=body)


# ---- staff notices ---------------------------------------------------------------------


def staff_event(event: ReportEvent) -> Message:
    report = event.report
    with staff_language():
        tracking = display(report.tracking_id)
        action = action_text(event.action)
        context: dict[str, Any] = {
            "tracking": tracking,
            "action": action,
            "title": staff_title(report),
            "status": str(report.get_status_display()),
            "agency": report.agency.name if report.agency_id and report.agency else "",
            "deadline": moment(report.due_at, report_tz(report)),
            "message": scrub_reporter(event.message, report) if event.message else "",
            "reason": event.reason,
            "url": staff_url(report),
        }
        subject = _("[Aduan] %(id)s: %(action)s") % {"id": tracking, "action": action}
        body = render_to_string("notifications/email/staff_event.txt", context)
    return Message(subject=_one_line(subject), body=body)


def _sla_subject(kind: str, items: list[SlaItem]) -> str:
    if len(items) == 1:
        templates = {
            "due_soon": _("[Aduan] Pengingat: batas waktu %(id)s segera tiba"),
            "overdue": _("[Aduan] Batas waktu %(id)s terlewati"),
            "escalate_agency": _("[Aduan] Eskalasi: %(id)s belum ditanggapi"),
            "escalate_parent": _("[Aduan] Eskalasi ke instansi induk: %(id)s belum ditanggapi"),
            "escalate_desk": _("[Aduan] Eskalasi ke admin nasional: %(id)s belum ditanggapi"),
        }
        return templates[kind] % {"id": display(items[0].report.tracking_id)}
    n = len(items)
    plural = {
        "due_soon": ngettext(
            "[Aduan] Pengingat: %(n)s laporan mendekati batas waktu",
            "[Aduan] Pengingat: %(n)s laporan mendekati batas waktu",
            n,
        ),
        "overdue": ngettext(
            "[Aduan] %(n)s laporan melewati batas waktu",
            "[Aduan] %(n)s laporan melewati batas waktu",
            n,
        ),
        "escalate_agency": ngettext(
            "[Aduan] Eskalasi: %(n)s laporan belum ditanggapi",
            "[Aduan] Eskalasi: %(n)s laporan belum ditanggapi",
            n,
        ),
        "escalate_parent": ngettext(
            "[Aduan] Eskalasi ke instansi induk: %(n)s laporan belum ditanggapi",
            "[Aduan] Eskalasi ke instansi induk: %(n)s laporan belum ditanggapi",
            n,
        ),
        "escalate_desk": ngettext(
            "[Aduan] Eskalasi ke admin nasional: %(n)s laporan belum ditanggapi",
            "[Aduan] Eskalasi ke admin nasional: %(n)s laporan belum ditanggapi",
            n,
        ),
    }
    return plural[kind] % {"n": n}


def _item_context(item: SlaItem) -> dict[str, Any]:
    report = item.report
    return {
        "tracking": display(report.tracking_id),
        "title": staff_title(report),
        "agency": report.agency.name if report.agency_id and report.agency else "",
        "status": str(report.get_status_display()),
        "deadline_label": item.deadline_label,
        "deadline": moment(item.deadline_at, report_tz(report)),
        "url": staff_url(report),
    }


def sla_staff(kind: str, items: list[SlaItem]) -> Message:
    """One notice per recipient and kind for everything a sweep found at once."""
    with staff_language():
        subject = _sla_subject(kind, items)
        body = render_to_string(
            "notifications/email/sla_staff.txt",
            {"kind": kind, "items": [_item_context(i) for i in items]},
        )
    return Message(subject=_one_line(subject), body=body)


def digest(day: date, items: list[SlaItem], *, now: datetime, more: int = 0) -> Message:
    with staff_language():
        overdue = [_item_context(i) for i in items if i.deadline_at < now]
        soon = [_item_context(i) for i in items if i.deadline_at >= now]
        n = len(items) + more
        subject = ngettext(
            "[Aduan] Ringkasan %(day)s: %(n)s laporan perlu perhatian",
            "[Aduan] Ringkasan %(day)s: %(n)s laporan perlu perhatian",
            n,
        ) % {"day": formats.date_format(day, "j F Y"), "n": n}
        body = render_to_string(
            "notifications/email/digest.txt",
            {
                "day": day_text(day),
                "overdue": overdue,
                "soon": soon,
                "more": more,
                "url": f"{settings.SITE_URL}/petugas/",
            },
        )
    return Message(subject=_one_line(subject), body=body)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]
