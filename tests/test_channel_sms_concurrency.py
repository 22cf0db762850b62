"""Deliveries that arrive at the same moment: a gateway retrying before our first answer,
and the last two parts of a long message. Each message is handled exactly once."""

from __future__ import annotations

import pytest

from aduan.channels.sms.models import InboundSms, Outcome
from aduan.channels.sms.parts import Parts
from aduan.channels.sms.services import InboundMessage, sms_receive
from aduan.reports.models import Report
from tests.test_concurrency import race

PHONE = "+6281234567890"


def message(text: str, message_id: str = "", parts: Parts | None = None) -> InboundMessage:
    return InboundMessage(
        platform="sms",
        sender=PHONE,
        reply_to=PHONE,
        recipient="1708",
        text=text,
        message_id=message_id,
        parts=parts,
    )


@pytest.mark.django_db(transaction=True)
def test_the_same_delivery_four_times_at_once(world):
    msg = message("LAPOR jalan rusak parah di depan SDN 3 Cibeureum", message_id="gw-42")
    results = race(*[lambda: sms_receive(message=msg)] * 4)
    assert all(not isinstance(r, Exception) for r in results), results
    assert len({r.reply for r in results}) == 1
    assert results[0].reply.startswith("Laporan diterima")
    assert sum(not r.duplicate for r in results) == 1
    assert Report.objects.count() == 1
    assert InboundSms.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_last_two_parts_at_once_file_one_report(world):
    text = "LAPOR lampu penerangan jalan mati sepanjang jalan desa sukamaju sejak bulan lalu"
    chunks = [text[:30], text[30:60], text[60:]]
    sms_receive(message=message(chunks[0], "p1", Parts(ref=8, total=3, seq=1)))
    results = race(
        lambda: sms_receive(message=message(chunks[1], "p2", Parts(ref=8, total=3, seq=2))),
        lambda: sms_receive(message=message(chunks[2], "p3", Parts(ref=8, total=3, seq=3))),
    )
    assert all(not isinstance(r, Exception) for r in results), results
    assert sorted(bool(r.reply) for r in results) == [False, True]
    assert Report.objects.get().body == text.removeprefix("LAPOR ")
    assert InboundSms.objects.filter(outcome=Outcome.REPORT_CREATED).count() == 1
