"""The SMS and chat gateway webhooks, end to end: authentication, reports, status,
replies to follow-ups, gateway retries, resent reports, rate limits, chat platforms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aduan.agencies.models import Agency
from aduan.channels.sms.models import InboundSms, Outcome
from aduan.reports import tracking
from aduan.reports.lifecycle import Actor, Change, transition
from aduan.reports.models import Channel, Report, ReportEvent, Status
from tests.factories import report as make_report

SECRET = "gw-secret-0123456789abcdef"
PHONE = "+6281234567890"
OTHER_PHONE = "+6285712345678"
INBOUND = "/channels/sms/inbound"
CHAT = "/channels/sms/chat"


@pytest.fixture
def gateway(settings, world):
    settings.ADUAN_SMS_GATEWAY_SECRET = SECRET
    settings.ADUAN_SMS_PER_NUMBER_PER_HOUR = 10
    Agency.objects.create(code="PLN", abbreviation="PLN", name="PT PLN (Persero)", kind="bumn")
    Agency.objects.create(
        code="BPJSKES", abbreviation="BPJS-Kesehatan", name="BPJS Kesehatan", kind="institution"
    )
    return world


def sms(client, text, sender=PHONE, secret=SECRET, **extra):
    body = {"from": sender, "to": "1708", "text": text, **extra}
    headers = {"HTTP_X_ADUAN_GATEWAY_SECRET": secret} if secret is not None else {}
    return client.post(INBOUND, body, content_type="application/json", **headers)


def chat(client, platform, sender, text, **extra):
    body = {"platform": platform, "from": sender, "text": text, **extra}
    return client.post(
        CHAT, body, content_type="application/json", HTTP_X_ADUAN_GATEWAY_SECRET=SECRET
    )


def reply_of(response):
    assert response.status_code == 200, response.content
    return response.json()["reply"]


def tracking_id_in(reply):
    found = tracking.normalize(reply.split("Nomor: ")[1][:11])
    assert found, reply
    return found


def test_urls():
    assert reverse("channels_sms:inbound") == INBOUND
    assert reverse("channels_sms:chat") == CHAT


# ---- authentication ---------------------------------------------------------------------


def test_without_a_configured_secret_everything_is_refused(client, settings, db):
    settings.ADUAN_SMS_GATEWAY_SECRET = ""
    response = sms(client, "LAPOR jalan rusak parah di depan sekolah")
    assert response.status_code == 503
    assert "ADUAN_SMS_GATEWAY_SECRET" in response.json()["error"]["message"]
    assert not Report.objects.exists()


def test_missing_secret_is_401_and_wrong_secret_403(client, gateway):
    assert sms(client, "LAPOR jalan rusak parah", secret=None).status_code == 401
    response = sms(client, "LAPOR jalan rusak parah", secret=SECRET + "x")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not Report.objects.exists()


def test_only_post(client, gateway):
    response = client.get(INBOUND, HTTP_X_ADUAN_GATEWAY_SECRET=SECRET)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_no_csrf_token_needed(gateway):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert sms(strict, "LAPOR jalan rusak parah di depan sekolah").status_code == 200


# ---- reports ------------------------------------------------------------------------------


def test_lapor_creates_an_sms_report_and_replies_with_its_tracking_id(client, gateway):
    text = "LAPOR jln di dpn SDN 3 cibeureum rusak parah,udh 3bln g dibenerin2 😡🙏"
    response = sms(client, text, message_id="gw-1")
    data = response.json()
    assert data["to"] == PHONE
    report = Report.objects.get()
    shown = tracking.display(report.tracking_id)
    assert data["reply"] == (
        f"Laporan diterima. Nomor: {shown}. Cek status: kirim STATUS {shown} ke 1708"
    )
    assert len(data["reply"]) < 160
    assert report.channel == Channel.SMS
    assert report.reporter_phone == PHONE
    assert report.body == "jln di dpn SDN 3 cibeureum rusak parah,udh 3bln g dibenerin2 😡🙏"
    assert report.title == "jln di dpn SDN 3 cibeureum rusak parah,udh 3bln g…"
    assert report.language == "id"
    assert report.status == Status.SUBMITTED
    log = InboundSms.objects.get()
    assert (log.outcome, log.report, log.reply, log.reply_to) == (
        Outcome.REPORT_CREATED,
        report,
        data["reply"],
        PHONE,
    )


def test_form_encoded_variant(client, gateway):
    response = client.post(
        INBOUND,
        {"from": "081234567890", "to": "1708", "text": "Lapor#Lampu PJU mati sejak mgg lalu"},
        HTTP_X_ADUAN_GATEWAY_SECRET=SECRET,
    )
    data = response.json()
    assert data["to"] == "081234567890"  # answered the way the gateway named the sender
    report = Report.objects.get()
    assert report.reporter_phone == PHONE
    assert tracking_id_in(data["reply"]) == report.tracking_id


def test_the_number_written_to_is_named_in_the_reply(client, gateway, settings):
    settings.ADUAN_SMS_SHORT_NUMBER = "1708"
    reply = reply_of(sms(client, "LAPOR jalan rusak parah di depan sekolah", to="08111708"))
    assert reply.endswith("ke 08111708")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("PLN listrik mati tiap malam di kp. babakan rt 03/05", "PLN"),
        ("bpjs-kesehatan kartu sy ditolak di puskesmas padahal aktif", "BPJSKES"),
        ("LAPOR 32.73 pungli parkir di alun-alun tiap malam", "32.73"),
        ("kemenkes obat di puskesmas kosong terus sejak bulan lalu", "KEMENKES"),
    ],
)
def test_agency_keyword_requests_that_agency(client, gateway, text, code):
    reply_of(sms(client, text))
    assert Report.objects.get().requested_agency.code == code


def test_units_and_inactive_agencies_are_no_keywords(client, gateway):
    Agency.objects.filter(code="PLN").update(is_active=False)
    Agency.objects.create(
        code="DISHUB", abbreviation="DISHUB", name="Dishub", kind="unit", parent=gateway.bandung
    )
    reply_of(sms(client, "PLN listrik mati tiap malam di kp. babakan rt 03/05"))
    reply_of(sms(client, "DISHUB lampu lalu lintas mati di perempatan", sender=OTHER_PHONE))
    assert Report.objects.filter(requested_agency__isnull=True).count() == 2


def test_missing_keyword_is_a_report_when_long_enough(client, gateway):
    text = "assalamualaikum pak, sy mau lapor bantuan PKH blm cair 3 bln di desa sukamaju"
    tracking_id = tracking_id_in(reply_of(sms(client, text)))
    assert Report.objects.get(tracking_id=tracking_id).body == text


@pytest.mark.parametrize("text", ["", "halo", "LAPOR", "lapor banjir!!", "?", "👍"])
def test_too_short_or_empty_gets_the_format(client, gateway, text):
    reply = reply_of(sms(client, text))
    assert "LAPOR" in reply
    assert not Report.objects.exists()
    assert InboundSms.objects.get().outcome == Outcome.HELP


def test_anonymous_and_confidential_flags(client, gateway):
    reply_of(sms(client, "ADUAN ANONIM RAHASIA pungli bikin KTP di kelurahan diminta 200rb"))
    report = Report.objects.get()
    assert report.is_anonymous and report.is_confidential


def test_operator_notices_from_alphanumeric_senders_are_ignored(client, gateway):
    response = sms(client, "Sisa kuota Anda 1GB", sender="TELKOMSEL")
    assert response.json() == {"reply": "", "to": "TELKOMSEL", "ignored": "sender"}
    assert not Report.objects.exists()


# ---- retries and resends ----------------------------------------------------------------


def test_gateway_retry_gets_the_same_reply_and_files_nothing_twice(client, gateway):
    first = reply_of(sms(client, "LAPOR jalan rusak parah di depan sekolah", message_id="gw-7"))
    again = reply_of(sms(client, "LAPOR jalan rusak parah di depan sekolah", message_id="gw-7"))
    assert again == first
    assert Report.objects.count() == 1
    assert InboundSms.objects.count() == 1


def test_same_message_id_on_another_platform_is_another_message(client, gateway):
    sms(client, "LAPOR jalan rusak parah di depan sekolah", message_id="m-1")
    text = "LAPOR lampu jalan mati di gang mawar"
    chat(client, "whatsapp", "6285712345678", text, message_id="m-1")
    assert Report.objects.count() == 2


def test_resent_text_answers_with_the_same_tracking_id(client, gateway):
    text = "LAPOR Jalan rusak parah di depan SDN 3"
    first = tracking_id_in(reply_of(sms(client, text, message_id="a")))
    reply = reply_of(sms(client, "lapor   jalan rusak parah di depan sdn 3 ", message_id="b"))
    assert reply.startswith("Laporan ini sudah kami terima.")
    assert tracking_id_in(reply) == first
    assert Report.objects.count() == 1
    # The same text from someone else is their own report.
    reply_of(sms(client, text, sender=OTHER_PHONE))
    assert Report.objects.count() == 2


# ---- status -----------------------------------------------------------------------------


def dispatched(world, **fields):
    report = make_report(**fields)
    desk = Actor.staff(world.desk)
    transition(report, "dispatch", actor=desk, change=Change(agency=world.bandung))
    return report


def test_status_names_status_and_agency(client, gateway):
    report = dispatched(gateway)
    shown = tracking.display(report.tracking_id)
    reply = reply_of(sms(client, f"status {shown.lower().replace('-', ' ')}", sender=OTHER_PHONE))
    assert reply == f"Laporan {shown}: Terdisposisi ke Pemerintah Kota Bandung."
    assert InboundSms.objects.get().outcome == Outcome.STATUS


def test_status_of_a_confidential_report_is_status_only(client, gateway):
    report = dispatched(gateway, is_confidential=True, reporter_phone=PHONE)
    shown = tracking.display(report.tracking_id)
    reply = reply_of(sms(client, f"CEK {shown}", sender=OTHER_PHONE))
    assert reply == f"Laporan {shown}: Terdisposisi."
    assert "Bandung" not in reply
    # The reporter, writing from the report's number, sees the agency.
    assert "Bandung" in reply_of(sms(client, f"CEK {shown}"))


def test_status_with_look_alike_characters(client, gateway):
    report = make_report()
    shown = tracking.display(report.tracking_id)
    messy = shown.lower().replace("0", "o").replace("1", "l")
    assert reply_of(sms(client, f"Lacak  {messy} ")) == f"Laporan {shown}: Menunggu verifikasi."


def test_status_unknown_and_malformed_ids(client, gateway):
    unknown = tracking.display(tracking.new_tracking_id())
    reply = reply_of(sms(client, f"STATUS {unknown}"))
    assert reply == f"Laporan {unknown} tidak ditemukan. Periksa kembali nomornya."
    assert reply_of(sms(client, "STATUS 12345")).startswith("Nomor laporan tidak dikenali")


# ---- replies to follow-ups --------------------------------------------------------------


def responded(world, **fields):
    report = dispatched(world, **fields)
    officer = Actor.staff(world.bandung_officer)
    transition(report, "accept", actor=officer)
    transition(report, "respond", actor=officer, change=Change(message="Sudah ditambal."))
    report.refresh_from_db()
    return report


def test_balas_applies_the_reporters_reply(client, gateway):
    report = responded(gateway, reporter_phone="0812-3456-7890")  # typed on the web form
    shown = tracking.display(report.tracking_id)
    reply = reply_of(sms(client, f"BALAS {shown} lubangnya msh ada pak 😢"))
    assert reply == f"Tanggapan Anda untuk laporan {shown} diterima dan diteruskan ke petugas."
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS
    event = report.events.last()
    assert (event.action, event.message, event.actor_kind, event.actor_label) == (
        "reporter_reply",
        "lubangnya msh ada pak 😢",
        ReportEvent.ActorKind.REPORTER,
        "kanal:sms",
    )


def test_balas_answers_a_request_for_details(client, gateway):
    report = make_report(reporter_phone=PHONE)
    transition(
        report, "request_info", actor=Actor.staff(gateway.desk), change=Change(message="Di mana?")
    )
    shown = tracking.display(report.tracking_id)
    reply = reply_of(sms(client, f"balas {shown}: di gang mawar no 7 rt 02"))
    assert reply.startswith(f"Kelengkapan laporan {shown} diterima")
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert report.events.last().action == "provide_info"


def test_balas_from_another_number_is_refused_without_saying_why(client, gateway):
    report = responded(gateway, reporter_phone=PHONE)
    shown = tracking.display(report.tracking_id)
    refused = reply_of(sms(client, f"BALAS {shown} ini bukan laporan saya", sender=OTHER_PHONE))
    unknown = reply_of(
        sms(client, f"BALAS {tracking.display(tracking.new_tracking_id())} x", sender=OTHER_PHONE)
    )
    assert refused == unknown  # nothing tells a stranger the report exists
    assert shown not in refused
    report.refresh_from_db()
    assert report.status == Status.RESPONDED


def test_balas_when_the_report_waits_for_nobody(client, gateway):
    report = dispatched(gateway, reporter_phone=PHONE)
    shown = tracking.display(report.tracking_id)
    reply = reply_of(sms(client, f"BALAS {shown} kapan diperbaiki?"))
    assert reply == (f"Laporan {shown} sedang tidak menunggu balasan Anda (status: Terdisposisi).")
    assert report.events.count() == 2


def test_balas_without_number_answers_the_only_waiting_report(client, gateway):
    tracking_id = tracking_id_in(reply_of(sms(client, "LAPOR jalan rusak parah di depan SDN 3")))
    report = Report.objects.get(tracking_id=tracking_id)
    transition(
        report, "request_info", actor=Actor.staff(gateway.desk), change=Change(message="RT/RW?")
    )
    reply = reply_of(sms(client, "balas rt 03 rw 05 kel. cibeureum"))
    assert reply.startswith("Kelengkapan laporan")
    assert report.events.last().message == "rt 03 rw 05 kel. cibeureum"


def test_balas_without_number_and_nothing_waiting_asks_for_it(client, gateway):
    assert reply_of(sms(client, "balas sudah saya kirim")) == (
        "Sertakan nomor laporan. Format: BALAS <nomor laporan> <pesan>"
    )


def test_status_hints_the_reporter_how_to_answer(client, gateway):
    report = responded(gateway, reporter_phone=PHONE)
    shown = tracking.display(report.tracking_id)
    assert f"BALAS {shown}" in reply_of(sms(client, f"STATUS {shown}"))
    assert "BALAS" not in reply_of(sms(client, f"STATUS {shown}", sender=OTHER_PHONE))


# ---- rate limiting ----------------------------------------------------------------------


def test_per_number_limit_replies_once_then_stays_silent(client, gateway, settings):
    settings.ADUAN_SMS_PER_NUMBER_PER_HOUR = 3
    for i in range(3):
        assert "LAPOR" in reply_of(sms(client, f"halo {i}"))
    assert reply_of(sms(client, "halo lagi")) == "Terlalu banyak pesan; coba lagi nanti."
    for _ in range(3):
        response = sms(client, "LAPOR jalan rusak parah di depan sekolah")
        assert response.status_code == 200  # the gateway must not retry
        assert response.json()["reply"] == ""
    assert not Report.objects.exists()
    assert InboundSms.objects.filter(outcome=Outcome.RATE_LIMITED).count() == 4
    # Other numbers are not affected.
    assert "Laporan diterima" in reply_of(
        sms(client, "LAPOR jalan rusak parah di depan sekolah", sender=OTHER_PHONE)
    )


def test_gateway_retries_do_not_count_against_the_limit(client, gateway, settings):
    settings.ADUAN_SMS_PER_NUMBER_PER_HOUR = 2
    for _ in range(5):
        reply_of(sms(client, "halo", message_id="same"))
    assert "LAPOR" in reply_of(sms(client, "halo lagi", message_id="next"))


# ---- payloads ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to": "1708", "text": "x"}, "from"),
        ({"from": PHONE}, "text"),
        ({"from": PHONE, "text": ["x"]}, "text"),
        ({"from": PHONE, "text": "x" * 10_001}, "text"),
        ({"from": PHONE, "text": "x", "parts": {"ref": 1, "total": 0, "seq": 1}}, "parts.total"),
        ({"from": PHONE, "text": "x", "parts": {"ref": 1, "total": 3, "seq": 4}}, "parts.seq"),
        ({"from": PHONE, "text": "x", "parts": {"ref": "a", "total": 3, "seq": 1}}, "parts.ref"),
        ({"from": PHONE, "text": "x", "parts": [1, 3, 1]}, "parts"),
    ],
)
def test_invalid_payloads(client, gateway, body, field):
    response = client.post(
        INBOUND, body, content_type="application/json", HTTP_X_ADUAN_GATEWAY_SECRET=SECRET
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_unreadable_bodies(client, gateway):
    headers = {"HTTP_X_ADUAN_GATEWAY_SECRET": SECRET}
    assert client.post(INBOUND, "{", content_type="application/json", **headers).status_code == 400
    assert client.post(INBOUND, "[]", content_type="application/json", **headers).status_code == 400
    response = client.post(INBOUND, "from=x", content_type="text/plain", **headers)
    assert response.status_code == 415


def test_received_at_is_kept(client, gateway):
    sms(client, "halo", received_at="2026-11-02T09:00:00+07:00")
    sms(client, "halo", received_at="kemarin sore", sender=OTHER_PHONE)
    first, second = InboundSms.objects.order_by("id")
    assert first.received_at.isoformat() == "2026-11-02T02:00:00+00:00"
    assert abs(second.received_at - timezone.now()) < timedelta(minutes=5)


# ---- chat platforms ---------------------------------------------------------------------


def test_whatsapp_uses_the_same_handling(client, gateway):
    response = chat(client, "whatsapp", "6281234567890", "LAPOR lampu jalan mati di gang mawar")
    data = response.json()
    assert data["to"] == "6281234567890"
    report = Report.objects.get()
    assert report.channel == Channel.CHAT  # same handling, its own channel for statistics
    assert report.reporter_phone == PHONE
    shown = tracking.display(report.tracking_id)
    assert data["reply"] == f"Laporan diterima. Nomor: {shown}. Cek status: kirim STATUS {shown}"
    assert InboundSms.objects.get().platform == "whatsapp"


def test_whatsapp_and_sms_are_one_person(client, gateway):
    text = "LAPOR lampu jalan mati di gang mawar"
    reply = reply_of(chat(client, "whatsapp", "6281234567890", text))
    report = Report.objects.get(tracking_id=tracking_id_in(reply))
    transition(report, "request_info", actor=Actor.staff(gateway.desk), change=Change(message="?"))
    assert reply_of(sms(client, "BALAS di depan masjid al-ikhlas")).startswith("Kelengkapan")


def test_telegram_sender_is_no_phone_but_can_reply(client, gateway):
    reply = reply_of(chat(client, "telegram", "123456789", "LAPOR sampah menumpuk di pasar baru"))
    report = Report.objects.get(tracking_id=tracking_id_in(reply))
    assert report.reporter_phone == ""
    transition(report, "request_info", actor=Actor.staff(gateway.desk), change=Change(message="?"))
    shown = tracking.display(report.tracking_id)
    assert reply_of(chat(client, "telegram", "123456789", f"BALAS {shown} pasar baru blok C"))
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    # Another Telegram user cannot answer for the reporter.
    transition(report, "request_info", actor=Actor.staff(gateway.desk), change=Change(message="?"))
    refused = reply_of(chat(client, "telegram", "987654321", f"BALAS {shown} bukan saya"))
    assert refused.startswith("Balasan tidak dapat diterima")


def test_chat_validation(client, gateway):
    assert chat(client, "signal", "123", "halo").status_code == 400
    assert chat(client, "whatsapp", "nomor saya", "halo").status_code == 400
    assert chat(client, "telegram", "<script>", "halo").status_code == 400


def test_chat_has_its_own_secret_when_set(client, gateway, settings):
    settings.ADUAN_CHAT_GATEWAY_SECRET = "chat-only-secret"
    assert chat(client, "telegram", "123", "halo").status_code == 403
    response = client.post(
        CHAT,
        {"platform": "telegram", "from": "123", "text": "halo"},
        content_type="application/json",
        HTTP_X_ADUAN_GATEWAY_SECRET="chat-only-secret",
    )
    assert response.status_code == 200


def test_admin_log_shows_no_personal_data(admin_client, client, gateway):
    sms(client, "LAPOR jalan rusak parah di depan sekolah", message_id="gw-admin")
    response = admin_client.get("/admin/channels_sms/inboundsms/")
    assert response.status_code == 200
    assert b"gw-admin" in response.content
    assert PHONE.encode() not in response.content
    detail = admin_client.get(
        f"/admin/channels_sms/inboundsms/{InboundSms.objects.get().pk}/change/"
    )
    assert detail.status_code == 200
    assert PHONE.encode() not in detail.content and b"jalan rusak" not in detail.content
