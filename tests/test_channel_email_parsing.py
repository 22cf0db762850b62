"""E-mail parsing with real-world messy messages: charsets that lie, encoded words,
HTML-only bodies, Apple Mail layouts, quoted replies from Gmail, Outlook and Indonesian
clients, auto-replies and bounces. Pure functions: no database."""

from __future__ import annotations

import io
from email.message import EmailMessage
from pathlib import Path

import pytest
from PIL import Image

from aduan.channels.email.html import html_to_text
from aduan.channels.email.parsing import decode_bytes, parse_email, unflow
from aduan.channels.email.quoting import strip_quoted
from aduan.channels.email.threads import (
    message_ids,
    notice_message_id,
    tracking_id_in_message_ids,
    tracking_id_in_subject,
)
from aduan.reports import tracking

FIXTURES = Path(__file__).parent / "fixtures" / "channels" / "email"


def fixture(name: str, tracking_id: str = "") -> bytes:
    raw = (FIXTURES / name).read_bytes()
    if tracking_id:
        raw = raw.replace(b"{tracking}", tracking.display(tracking_id).encode())
        raw = raw.replace(b"{tracking_raw}", tracking_id.encode())
    return raw


def noisy_jpeg(size: int = 200) -> bytes:
    out = io.BytesIO()
    Image.effect_noise((size, size), 90).convert("RGB").save(out, format="JPEG", quality=95)
    return out.getvalue()


# ---- whole messages ---------------------------------------------------------------------


def test_plain_utf8():
    parsed = parse_email(fixture("plain_utf8.eml"))
    assert parsed.message_id == "CAF7x2p0w9Qm=plain-utf8@mail.example.id"
    assert (parsed.sender, parsed.sender_name) == ("siti.nurhaliza@example.id", "Siti Nurhaliza")
    assert parsed.subject == "Pungutan liar di kantor kelurahan Sukajadi"
    assert "GRATIS. 😡\n\nMohon ditindaklanjuti 🙏" in parsed.text
    assert parsed.automatic == ""
    assert parsed.attachments == []


def test_quoted_printable_latin1_with_encoded_word_subject():
    parsed = parse_email(fixture("latin1_qp.eml"))
    assert parsed.sender_name == "José Gonçalves"
    assert parsed.subject == "Keluhan kantin RSUD: «café» kotor dan mahal"
    # Soft line breaks joined; Windows-1252 quotes and dash behind an ISO-8859-1 label.
    assert "harga tidak tertulis. Pelayan bilang “harga khusus turis” – itu tidak adil." in (
        parsed.text
    )
    assert parsed.text.endswith("José")


def test_html_only_body_becomes_text_without_script_or_style():
    parsed = parse_email(fixture("html_only.eml"))
    assert parsed.text == (
        "Yth. Bapak/Ibu,\n\n"
        "Lampu jalan di Jl. Dago & Simanjuntak mati sejak 2 minggu.\n"
        "Trotoar juga rusak – bahaya untuk pejalan kaki & pengguna kursi roda.\n\n"
        "- Lampu mati: 12 tiang\n- Trotoar amblas: ± 30 m\n\n"
        "Terima kasih,\nBudi"
    )
    assert "alert" not in parsed.text and "color" not in parsed.text


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("auto_reply.eml", "auto_submitted"),
        ("out_of_office.eml", "auto_reply"),
        ("bulk_newsletter.eml", "bulk"),
        ("dsn_bounce.eml", "auto_submitted"),
        ("bounce_no_headers.eml", "bounce"),
        ("plain_utf8.eml", ""),
        ("latin1_qp.eml", ""),
    ],
)
def test_automatic_messages_are_recognised(name, reason):
    assert parse_email(fixture(name)).automatic == reason


def _message(**headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = headers.pop("From", "Warga <warga@example.id>")
    msg["Subject"] = headers.pop("Subject", "Jalan rusak")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content("Jalan rusak di depan rumah saya.")
    return msg.as_bytes()


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto_Submitted": "auto-generated"}, "auto_submitted"),
        ({"Auto_Submitted": "no"}, ""),
        ({"X_Autorespond": "yes"}, "auto_reply"),
        ({"Precedence": "junk"}, "bulk"),
        ({"Precedence": "list"}, "bulk"),
        ({"Return_Path": "<>"}, "bounce"),
        ({"From": "MAILER-DAEMON@mx.example.id"}, "bounce"),
        ({"List_Id": "<warga.lists.example.id>"}, "mailing_list"),
        ({"Subject": "Balasan Otomatis: Jalan rusak"}, "auto_reply"),
        ({"Subject": "Out of Office: Jalan rusak"}, "auto_reply"),
        ({"Subject": "Re: kantor saya di luar kota"}, ""),
    ],
)
def test_automatic_reasons(headers, reason):
    assert parse_email(_message(**headers)).automatic == reason


