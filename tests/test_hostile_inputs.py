"""Hostile input through every door, rendered everywhere it appears.

Every string of tests/fixtures/hostile/strings.json (SQL injection, XSS and polyglots,
attribute-breaking quotes, ``javascript:`` URLs, CSV formula starters, RTL overrides,
zero-width characters, 10,000-character words, NUL and control characters, CRLF header
injection) is sent through the web form, the public API, Open311, the SMS gateway and the
e-mail gateway, and by staff as a follow-up. Each is either refused with a client error
and nothing stored, or stored and shown inert on every page, feed, e-mail and export
that shows it. Raw bytes that are not UTF-8 text must be refused, never a server error.
"""

from __future__ import annotations

import contextlib
import json
import xml.etree.ElementTree as ET
from email.message import EmailMessage
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from aduan.integrations.keys import key_create
from aduan.reports.lifecycle import Actor, Change, transition
from aduan.reports.models import Report
from tests.access_matrix_support import unlimited
from tests.hostile_support import body_of, counts, formula_cells, live_markup, raw_bytes, strings

SECRET = "hostile-gateway-secret"
TOKEN = "tok-abcdefghijklmnopqrstuvwxyz"
CORPUS = strings()
IDS = [name for name, _ in CORPUS]


@pytest.fixture
def gates(world: Any, settings: Any) -> Any:
    unlimited(settings)
    settings.ADUAN_SMS_GATEWAY_SECRET = SECRET
    settings.ADUAN_EMAIL_INBOUND_SECRET = SECRET
    settings.ADUAN_SMS_PER_NUMBER_PER_HOUR = 10**6
    mail.outbox.clear()
    return world


def _client() -> Client:
    return Client(raise_request_exception=False)


def _inert(where: str, text: str) -> None:
    found = live_markup(text)
    assert not found, f"{where} renders hostile markup raw: {found}"


def _xml_ok(where: str, text: str) -> None:
    """An XML answer stays one well-formed document (no element smuggled in)."""
    root = ET.fromstring(text.encode())  # noqa: S314 (the app's own output, entity-free)
    smuggled = {el.tag.lower() for el in root.iter()} & {"script", "img", "svg", "x", "title"}
    assert not smuggled, f"{where}: elements {smuggled} came from the payload"


def _everywhere(world: Any, report: Report, payload: str) -> None:
    """Move the report where everyone sees it (dispatched, answered with the payload by
    staff through the web form) and check every page, feed, export and e-mail."""
    if report.agency_id is None:
        transition(
            report,
            "dispatch",
            actor=Actor.staff(world.desk),
            change=Change(agency=world.bandung, category=world.category_roads),
        )
    officer = _client()
    officer.force_login(world.bandung_officer)
    tid = report.tracking_id
    before = counts()
    response = officer.post(
        f"/petugas/laporan/{tid}/aksi/respond/", {"respond-message": f"Jawaban: {payload}"}
    )
    # 409: the report is in no state for a follow-up (a gateway report the desk has
    # not dispatched, or one already answered); 400: the message itself was refused.
    assert response.status_code in (302, 400, 409), response.status_code
    if response.status_code != 302:
        assert counts() == before, "a refused follow-up stored something"
    visitor = _client()
    desk = _client()
    desk.force_login(world.desk)
    pages = {
        "tracking page": visitor.get(f"/lacak/{tid}/"),
        "public list": visitor.get("/laporan/", {"q": payload[:50]}),
        "public API": visitor.get(f"/api/v1/reports/{tid}"),
        "staff page": officer.get(f"/petugas/laporan/{tid}/"),
        "staff page with identity": officer.get(f"/petugas/laporan/{tid}/", {"identitas": "1"}),
        "desk page": desk.get(f"/petugas/laporan/{tid}/", {"identitas": "1"}),
        "inbox": officer.get("/petugas/kotak-masuk/"),
        "desk queue": desk.get("/petugas/meja/"),
    }
    for where, response in pages.items():
        assert response.status_code == 200, (where, response.status_code)
        text = body_of(response)
        if response["Content-Type"].startswith("text/html"):
            _inert(where, text)
        else:
            json.loads(text)  # still one JSON document
    for fmt in ("xml", "json"):
        response = visitor.get(f"/open311/v2/requests/{tid}.{fmt}")
        assert response.status_code in (200, 404)
        if fmt == "xml" and response.status_code == 200:
            _xml_ok("Open311 XML", body_of(response))
    _exports_are_inert(officer, desk)
    for message in mail.outbox:
        for header, value in message.extra_headers.items():
            assert "\n" not in str(value) and "\r" not in str(value), header
        assert "\n" not in message.subject and "\r" not in message.subject
        assert not any("evil.example" in r for r in (*message.to, *message.cc, *message.bcc))
        for content, mimetype in getattr(message, "alternatives", []):
            if "html" in mimetype:
                _inert(f"e-mail to {message.to}", str(content))


