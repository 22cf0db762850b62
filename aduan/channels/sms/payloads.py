"""Gateway request bodies → :class:`InboundMessage`.

SMS, JSON (``Content-Type: application/json``)::

    {"from": "+6281234567890", "to": "1708", "text": "LAPOR ...", "message_id": "gw-123",
     "parts": {"ref": 17, "total": 3, "seq": 1}, "received_at": "2026-11-02T09:00:00+07:00"}

SMS, form-encoded (``application/x-www-form-urlencoded``): ``from``, ``to``, ``text``,
``message_id``, ``received_at`` and, for a part of a concatenated message, ``udh_ref``,
``udh_total`` and ``udh_seq``.

Chat (WhatsApp, Telegram), JSON::

    {"platform": "whatsapp", "from": "6281234567890", "text": "...", "message_id": "wamid.X"}

``from`` and ``text`` are required; ``parts`` only for a message split by the network
(``total`` 2–16). ``received_at`` is optional ISO 8601 and ignored when unreadable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from aduan.channels.sms.models import Platform
from aduan.channels.sms.numbers import normalize_number
from aduan.channels.sms.parts import Parts
from aduan.channels.sms.ratelimit import MAX_PARTS
from aduan.channels.sms.services import MAX_TEXT, InboundMessage

CHAT_PLATFORMS = (Platform.WHATSAPP, Platform.TELEGRAM)
_CHAT_ID = re.compile(r"[A-Za-z0-9_@.:+-]{1,64}")
MAX_REF = 65535  # UDH references are 8 or 16 bits


class PayloadError(ValueError):
    def __init__(self, message: str, *, field: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status
        self.code = "unsupported_media_type" if status == 415 else "invalid"


class NotAPhoneNumber(ValueError):
    """The sender is an alphanumeric ID or a short code: nobody to answer."""

    def __init__(self, raw: str) -> None:
        super().__init__(raw)
        self.raw = raw


def sms_message(request: HttpRequest) -> InboundMessage:
    data, parts = _body(request)
    raw_from = _text(data, "from", required=True, limit=40)
    sender = normalize_number(raw_from)
    if sender is None:
        raise NotAPhoneNumber(raw_from)
    return InboundMessage(
        platform=Platform.SMS,
        sender=sender,
        reply_to=raw_from.strip(),
        recipient=_text(data, "to", limit=20).strip(),
        text=_text(data, "text", required=True, limit=MAX_TEXT),
        message_id=_text(data, "message_id", limit=100).strip(),
        parts=parts,
        received_at=_moment(data.get("received_at")),
    )


def chat_message(request: HttpRequest) -> InboundMessage:
    if request.content_type != "application/json":
        raise PayloadError(_("Kirim JSON (Content-Type: application/json)."), status=415)
    data = _json(request)
    platform = _text(data, "platform", required=True, limit=20).strip().lower()
    if platform not in CHAT_PLATFORMS:
        raise PayloadError(
            _("platform harus salah satu dari: %(choices)s.")
            % {"choices": ", ".join(CHAT_PLATFORMS)},
            field="platform",
        )
    raw_from = _text(data, "from", required=True, limit=64).strip()
    return InboundMessage(
        platform=platform,
        sender=_chat_sender(platform, raw_from),
        reply_to=raw_from,
        text=_text(data, "text", required=True, limit=MAX_TEXT),
        message_id=_text(data, "message_id", limit=100).strip(),
        received_at=_moment(data.get("received_at")),
    )


def _chat_sender(platform: str, raw: str) -> str:
    if platform == Platform.WHATSAPP:
        # WhatsApp names senders by their full international number without "+".
        digits = raw.lstrip("+")
        sender = normalize_number("+" + digits) if digits.isdigit() else None
        if sender is None:
            raise PayloadError(_("from bukan nomor WhatsApp yang valid."), field="from")
        return sender
    if not _CHAT_ID.fullmatch(raw):
        raise PayloadError(_("from bukan ID pengguna yang valid."), field="from")
    return raw


def _body(request: HttpRequest) -> tuple[Mapping[str, Any], Parts | None]:
    if request.content_type == "application/json":
        data = _json(request)
        raw_parts = data.get("parts")
        if raw_parts is None:
            return data, None
        if not isinstance(raw_parts, dict):
            raise PayloadError(_("parts harus objek {ref, total, seq}."), field="parts")
        return data, _parts(raw_parts.get("ref"), raw_parts.get("total"), raw_parts.get("seq"))
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = request.POST
        udh = [form.get(name, "") for name in ("udh_ref", "udh_total", "udh_seq")]
        if not any(udh):
            return form, None
        return form, _parts(*udh, prefix="udh_")
    raise PayloadError(
        _("Kirim JSON (application/json) atau formulir (application/x-www-form-urlencoded)."),
        status=415,
    )


def _json(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise PayloadError(_("Isi permintaan bukan JSON yang valid.")) from exc
    if not isinstance(data, dict):
        raise PayloadError(_("Isi permintaan harus objek JSON."))
    return data


def _parts(ref: Any, total: Any, seq: Any, *, prefix: str = "") -> Parts | None:
    values = {}
    for name, value in (("ref", ref), ("total", total), ("seq", seq)):
        field = f"{prefix}{name}" if prefix else f"parts.{name}"
        try:
            number = int(value)
        except (TypeError, ValueError):
            message = _("%(field)s harus bilangan bulat.") % {"field": field}
            raise PayloadError(message, field=field) from None
        values[name] = number
    if not 1 <= values["total"] <= MAX_PARTS:
        field = f"{prefix}total" if prefix else "parts.total"
        raise PayloadError(
            _("Jumlah bagian harus 1 sampai %(max)s.") % {"max": MAX_PARTS}, field=field
        )
    if not 1 <= values["seq"] <= values["total"] or not 0 <= values["ref"] <= MAX_REF:
        field = f"{prefix}seq" if prefix else "parts.seq"
        raise PayloadError(_("Nomor bagian di luar jumlah bagian."), field=field)
    if values["total"] == 1:
        return None  # a "concatenated" message of one part is a plain message
    return Parts(ref=values["ref"], total=values["total"], seq=values["seq"])


def _text(data: Mapping[str, Any], name: str, *, required: bool = False, limit: int) -> str:
    value = data.get(name)
    if value is None:
        if required:
            raise PayloadError(_("%(field)s wajib diisi.") % {"field": name}, field=name)
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # numbers sent without quotes
    if not isinstance(value, str):
        raise PayloadError(_("%(field)s harus teks.") % {"field": name}, field=name)
    if len(value) > limit:
        raise PayloadError(
            _("%(field)s terlalu panjang (maksimal %(limit)s karakter).")
            % {"field": name, "limit": limit},
            field=name,
        )
    # GSM 03.38 puts "@" at code 0x00 and gateways pass it on as NUL, which the message
    # log cannot hold (PostgreSQL refuses NUL in text): the "@" it stood for.
    return value.replace("\x00", "@")


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = parse_datetime(value.strip())
    except ValueError:
        return None
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
