"""Hostile files and XML: decompression bombs, wrong magic bytes, polyglots, oversized
uploads, billion laughs and external entities. Each is refused with a clear error and
nothing stored, or stored harmless (images are re-encoded: whatever rode along is gone).
"""

from __future__ import annotations

import io
import json
import struct
import zlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from aduan.integrations.keys import key_create
from aduan.reports.models import Attachment
from tests.access_matrix_support import unlimited
from tests.hostile_support import HOSTILE, body_of, counts

TOKEN = "tok-abcdefghijklmnopqrstuvwxyz"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb() -> bytes:
    """A tiny file claiming 100,000 × 100,000 pixels (10 gigapixels once decoded)."""
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 100_001 * 16, 9)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", rows)


def jpeg_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), "blue").save(buf, "JPEG")
    return buf.getvalue()


def gif_js_polyglot() -> bytes:
    return b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert('h4x');//" + b"\x00" * 16


def jpeg_zip_polyglot() -> bytes:
    payload = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(payload, "w") as z:
        z.writestr("evil.html", "<script>alert('h4x')</script>")
    return jpeg_bytes() + payload.getvalue()


def png_with_html_comment() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    data = buf.getvalue()
    text = _png_chunk(b"tEXt", b"Comment\x00<script>alert('h4x')</script>")
    return data[:33] + text + data[33:]  # after IHDR


