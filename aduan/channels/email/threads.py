"""Which report an e-mail answers.

Three signs, strongest first:

1. ``In-Reply-To`` / ``References`` name a Message-ID we know for a report: an inbound
   message that filed it or replied to it (:class:`InboundEmail`), or a notice sent by
   Aduan whose Message-ID has the form made by :func:`notice_message_id`
   (``<laporan.7KQ2MXH4PT.<unique>@host>``).
2. The subject names the tracking ID the way notices do: "Laporan 7KQ2M-XH4PT: …"
   (and its English form "Report …"), or "[Aduan 7KQ2M-XH4PT]".

None of these proves who wrote: the caller still checks that the sender is the reporter.
"""

from __future__ import annotations

import re
import secrets

from aduan.reports import tracking

_SUBJECT = re.compile(
    r"\[\s*aduan\s+([0-9a-z][0-9a-z\- ]{8,14}[0-9a-z])\s*\]"
    r"|\b(?:laporan|report)\s*:?\s+([0-9a-z]{5}[\s-]?[0-9a-z]{5})\b",
    re.IGNORECASE,
)
_NOTICE_ID = re.compile(r"^laporan\.([0-9A-Z]{10})\.", re.IGNORECASE)
_ANGLE = re.compile(r"<([^<>\s]{1,250})>")


def notice_message_id(tracking_id: str, *, domain: str) -> str:
    """A Message-ID for an outgoing notice about a report; replies to it thread back.

    The notices sender can set ``Message-ID`` to this (``EmailMessage(headers=...)``).
    """
    return f"<laporan.{tracking_id}.{secrets.token_hex(8)}@{domain}>"


def tracking_id_in_subject(subject: str) -> str | None:
    for match in _SUBJECT.finditer(subject):
        found = tracking.normalize(match.group(1) or match.group(2))
        if found:
            return found
    return None


def message_ids(header_value: str) -> list[str]:
    """The Message-IDs in an In-Reply-To or References value, without angle brackets."""
    found = _ANGLE.findall(header_value)
    if not found and header_value.strip() and " " not in header_value.strip():
        found = [header_value.strip()]  # some clients leave out the brackets
    return found[:50]


def tracking_id_in_message_ids(ids: list[str]) -> str | None:
    for message_id in ids:
        match = _NOTICE_ID.match(message_id)
        if match:
            found = tracking.normalize(match.group(1))
            if found:
                return found
    return None


def normalize_message_id(value: str) -> str:
    ids = message_ids(value)
    return ids[0] if ids else ""
