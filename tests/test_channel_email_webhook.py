"""The inbound e-mail webhook end to end: new reports with attachments, automatic mail
ignored, replies threaded onto reports by subject and by In-Reply-To, strangers refused,
duplicates and size limits."""

from __future__ import annotations

import io
from email.message import EmailMessage

import pytest
from django.urls import reverse
from PIL import ExifTags, Image

from aduan.channels.email.models import InboundEmail
from aduan.reports import tracking
from aduan.reports.lifecycle import Actor, Change, transition
from aduan.reports.models import Attachment, Channel, Report, ReportEvent, Status
from tests.test_channel_email_parsing import fixture

SECRET = "mail-secret-abcdef0123456789"
URL = "/channels/email/inbound"


@pytest.fixture
def relay(settings, world):
    settings.ADUAN_EMAIL_INBOUND_SECRET = SECRET
    return world


def post(client, raw: bytes, secret=SECRET, content_type="message/rfc822"):
    headers = {"HTTP_X_ADUAN_GATEWAY_SECRET": secret} if secret is not None else {}
    return client.post(URL, raw, content_type=content_type, **headers)


def jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SAMSUNG"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({1: "S", 2: (6.0, 54.0, 12.5), 3: "E", 4: (107.0, 36.0, 3.0)})
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def with_attachments(message_id="<foto-exe@example.id>") -> bytes:
    msg = EmailMessage()
    msg["From"] = "Andi Wijaya <andi.wijaya@example.id>"
    msg["Subject"] = "Fwd: Tumpukan sampah di pinggir sungai Citarum"
    msg["Message-ID"] = message_id
    msg.set_content("Sampah menumpuk di bantaran sungai, foto terlampir.\n\nAndi")
    msg.add_attachment(jpeg_with_gps(), "image", "jpeg", filename="IMG_20261102_0815.jpg")
    msg.add_attachment(b"MZ\x90\x00fake", "application", "x-msdownload", filename="foto.exe")
    pdf = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n"
    msg.add_attachment(pdf, "application", "pdf", filename="surat.pdf")
    return msg.as_bytes()


def test_url():
    assert reverse("channels_email:inbound") == URL


# ---- authentication and limits ----------------------------------------------------------


def test_secret_missing_wrong_or_unconfigured(client, relay, settings):
    raw = fixture("plain_utf8.eml")
    assert post(client, raw, secret=None).status_code == 401
    assert post(client, raw, secret="nope").status_code == 403
    settings.ADUAN_EMAIL_INBOUND_SECRET = ""
    response = post(client, raw)
    assert response.status_code == 503
    assert "ADUAN_EMAIL_INBOUND_SECRET" in response.json()["error"]["message"]
    assert not Report.objects.exists()


def test_huge_message_is_413(client, relay, settings):
    settings.ADUAN_EMAIL_MAX_BYTES = 4000
    raw = fixture("plain_utf8.eml") + b"\n" + b"x" * 4000
    response = post(client, raw)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert not Report.objects.exists() and not InboundEmail.objects.exists()


def test_default_limit_is_15_mb(client, relay):
    raw = fixture("plain_utf8.eml") + b"\n" + b"x" * (15 * 1024 * 1024)
    assert post(client, raw).status_code == 413


def test_form_posts_and_empty_bodies_are_refused(client, relay):
    response = client.post(URL, {"body": "x"}, HTTP_X_ADUAN_GATEWAY_SECRET=SECRET)
    assert response.status_code == 415
    assert post(client, b"  \n").status_code == 400


# ---- new reports ------------------------------------------------------------------------


def test_plain_message_becomes_a_report(client, relay):
    response = post(client, fixture("plain_utf8.eml"))
    assert response.status_code == 201
    report = Report.objects.get()
    assert response.json() == {
        "tracking_id": tracking.display(report.tracking_id),
        "attachments": 0,
        "skipped_attachments": [],
        "truncated": False,
    }
    assert report.channel == Channel.EMAIL
    assert (report.reporter_email, report.reporter_name) == (
        "siti.nurhaliza@example.id",
        "Siti Nurhaliza",
    )
    assert report.title == "Pungutan liar di kantor kelurahan Sukajadi"
    assert report.body.startswith("Selamat pagi Bapak/Ibu,\n\nSaya mau melaporkan")
    assert report.language == "id"


def test_latin1_and_html_only(client, relay):
    post(client, fixture("latin1_qp.eml"))
    post(client, fixture("html_only.eml"))
    latin, html = Report.objects.order_by("id")
    assert latin.title == "Keluhan kantin RSUD: «café» kotor dan mahal"
    assert latin.reporter_name == "José Gonçalves"
    assert "“harga khusus turis”" in latin.body
    assert html.body.startswith("Yth. Bapak/Ibu,\n\nLampu jalan di Jl. Dago & Simanjuntak")


