"""The reporter's actions on the tracking page: answer the desk, reply, close, rate,
escalate to the Ombudsman; who may post them, and what each viewer sees afterwards."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from aduan.reports import intake
from aduan.reports.lifecycle import Actor, Change, transition
from aduan.reports.models import Attachment, ReportEvent, Status
from aduan.reports.uploads import CleanFile
from tests.factories import UserFactory, submit

PDF = b"%PDF-1.4\nbukti pembayaran\n"
DESK_QUESTION = "Mohon sebutkan nama jalan dan nomor rumah terdekat."
AGENCY_ANSWER = "Lubang sudah ditambal pada 3 Maret."


# ---- helpers --------------------------------------------------------------------------


def dispatch(world: Any, receipt: intake.Receipt, *, now: Any = None) -> intake.Receipt:
    transition(
        receipt.report,
        "dispatch",
        actor=Actor.staff(world.desk),
        change=Change(agency=world.bandung, category=world.category_roads),
        now=now,
    )
    return receipt


def needs_info(world: Any, **fields: Any) -> intake.Receipt:
    receipt = submit(**fields)
    transition(
        receipt.report,
        "request_info",
        actor=Actor.staff(world.desk),
        change=Change(message=DESK_QUESTION),
    )
    return receipt


def responded(world: Any, *, attachments: Any = (), public: bool = False, **fields: Any) -> Any:
    receipt = dispatch(world, submit(**fields))
    officer = Actor.staff(world.bandung_officer)
    transition(receipt.report, "accept", actor=officer)
    transition(
        receipt.report,
        "respond",
        actor=officer,
        change=Change(
            message=AGENCY_ANSWER, attachments=list(attachments), attachments_public=public
        ),
    )
    return receipt


def closed(world: Any, **fields: Any) -> intake.Receipt:
    receipt = responded(world, **fields)
    transition(receipt.report, "close", actor=Actor.reporter())
    return receipt


def overdue(world: Any, **fields: Any) -> intake.Receipt:
    """Dispatched so long ago that the completion limit has passed in real time."""
    long_ago = timezone.now() - timedelta(days=120)
    return dispatch(world, submit(now=long_ago, **fields), now=long_ago + timedelta(hours=1))


def action_url(receipt: intake.Receipt, action: str) -> str:
    return f"/lacak/{receipt.tracking_id}/aksi/{action}/"


def page_url(receipt: intake.Receipt, secret: str | None = None) -> str:
    url = f"/lacak/{receipt.tracking_id}/"
    return f"{url}?k={secret}" if secret else url


def post(
    client: Any,
    receipt: intake.Receipt,
    action: str,
    data: dict[str, Any] | None = None,
    *,
    secret: str | None = "",
) -> Any:
    """POST the action's form; field names carry the action as prefix, as on the page."""
    payload: dict[str, Any] = {f"{action}-{name}": v for name, v in (data or {}).items()}
    secret = receipt.secret if secret == "" else secret
    if secret is not None:
        payload["k"] = secret
    return client.post(action_url(receipt, action), payload)


def text(response: Any) -> str:
    return response.content.decode()


def events(receipt: intake.Receipt, action: str) -> list[ReportEvent]:
    return list(ReportEvent.objects.filter(report=receipt.report, action=action))


def refreshed(receipt: intake.Receipt) -> Any:
    receipt.report.refresh_from_db()
    return receipt.report