def _exports_are_inert(officer: Client, desk: Client) -> None:
    exports = {
        "inbox CSV": officer.get("/petugas/kotak-masuk/ekspor.csv"),
        "open data CSV": _client().get("/data-terbuka/laporan.csv"),
    }
    for where, response in exports.items():
        if response.status_code == 404:
            continue  # the address moved: the access matrix lists the exports
        text = body_of(response)
        if "csv" in response.get("Content-Type", ""):
            assert not formula_cells(text), f"{where}: formula cells {formula_cells(text)}"


def _export_urls() -> dict[str, str]:
    from django.urls import NoReverseMatch, reverse

    urls = {}
    for name in ("backoffice:inbox_export_csv", "opendata:csv"):
        with contextlib.suppress(NoReverseMatch):
            urls[name] = reverse(name)
    return urls


# ---- the web form ---------------------------------------------------------------------


@pytest.mark.parametrize(("name", "payload"), CORPUS, ids=IDS)
def test_web_form(gates: Any, name: str, payload: str) -> None:
    client = _client()
    before = counts()
    response = client.post(
        "/lapor/",
        {
            "token": TOKEN,
            "type": "complaint",
            "title": f"Jalan rusak {payload}"[:150],
            "body": f"Jalan berlubang besar di depan sekolah, mohon diperbaiki. {payload}",
            "reporter_name": payload[:100],
            "reporter_email": "warga@example.id",
        },
    )
    assert response.status_code in (200, 302, 400), response.status_code
    _inert("the form shown again", body_of(response))
    if response.status_code != 302:
        assert counts() == before, "a refused submission stored something"
        assert "error" in body_of(response).lower() or "galat" in body_of(response).lower()
        return
    report = Report.objects.latest("pk")
    _everywhere(gates, report, payload)


# ---- the public API -------------------------------------------------------------------


@pytest.mark.parametrize(("name", "payload"), CORPUS, ids=IDS)
def test_public_api(gates: Any, name: str, payload: str) -> None:
    client = _client()
    before = counts()
    response = client.post(
        "/api/v1/reports",
        json.dumps(
            {
                "title": f"Jalan rusak {payload}"[:150],
                "body": f"Jalan berlubang besar di depan sekolah. {payload}",
                "reporter": {"name": payload[:100], "email": "warga@example.id"},
            }
        ),
        content_type="application/json",
    )
    assert response.status_code in (201, 400), (response.status_code, body_of(response)[:300])
    if response.status_code == 400:
        assert counts() == before
        error = response.json()["error"]
        assert error["message"], error  # a clear error, naming what is wrong
        return
    report = Report.objects.get(tracking_id=response.json()["tracking_id_raw"])
    _everywhere(gates, report, payload)


