"""The web submission form: happy path, uploads, exactly-once, and every kind of bad input."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from aduan.core.models import IdempotencyRecord
from aduan.reports import tracking
from aduan.reports.models import Attachment, Channel, Report, ReportType
from aduan.reports.views.submit import RECEIPT_SESSION_KEY
from tests.factories import UserFactory

URL = "/lapor/"
TOKEN = "tok-abcdefghijklmnopqrstuvwxyz"


def png_file(name: str = "foto.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def jpeg_with_gps(name: str = "jalan.jpg") -> SimpleUploadedFile:
    img = Image.new("RGB", (32, 32), "blue")
    exif = Image.Exif()
    exif[0x010F] = "KameraUji"  # Make
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {1: "S", 2: (6.0, 54.0, 0.0), 3: "E", 4: (107.0, 36.0, 0.0)}
    )
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    data = buf.getvalue()
    # The fixture must really carry GPS, or the test below proves nothing.
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def pdf_file(name: str = "surat.pdf", size: int = 200) -> SimpleUploadedFile:
    data = b"%PDF-1.4\n" + b"0" * max(0, size - 9)
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "token": TOKEN,
        "type": ReportType.COMPLAINT,
        "title": "Lampu jalan mati sebulan",
        "body": "Lampu jalan di Jl. Merdeka mati sejak sebulan lalu dan jalan gelap gulita.",
    }
    data.update(overrides)
    return data


def nothing_stored() -> bool:
    return (
        not Report.objects.exists()
        and not Attachment.objects.exists()
        and not IdempotencyRecord.objects.exists()
    )


def test_get_renders_form_with_token_and_labels(client: Any, world: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="token"' in html
    assert 'enctype="multipart/form-data"' in html
    # Regencies grouped by province, the province itself selectable too.
    assert '<optgroup label="Jawa Barat">' in html
    assert "Kota Bandung" in html
    assert "Jawa Barat (seluruh provinsi)" in html
    # The desk is never offered as a destination; a top-level agency is, units are not.
    assert "Admin Nasional SP4N-LAPOR!" not in html
    assert "Pemerintah Kota Bandung" in html
    assert "Dinas Kesehatan Kota Bandung" not in html
    assert "hanya admin nasional yang dapat melihatnya" in html
    assert "tidak pernah ditampilkan untuk publik" in html


def test_happy_path_creates_report_and_shows_receipt_once(client: Any, world: Any) -> None:
    data = form_data(
        region=world.region_bandung.code,
        district=world.district_bandung.code,
        agency=str(world.bandung.pk),
        category=str(world.category_roads.pk),
        incident_date="2025-01-15",
        reporter_name="Siti Aminah",
        reporter_email="siti@example.id",
        reporter_phone="0812 3456 7890",
        attachments=[png_file()],
    )
    response = client.post(URL, data)
    assert response.status_code == 302
    assert response["Location"] == "/lapor/terkirim/"

    report = Report.objects.get()
    assert report.channel == Channel.WEB
    assert report.title == "Lampu jalan mati sebulan"
    assert report.region == world.region_bandung
    assert report.district == world.district_bandung
    assert report.requested_agency == world.bandung
    assert report.agency is None  # the desk routes; the reporter only suggests
    assert report.category == world.category_roads
    assert str(report.incident_date) == "2025-01-15"
    assert report.reporter_phone == "0812 3456 7890"
    assert report.attachments.count() == 1
    assert report.attachments.get().content_type == "image/png"

    receipt = client.get("/lapor/terkirim/")
    assert receipt.status_code == 200
    assert "no-store" in receipt["Cache-Control"] or "no-cache" in receipt["Cache-Control"]
    html = receipt.content.decode()
    shown = tracking.display(report.tracking_id)
    assert shown in html and "-" in shown
    marker = f"/lacak/{report.tracking_id}/?k="
    assert marker in html
    secret = html.split(marker, 1)[1].split('"', 1)[0]
    assert tracking.secret_matches(secret, report.secret_hash)

    again = client.get("/lapor/terkirim/")
    assert again.status_code == 200
    assert shown not in again.content.decode()
    assert secret not in again.content.decode()
    assert "hanya ditampilkan" in again.content.decode()


def test_private_link_from_receipt_opens_full_report(client: Any, world: Any) -> None:
    client.post(URL, form_data(is_confidential="on"))
    report = Report.objects.get()
    body = client.session[RECEIPT_SESSION_KEY]
    page = client.get(f"/lacak/{report.tracking_id}/", {"k": body["secret"]})
    assert page.status_code == 200
    assert "Lampu jalan mati sebulan" in page.content.decode()


def test_jpeg_gps_exif_is_stripped(client: Any, world: Any) -> None:
    response = client.post(URL, form_data(attachments=[jpeg_with_gps()]))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    with attachment.file.open("rb") as fh:
        stored = fh.read()
    assert stored.startswith(b"\xff\xd8\xff")
    assert b"Exif" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()
    assert attachment.original_name == "jalan.jpg"


def test_double_submit_with_same_token_creates_one_report(client: Any, world: Any) -> None:
    first = client.post(URL, form_data(attachments=[png_file()]))
    first_receipt = dict(client.session[RECEIPT_SESSION_KEY])
    second = client.post(URL, form_data(attachments=[png_file()]))
    assert first.status_code == second.status_code == 302
    assert Report.objects.count() == 1
    assert Attachment.objects.count() == 1
    # The second response still shows the receipt (the browser only displays that one).
    assert client.session[RECEIPT_SESSION_KEY] == first_receipt
    page = client.get("/lapor/terkirim/").content.decode()
    assert tracking.display(Report.objects.get().tracking_id) in page


def test_new_token_creates_a_second_report(client: Any, world: Any) -> None:
    client.post(URL, form_data())
    client.post(URL, form_data(token="tok-zyxwvutsrqponmlkjihgfedcba"))
    assert Report.objects.count() == 2


def test_same_token_with_other_content_asks_again(client: Any, world: Any) -> None:
    client.post(URL, form_data())
    response = client.post(URL, form_data(title="Judul yang lain sama sekali"))
    assert response.status_code == 200
    assert Report.objects.count() == 1
    html = response.content.decode()
    assert "sudah pernah dikirim dengan isi yang berbeda" in html
    assert TOKEN not in html  # a fresh token, so sending again does create the report
    assert client.post(URL, form_data(title="Judul yang lain sama sekali")).status_code == 200
    token = html.split('name="token" value="', 1)[1].split('"', 1)[0]
    retry = client.post(URL, form_data(title="Judul yang lain sama sekali", token=token))
    assert retry.status_code == 302
    assert Report.objects.count() == 2


def test_missing_token_still_submits_once(client: Any, world: Any) -> None:
    data = form_data()
    del data["token"]
    assert client.post(URL, data).status_code == 302
    assert Report.objects.count() == 1


def test_authenticated_user_becomes_reporter(client: Any, world: Any) -> None:
    user = UserFactory()
    client.force_login(user)
    client.post(URL, form_data())
    assert Report.objects.get().reporter == user


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Tulis judul laporan."),
        ({"body": ""}, "body", "Tulis isi laporan."),
        ({"body": "   \n\t  "}, "body", "Tulis isi laporan."),
        ({"title": "x" * 201}, "title", "Judul paling banyak 200 karakter"),
        ({"body": "x" * 10_001}, "body", "Isi laporan paling banyak 10000 karakter"),
        ({"type": "bogus"}, "type", "Pilih"),
        ({"region": "99.99"}, "region", "Pilih wilayah dari daftar."),
        ({"incident_date": "2999-01-01"}, "incident_date", "tidak boleh di masa depan"),
        ({"incident_date": "kemarin"}, "incident_date", "Tanggal tidak valid"),
        ({"reporter_email": "bukan-surel"}, "reporter_email", "Alamat surel tidak valid"),
        ({"reporter_phone": "telepon saya"}, "reporter_phone", "Nomor telepon tidak valid"),
        ({"gender": "female"}, "demographics_consent", "Centang persetujuan"),
        ({"agency": "999999"}, "agency", "Pilih instansi dari daftar."),
    ],
)
def test_invalid_input_is_explained_and_nothing_stored(
    client: Any, world: Any, overrides: dict[str, Any], field: str, message: str
) -> None:
    response = client.post(URL, form_data(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert message in html
    anchor = f"id_{field}_0" if field == "type" else f"id_{field}"
    assert f'href="#{anchor}"' in html
    assert f'id="id_{field}_error"' in html
    if field != "type":
        assert 'aria-invalid="true"' in html
    assert nothing_stored()


def test_desk_agency_cannot_be_posted(client: Any, world: Any) -> None:
    response = client.post(URL, form_data(agency=str(world.desk_agency.pk)))
    assert response.status_code == 200
    assert "Pilih instansi dari daftar." in response.content.decode()
    assert nothing_stored()


def test_district_outside_chosen_regency_is_rejected(client: Any, world: Any) -> None:
    response = client.post(
        URL, form_data(region=world.region_surabaya.code, district=world.district_bandung.code)
    )
    assert response.status_code == 200
    assert 'id="id_district_error"' in response.content.decode()
    assert nothing_stored()


def test_demographics_stored_only_with_consent(client: Any, world: Any) -> None:
    client.post(
        URL,
        form_data(
            gender="female", age_band="18-30", has_disability="yes", demographics_consent="on"
        ),
    )
    report = Report.objects.get()
    assert (report.gender, report.age_band, report.has_disability) == ("female", "18-30", True)
    assert report.demographics_consent is True


def test_anonymous_and_confidential_flags_are_stored(client: Any, world: Any) -> None:
    client.post(URL, form_data(is_anonymous="on", is_confidential="on"))
    report = Report.objects.get()
    assert report.is_anonymous and report.is_confidential


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (lambda: [pdf_file(size=2_000)], "terlalu besar"),
        (
            lambda: [SimpleUploadedFile("foto.jpg", b"MZ\x90\x00" + b"\x00" * 200, "image/jpeg")],
            "tidak diterima. Gunakan JPG, PNG, atau PDF",
        ),
        (lambda: [pdf_file(f"s{i}.pdf") for i in range(4)], "Paling banyak 3 lampiran"),
        (
            lambda: [SimpleUploadedFile("rusak.png", b"\x89PNG\r\n\x1a\nrubbish", "image/png")],
            "rusak",
        ),
    ],
)
def test_bad_attachments_are_rejected_on_the_field(
    client: Any, world: Any, settings: Any, files: Any, message: str
) -> None:
    settings.ADUAN_MAX_ATTACHMENT_BYTES = 1_000
    settings.ADUAN_MAX_ATTACHMENTS = 3
    response = client.post(URL, form_data(attachments=files()))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'id="id_attachments_error"' in html
    assert 'href="#id_attachments"' in html
    assert "Pilih ulang lampiran" in html
    assert nothing_stored()


def test_refresh_lists_districts_of_chosen_regency_without_submitting(
    client: Any, world: Any
) -> None:
    response = client.post(
        URL, form_data(region=world.region_bandung.code, title="", action="districts")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{world.district_bandung.code}">Sukasari</option>' in html
    assert 'role="alert"' not in html  # no validation errors while only refreshing
    assert "Lampu jalan di Jl. Merdeka mati" in html  # what was typed is kept
    assert nothing_stored()


def test_district_json_for_progressive_enhancement(client: Any, world: Any) -> None:
    response = client.get("/lapor/kecamatan/", {"wilayah": world.region_bandung.code})
    assert response.status_code == 200
    assert response.json() == {"districts": [{"code": "32.73.01", "name": "Sukasari"}]}
    assert client.get("/lapor/kecamatan/", {"wilayah": "nope"}).json() == {"districts": []}