def pdf(name: str = "bukti.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# ---- which forms the page offers ------------------------------------------------------


def test_forms_post_the_secret_in_a_hidden_field_never_in_the_url(client, world):
    receipt = needs_info(world)
    html = text(client.get(page_url(receipt, receipt.secret)))
    assert f'action="{action_url(receipt, "provide-info")}"' in html
    assert f'<input type="hidden" name="k" value="{receipt.secret}">' in html
    assert "csrfmiddlewaretoken" in html
    assert 'enctype="multipart/form-data"' in html
    assert DESK_QUESTION in html
    # Only what makes sense now: nothing to close, rate or escalate yet.
    for other in ("reply", "close", "rate", "escalate"):
        assert action_url(receipt, other) not in html


def test_responded_report_offers_reply_and_close_with_explanations(client, world):
    receipt = responded(world)
    html = text(client.get(page_url(receipt, receipt.secret)))
    assert action_url(receipt, "reply") in html
    assert action_url(receipt, "close") in html
    assert action_url(receipt, "rate") not in html
    assert action_url(receipt, "escalate") not in html  # not due yet
    assert "tidak dapat dibuka lagi" in html  # what "Selesai" means
    assert '<label for="id_reply-message">' in html


def test_nobody_but_the_reporter_sees_the_forms(client, world):
    receipt = responded(world)
    for response in (
        client.get(page_url(receipt)),
        client.get(page_url(receipt, "bukan-rahasia")),
    ):
        html = text(response)
        assert "/aksi/" not in html
        assert "Tindakan Anda" not in html
    client.force_login(world.bandung_officer)  # staff are not the reporter either
    assert "/aksi/" not in text(client.get(page_url(receipt)))


def test_reporter_page_uses_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    receipt = responded(world, attachments=[CleanFile("a.pdf", "application/pdf", PDF)])
    with django_assert_max_num_queries(6):
        response = client.get(page_url(receipt, receipt.secret))
    assert response.status_code == 200


# ---- provide_info ---------------------------------------------------------------------


def test_provide_info_returns_the_report_to_the_desk(client, world):
    receipt = needs_info(world)
    response = client.post(
        action_url(receipt, "provide-info"),
        {
            "k": receipt.secret,
            "provide-info-message": "Jalan Sukasari 12, depan warung.",
            "provide-info-attachments": [pdf()],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == page_url(receipt, receipt.secret)
    assert refreshed(receipt).status == Status.SUBMITTED
    (event,) = events(receipt, "provide_info")
    assert event.actor_kind == ReportEvent.ActorKind.REPORTER
    assert event.actor is None
    assert event.message == "Jalan Sukasari 12, depan warung."
    attachment = Attachment.objects.get(event=event)
    assert attachment.original_name == "bukti.pdf"

    html = text(client.get(response["Location"]))
    assert 'role="status"' in html
    assert "Kelengkapan laporan Anda sudah terkirim" in html
    assert "Jalan Sukasari 12, depan warung." in html
    link = f"/lacak/{receipt.tracking_id}/lampiran/{attachment.token}/?k={receipt.secret}"
    assert link in html
    assert client.get(link).status_code == 200
    # The reporter's files are theirs: nobody else downloads them.
    assert client.get(link.split("?")[0]).status_code == 404


def test_blank_message_is_refused_on_its_field(client, world):
    receipt = needs_info(world)
    response = post(client, receipt, "provide-info", {"message": "   "})
    assert response.status_code == 400
    html = text(response)
    assert "Tulis pesan Anda." in html
    assert 'href="#id_provide-info-message"' in html  # error summary links to the field
    assert 'aria-invalid="true"' in html
    assert refreshed(receipt).status == Status.NEEDS_INFO
    assert not events(receipt, "provide_info")


def test_a_bad_file_is_refused_on_its_field(client, world):
    receipt = needs_info(world)
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/pdf")
    response = client.post(
        action_url(receipt, "provide-info"),
        {
            "k": receipt.secret,
            "provide-info-message": "Ini fotonya.",
            "provide-info-attachments": [bad],
        },
    )
    assert response.status_code == 400
    assert "tidak diterima" in text(response)
    assert not events(receipt, "provide_info")


# ---- reply ----------------------------------------------------------------------------


def test_reply_reopens_the_report_and_joins_the_conversation(client, world):
    receipt = responded(world)
    response = post(client, receipt, "reply", {"message": "Lubangnya masih ada di sisi timur."})
    assert response.status_code == 302
    report = refreshed(receipt)
    assert report.status == Status.IN_PROGRESS
    (event,) = events(receipt, "reporter_reply")
    assert event.actor_kind == ReportEvent.ActorKind.REPORTER
    assert (event.from_status, event.to_status) == (Status.RESPONDED, Status.IN_PROGRESS)

    private = text(client.get(response["Location"]))
    assert "Tanggapan Anda sudah terkirim" in private
    assert "Lubangnya masih ada di sisi timur." in private
    assert "Ditanggapi oleh pelapor" in private
    public = text(client.get(page_url(receipt)))
    assert "Lubangnya masih ada di sisi timur." not in public


def test_reply_is_refused_once_the_report_is_closed(client, world):
    receipt = closed(world)
    response = post(client, receipt, "reply", {"message": "Masih rusak."})
    assert response.status_code == 409
    html = text(response)
    assert "Tindakan tidak dapat dilakukan" in html
    assert "Selesai" in html
    assert f'href="{page_url(receipt, receipt.secret)}"' in html  # a way back
    assert "no-store" in response["Cache-Control"]
    assert not events(receipt, "reporter_reply")


# ---- close and rate -------------------------------------------------------------------


def test_close_then_the_rating_form_appears(client, world):
    receipt = responded(world)
    response = post(client, receipt, "close")
    assert response.status_code == 302
    assert refreshed(receipt).status == Status.CLOSED
    (event,) = events(receipt, "close")
    assert event.actor_kind == ReportEvent.ActorKind.REPORTER
    html = text(client.get(response["Location"]))
    assert "Laporan Anda dinyatakan selesai" in html
    assert action_url(receipt, "rate") in html
    # Words next to the numbers, in a fieldset with a legend; yes/no for "resolved".
    assert "<legend>Bagaimana penanganan laporan Anda oleh instansi?" in html
    assert "5 — Sangat baik" in html and "1 — Sangat buruk" in html
    assert 'type="radio" name="rate-rating" value="5"' in html
    assert 'type="radio" name="rate-resolved" value="yes"' in html
    assert action_url(receipt, "reply") not in html


def test_rating_is_saved_once(client, world):
    receipt = closed(world)
    response = post(client, receipt, "rate", {"rating": "4", "resolved": "no"})
    assert response.status_code == 302
    report = refreshed(receipt)
    assert (report.rating, report.resolved, report.status) == (4, False, Status.CLOSED)
    (event,) = events(receipt, "rate")
    assert event.actor_kind == ReportEvent.ActorKind.REPORTER
    html = text(client.get(response["Location"]))
    assert "Terima kasih atas penilaian Anda." in html
    assert "Anda memberi nilai 4 dari 5." in html
    assert "belum terselesaikan" in html
    assert action_url(receipt, "rate") not in html

    again = post(client, receipt, "rate", {"rating": "5", "resolved": "yes"})
    assert again.status_code == 409
    assert "sudah memberi penilaian" in text(again)
    assert refreshed(receipt).rating == 4
    assert len(events(receipt, "rate")) == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"rating": "9", "resolved": "yes"}, "rating", "Pilih nilai 1 sampai 5."),
        ({"rating": "0", "resolved": "yes"}, "rating", "Pilih nilai 1 sampai 5."),
        ({"resolved": "yes"}, "rating", "Pilih nilai 1 sampai 5."),
        ({"rating": "3"}, "resolved", "Pilih “Ya” atau “Tidak”."),
    ],
)
def test_rating_out_of_range_or_missing_is_refused_on_its_field(
    client, world, data, field, message
):
    receipt = closed(world)
    response = post(client, receipt, "rate", data)
    assert response.status_code == 400
    html = text(response)
    assert message in html
    assert f'href="#id_rate-{field}_0"' in html
    assert refreshed(receipt).rating is None
    assert not events(receipt, "rate")


