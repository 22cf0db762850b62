"""Concatenated SMS: parts wait in :class:`SmsPart` until the set is complete.

Phones reuse their 8- or 16-bit reference numbers, so a part whose slot already holds
other text, or whose total differs from the stored set's, starts the set over: it belongs
to a newer message. The same part delivered twice is ignored.

Completion is claimed by deleting the set: a part is stored in its own transaction, and
the delivery that then finds every part deletes them and processes the message. Two
deliveries completing the same set at once both see it whole, but only one deletes the
rows (the other deletes none), so the message is handled once. Handling runs in the same
transaction as the delete, so a failure puts the parts back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from aduan.channels.sms.models import SmsPart

# Incomplete sets are dropped after a day: a missing part is not coming any more.
PART_TTL = timedelta(hours=24)


@dataclass(frozen=True)
class Parts:
    ref: int
    total: int
    seq: int


def _encode(text: str) -> bytes:
    return text.encode("utf-16-le", "surrogatepass")


def part_store(*, sender: str, parts: Parts, text: str, now: datetime) -> None:
    data = _encode(text)
    with transaction.atomic():
        sms_parts_prune(now=now)
        siblings = list(SmsPart.objects.filter(sender=sender, ref=parts.ref))
        slot = next((p for p in siblings if p.seq == parts.seq), None)
        if slot is not None and bytes(slot.text_utf16) == data:
            return  # the same part again
        if slot is not None or any(p.total != parts.total for p in siblings):
            SmsPart.objects.filter(sender=sender, ref=parts.ref).delete()
        try:
            with transaction.atomic():
                SmsPart.objects.create(
                    sender=sender,
                    ref=parts.ref,
                    total=parts.total,
                    seq=parts.seq,
                    text_utf16=data,
                    received_at=now,
                )
        except IntegrityError:
            pass  # the same part delivered twice at the same moment


def part_claim(*, sender: str, parts: Parts) -> str | None:
    """The whole message when every part is here and this call claimed them; call inside
    the transaction that handles the message."""
    rows = list(
        SmsPart.objects.filter(sender=sender, ref=parts.ref, total=parts.total).order_by("seq")
    )
    if [row.seq for row in rows] != list(range(1, parts.total + 1)):
        return None
    deleted, _by_model = SmsPart.objects.filter(pk__in=[row.pk for row in rows]).delete()
    if deleted != parts.total:
        return None  # another delivery completed the set first
    return b"".join(bytes(row.text_utf16) for row in rows).decode("utf-16-le", "surrogatepass")


def sms_parts_prune(*, now: datetime) -> int:
    """Drop parts of sets that stayed incomplete for :data:`PART_TTL`. Runs with every
    stored part; ``aduan smsprune`` runs it on demand (e.g. from cron)."""
    deleted, _by_model = SmsPart.objects.filter(received_at__lt=now - PART_TTL).delete()
    return deleted
