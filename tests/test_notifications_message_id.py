"""Copies of one notice carry one Message-ID, so a resend after a crash is de-duplicated."""

from __future__ import annotations

from django.core import mail

from aduan.notifications import adapters
from aduan.notifications.models import Notification


def _notice(key: str) -> Notification:
    return Notification(
        dedupe_key=key,
        channel=Notification.Channel.EMAIL,
        recipient="warga@contoh.id",
        subject="Laporan ABCDE-FGHJK: Menunggu verifikasi",
        body="Laporan Anda kami terima.",
    )


def test_a_resent_notice_keeps_its_message_id_and_others_differ() -> None:
    mail.outbox.clear()
    adapters.send(_notice("event:1:reporter:email"))
    adapters.send(_notice("event:1:reporter:email"))  # the worker died before recording it
    adapters.send(_notice("event:2:reporter:email"))
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert ids[0] == ids[1] != ids[2]
    assert ids[0].startswith("<notice-") and ids[0].endswith(">")
    assert "event" not in ids[0]  # the key's content is not exposed