def test_close_is_refused_before_the_agency_responded(client, world):
    receipt = dispatch(world, submit())
    response = post(client, receipt, "close")
    assert response.status_code == 409
    assert "Terdisposisi" in text(response)
    assert refreshed(receipt).status == Status.DISPATCHED


# ---- escalation to the Ombudsman ------------------------------------------------------


def test_escalation_is_refused_before_it_is_due(client, world):
    receipt = dispatch(world, submit())
    assert action_url(receipt, "escalate") not in text(
        client.get(page_url(receipt, receipt.secret))
    )
    response = post(client, receipt, "escalate", {"consent": "yes"})
    assert response.status_code == 409
    assert "Ombudsman" in text(response)
    assert refreshed(receipt).status == Status.DISPATCHED


def test_escalation_after_the_completion_limit_goes_to_the_ombudsman(client, world):
    receipt = overdue(world)
    html = text(client.get(page_url(receipt, receipt.secret)))
    assert action_url(receipt, "escalate") in html
    assert "lembaga negara yang mengawasi" in html  # what the Ombudsman is

    response = post(client, receipt, "escalate", {"consent": "yes"})
    assert response.status_code == 302
    report = refreshed(receipt)
    assert report.status == Status.ESCALATED
    assert report.agency == world.ombudsman
    (event,) = events(receipt, "escalate")
    assert event.actor_kind == ReportEvent.ActorKind.REPORTER
    assert event.agency == world.ombudsman
    assert "Ombudsman Republik Indonesia" in text(client.get(response["Location"]))