def test_attachments_photo_cleaned_exe_skipped(client, relay):
    response = post(client, with_attachments())
    assert response.status_code == 201
    data = response.json()
    assert data["attachments"] == 2
    assert [s["name"] for s in data["skipped_attachments"]] == ["foto.exe"]
    assert "JPG, PNG, atau PDF" in data["skipped_attachments"][0]["reason"]
    report = Report.objects.get()
    assert report.title == "Tumpukan sampah di pinggir sungai Citarum"
    photo, pdf = report.attachments.order_by("id")
    assert (photo.content_type, photo.original_name) == ("image/jpeg", "IMG_20261102_0815.jpg")
    assert pdf.content_type == "application/pdf"
    with photo.file.open("rb") as stored, Image.open(stored) as img:
        exif = img.getexif()
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
        assert 0x010F not in exif


def test_too_many_attachments_are_listed(client, relay, settings):
    settings.ADUAN_MAX_ATTACHMENTS = 1
    data = post(client, with_attachments()).json()
    assert data["attachments"] == 1
    assert {s["name"] for s in data["skipped_attachments"]} == {"foto.exe", "surat.pdf"}


def test_long_body_is_truncated(client, relay):
    msg = EmailMessage()
    msg["From"] = "warga@example.id"
    msg["Subject"] = "Panjang"
    msg.set_content("kata " * 3000)
    data = post(client, msg.as_bytes()).json()
    assert data["truncated"] is True
    body = Report.objects.get().body
    assert len(body) <= 10_000 and body.endswith("[…]")


def test_no_subject_takes_the_first_words(client, relay):
    msg = EmailMessage()
    msg["From"] = "warga@example.id"
    msg.set_content("Air PDAM tidak mengalir sudah lima hari di perumahan Griya Asri blok D")
    post(client, msg.as_bytes())
    title = Report.objects.get().title
    assert title == "Air PDAM tidak mengalir sudah lima hari di perumahan Griya…"


def test_same_message_twice_is_one_report(client, relay):
    first = post(client, fixture("plain_utf8.eml"))
    second = post(client, fixture("plain_utf8.eml"))
    assert second.status_code == 200
    assert second.json() == {**first.json(), "duplicate": True}
    assert Report.objects.count() == 1


# ---- ignored ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("auto_reply.eml", "auto_submitted"),
        ("out_of_office.eml", "auto_reply"),
        ("dsn_bounce.eml", "auto_submitted"),
        ("bounce_no_headers.eml", "bounce"),
        ("bulk_newsletter.eml", "bulk"),
    ],
)
def test_automatic_mail_is_ignored(client, relay, name, reason):
    response = post(client, fixture(name))
    assert response.status_code == 200
    assert response.json()["ignored"] == reason
    assert not Report.objects.exists()
    assert InboundEmail.objects.get().outcome == InboundEmail.Outcome.IGNORED


def test_mail_from_our_own_address_is_ignored(client, relay, settings):
    settings.DEFAULT_FROM_EMAIL = "Aduan <no-reply@aduan.localhost>"
    msg = EmailMessage()
    msg["From"] = "NO-REPLY@aduan.localhost"
    msg["Subject"] = "Laporan"
    msg.set_content("loop")
    assert post(client, msg.as_bytes()).json()["ignored"] == "own_address"


def test_empty_message_is_ignored(client, relay):
    msg = EmailMessage()
    msg["From"] = "warga@example.id"
    msg.set_content("\n\n")
    assert post(client, msg.as_bytes()).json()["ignored"] == "empty"


# ---- replies ------------------------------------------------------------------------------


def filed_by_email(client) -> Report:
    post(client, fixture("plain_utf8.eml"))
    return Report.objects.get()


def to_responded(world, report):
    desk, officer = Actor.staff(world.desk), Actor.staff(world.bandung_officer)
    transition(report, "dispatch", actor=desk, change=Change(agency=world.bandung))
    transition(report, "accept", actor=officer)
    transition(report, "respond", actor=officer, change=Change(message="Petugas sudah ditegur."))
    report.refresh_from_db()


def test_reply_by_subject_threads_as_reporter_reply(client, relay):
    report = filed_by_email(client)
    to_responded(relay, report)
    response = post(client, fixture("reply_gmail_subject.eml", report.tracking_id))
    assert response.status_code == 200
    assert response.json()["action"] == "reporter_reply"
    assert response.json()["tracking_id"] == tracking.display(report.tracking_id)
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS
    event = report.events.last()
    assert event.action == "reporter_reply"
    assert event.actor_kind == ReportEvent.ActorKind.REPORTER
    assert event.actor_label == "kanal:email"
    # Only what the reporter wrote, not the quoted notice.
    assert event.message == (
        "Terima kasih, tapi petugas yang sama masih minta uang kemarin (6/11).\nMohon dicek lagi."
    )
    assert Report.objects.count() == 1