def test_multipart_report_is_a_delivery_report():
    raw = fixture("dsn_bounce.eml").replace(b"Auto-Submitted: auto-replied\n", b"")
    raw = raw.replace(b"Return-Path: <>\n", b"").replace(b"MAILER-DAEMON", b"mta")
    assert parse_email(raw).automatic == "delivery_report"


def test_raw_utf8_in_headers_and_missing_message_id():
    raw = ("From: Budi Śantoso <budi@example.id>\nSubject: Jalan rusak ✓\n\nisi laporan\n").encode()
    parsed = parse_email(raw)
    assert parsed.sender_name == "Budi Śantoso"
    assert parsed.subject == "Jalan rusak ✓"
    assert parsed.message_id.startswith("sha256:")
    assert parse_email(raw).message_id == parsed.message_id


def test_unusable_sender():
    assert parse_email(b"From: garbage <<<@@\nSubject: x\n\nbody").sender == ""
    assert parse_email(b"Subject: x\n\nbody").sender == ""


# ---- structures -------------------------------------------------------------------------


def test_apple_mail_photo_lives_only_in_the_html_alternative():
    photo = noisy_jpeg()
    msg = EmailMessage()
    msg["From"] = "warga@example.id"
    msg["Subject"] = "Sampah"
    msg.set_content("Sampah menumpuk di pasar, foto terlampir.")
    msg.add_alternative("<p>Sampah menumpuk di pasar.</p><img src='cid:f1'>", "html")
    html = msg.get_payload()[1]
    html.add_related(photo, "image", "jpeg", cid="<f1>", filename="IMG_0412.jpeg")
    parsed = parse_email(msg.as_bytes())
    assert parsed.text == "Sampah menumpuk di pasar, foto terlampir."
    assert [(a.name, a.content_type, a.data) for a in parsed.attachments] == [
        ("IMG_0412.jpeg", "image/jpeg", photo)
    ]


def test_body_split_around_a_photo_is_kept_whole():
    msg = EmailMessage()
    msg["From"] = "warga@example.id"
    msg.set_content("Bagian pertama.")
    msg.add_attachment(noisy_jpeg(), "image", "jpeg", filename="a.jpg", disposition="inline")
    msg.add_attachment("Bagian kedua setelah foto.", disposition="inline")
    parsed = parse_email(msg.as_bytes())
    assert parsed.text == "Bagian pertama.\n\nBagian kedua setelah foto."
    assert len(parsed.attachments) == 1


def test_forwarded_message_and_signature_and_logo():
    inner = EmailMessage()
    inner["From"] = "orang.lain@example.id"
    inner.set_content("teks orang lain")
    msg = EmailMessage()
    msg["From"] = "warga@example.id"
    msg.set_content("Lihat surel terlampir.")
    msg.add_alternative("<p>Lihat surel terlampir.</p><img src='cid:logo'>", "html")
    msg.get_payload()[1].add_related(b"\x89PNG\r\n\x1a\nlogo", "image", "png", cid="<logo>")
    msg.add_attachment(inner)
    msg.add_attachment(b"sig", "application", "pkcs7-signature", filename="smime.p7s")
    parsed = parse_email(msg.as_bytes())
    assert parsed.text == "Lihat surel terlampir."
    assert parsed.forwarded == 1
    assert parsed.attachments == []  # the logo is decoration, the signature no evidence


def test_format_flowed():
    assert unflow("satu dua \ntiga\n-- \nsig", delsp=False) == "satu dua tiga\n-- \nsig"
    assert unflow("sa \ntu", delsp=True) == "satu"


# ---- pieces -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "charset", "text"),
    [
        ("café".encode(), "iso-8859-1", "café"),  # UTF-8 behind a Latin-1 label
        (b"caf\xe9 \x93ok\x94", "iso-8859-1", "café “ok”"),  # Windows-1252 really
        (b"caf\xe9", "", "café"),
        ("kaféé".encode(), "x-unknown-charset", "kaféé"),
        (b"\xff\xfeabc", "utf-8", "\ufffd\ufffdabc"),
        ("ÐšÐ¾Ñ€".encode(), "utf-8", "ÐšÐ¾Ñ€"),
        ("дорога".encode("koi8-r"), "koi8-r", "дорога"),
    ],
)
def test_decode_bytes(data, charset, text):
    assert decode_bytes(data, charset) == text


