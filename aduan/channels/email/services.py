"""Handling one inbound e-mail: a new report, a reporter's reply, or nothing.

1. A Message-ID seen before gets the answer it got then; nothing else happens.
2. Automatic mail (auto-replies, bounces, delivery reports, list mail) and mail from our
   own address are ignored: answering them starts mail loops.
3. A message that answers a report (see :mod:`.threads`) from the report's own e-mail
   address becomes the reporter's reply (``reporter_reply`` when the agency responded,
   ``provide_info`` when the desk asked for details), with the quoted text taken out.
   From anyone else, or while the report waits for nobody's answer, it is ignored.
4. Anything else becomes a report (channel ``email``). The receipt e-mail is the
   notification system's (it writes to every report's ``reporter_email``).

JPG, PNG and PDF attachments go through the same checks as web uploads (type sniffing,
size, EXIF stripped by re-encoding); other files are skipped and listed in the answer.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aduan.channels.email import threads
from aduan.channels.email.models import InboundEmail
from aduan.channels.email.parsing import ParsedEmail, RawAttachment, parse_email
from aduan.channels.email.quoting import strip_quoted
from aduan.channels.text import shorten, title_from, truncate
from aduan.reports import access, intake, lifecycle
from aduan.reports.errors import Conflict, TransitionError
from aduan.reports.models import Channel, Report, ReportEvent, Status
from aduan.reports.tracking import display
from aduan.reports.uploads import CleanFile, UploadError, clean_upload

Outcome = InboundEmail.Outcome
MAX_BODY = 10_000
DEFAULT_MAX_BYTES = 15 * 1024 * 1024
REPLY_ACTIONS: dict[str, str] = {
    Status.RESPONDED: "reporter_reply",
    Status.NEEDS_INFO: "provide_info",
}
_SUBJECT_PREFIX = re.compile(
    r"^\s*((re|fw|fwd|aw|wg|tr|bls|balas|trs|terusan|ttg)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE
)


def ignore_reasons() -> dict[str, str]:
    return {
        "auto_submitted": _("Pesan otomatis (Auto-Submitted)."),
        "auto_reply": _("Balasan otomatis."),
        "bulk": _("Surel massal atau milis (Precedence)."),
        "delivery_report": _("Laporan pengiriman surel (DSN)."),
        "bounce": _("Surel pentalan (bounce)."),
        "mailing_list": _("Surel dari milis."),
        "own_address": _("Surel dari alamat Aduan sendiri."),
        "no_sender": _("Alamat pengirim tidak ada atau tidak valid."),
        "not_reporter": _("Pengirim bukan pelapor laporan ini."),
        "not_awaiting_reply": _("Laporan ini sedang tidak menunggu balasan pelapor."),
        "empty": _("Surel tanpa isi."),
    }


class MessageTooLarge(ValueError):
    pass


class RetryLater(Exception):
    """The report changed while the reply was applied; the relay should try again."""


@dataclass
class EmailResult:
    outcome: str
    tracking_id: str = ""  # display form, e.g. 7KQ2M-XH4PT
    action: str = ""
    ignored: str = ""  # reason code
    detail: dict[str, Any] = field(default_factory=dict)
    duplicate: bool = False

    def as_json(self) -> dict[str, Any]:
        if self.outcome == Outcome.IGNORED:
            body: dict[str, Any] = {
                "ignored": self.ignored,
                "detail": ignore_reasons().get(self.ignored, ""),
            }
        else:
            body = {"tracking_id": self.tracking_id, **self.detail}
            if self.action:
                body["action"] = self.action
        if self.duplicate:
            body["duplicate"] = True
        return body


def max_bytes() -> int:
    return int(getattr(settings, "ADUAN_EMAIL_MAX_BYTES", DEFAULT_MAX_BYTES))


def email_receive(*, raw: bytes, now: datetime | None = None) -> EmailResult:
    """Handle one raw message. Raises MessageTooLarge and RetryLater."""
    if len(raw) > max_bytes():
        raise MessageTooLarge
    now = now or timezone.now()
    parsed = parse_email(raw)
    with translation.override(settings.LANGUAGE_CODE):
        previous = (
            InboundEmail.objects.select_related("report")
            .filter(message_id=parsed.message_id)
            .first()
        )
        if previous is not None:
            return _result(previous, duplicate=True)
        reason = parsed.automatic or _sender_problem(parsed)
        if reason:
            return _ignored(parsed, reason, size=len(raw), now=now)
        report = _thread_target(parsed)
        if report is not None:
            return _reply(parsed, report, size=len(raw), now=now)
        return _new_report(parsed, size=len(raw), now=now)


def _sender_problem(parsed: ParsedEmail) -> str:
    if not parsed.sender:
        return "no_sender"
    own = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    if own and parsed.sender.casefold() == own.casefold():
        return "own_address"
    return ""


def _thread_target(parsed: ParsedEmail) -> Report | None:
    known = (
        InboundEmail.objects.filter(message_id__in=parsed.references, report__isnull=False)
        .select_related("report")
        .first()
    )
    tracking_id = (
        (known.report.tracking_id if known is not None and known.report else None)
        or threads.tracking_id_in_message_ids(parsed.references)
        or threads.tracking_id_in_subject(parsed.subject)
    )
    return access.report_by_tracking_id(tracking_id) if tracking_id else None


def _reply(parsed: ParsedEmail, report: Report, *, size: int, now: datetime) -> EmailResult:
    if not access.sender_is_reporter(report, email=parsed.sender):
        return _ignored(parsed, "not_reporter", size=size, now=now)
    action = REPLY_ACTIONS.get(report.status)
    if action is None:
        return _ignored(parsed, "not_awaiting_reply", size=size, now=now)
    text = truncate(strip_quoted(parsed.text), MAX_BODY)
    files, detail = _clean_attachments(parsed)
    if not text and not files:
        return _ignored(parsed, "empty", size=size, now=now)
    change = lifecycle.Change(message=text or _("Lampiran dari pelapor."), attachments=files)
    actor = lifecycle.Actor(kind=ReportEvent.ActorKind.REPORTER, label="kanal:email")
    try:
        with transaction.atomic():
            row = _claim(parsed, Outcome.REPLY_APPLIED, size=size, now=now)
            if row is None:
                return _result(InboundEmail.objects.get(message_id=parsed.message_id), True)
            lifecycle.transition(report, action, actor=actor, change=change, now=now)
            _finish(row, report=report, action=action, detail=detail)
    except Conflict as exc:
        raise RetryLater(exc.message) from exc
    except TransitionError:
        return _ignored(parsed, "not_awaiting_reply", size=size, now=now)
    return _result(row)


def _new_report(parsed: ParsedEmail, *, size: int, now: datetime) -> EmailResult:
    body = parsed.text
    truncated = len(body) > MAX_BODY
    if truncated:
        body = truncate(body, MAX_BODY)
    files, detail = _clean_attachments(parsed)
    subject = _SUBJECT_PREFIX.sub("", parsed.subject).strip()
    if not body and not subject and not files:
        return _ignored(parsed, "empty", size=size, now=now)
    title = shorten(subject, 120) if subject else title_from(body)
    title = title or _("Laporan melalui surel")
    submission = intake.Submission(
        title=title,
        body=body or subject or title,
        channel=Channel.EMAIL,
        reporter_email=parsed.sender,
        reporter_name=shorten(parsed.sender_name, 120),
        attachments=files,
        language=settings.LANGUAGE_CODE,
    )
    detail["truncated"] = truncated
    with transaction.atomic():
        row = _claim(parsed, Outcome.REPORT_CREATED, size=size, now=now)
        if row is None:
            return _result(InboundEmail.objects.get(message_id=parsed.message_id), True)
        receipt = intake.report_submit(submission=submission, now=now)
        _finish(row, report=receipt.report, detail=detail)
    return _result(row)


def _ignored(parsed: ParsedEmail, reason: str, *, size: int, now: datetime) -> EmailResult:
    with transaction.atomic():
        row = _claim(parsed, Outcome.IGNORED, size=size, now=now, reason=reason)
        if row is None:
            return _result(InboundEmail.objects.get(message_id=parsed.message_id), True)
    return _result(row)


def _claim(
    parsed: ParsedEmail, outcome: str, *, size: int, now: datetime, reason: str = ""
) -> InboundEmail | None:
    """Insert the log row first: a concurrent post of the same message that committed
    first makes this one a duplicate (None) before anything else is written."""
    try:
        with transaction.atomic():
            return InboundEmail.objects.create(
                message_id=parsed.message_id,
                outcome=outcome,
                reason=reason,
                size=size,
                received_at=now,
            )
    except IntegrityError:
        return None


def _finish(row: InboundEmail, *, report: Report, detail: dict[str, Any], action: str = "") -> None:
    row.report = report
    row.action = action
    row.detail = detail
    row.save(update_fields=["report", "action", "detail"])


def _result(row: InboundEmail, duplicate: bool = False) -> EmailResult:
    return EmailResult(
        outcome=row.outcome,
        tracking_id=display(row.report.tracking_id) if row.report else "",
        action=row.action,
        ignored=row.reason,
        detail=dict(row.detail),
        duplicate=duplicate,
    )


def _clean_attachments(parsed: ParsedEmail) -> tuple[list[CleanFile], dict[str, Any]]:
    """Attachments checked like web uploads; what is not taken is listed with why."""
    files: list[CleanFile] = []
    skipped: list[dict[str, str]] = []
    seen: set[str] = set()
    for raw in parsed.attachments:
        digest = hashlib.sha256(raw.data).hexdigest()
        if digest in seen:
            continue  # the same photo in both the plain and the HTML alternative
        seen.add(digest)
        if len(files) >= settings.ADUAN_MAX_ATTACHMENTS:
            skipped.append({"name": raw.name, "reason": _("Terlalu banyak lampiran.")})
            continue
        try:
            files.append(clean_upload(_as_upload(raw)))
        except UploadError as exc:
            skipped.append({"name": raw.name, "reason": str(exc)})
    if parsed.forwarded:
        skipped.append({"name": "message/rfc822", "reason": _("Surel terlampir tidak diproses.")})
    return files, {"attachments": len(files), "skipped_attachments": skipped}


def _as_upload(raw: RawAttachment) -> SimpleUploadedFile:
    return SimpleUploadedFile(raw.name, raw.data, content_type=raw.content_type)