REFUSED = {
    "decompression bomb": ("bom.png", png_bomb()),
    "exe renamed .jpg": ("foto.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),
    "GIF+JS polyglot": ("foto.gif", gif_js_polyglot()),
    "HTML named .png": ("foto.png", b"<html><script>alert('h4x')</script></html>"),
    "SVG with script": ("foto.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
    "truncated JPEG": ("foto.jpg", jpeg_bytes()[:40]),
    "empty": ("kosong.jpg", b""),
}
# Accepted, because the start is a real image: re-encoding drops what rode along.
CLEANED = {
    "JPEG+ZIP polyglot": ("foto.jpg", jpeg_zip_polyglot(), b"PK\x03\x04"),
    "PNG with a script in a text chunk": ("foto.png", png_with_html_comment(), b"<script"),
}


@pytest.fixture
def site(world: Any, settings: Any) -> Any:
    unlimited(settings)
    return world


def _submit(name: str, data: bytes) -> Any:
    client = Client(raise_request_exception=False)
    return client.post(
        "/lapor/",
        {
            "token": TOKEN,
            "type": "complaint",
            "title": "Jalan rusak di depan sekolah",
            "body": "Jalan berlubang besar di depan sekolah, mohon diperbaiki.",
            "attachments": [SimpleUploadedFile(name, data, content_type="image/jpeg")],
        },
    )


@pytest.mark.parametrize("what", list(REFUSED))
def test_hostile_files_are_refused_with_a_clear_error_and_nothing_stored(
    site: Any, what: str
) -> None:
    name, data = REFUSED[what]
    before = counts()
    response = _submit(name, data)
    assert response.status_code in (200, 400), response.status_code  # the form again
    assert counts() == before, f"{what}: something was stored"
    text = body_of(response)
    assert name in text or "Berkas" in text or "berkas" in text, f"{what}: no clear error"


@pytest.mark.parametrize("what", list(CLEANED))
def test_polyglot_images_are_stored_re_encoded(site: Any, what: str) -> None:
    name, data, rider = CLEANED[what]
    response = _submit(name, data)
    assert response.status_code == 302, response.status_code
    attachment = Attachment.objects.get()
    with attachment.file.open("rb") as fh:
        stored = fh.read()
    assert rider not in stored, f"{what}: the rider survived"
    Image.open(io.BytesIO(stored)).verify()


def test_oversized_upload_is_refused(site: Any, settings: Any) -> None:
    settings.ADUAN_MAX_ATTACHMENT_BYTES = 50_000
    before = counts()
    response = _submit("besar.jpg", jpeg_bytes() + b"\x00" * 60_000)
    assert response.status_code in (200, 400, 413)
    assert counts() == before
    assert "besar.jpg" in body_of(response)  # the message names the file


def test_too_many_files_are_refused(site: Any, settings: Any) -> None:
    client = Client(raise_request_exception=False)
    before = counts()
    files = [
        SimpleUploadedFile(f"f{i}.jpg", jpeg_bytes(), content_type="image/jpeg")
        for i in range(settings.ADUAN_MAX_ATTACHMENTS + 1)
    ]
    response = client.post(
        "/lapor/",
        {
            "token": TOKEN,
            "type": "complaint",
            "title": "Jalan rusak di depan sekolah",
            "body": "Jalan berlubang besar di depan sekolah, mohon diperbaiki.",
            "attachments": files,
        },
    )
    assert response.status_code in (200, 400, 413)
    assert counts() == before


# ---- XML --------------------------------------------------------------------------------


@pytest.mark.parametrize("document", ["billion_laughs.xml", "xxe.xml"])
def test_xml_bodies_are_never_parsed(site: Any, document: str) -> None:
    """Open311 takes form bodies and the APIs JSON or forms: an XML body is refused as
    a media type, before anything could expand an entity or read a file."""
    xml = (HOSTILE / document).read_bytes()
    _key, raw = key_create(agency=site.bandung, name="xml", scopes=["read", "write"])
    client = Client(raise_request_exception=False)
    before = counts()
    for url in (
        f"/open311/v2/requests.xml?api_key={raw}",
        f"/open311/v2/requests.json?api_key={raw}",
        "/api/v1/reports",
        "/api/v1/agency/reports",
    ):
        for content_type in ("application/xml", "text/xml"):
            response = client.post(
                url, xml, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {raw}"
            )
            assert response.status_code in (400, 415), (url, response.status_code)
            text = body_of(response)
            assert "root:" not in text and "lollol" not in text, url
    assert counts() == before


def test_xml_in_an_email_is_just_text(site: Any, settings: Any) -> None:
    """The e-mail gateway parses MIME, never XML: an XML attachment or body is neither
    expanded nor stored as a file."""
    settings.ADUAN_EMAIL_INBOUND_SECRET = "s"
    xml = (HOSTILE / "billion_laughs.xml").read_text()
    raw = (
        "From: Warga <warga@example.id>\r\nTo: lapor@aduan.go.id\r\n"
        "Subject: Jalan rusak di depan sekolah\r\nMessage-ID: <xml-1@example.id>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
        "--B\r\nContent-Type: text/plain\r\n\r\nJalan berlubang besar.\r\n"
        "--B\r\nContent-Type: application/xml; name=a.xml\r\n"
        "Content-Disposition: attachment; filename=a.xml\r\n\r\n"
        f"{xml}\r\n--B--\r\n"
    ).encode()
    client = Client(raise_request_exception=False)
    response = client.post(
        "/channels/email/inbound",
        raw,
        content_type="message/rfc822",
        HTTP_X_ADUAN_GATEWAY_SECRET="s",
    )
    assert response.status_code < 500
    assert not Attachment.objects.exists()  # XML is no accepted file type
    from aduan.reports.models import Report

    for report in Report.objects.all():
        assert "lollol" not in report.body


def test_open311_form_fields_with_hostile_lengths_are_refused_cleanly(site: Any) -> None:
    _key, raw = key_create(agency=site.bandung, name="o311", scopes=["read", "write"])
    client = Client(raise_request_exception=False)
    before = counts()
    for field, value in (
        ("description", "x" * 5000),
        ("lat", "1e309"),
        ("long", "NaN"),
        ("email", "a@" + "b" * 300 + ".id"),
        ("service_code", "../../etc/passwd"),
        ("address_id", "' OR 1=1 --"),
    ):
        data = {
            "api_key": raw,
            "service_code": site.category_roads.code,
            "lat": "-6.9",
            "long": "107.6",
            "description": "Lampu jalan mati.",
            field: value,
        }
        response = client.post("/open311/v2/requests.json", data)
        # An unknown service is "not found" (404), as the GeoReport spec has it.
        want = (404,) if field == "service_code" else (400,)
        assert response.status_code in want, (field, response.status_code)
        errors = json.loads(body_of(response))
        assert errors and errors[0]["description"], field
    assert counts() == before
