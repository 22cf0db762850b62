"""Concatenated long SMS: parts out of order, duplicates, reused references, emoji split
across parts, incomplete sets dropped after a day, and the claim that makes a message
handled once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from aduan.channels.sms.models import InboundSms, Outcome, SmsPart
from aduan.channels.sms.parts import PART_TTL, Parts, part_claim, part_store, sms_parts_prune
from aduan.reports import tracking
from aduan.reports.models import Report
from tests.test_channel_sms_webhook import INBOUND, PHONE, SECRET, gateway, sms  # noqa: F401

# A long complaint as a phone splits it: 153 characters per GSM-7 part, cut mid-word.
LONG = (
    "LAPOR Yth bapak/ibu, sy warga RT 04 RW 07 kel. Cibeureum kec. Cimahi Selatan mau "
    "melaporkan jalan utama kampung kami yg rusak parah sejak bln Mei, lubangnya dalam2 dan "
    "kalau hujan tergenang air jd tdk kelihatan. Sdh ada 3 pengendara motor jatuh minggu "
    "ini, salah satunya anak SMP yg mau berangkat sekolah. Kami sdh lapor ke kelurahan tp "
    "blm ada tindakan. Mohon segera diperbaiki sebelum ada korban lagi. Terima kasih 🙏"
)


def split(text: str, size: int = 153) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def part(client, text, seq, total, ref=17, message_id=None, sender=PHONE):
    extra = {"parts": {"ref": ref, "total": total, "seq": seq}}
    if message_id:
        extra["message_id"] = message_id
    return sms(client, text, sender=sender, **extra)


@pytest.mark.usefixtures("gateway")
def test_three_parts_out_of_order_with_a_duplicate(client):
    chunks = split(LONG)
    assert len(chunks) == 3
    replies = [
        part(client, chunks[2], 3, 3, message_id="p3").json()["reply"],
        part(client, chunks[0], 1, 3, message_id="p1").json()["reply"],
        part(client, chunks[0], 1, 3, message_id="p1-again").json()["reply"],  # duplicate
    ]
    assert replies == ["", "", ""]
    assert not Report.objects.exists()
    last = part(client, chunks[1], 2, 3, message_id="p2").json()["reply"]
    report = Report.objects.get()
    assert last.startswith(f"Laporan diterima. Nomor: {tracking.display(report.tracking_id)}")
    assert report.body == LONG.removeprefix("LAPOR ")
    assert not SmsPart.objects.exists()
    assert list(InboundSms.objects.order_by("id").values_list("outcome", flat=True)) == [
        Outcome.PART_STORED,
        Outcome.PART_STORED,
        Outcome.PART_STORED,
        Outcome.REPORT_CREATED,
    ]


@pytest.mark.usefixtures("gateway")
def test_a_retried_last_part_gets_the_same_reply(client):
    chunks = split(LONG)
    part(client, chunks[0], 1, 3, message_id="a")
    part(client, chunks[1], 2, 3, message_id="b")
    first = part(client, chunks[2], 3, 3, message_id="c").json()["reply"]
    again = part(client, chunks[2], 3, 3, message_id="c").json()["reply"]
    assert first == again and first
    assert Report.objects.count() == 1


@pytest.mark.usefixtures("gateway")
def test_a_late_duplicate_of_a_finished_message_files_nothing(client):
    chunks = split(LONG)
    for seq, chunk in enumerate(chunks, start=1):
        part(client, chunk, seq, 3)
    assert part(client, chunks[0], 1, 3).json()["reply"] == ""
    assert Report.objects.count() == 1


@pytest.mark.usefixtures("gateway")
def test_form_encoded_parts(client):
    chunks = split("LAPOR " + "lampu penerangan jalan mati sepanjang jalan desa " * 4, 67)
    for seq, chunk in enumerate(chunks, start=1):
        response = client.post(
            INBOUND,
            {
                "from": PHONE,
                "text": chunk,
                "udh_ref": "200",
                "udh_total": str(len(chunks)),
                "udh_seq": str(seq),
            },
            HTTP_X_ADUAN_GATEWAY_SECRET=SECRET,
        )
        assert response.status_code == 200
    assert Report.objects.get().body.startswith("lampu penerangan jalan mati")


@pytest.mark.usefixtures("gateway")
def test_emoji_split_between_two_parts_is_joined(client):
    # A UCS-2 gateway that decodes parts one by one sends the surrogate halves apart.
    part(client, "LAPOR banjir setinggi lutut di perumahan kami \ud83d", 1, 2, ref=5)
    part(client, "\ude2d tolong kirim perahu karet", 2, 2, ref=5)
    assert Report.objects.get().body == (
        "banjir setinggi lutut di perumahan kami 😭 tolong kirim perahu karet"
    )


@pytest.mark.usefixtures("gateway")
def test_parts_of_different_senders_and_refs_do_not_mix(client):
    chunks = split(LONG)
    part(client, chunks[0], 1, 3, ref=1)
    part(client, chunks[1], 2, 3, ref=1, sender="+6285712345678")
    part(client, chunks[2], 3, 3, ref=2)
    assert not Report.objects.exists()
    assert SmsPart.objects.count() == 3


def test_reused_reference_starts_the_set_over(db):
    now = timezone.now()
    # An old message that never completed used reference 9 ...
    part_store(sender=PHONE, parts=Parts(ref=9, total=3, seq=1), text="lama satu ", now=now)
    part_store(sender=PHONE, parts=Parts(ref=9, total=3, seq=2), text="lama dua ", now=now)
    # ... and the phone reuses it for a new two-part message.
    part_store(sender=PHONE, parts=Parts(ref=9, total=2, seq=2), text="baru dua", now=now)
    part_store(sender=PHONE, parts=Parts(ref=9, total=2, seq=1), text="baru satu ", now=now)
    assert part_claim(sender=PHONE, parts=Parts(ref=9, total=2, seq=1)) == "baru satu baru dua"


def test_a_different_text_in_a_taken_slot_starts_over(db):
    now = timezone.now()
    part_store(sender=PHONE, parts=Parts(ref=3, total=2, seq=1), text="pesan A1 ", now=now)
    part_store(sender=PHONE, parts=Parts(ref=3, total=2, seq=1), text="pesan B1 ", now=now)
    part_store(sender=PHONE, parts=Parts(ref=3, total=2, seq=2), text="pesan B2", now=now)
    assert part_claim(sender=PHONE, parts=Parts(ref=3, total=2, seq=2)) == "pesan B1 pesan B2"


def test_a_set_is_claimed_once(db):
    now = timezone.now()
    for seq in (1, 2):
        part_store(sender=PHONE, parts=Parts(ref=4, total=2, seq=seq), text=f"{seq} ", now=now)
    assert part_claim(sender=PHONE, parts=Parts(ref=4, total=2, seq=2)) == "1 2 "
    # The second of two deliveries that both saw the set complete gets nothing.
    assert part_claim(sender=PHONE, parts=Parts(ref=4, total=2, seq=1)) is None


def test_incomplete_sets_are_dropped_after_a_day(db):
    now = timezone.now()
    part_store(sender=PHONE, parts=Parts(ref=1, total=3, seq=1), text="a", now=now)
    part_store(sender=PHONE, parts=Parts(ref=2, total=3, seq=1), text="b", now=now + PART_TTL)
    assert sms_parts_prune(now=now + PART_TTL) == 0
    assert sms_parts_prune(now=now + PART_TTL + timedelta(seconds=1)) == 1
    assert list(SmsPart.objects.values_list("ref", flat=True)) == [2]


def test_storing_a_part_prunes_stale_sets(db):
    old = timezone.now() - PART_TTL - timedelta(hours=1)
    part_store(sender=PHONE, parts=Parts(ref=1, total=2, seq=1), text="a", now=old)
    part_store(sender="+6285712345678", parts=Parts(ref=1, total=2, seq=1), text="b", now=old)
    part_store(sender=PHONE, parts=Parts(ref=7, total=2, seq=1), text="c", now=timezone.now())
    assert list(SmsPart.objects.values_list("ref", flat=True)) == [7]


def test_smsprune_command(db, capsys):
    old = timezone.now() - PART_TTL - timedelta(hours=1)
    part_store(sender=PHONE, parts=Parts(ref=1, total=2, seq=1), text="a", now=old)
    call_command("smsprune")
    assert "dropped parts: 1" in capsys.readouterr().out


@pytest.mark.usefixtures("gateway")
def test_parts_of_one_message_count_once_against_the_limit(client, settings):
    settings.ADUAN_SMS_PER_NUMBER_PER_HOUR = 1
    chunks = split(LONG)
    for seq, chunk in enumerate(chunks, start=1):
        part(client, chunk, seq, 3)
    assert Report.objects.count() == 1


@pytest.mark.usefixtures("gateway")
@pytest.mark.parametrize("total", [2, 16])
def test_part_bounds(client, total):
    assert part(client, "x", total, total).status_code == 200
    assert part(client, "x", total + 1, total).status_code == 400
