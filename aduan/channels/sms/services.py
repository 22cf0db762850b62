"""Handling one inbound SMS or chat message: the same service for every gateway.

Order of work for one delivery:

1. A delivery whose gateway message ID was seen before gets the stored reply again and
   nothing else happens (gateways retry when our answer was slow or lost).
2. The per-sender limit (:mod:`.ratelimit`).
3. A part of a concatenated message is stored; the message is handled when its last
   part arrives (that delivery gets the reply, the others an empty one).
4. The command (:mod:`.parsing`) is carried out in one transaction with the log row, so
   the reply, and with it a tracking ID, goes out only after the report is committed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from aduan.channels.sms import parsing, ratelimit, replies, selectors
from aduan.channels.sms.models import PHONE_PLATFORMS, InboundSms, Outcome, Platform
from aduan.channels.sms.parts import Parts, part_claim, part_store
from aduan.channels.text import clean_text, repair_surrogates, title_from
from aduan.reports import access, intake, lifecycle
from aduan.reports.errors import Conflict, TransitionError
from aduan.reports.models import Channel, Report, ReportEvent, Status

REPEAT_WINDOW = timedelta(hours=24)  # the same text again within this is the same report
CONVERSATION_WINDOW = timedelta(days=30)  # BALAS without a number looks this far back
MAX_TEXT = 10_000
# What a reporter's message does to a report waiting for it.
REPLY_ACTIONS: dict[str, str] = {
    Status.RESPONDED: "reporter_reply",
    Status.NEEDS_INFO: "provide_info",
}


@dataclass(frozen=True)
class InboundMessage:
    """One message from any SMS or chat gateway, in one shape."""

    platform: str
    sender: str  # E.164 for SMS and WhatsApp; the platform's user ID otherwise
    text: str
    reply_to: str  # where the gateway sends our reply, exactly as it named the sender
    recipient: str = ""  # the number the person wrote to (the short number)
    message_id: str = ""
    parts: Parts | None = None
    received_at: datetime | None = None


@dataclass(frozen=True)
class SmsResult:
    reply: str  # empty: send nothing
    to: str
    outcome: str
    tracking_id: str = ""
    duplicate: bool = False


@dataclass(frozen=True)
class Handled:
    outcome: str
    reply: str
    report: Report | None = None
    text_hash: str = ""


def sms_receive(*, message: InboundMessage, now: datetime | None = None) -> SmsResult:
    now = now or timezone.now()
    # Citizens write to 1708 in Indonesian; the gateway's Accept-Language means nothing.
    with translation.override(settings.LANGUAGE_CODE):
        previous = selectors.previous_delivery(
            platform=message.platform, message_id=message.message_id
        )
        if previous is not None:
            return _result(previous, duplicate=True)
        first_part = message.parts is None or message.parts.seq == 1
        allowed = ratelimit.allowance(
            platform=message.platform, sender=message.sender, first_part=first_part, now=now
        )
        if allowed != ratelimit.Allowance.OK:
            reply = replies.rate_limited() if allowed == ratelimit.Allowance.NOTICE else ""
            return _logged(message, now, lambda: Handled(Outcome.RATE_LIMITED, reply))
        if message.parts is not None:
            part_store(sender=message.sender, parts=message.parts, text=message.text, now=now)
        return _logged(message, now, lambda: _handle(message, now))


def _logged(message: InboundMessage, now: datetime, work: Callable[[], Handled]) -> SmsResult:
    """Write the log row and do the work in one transaction; a concurrent delivery of
    the same message ID that committed first wins, and its reply is returned."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = InboundSms.objects.create(
                    platform=message.platform,
                    message_id=message.message_id,
                    sender=message.sender,
                    recipient=message.recipient,
                    text=repair_surrogates(message.text)[:MAX_TEXT],
                    part_ref=message.parts.ref if message.parts else None,
                    part_seq=message.parts.seq if message.parts else None,
                    part_total=message.parts.total if message.parts else None,
                    outcome=Outcome.PART_STORED,
                    reply_to=message.reply_to,
                    received_at=message.received_at or now,
                    created_at=now,
                )
        except IntegrityError:
            previous = selectors.previous_delivery(
                platform=message.platform, message_id=message.message_id
            )
            if previous is None:
                raise
            return _result(previous, duplicate=True)
        handled = work()
        row.outcome = handled.outcome
        row.reply = handled.reply
        row.report = handled.report
        row.text_hash = handled.text_hash
        row.save(update_fields=["outcome", "reply", "report", "text_hash"])
    return _result(row)


def _result(row: InboundSms, *, duplicate: bool = False) -> SmsResult:
    created = row.outcome in (Outcome.REPORT_CREATED, Outcome.REPORT_REPEATED)
    return SmsResult(
        reply=row.reply,
        to=row.reply_to,
        outcome=row.outcome,
        tracking_id=row.report.tracking_id if created and row.report else "",
        duplicate=duplicate,
    )


