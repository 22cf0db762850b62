"""POST /api/v1/reports: filing reports as JSON and multipart, and every way to get it wrong."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from aduan.agencies.models import Agency
from aduan.regions.models import District
from aduan.reports import access, tracking
from aduan.reports.models import Attachment, Channel, Report

URL = "/api/v1/reports"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def valid_payload(world: Any, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "complaint",
        "title": "Lampu jalan mati di Jalan Setiabudi",
        "body": "Sudah dua minggu lampu jalan mati, rawan kecelakaan pada malam hari.",
        "incident_date": str(timezone.localdate() - timedelta(days=3)),
        "region": world.region_bandung.code,
        "district": world.district_bandung.code,
        "latitude": -6.8731234567891,
        "longitude": 107.6012345678912,
        "agency": world.bandung.code,
        "category": world.category_roads.code,
        "reporter": {"name": "Siti Aminah", "email": "siti@example.id", "phone": "0812-3456-7890"},
    }
    payload.update(overrides)
    return payload


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(out, format="PNG")
    return out.getvalue()


def post_json(api: APIClient, payload: Any, **headers: Any) -> Any:
    return api.post(URL, data=json.dumps(payload), content_type="application/json", **headers)


def test_create_json_returns_receipt_and_stores_report(api, world):
    response = post_json(api, valid_payload(world))

    assert response.status_code == 201, response.content
    data = response.json()
    raw = data["tracking_id_raw"]
    assert tracking.normalize(raw) == raw
    assert data["tracking_id"] == f"{raw[:5]}-{raw[5:]}"
    assert data["status"] == "submitted"
    assert data["status_label"] == "Menunggu verifikasi"
    assert data["private_url"] == f"http://127.0.0.1:8000/lacak/{raw}/?k={data['secret']}"
    assert data["submitted_at"]
    assert response["Location"] == f"/api/v1/reports/{raw}"
    assert "no-store" in response["Cache-Control"]

    report = Report.objects.get(tracking_id=raw)
    assert access.holds_reporter_secret(report, data["secret"])
    assert report.channel == Channel.API
    assert report.title == "Lampu jalan mati di Jalan Setiabudi"
    assert report.region == world.region_bandung
    assert report.district == world.district_bandung
    assert report.requested_agency == world.bandung
    assert report.agency is None  # the desk routes; the reporter only suggests
    assert report.category == world.category_roads
    assert report.latitude == Decimal("-6.873123")
    assert report.longitude == Decimal("107.601235")
    assert (report.reporter_name, report.reporter_email, report.reporter_phone) == (
        "Siti Aminah",
        "siti@example.id",
        "0812-3456-7890",
    )


def test_minimal_report_needs_only_title_and_body(api, world):
    response = post_json(api, {"title": "Pungli di kantor kelurahan", "body": "Diminta uang."})

    assert response.status_code == 201, response.content
    report = Report.objects.get(tracking_id=response.json()["tracking_id_raw"])
    assert report.type == "complaint"
    assert report.region is None
    assert not report.is_anonymous and not report.is_confidential


def test_mobile_client_header_sets_channel(api, world):
    response = post_json(api, valid_payload(world), HTTP_X_ADUAN_CLIENT="mobile")

    assert response.status_code == 201
    assert Report.objects.get().channel == Channel.MOBILE


def test_district_alone_implies_its_regency(api, world):
    payload = valid_payload(world)
    del payload["region"]
    response = post_json(api, payload)

    assert response.status_code == 201, response.content
    assert Report.objects.get().region == world.region_bandung


def test_district_inside_chosen_province_is_accepted(api, world):
    response = post_json(api, valid_payload(world, region=world.province_jabar.code))

    assert response.status_code == 201, response.content
    assert Report.objects.get().region == world.province_jabar


def test_demographics_kept_only_with_consent(api, world):
    demo = {"gender": "female", "age_band": "18-30", "has_disability": True}
    post_json(api, valid_payload(world, demographics={**demo, "consent": False}))
    post_json(api, valid_payload(world, title="Kedua", demographics={**demo, "consent": True}))

    without, with_consent = Report.objects.order_by("id")
    assert (without.gender, without.age_band, without.has_disability) == ("", "", None)
    assert (with_consent.gender, with_consent.age_band, with_consent.has_disability) == (
        "female",
        "18-30",
        True,
    )


def test_multipart_with_png_attachment(api, world):
    upload = SimpleUploadedFile("foto jalan.png", png_bytes(), content_type="image/png")
    response = api.post(
        URL,
        data={
            "title": "Jalan berlubang",
            "body": "Lubang besar di depan pasar.",
            "region": world.region_bandung.code,
            "reporter.name": "Budi",
            "is_anonymous": "true",
            "attachments": [upload],
        },
        format="multipart",
    )

    assert response.status_code == 201, response.content
    report = Report.objects.get(tracking_id=response.json()["tracking_id_raw"])
    assert report.is_anonymous
    assert report.reporter_name == "Budi"
    attachment = Attachment.objects.get(report=report)
    assert attachment.content_type == "image/png"
    assert attachment.original_name == "foto jalan.png"
    assert attachment.file.read().startswith(b"\x89PNG")


def test_multipart_rejects_a_file_that_is_not_an_image_or_pdf(api, world):
    upload = SimpleUploadedFile("virus.png", b"MZ\x90\x00 not a png", content_type="image/png")
    response = api.post(
        URL,
        data={"title": "Judul", "body": "Isi", "attachments": [upload]},
        format="multipart",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "attachments"
    assert "virus.png" in error["fields"]["attachments"][0]
    assert not Report.objects.exists()


def test_multipart_rejects_too_many_attachments(api, world, settings):
    settings.ADUAN_MAX_ATTACHMENTS = 2
    files = [SimpleUploadedFile(f"f{i}.png", png_bytes(), "image/png") for i in range(3)]
    response = api.post(
        URL, data={"title": "Judul", "body": "Isi", "attachments": files}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "attachments"


def _future() -> str:
    return str(timezone.localdate() + timedelta(days=2))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": None}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": ""}, "body"),
        ({"body": "x" * 10_001}, "body"),
        ({"type": "gossip"}, "type"),
        ({"region": "99.99"}, "region"),
        ({"region": 32}, "region"),
        ({"district": "35.78.01"}, "district"),
        ({"district": "32.73.99"}, "district"),
        ({"agency": "NOPE"}, "agency"),
        ({"agency": "DESK"}, "agency"),
        ({"category": "astrologi"}, "category"),
        ({"longitude": None}, "longitude"),
        ({"latitude": None}, "latitude"),
        ({"latitude": 91}, "latitude"),
        ({"longitude": "timur"}, "longitude"),
        ({"incident_date": "future"}, "incident_date"),
        ({"incident_date": "31-12-2024"}, "incident_date"),
        ({"reporter": {"email": "siti-at-example"}}, "reporter.email"),
        ({"reporter": {"phone": "call me"}}, "reporter.phone"),
        ({"reporter": {"phone": "123"}}, "reporter.phone"),
        ({"demographics": {"consent": True, "gender": "robot"}}, "demographics.gender"),
    ],
)
def test_field_errors_name_the_field(api, world, change, field):
    payload = valid_payload(world)
    for name, value in change.items():
        if value is None:
            payload.pop(name, None)
        elif value == "future":
            payload[name] = _future()
        else:
            payload[name] = value
    if "district" in change:
        # A real district, but in Surabaya, not in the chosen Kota Bandung.
        District.objects.create(code="35.78.01", regency=world.region_surabaya, name="Genteng")
        payload["region"] = world.region_bandung.code

    response = post_json(api, payload)

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["field"] == field
    assert field in error["fields"]
    assert error["message"].startswith(f"{field}: ")
    assert not Report.objects.exists()


def test_district_outside_region_message(api, world):
    District.objects.create(code="35.78.01", regency=world.region_surabaya, name="Genteng")
    response = post_json(api, valid_payload(world, district="35.78.01"))

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "district": ["Kecamatan ini tidak berada di wilayah yang dipilih."]
    }


def test_inactive_agency_is_refused_with_its_own_message(api, world):
    Agency.objects.filter(pk=world.surabaya.pk).update(is_active=False)
    response = post_json(api, valid_payload(world, agency=world.surabaya.code))

    assert response.status_code == 400
    assert "tidak aktif" in response.json()["error"]["fields"]["agency"][0]


def test_several_errors_are_reported_together(api, world):
    response = post_json(api, {"type": "x", "reporter": {"email": "bad"}})

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert {"type", "title", "body", "reporter.email"} <= set(fields)


def test_malformed_json_is_a_400_json_error(api, world):
    response = api.post(URL, data=b'{"title": "x", ', content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "parse_error"


def test_absurdly_nested_json_is_a_400_not_a_500(api, world):
    response = api.post(URL, data=b"[" * 100_000, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_json_that_is_not_an_object_is_refused(api, world):
    response = post_json(api, ["title", "body"])

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_oversized_json_body_is_a_413_json_error(api, world):
    body = json.dumps({"title": "x", "body": "y" * (3 * 1024 * 1024)})
    response = api.post(URL, data=body, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert not Report.objects.exists()


def test_oversized_multipart_is_refused_before_reading_files(api, world, settings):
    settings.ADUAN_MAX_ATTACHMENT_BYTES = 10_000
    settings.ADUAN_MAX_ATTACHMENTS = 1
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2_200_000, "application/pdf")
    response = api.post(
        URL, data={"title": "Judul", "body": "Isi", "attachments": [big]}, format="multipart"
    )

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_unsupported_media_type_is_a_415_json_error(api, world):
    response = api.post(URL, data="title=x", content_type="text/plain")

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("put", URL),
        ("delete", URL),
        ("post", "/api/v1/reports/7KQ2MX9D4B"),
        ("post", "/api/v1/agencies"),
    ],
)
def test_wrong_method_is_a_405_json_error(api, world, method, url):
    response = getattr(api, method)(url)

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.django_db
def test_a_huge_coordinate_is_a_clear_400_not_a_crash(client: Any, world: Any) -> None:
    response = client.post(
        "/api/v1/reports",
        {
            "title": "Jalan rusak",
            "body": "Jalan berlubang di depan pasar.",
            "region": "32.73",
            "latitude": 1e30,
            "longitude": 107.6,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "latitude"


def test_each_submission_validates_with_its_own_fields(world: Any) -> None:
    import threading

    from aduan.reports.serializers import ReportCreateSerializer

    good = {"title": "Jalan rusak", "body": "Berlubang.", "reporter": {"email": "a@b.id"}}
    bad = {"title": "", "body": "x", "reporter": {"email": "bukan-email"}}
    first, second = ReportCreateSerializer(data=good), ReportCreateSerializer(data=bad)
    for name in ("title", "region", "reporter"):
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
    assert first.fields["reporter"].fields["email"] is not second.fields["reporter"].fields["email"]
    assert first.is_valid(), first.errors
    assert not second.is_valid()
    assert set(second.errors) == {"title", "reporter"}
    # Many at once, as a threaded server validates them: each keeps its own outcome.
    outcomes: list[bool] = []

    def validate(data: dict[str, Any], expected: bool) -> None:
        for _ in range(50):
            outcomes.append(ReportCreateSerializer(data=data).is_valid() is expected)

    threads = [threading.Thread(target=validate, args=(d, d is good)) for d in (good, bad) * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 300 and all(outcomes)


def test_nested_fields_are_never_shared_even_once_the_declared_ones_were_read() -> None:
    from aduan.reports.serializers import ReportCreateSerializer

    # Something (a schema generator, a debugger) reads the declared nested serializer's
    # fields: it keeps them bound to itself from then on.
    declared = ReportCreateSerializer._declared_fields["reporter"]
    assert "email" in declared.fields
    first, second = ReportCreateSerializer(), ReportCreateSerializer()
    email_first = first.fields["reporter"].fields["email"]
    email_second = second.fields["reporter"].fields["email"]
    assert email_first is not email_second
    assert email_first.parent is first.fields["reporter"]
    assert email_first is not declared.fields["email"]