def test_declining_the_ombudsman_writes_nothing_and_keeps_the_offer(client, world):
    receipt = overdue(world)
    before = ReportEvent.objects.filter(report=receipt.report).count()
    response = post(client, receipt, "escalate", {"consent": "no"})
    assert response.status_code == 302
    assert ReportEvent.objects.filter(report=receipt.report).count() == before
    assert refreshed(receipt).status == Status.DISPATCHED
    html = text(client.get(response["Location"]))
    assert "tetap ditangani oleh Pemerintah Kota Bandung" in html
    assert "<details>" in html  # folded away, still there
    assert action_url(receipt, "escalate") in html
    # Changing one's mind later works.
    assert post(client, receipt, "escalate", {"consent": "yes"}).status_code == 302
    assert refreshed(receipt).status == Status.ESCALATED


def test_escalation_without_an_answer_is_refused(client, world):
    receipt = overdue(world)
    response = post(client, receipt, "escalate", {})
    assert response.status_code == 400
    assert refreshed(receipt).status == Status.DISPATCHED


# ---- who may act ----------------------------------------------------------------------


def test_wrong_or_missing_secret_and_unknown_reports_get_404(client, world):
    receipt = responded(world)
    other = submit()
    data = {"message": "Masih rusak."}
    for response in (
        post(client, receipt, "reply", data, secret=None),
        post(client, receipt, "reply", data, secret="bukan-rahasia"),
        post(client, receipt, "reply", data, secret=other.secret),
        client.post(f"/lacak/{receipt.tracking_id}/aksi/hapus/", {"k": receipt.secret}),
        client.post("/lacak/ABCDEFGHJK/aksi/reply/", {"k": receipt.secret}),
    ):
        assert response.status_code == 404
        assert "Masih rusak." not in text(response)
    assert refreshed(receipt).status == Status.RESPONDED
    # The secret in the address does not count: it belongs in the form.
    response = client.post(
        f"{action_url(receipt, 'reply')}?k={receipt.secret}", {"reply-message": "Masih."}
    )
    assert response.status_code == 404


def test_get_is_not_an_action(client, world):
    receipt = responded(world)
    assert client.get(action_url(receipt, "close"), {"k": receipt.secret}).status_code == 405


def test_the_reporters_account_acts_without_the_secret(client, world):
    user = UserFactory()
    receipt = intake.report_submit(
        submission=intake.Submission(
            title="Puskesmas tutup", body="Puskesmas tutup di jam layanan.", channel="web"
        ),
        reporter=user,
    )
    transition(
        receipt.report,
        "request_info",
        actor=Actor.staff(world.desk),
        change=Change(message="Kapan?"),
    )
    client.force_login(UserFactory())
    assert (
        post(client, receipt, "provide-info", {"message": "Senin."}, secret=None).status_code == 404
    )
    client.force_login(user)
    assert action_url(receipt, "provide-info") in text(client.get(page_url(receipt)))
    response = post(client, receipt, "provide-info", {"message": "Senin pagi."}, secret=None)
    assert response.status_code == 302
    assert response["Location"] == page_url(receipt)  # no secret to carry
    (event,) = events(receipt, "provide_info")
    assert event.actor == user