# ---- Open311 --------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "payload"), CORPUS, ids=IDS)
def test_open311(gates: Any, name: str, payload: str) -> None:
    _key, raw = key_create(agency=gates.bandung, name="o311", scopes=["read", "write"])
    client = _client()
    before = counts()
    response = client.post(
        "/open311/v2/requests.xml",
        {
            "api_key": raw,
            "service_code": gates.category_roads.code,
            "lat": "-6.914744",
            "long": "107.609810",
            "description": f"Lampu jalan mati. {payload}"[:4000],
            "first_name": payload[:60],
            "last_name": payload[:60],
            "email": "warga@example.id",
        },
    )
    assert response.status_code in (200, 201, 400), (response.status_code, body_of(response)[:300])
    _xml_ok("Open311 answer", body_of(response))
    if response.status_code == 400:
        assert counts() == before
        return
    report = Report.objects.latest("pk")
    _everywhere(gates, report, payload)


# ---- the SMS and e-mail gateways ------------------------------------------------------------


@pytest.mark.parametrize(("name", "payload"), CORPUS, ids=IDS)
def test_sms_gateway(gates: Any, name: str, payload: str) -> None:
    client = _client()
    before = counts()
    response = client.post(
        "/channels/sms/inbound",
        json.dumps(
            {"from": "+6281234567890", "to": "1708", "text": f"LAPOR Jalan rusak {payload}"}
        ),
        content_type="application/json",
        HTTP_X_ADUAN_GATEWAY_SECRET=SECRET,
    )
    assert response.status_code in (200, 400), (response.status_code, body_of(response)[:300])
    if counts() == before:
        return  # refused (with an SMS telling why, or a 400 to the gateway)
    report = Report.objects.latest("pk")
    _everywhere(gates, report, payload)


def _email(subject: str, body: str, sender: str = "Warga <warga@example.id>") -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "lapor@aduan.go.id"
    message["Subject"] = subject
    message["Message-ID"] = "<hostile-1@example.id>"
    message.set_content(body)
    return message.as_bytes()


@pytest.mark.parametrize(("name", "payload"), CORPUS, ids=IDS)
def test_email_gateway(gates: Any, name: str, payload: str) -> None:
    client = _client()
    before = counts()
    try:
        raw = _email(f"Jalan rusak {payload}"[:200], f"Jalan berlubang di depan sekolah. {payload}")
    except ValueError:
        # The payload cannot even be a header (CR/LF): send it as the raw bytes an
        # attacker's own mailer would.
        raw = (
            "From: Warga <warga@example.id>\r\nTo: lapor@aduan.go.id\r\n"
            f"Subject: Jalan rusak {payload}\r\nMessage-ID: <hostile-2@example.id>\r\n\r\n"
            f"Jalan berlubang di depan sekolah. {payload}\r\n"
        ).encode("utf-8", "surrogateescape")
    response = client.post(
        "/channels/email/inbound",
        raw,
        content_type="message/rfc822",
        HTTP_X_ADUAN_GATEWAY_SECRET=SECRET,
    )
    assert response.status_code in (200, 201, 202, 400), (
        response.status_code,
        body_of(response)[:300],
    )
    if counts() == before:
        return
    report = Report.objects.latest("pk")
    _everywhere(gates, report, payload)


# ---- bytes that are not text ----------------------------------------------------------------


