"""Tracking pages: lookup, what each viewer may see, timeline, attachments."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation

from aduan.reports import intake, tracking
from aduan.reports.lifecycle import Actor, Change, transition
from aduan.reports.models import Attachment, ReportEvent
from aduan.reports.uploads import CleanFile
from tests.factories import UserFactory, submit

NOT_FOUND = "Tidak ada laporan dengan nomor pelacakan itu"
SECRET_TITLE = "Pungli di kantor kelurahan"
SECRET_BODY = "Petugas loket meminta uang tambahan untuk surat pengantar."


def dispatch(world: Any, receipt: intake.Receipt, agency: Any = None) -> None:
    transition(
        receipt.report,
        "dispatch",
        actor=Actor.staff(world.desk),
        change=Change(agency=agency or world.bandung, category=world.category_roads),
    )


def page(client: Any, receipt: intake.Receipt, secret: str | None = None) -> Any:
    params = {"k": secret} if secret else {}
    return client.get(f"/lacak/{receipt.tracking_id}/", params)


def text(response: Any) -> str:
    return response.content.decode()


# ---- lookup ---------------------------------------------------------------------------


def test_lookup_form_renders(client: Any, db: Any) -> None:
    response = client.get("/lacak/")
    assert response.status_code == 200
    assert '<label for="id_id">' in text(response)


def test_lookup_accepts_sloppy_typing(client: Any, world: Any) -> None:
    receipt = submit()
    typed = tracking.display(receipt.tracking_id).lower().replace("0", "o").replace("1", "l")
    typed = " " + typed[:3] + " " + typed[3:] + " "
    response = client.get("/lacak/", {"id": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/lacak/{receipt.tracking_id}/"


def test_detail_url_is_canonicalised_keeping_the_secret(client: Any, world: Any) -> None:
    receipt = submit()
    sloppy = tracking.display(receipt.tracking_id).lower()
    response = client.get(f"/lacak/{sloppy}/", {"k": receipt.secret})
    assert response.status_code == 302
    assert response["Location"] == f"/lacak/{receipt.tracking_id}/?k={receipt.secret}"


def test_unknown_and_malformed_ids_get_the_same_404(client: Any, world: Any) -> None:
    submit()
    unknown = tracking.new_tracking_id()  # valid check symbol, but nobody has it
    answers = [
        client.get("/lacak/", {"id": unknown}),
        client.get("/lacak/", {"id": "bukan-nomor"}),
        client.get("/lacak/", {"id": "X" * 500}),
        client.get(f"/lacak/{unknown}/"),
        client.get("/lacak/ABC/"),
    ]
    for response in answers:
        assert response.status_code == 404
        assert NOT_FOUND in text(response)


def test_one_mistyped_symbol_is_not_found(client: Any, world: Any) -> None:
    receipt = submit()
    tid = receipt.tracking_id
    wrong = ("1" if tid[0] != "1" else "2") + tid[1:]
    assert client.get("/lacak/", {"id": wrong}).status_code == 404


def test_empty_lookup_asks_for_the_id(client: Any, db: Any) -> None:
    response = client.get("/lacak/", {"id": "  "})
    assert response.status_code == 400
    assert "Tulis nomor pelacakan" in text(response)


# ---- what the public sees -------------------------------------------------------------


def test_public_report_shows_status_agency_deadlines_and_timeline(client: Any, world: Any) -> None:
    receipt = submit(region=world.region_bandung, attachments=[_pdf()])
    dispatch(world, receipt)
    report = receipt.report
    report.refresh_from_db()
    html = text(page(client, receipt))
    assert "Terdisposisi ke Pemerintah Kota Bandung" in html
    assert report.public_title in html
    assert "Kota Bandung" in html
    assert "Pekerjaan Umum dan Penataan Ruang" in html
    with translation.override("id"):
        first = report.first_response_due_at.astimezone(ZoneInfo("Asia/Jakarta"))
        expected = date_filter(first.date(), "j F Y")
    assert f"Batas tanggapan pertama: <strong>{expected}</strong>" in html
    assert "Batas penyelesaian" in html
    assert "Laporan diterima" in html
    assert "Diverifikasi dan didisposisikan" in html
    assert "Status berubah dari “Menunggu verifikasi” menjadi “Terdisposisi”." in html
    assert "1 berkas" in html
    assert "surat.pdf" not in html  # the public sees how many files, not which


def test_public_text_is_redacted(client: Any, world: Any) -> None:
    receipt = submit(
        body="Hubungi saya di 0812-3456-7890 atau warga@example.id, NIK 3273010101010001."
    )
    dispatch(world, receipt)
    html = text(page(client, receipt))
    assert "0812-3456-7890" not in html
    assert "warga@example.id" not in html
    assert "3273010101010001" not in html
    assert "[telepon disamarkan]" in html


def test_html_in_title_and_body_is_escaped(client: Any, world: Any) -> None:
    receipt = submit(
        title="<script>alert('judul')</script>",
        body="<b>tebal</b> <img src=x onerror=alert(1)> isi laporan",
    )
    dispatch(world, receipt)
    html = text(page(client, receipt))
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(&#x27;judul&#x27;)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "&lt;b&gt;tebal&lt;/b&gt;" in html


def test_unverified_report_shows_status_only_without_secret(client: Any, world: Any) -> None:
    receipt = submit(title=SECRET_TITLE, body=SECRET_BODY)
    html = text(page(client, receipt))
    assert "Menunggu verifikasi" in html
    assert "Batas verifikasi oleh admin nasional" in html
    assert SECRET_TITLE not in html
    assert SECRET_BODY not in html
    assert "setelah diverifikasi" in html
    assert SECRET_TITLE in text(page(client, receipt, receipt.secret))


def test_rejected_report_shows_reason(client: Any, world: Any) -> None:
    receipt = submit()
    transition(
        receipt.report, "reject", actor=Actor.staff(world.desk), change=Change(reason="spam")
    )
    html = text(page(client, receipt))
    assert "Tidak dapat diproses" in html
    assert "Spam atau bukan laporan" in html


# ---- confidential and anonymous ----------------------------------------------------------


def test_confidential_report_shows_status_only_without_secret(client: Any, world: Any) -> None:
    receipt = submit(
        title=SECRET_TITLE, body=SECRET_BODY, is_confidential=True, region=world.region_bandung
    )
    dispatch(world, receipt)
    html = text(page(client, receipt))
    assert "Terdisposisi" in html
    assert "Diverifikasi dan didisposisikan" in html  # timeline labels stay
    for hidden in (
        SECRET_TITLE,
        SECRET_BODY,
        "Pemerintah Kota Bandung",
        "Kota Bandung",
        "Batas tanggapan pertama",
        "berkas",
    ):
        assert hidden not in html, hidden
    assert "dirahasiakan" in html


def test_confidential_report_is_readable_with_secret_or_account(client: Any, world: Any) -> None:
    user = UserFactory()
    receipt = intake.report_submit(
        submission=intake.Submission(
            title=SECRET_TITLE, body=SECRET_BODY, channel="web", is_confidential=True
        ),
        reporter=user,
    )
    dispatch(world, receipt)
    with_secret = page(client, receipt, receipt.secret)
    assert with_secret.status_code == 200
    for shown in (SECRET_TITLE, SECRET_BODY, "Pemerintah Kota Bandung"):
        assert shown in text(with_secret)
    assert "no-store" in with_secret["Cache-Control"]
    assert with_secret["Referrer-Policy"] == "strict-origin"

    wrong = text(page(client, receipt, "bukan-rahasia-yang-benar"))
    assert SECRET_TITLE not in wrong
    assert "tidak cocok" in wrong

    client.force_login(user)
    assert SECRET_TITLE in text(page(client, receipt))
    client.force_login(UserFactory())
    assert SECRET_TITLE not in text(page(client, receipt))


def test_reporter_identity_never_on_tracking_page(client: Any, world: Any) -> None:
    receipt = submit(
        is_anonymous=True,
        reporter_name="Budi Santoso",
        reporter_email="budi.santoso@example.id",
        reporter_phone="081299887766",
    )
    dispatch(world, receipt)
    for response in (page(client, receipt), page(client, receipt, receipt.secret)):
        html = text(response)
        assert response.status_code == 200
        assert "Budi Santoso" not in html
        assert "budi.santoso@example.id" not in html
        assert "081299887766" not in html


# ---- timeline visibility --------------------------------------------------------------


def test_conversation_only_for_secret_holder_and_staff_notes_never(client: Any, world: Any) -> None:
    receipt = submit()
    report = receipt.report
    transition(
        report,
        "request_info",
        actor=Actor.staff(world.desk),
        change=Change(message="Mohon sebutkan nama jalannya."),
    )
    ReportEvent.objects.create(
        report=report,
        action="note",
        from_status=report.status,
        to_status=report.status,
        actor_kind=ReportEvent.ActorKind.STAFF,
        message="Catatan internal petugas: pelapor sering melapor.",
        visibility=ReportEvent.Visibility.STAFF,
        created_at=timezone.now(),
    )
    public = text(page(client, receipt))
    private = text(page(client, receipt, receipt.secret))
    assert "Admin meminta kelengkapan laporan" not in public
    assert "Mohon sebutkan nama jalannya." not in public
    assert "Admin meminta kelengkapan laporan" in private
    assert "Mohon sebutkan nama jalannya." in private
    assert "hanya untuk Anda dan petugas" in private
    for html in (public, private):
        assert "Catatan internal" not in html


def test_agency_answer_public_redacted_original_for_reporter(client: Any, world: Any) -> None:
    receipt = submit()
    dispatch(world, receipt)
    transition(
        receipt.report,
        "respond",
        actor=Actor.staff(world.bandung_officer),
        change=Change(message="Sudah diperbaiki. Info lanjut: 0812-1111-2222."),
    )
    public = text(page(client, receipt))
    private = text(page(client, receipt, receipt.secret))
    assert "Ditindaklanjuti oleh instansi" in public
    assert "Sudah diperbaiki." in public
    assert "0812-1111-2222" not in public
    assert "0812-1111-2222" in private


# ---- attachments ----------------------------------------------------------------------


def _pdf(name: str = "surat.pdf") -> CleanFile:
    return CleanFile(name=name, content_type="application/pdf", data=b"%PDF-1.4\nisi surat\n")


def test_secret_holder_downloads_own_attachment(client: Any, world: Any) -> None:
    receipt = submit(attachments=[_pdf()])
    attachment = Attachment.objects.get()
    html = text(page(client, receipt, receipt.secret))
    url = f"/lacak/{receipt.tracking_id}/lampiran/{attachment.token}/"
    assert f"{url}?k={receipt.secret}" in html
    response = client.get(url, {"k": receipt.secret})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "surat.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4\nisi surat\n"


def test_attachment_is_404_for_everybody_else(client: Any, world: Any) -> None:
    receipt = submit(attachments=[_pdf()])
    other = submit(attachments=[_pdf("lain.pdf")])
    dispatch(world, receipt)
    attachment = receipt.report.attachments.get()
    url = f"/lacak/{receipt.tracking_id}/lampiran/{attachment.token}/"
    assert client.get(url).status_code == 404
    assert client.get(url, {"k": "salah"}).status_code == 404
    assert client.get(url, {"k": other.secret}).status_code == 404
    other_url = f"/lacak/{receipt.tracking_id}/lampiran/{other.report.attachments.get().token}/"
    assert client.get(other_url, {"k": receipt.secret}).status_code == 404
    staff_file = Attachment.objects.create(
        report=receipt.report,
        event=None,
        token="stafftoken0000000000000000000000",
        file=ContentFile(b"%PDF-1.4 staff", name="x"),
        original_name="internal.pdf",
        content_type="application/pdf",
        size=14,
        sha256="0" * 64,
        submitted_on=timezone.now(),
    )
    staff_url = f"/lacak/{receipt.tracking_id}/lampiran/{staff_file.token}/"
    assert client.get(staff_url, {"k": receipt.secret}).status_code == 404