def test_html_quotes_are_marked():
    html = (
        "<div>Balasan saya</div>"
        "<blockquote>Kutipan<br>dua<blockquote>dalam</blockquote></blockquote>"
    )
    assert html_to_text(html) == "Balasan saya\n> Kutipan\n> dua\n> > dalam"


def test_html_broken_markup_never_fails():
    text = html_to_text("<p>Jalan <b>rusak<p>parah</i></div>&nbsp;&copy; <")
    assert text == "Jalan rusak\nparah\n© <"


@pytest.mark.parametrize(
    "separator",
    [
        "On Fri, 6 Nov 2026 at 14:02, Aduan <no-reply@aduan.localhost> wrote:",
        "On Fri, 6 Nov 2026 at 14:02, Aduan <no-reply@aduan.localhost>\nwrote:",
        "Pada tanggal Jum, 6 Nov 2026 pukul 14.02 Aduan <no-reply@aduan.localhost>\nmenulis:",
        "Pada Jum, 6 Nov 2026 14:02 Aduan menulis:",
        "-----Original Message-----\nFrom: Aduan",
        "-----Pesan Asli-----\nDari: Aduan",
        "From: Aduan <no-reply@aduan.localhost>\nSent: Friday, November 6, 2026 2:02 PM",
        "Dari: Aduan <no-reply@aduan.localhost>\nDikirim: Jumat, 6 November 2026 14.02",
        "________________________________\nFrom: Aduan",
        "-- \nSiti Nurhaliza\n0812-3456-7890",
    ],
)
def test_strip_quoted(separator):
    text = f"Masih rusak pak.\nMohon dicek.\n\n{separator}\n> Laporan sudah ditindaklanjuti.\nlagi"
    assert strip_quoted(text) == "Masih rusak pak.\nMohon dicek."


def test_strip_quoted_drops_interleaved_quotes_and_keeps_plain_from_lines():
    text = "> pertanyaan petugas?\njawaban saya\n> lagi?\njawaban kedua\nFrom: rumah saya"
    assert strip_quoted(text) == "jawaban saya\njawaban kedua\nFrom: rumah saya"


def test_subject_tracking_ids():
    tid = tracking.new_tracking_id()
    shown = tracking.display(tid)
    for subject in (
        f"Re: Laporan {shown}: Ditindaklanjuti oleh instansi",
        f"RE: RE: Laporan {shown.lower()}: Selesai",
        f"Bls: [Aduan {shown}] foto tambahan",
        f"[aduan {tid}]",
        f"Re: Report {shown}: Responded by the agency",
        f"Fwd: laporan: {shown[:5]} {shown[6:]}",
    ):
        assert tracking_id_in_subject(subject) == tid, subject
    assert tracking_id_in_subject("Laporan jalan rusak di Cimahi") is None
    mistyped = tid[:-1] + ("X" if tid[-1] != "X" else "Y")  # the check symbol catches it
    assert tracking_id_in_subject(f"Laporan {mistyped}") is None


def test_notice_message_ids_round_trip():
    tid = tracking.new_tracking_id()
    value = notice_message_id(tid, domain="aduan.go.id")
    ids = message_ids(f"<a@b> {value}")
    assert tracking_id_in_message_ids(ids) == tid
    assert message_ids("bare-id@example.id") == ["bare-id@example.id"]
    assert message_ids("") == []


def test_reply_fixture_texts():
    tid = tracking.new_tracking_id()
    gmail = parse_email(fixture("reply_gmail_subject.eml", tid))
    assert strip_quoted(gmail.text) == (
        "Terima kasih, tapi petugas yang sama masih minta uang kemarin (6/11).\nMohon dicek lagi."
    )
    flowed = parse_email(fixture("reply_in_reply_to.eml", tid))
    assert strip_quoted(flowed.text) == (
        "Kantor kelurahan Sukajadi di Jl. Sukajadi no. 12, loket 3. Kejadiannya jam 10 pagi."
    )
    outlook = parse_email(fixture("reply_outlook_html.eml", tid))
    expected = "Masalahnya belum selesai – loket masih minta “uang rokok”."
    assert strip_quoted(outlook.text) == expected
    assert tracking_id_in_message_ids(outlook.references) == tid