def test_reply_by_in_reply_to_provides_requested_details(client, relay):
    report = filed_by_email(client)
    transition(
        report,
        "request_info",
        actor=Actor.staff(relay.desk),
        change=Change(message="Mohon sebutkan alamat kantor kelurahan."),
    )
    response = post(client, fixture("reply_in_reply_to.eml"))  # subject names no report
    assert response.json()["action"] == "provide_info"
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert report.events.last().message == (
        "Kantor kelurahan Sukajadi di Jl. Sukajadi no. 12, loket 3. Kejadiannya jam 10 pagi."
    )


def test_reply_to_a_notice_message_id(client, relay):
    report = filed_by_email(client)
    to_responded(relay, report)
    response = post(client, fixture("reply_outlook_html.eml", report.tracking_id))
    assert response.json()["action"] == "reporter_reply"
    assert report.events.last().message == (
        "Masalahnya belum selesai – loket masih minta “uang rokok”."
    )


def test_reply_with_a_photo_attaches_it_to_the_event(client, relay):
    report = filed_by_email(client)
    to_responded(relay, report)
    msg = EmailMessage()
    msg["From"] = "siti.nurhaliza@example.id"
    msg["Subject"] = f"Re: Laporan {tracking.display(report.tracking_id)}: Ditindaklanjuti"
    msg.set_content("Ini fotonya, masih sama.")
    msg.add_attachment(jpeg_with_gps(), "image", "jpeg", filename="bukti.jpg")
    assert post(client, msg.as_bytes()).json()["attachments"] == 1
    event = report.events.last()
    assert Attachment.objects.get(event=event).original_name == "bukti.jpg"


def test_reply_from_another_address_is_refused(client, relay):
    report = filed_by_email(client)
    to_responded(relay, report)
    raw = fixture("reply_gmail_subject.eml", report.tracking_id).replace(
        b"Siti.Nurhaliza@Example.ID", b"orang.lain@example.id"
    )
    response = post(client, raw)
    assert response.json()["ignored"] == "not_reporter"
    report.refresh_from_db()
    assert report.status == Status.RESPONDED
    assert not report.events.filter(action="reporter_reply").exists()
    assert Report.objects.count() == 1
    assert InboundEmail.objects.get(message_id__contains="reply-gmail").report is None


def test_reply_when_nothing_is_awaited(client, relay):
    report = filed_by_email(client)
    response = post(client, fixture("reply_gmail_subject.eml", report.tracking_id))
    assert response.json()["ignored"] == "not_awaiting_reply"
    assert report.events.count() == 1


def test_reply_with_only_quoted_text_is_ignored(client, relay):
    report = filed_by_email(client)
    to_responded(relay, report)
    msg = EmailMessage()
    msg["From"] = "siti.nurhaliza@example.id"
    msg["Subject"] = f"Re: Laporan {tracking.display(report.tracking_id)}: Ditindaklanjuti"
    msg.set_content("> Petugas sudah ditegur.\n")
    assert post(client, msg.as_bytes()).json()["ignored"] == "empty"


def test_a_retried_reply_is_applied_once(client, relay):
    report = filed_by_email(client)
    to_responded(relay, report)
    raw = fixture("reply_gmail_subject.eml", report.tracking_id)
    post(client, raw)
    again = post(client, raw).json()
    assert again["duplicate"] is True and again["action"] == "reporter_reply"
    assert report.events.filter(action="reporter_reply").count() == 1


def test_admin_log(admin_client, client, relay):
    post(client, fixture("auto_reply.eml"))
    response = admin_client.get("/admin/channels_email/inboundemail/")
    assert response.status_code == 200
    assert b"auto-reply-20261104@example.co.id" in response.content


def test_reply_from_the_reporters_account_address(client, relay):
    from aduan.reports import intake
    from tests.factories import UserFactory

    citizen = UserFactory(email="warga.akun@example.id")
    submission = intake.Submission(title="Jalan rusak", body="Jalan rusak parah.", channel="web")
    report = intake.report_submit(submission=submission, reporter=citizen).report
    to_responded(relay, report)
    msg = EmailMessage()
    msg["From"] = "Warga <WARGA.AKUN@example.id>"
    msg["Subject"] = f"Re: Laporan {tracking.display(report.tracking_id)}: Ditindaklanjuti"
    msg.set_content("Belum diperbaiki sampai hari ini.")
    assert post(client, msg.as_bytes()).json()["action"] == "reporter_reply"