def test_a_stranger_holding_the_link_is_not_recorded_as_the_reporter(client, world):
    receipt = needs_info(world)
    client.force_login(UserFactory())
    assert post(client, receipt, "provide-info", {"message": "Jalan Mawar."}).status_code == 302
    (event,) = events(receipt, "provide_info")
    assert event.actor is None


def test_post_without_csrf_token_is_refused(world):
    receipt = needs_info(world)
    client = Client(enforce_csrf_checks=True)
    response = post(client, receipt, "provide-info", {"message": "Jalan Mawar 3."})
    assert response.status_code == 403
    assert refreshed(receipt).status == Status.NEEDS_INFO
    # With the token from the page, the same form goes through.
    html = text(client.get(page_url(receipt, receipt.secret)))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    response = client.post(
        action_url(receipt, "provide-info"),
        {
            "k": receipt.secret,
            "provide-info-message": "Jalan Mawar 3.",
            "csrfmiddlewaretoken": token.group(1),
        },
    )
    assert response.status_code == 302


# ---- privacy --------------------------------------------------------------------------


def test_confidential_report_actions_work_and_the_public_sees_status_only(client, world):
    receipt = responded(world, is_confidential=True)
    assert (
        post(client, receipt, "reply", {"message": "Petugasnya masih minta uang."}).status_code
        == 302
    )
    assert refreshed(receipt).status == Status.IN_PROGRESS
    public = text(client.get(page_url(receipt)))
    assert "dirahasiakan" in public
    for hidden in ("Petugasnya masih minta uang.", AGENCY_ANSWER, "Tindakan Anda", "/aksi/"):
        assert hidden not in public
    private = text(client.get(page_url(receipt, receipt.secret)))
    assert "Petugasnya masih minta uang." in private


def test_anonymous_reporter_identity_stays_hidden_after_acting(client, world):
    identity = ("Siti Aminah", "siti.aminah@example.id", "081233445566")
    receipt = responded(
        world,
        is_anonymous=True,
        reporter_name=identity[0],
        reporter_email=identity[1],
        reporter_phone=identity[2],
    )
    assert post(client, receipt, "reply", {"message": "Belum beres."}).status_code == 302
    for html in (
        text(client.get(page_url(receipt))),
        text(client.get(page_url(receipt, receipt.secret))),
    ):
        for value in identity:
            assert value not in html


# ---- the agency's files ---------------------------------------------------------------


def test_agency_files_public_for_everyone_private_for_the_reporter(client, world):
    published = CleanFile("berita-acara.pdf", "application/pdf", PDF)
    receipt = responded(world, attachments=[published], public=True)
    internal = responded(world, attachments=[CleanFile("surat.pdf", "application/pdf", PDF)])

    public_file = Attachment.objects.get(report=receipt.report)
    url = f"/lacak/{receipt.tracking_id}/lampiran/{public_file.token}/"
    assert url in text(client.get(page_url(receipt)))
    assert client.get(url).status_code == 200

    private_file = Attachment.objects.get(report=internal.report)
    url = f"/lacak/{internal.tracking_id}/lampiran/{private_file.token}/"
    assert url not in text(client.get(page_url(internal)))
    assert client.get(url).status_code == 404
    assert f"{url}?k={internal.secret}" in text(client.get(page_url(internal, internal.secret)))
    assert client.get(url, {"k": internal.secret}).status_code == 200


def test_published_files_of_a_confidential_report_stay_private(client, world):
    published = CleanFile("berita-acara.pdf", "application/pdf", PDF)
    receipt = responded(world, attachments=[published], public=True, is_confidential=True)
    attachment = Attachment.objects.get(report=receipt.report)
    url = f"/lacak/{receipt.tracking_id}/lampiran/{attachment.token}/"
    assert url not in text(client.get(page_url(receipt)))
    assert client.get(url).status_code == 404
    assert client.get(url, {"k": receipt.secret}).status_code == 200
