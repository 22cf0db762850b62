"""Per-sender limits in Django's cache (fixed one-hour windows).

A sender over the limit gets one "too many messages" reply in that hour, then silence:
answering every message of a flood would cost as much as the flood. The gateway still
gets 200, so it does not retry. Later parts of a concatenated message count against a
separate, larger allowance, so one long message is one message.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 3600
MAX_PARTS = 16  # the most parts of one concatenated SMS we assemble


class Allowance(StrEnum):
    OK = "ok"
    NOTICE = "notice"  # the first message over the limit: say so once
    SILENT = "silent"


def per_hour() -> int:
    return int(getattr(settings, "ADUAN_SMS_PER_NUMBER_PER_HOUR", 10))


def allowance(*, platform: str, sender: str, first_part: bool, now: datetime) -> Allowance:
    """Count one message from ``sender`` and say whether it may be handled.

    ``first_part`` is True for a whole message or the first part of a concatenated one.
    A limit of 0 or less switches limiting off.
    """
    limit = per_hour()
    if limit <= 0:
        return Allowance.OK
    if not first_part:
        limit *= MAX_PARTS
    count = _hit(_key(platform, sender, "msg" if first_part else "part", now))
    if count <= limit:
        return Allowance.OK
    return Allowance.NOTICE if count == limit + 1 and first_part else Allowance.SILENT


def _key(platform: str, sender: str, kind: str, now: datetime) -> str:
    # The number is personal data: only its hash goes into the cache.
    who = hashlib.sha256(f"{platform}:{sender}".encode()).hexdigest()[:32]
    window = int(now.timestamp()) // WINDOW_SECONDS
    return f"aduan:sms-rate:{kind}:{who}:{window}"


def _hit(key: str) -> int:
    cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
        return 1