def _handle(message: InboundMessage, now: datetime) -> Handled:
    if message.parts is not None:
        text = part_claim(sender=message.sender, parts=message.parts)
        if text is None:
            return Handled(Outcome.PART_STORED, "")
    else:
        text = message.text
    command = parsing.parse(text, agency_lookup=selectors.agency_by_keyword)
    if command.kind == parsing.Kind.REPORT:
        return _report(message, command, now)
    if command.kind == parsing.Kind.STATUS:
        return _status(message, command)
    if command.kind == parsing.Kind.REPLY:
        return _reply(message, command, now)
    return Handled(Outcome.HELP, replies.help_text(command.problem))


def text_hash(text: str) -> str:
    return hashlib.sha256(parsing.fold(" ".join(text.split())).encode()).hexdigest()


def short_number(message: InboundMessage) -> str:
    """The number to name in replies: the one the person wrote to, for SMS; chat
    replies land in the same chat, so they name none."""
    if message.platform != Platform.SMS:
        return ""
    if message.recipient.isascii() and message.recipient.isdigit() and len(message.recipient) <= 15:
        return message.recipient
    return str(getattr(settings, "ADUAN_SMS_SHORT_NUMBER", "1708"))


def _report(message: InboundMessage, command: parsing.Command, now: datetime) -> Handled:
    body = clean_text(command.text)[:MAX_TEXT]
    digest = text_hash(body)
    earlier = selectors.recent_report_from(
        platform=message.platform,
        sender=message.sender,
        text_hash=digest,
        since=now - REPEAT_WINDOW,
    )
    if earlier is not None:
        reply = replies.repeated(earlier.tracking_id, short_number(message))
        return Handled(Outcome.REPORT_REPEATED, reply, earlier, digest)
    submission = intake.Submission(
        title=title_from(body),
        body=body,
        channel=Channel.SMS if message.platform == Platform.SMS else Channel.CHAT,
        type=command.report_type,
        requested_agency=command.agency,
        is_anonymous=command.is_anonymous,
        is_confidential=command.is_confidential,
        reporter_phone=message.sender if message.platform in PHONE_PLATFORMS else "",
        language=settings.LANGUAGE_CODE,
    )
    receipt = intake.report_submit(submission=submission, now=now)
    reply = replies.received(receipt.tracking_id, short_number(message))
    return Handled(Outcome.REPORT_CREATED, reply, receipt.report, digest)


def _is_reporter(report: Report, message: InboundMessage) -> bool:
    phone = message.sender if message.platform in PHONE_PLATFORMS else ""
    if phone and access.sender_is_reporter(report, phone=phone):
        return True
    filed = selectors.filed_by(report, platform=message.platform, sender=message.sender)
    return access.sender_is_reporter(report, filed_by_sender=filed)


def _status(message: InboundMessage, command: parsing.Command) -> Handled:
    if command.tracking_id is None:
        return Handled(Outcome.STATUS, replies.bad_id())
    report = access.report_by_tracking_id(command.tracking_id)
    if report is None:
        return Handled(Outcome.STATUS, replies.not_found(command.tracking_id))
    is_reporter = _is_reporter(report, message)
    # Confidential reports answer with their status only, unless the reporter asks.
    show_agency = is_reporter or access.citizen_view(report, secret=None).show_details
    reply = replies.status(
        report, show_agency=show_agency, reply_hint=is_reporter and report.status in REPLY_ACTIONS
    )
    return Handled(Outcome.STATUS, reply, report)


def _reply(message: InboundMessage, command: parsing.Command, now: datetime) -> Handled:
    report = access.report_by_tracking_id(command.tracking_id) if command.tracking_id else None
    reply_text = command.text
    if report is None:
        waiting = selectors.awaiting_reply(
            platform=message.platform, sender=message.sender, since=now - CONVERSATION_WINDOW
        )
        if command.tracking_id is not None and len(waiting) != 1:
            return Handled(Outcome.REPLY_REFUSED, replies.reply_refused())
        if len(waiting) != 1:
            return Handled(Outcome.REPLY_REFUSED, replies.reply_needs_id())
        # No number, or one that is no report (words that happened to read as one).
        report, reply_text = waiting[0], command.whole_text
    if not _is_reporter(report, message):
        return Handled(Outcome.REPLY_REFUSED, replies.reply_refused())
    action = REPLY_ACTIONS.get(report.status)
    if action is None:
        return Handled(Outcome.REPLY_REFUSED, replies.reply_not_awaiting(report), report)
    text = clean_text(reply_text)[:MAX_TEXT]
    if not text:
        return Handled(Outcome.REPLY_REFUSED, replies.reply_empty(report.tracking_id), report)
    actor = lifecycle.Actor(kind=ReportEvent.ActorKind.REPORTER, label=f"kanal:{message.platform}")
    try:
        lifecycle.transition(
            report, action, actor=actor, change=lifecycle.Change(message=text), now=now
        )
    except Conflict:
        return Handled(Outcome.REPLY_REFUSED, replies.busy(), report)
    except TransitionError as exc:
        return Handled(Outcome.REPLY_REFUSED, replies.fit(exc.message), report)
    return Handled(Outcome.REPLY_APPLIED, replies.reply_applied(report.tracking_id, action), report)