@pytest.mark.parametrize("name", list(raw_bytes()))
def test_raw_bytes_are_refused_or_cleaned_never_a_server_error(gates: Any, name: str) -> None:
    bad = raw_bytes()[name]
    client = _client()
    title = b"Jalan rusak " + bad
    body = b"Jalan berlubang besar di depan sekolah. " + bad
    sends = {
        "web form": lambda: client.post(
            "/lapor/",
            b"token=" + TOKEN.encode() + b"&type=complaint&title=" + title + b"&body=" + body,
            content_type="application/x-www-form-urlencoded",
        ),
        "public API": lambda: client.post(
            "/api/v1/reports",
            b'{"title": "' + title + b'", "body": "' + body + b'"}',
            content_type="application/json",
        ),
        "SMS": lambda: client.post(
            "/channels/sms/inbound",
            b'{"from": "+6281234567890", "to": "1708", "text": "LAPOR ' + body + b'"}',
            content_type="application/json",
            HTTP_X_ADUAN_GATEWAY_SECRET=SECRET,
        ),
        "e-mail": lambda: client.post(
            "/channels/email/inbound",
            b"From: w@example.id\r\nTo: lapor@aduan.go.id\r\nSubject: "
            + title
            + b"\r\n\r\n"
            + body,
            content_type="message/rfc822",
            HTTP_X_ADUAN_GATEWAY_SECRET=SECRET,
        ),
    }
    for where, send in sends.items():
        before = counts()
        response = send()
        assert response.status_code < 500, (where, response.status_code, body_of(response)[:300])
        for report in Report.objects.all()[before[0] :]:
            # Whatever was kept is text a database and a page can hold.
            assert "\x00" not in report.title + report.body, where
            _everywhere(gates, report, "")


# ---- e-mail header injection ----------------------------------------------------------------


def test_reporter_name_cannot_inject_mail_headers(
    gates: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The reporter's name ends up next to their address in notices: CR/LF in it must
    not add recipients or headers."""
    client = _client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/reports",
            json.dumps(
                {
                    "title": "Jalan rusak di depan sekolah",
                    "body": "Jalan berlubang besar di depan sekolah, mohon diperbaiki.",
                    "reporter": {
                        "name": "Budi\r\nBcc: korban@evil.example\r\nX-Injected: 1",
                        "email": "warga@example.id",
                    },
                }
            ),
            content_type="application/json",
        )
    assert response.status_code in (201, 400)
    for message in mail.outbox:
        rendered = message.message().as_string()
        assert "evil.example" not in ",".join([*message.to, *message.cc, *message.bcc])
        assert "\nX-Injected" not in rendered and "\nBcc: korban" not in rendered


# ---- CSV formula injection in exports -------------------------------------------------------


def test_exports_neutralise_formulas(gates: Any) -> None:
    from tests.factories import submit

    formulas = [v for n, v in CORPUS if n.startswith("csv_")]
    for formula in formulas:
        r = submit(title=formula, body=f"{formula} jalan rusak", region=gates.region_bandung).report
        transition(
            r,
            "dispatch",
            actor=Actor.staff(gates.desk),
            change=Change(agency=gates.bandung, category=gates.category_roads),
        )
    officer = _client()
    officer.force_login(gates.bandung_officer)
    urls = _export_urls()
    assert urls, "no CSV export found: the exports moved, update this test"
    for name, url in urls.items():
        client = officer if name.startswith("backoffice") else _client()
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        text = body_of(response)
        assert not formula_cells(text), f"{name}: {formula_cells(text)}"
        if name.startswith("backoffice"):
            assert "HYPERLINK" in text  # control: the reports are in the export


def test_a_post_to_an_unknown_api_address_is_a_json_404(db: Any) -> None:
    """Not Django's HTML CSRF page (found by the API fuzz: a negative delivery ID)."""
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    response = client.post("/api/v1/agency/webhooks/x/deliveries/-1/redeliver", {})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("field", ["district", "agency", "region", "category"])
def test_a_nul_in_a_code_is_unknown_not_a_server_error(gates: Any, field: str) -> None:
    """PostgreSQL refuses NUL even in a lookup (found by the API fuzz)."""
    _key, raw = key_create(agency=gates.bandung, name="nul", scopes=["read", "write"])
    client = _client()
    before = counts()
    for url, extra in (("/api/v1/reports", {}), ("/api/v1/agency/reports", {"external_id": "N1"})):
        data = {
            "title": "Jalan rusak",
            "body": "Jalan berlubang besar.",
            field: "32\x0073",
            **extra,
        }
        response = client.post(
            url,
            json.dumps(data),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        assert response.status_code == 400, (url, response.status_code)
    assert counts() == before
