"""Machinery of the privacy sweep (tests/test_privacy_sweep.py), no tests here.

* :func:`build_scene` files reports carrying unique marker strings through the real
  channels and moves them through real transitions; their notices and webhook
  deliveries are queued, and sent too when asked.
* :func:`all_routes` lists every URL pattern of the project; :func:`walk` fills each
  pattern's arguments from the scene and GETs every resulting address as one viewer.
* :func:`leaked` says which marker strings a response (body and headers) contains.

Markers are unique words (``<kind><uid>``) so that HTML escaping, JSON, XML, URL
encoding and case changes cannot hide them; phone numbers are also matched when their
digits are grouped with spaces, dots or hyphens.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote_plus, urlencode

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponseBase
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image
from rest_framework.test import APIClient

from aduan.agencies.models import Membership
from aduan.integrations.keys import key_create
from aduan.notifications.models import Notification
from aduan.reports import intake, tracking
from aduan.reports.lifecycle import Actor, Change, transition
from aduan.reports.models import Channel, Report, Status
from aduan.reports.uploads import clean_uploads
from aduan.webhooks import delivery, services
from aduan.webhooks.delivery import HttpResult
from aduan.webhooks.models import EventType, WebhookDelivery, WebhookEndpoint
from tests.factories import submit

SMS_SECRET = "privacy-sweep-gateway-secret"  # of the SMS, chat and e-mail gateways
SMS_INBOUND = "/channels/sms/inbound"
SMS_CHAT = "/channels/sms/chat"
EMAIL_INBOUND = "/channels/email/inbound"
OTHER_PHONE = "+6285700001111"  # somebody who did not file any of the reports

# ---- markers -----------------------------------------------------------------------------

# Every marker is ``<word><uid>``; the label says what it stands for. Groups:
CONFIDENTIAL_TEXT = (
    "conf_title",  # title and body of the confidential report
    "conf_reply",  # the agency's follow-up message on it
    "conf_reporter_file",  # file name of the reporter's attachment on it
    "conf_agency_file",  # file name of the agency's (published) follow-up document
    "anon_conf_title",  # title and body of the anonymous and confidential report
)
ANONYMOUS_IDENTITY = (
    "anon_name",
    "anon_email",
    "anon_phone",
    "anon_account",  # e-mail and username of the anonymous reporter's account
    "anon_file",  # the anonymous reporter's attachment was named after them
    "anon_conf_name",
    "anon_conf_email",
    "anon_conf_phone",
    "sms_phone",  # anonymous report filed by SMS
    "app_name",  # anonymous report filed through Surabaya's own app (agency API)
    "app_email",
    "app_phone",
)
# Reporters who did not ask for anonymity: never public; the handling agency's officers
# and admins may look (audited), coordinators may not.
NAMED_IDENTITY = (
    "named_name",
    "named_email",
    "named_phone",
    "conf_name",
    "conf_email",
)
UNVERIFIED_TEXT = ("unverified_title",)  # text the desk has not verified is not published
SURABAYA_TEXT = ("sby_conf_title",)  # Surabaya's confidential report: not Bandung's business
# Titles of reports anyone may read (controls: these must show where the reports do).
PUBLIC_TITLES = ("public_title", "anon_title", "sms_title", "app_title")

PHONES = {
    "anon_phone": "+6281199887766",
    "anon_conf_phone": "+6281211223344",
    "sms_phone": "+6281355667788",
    "app_phone": "+6281277889900",
    "named_phone": "+6281233445566",
}


def make_markers(uid: str) -> dict[str, str]:
    words = {
        "conf_title": "RAHASIA-MARKER-",
        "conf_reply": "RAHASIABALAS-",
        "conf_reporter_file": "RAHASIABUKTI-",
        "conf_agency_file": "RAHASIADOKUMEN-",
        "anon_conf_title": "RAHASIAANON-MARKER-",
        "anon_name": "Namaanon",
        "anon_email": "surelanon-",
        "anon_account": "anonakun-",
        "anon_file": "KTPanon",
        "anon_conf_name": "Namaanonrahasia",
        "anon_conf_email": "anonrahasia-",
        "app_name": "Namaaplikasi",
        "app_email": "aplikasi-",
        "named_name": "Namawarga",
        "named_email": "warga-",
        "conf_name": "Namarahasia",
        "conf_email": "pelaporrahasia-",
        "unverified_title": "BELUMVERIFIKASI-",
        "sby_conf_title": "RAHASIASBY-",
        "public_title": "TROTOARUMUM-",
        "anon_title": "LAMPUANON-",
        "sms_title": "SAMPAHSMS-",
        "app_title": "SALURANAPP-",
    }
    markers = {label: f"{word}{uid}" for label, word in words.items()}
    markers.update(PHONES)
    lowered = [v.lower() for v in markers.values()]
    assert not [a for a in lowered for b in lowered if a != b and a in b], "ambiguous markers"
    return markers


def email(markers: Mapping[str, str], label: str) -> str:
    return f"{markers[label]}@example.id"


def _digits(phone: str) -> str:
    """The national part of a phone number: found as ``0811…``, ``+62811…``, ``62811…``."""
    return re.sub(r"\D", "", phone).removeprefix("62")


_DIGIT_GROUPING = re.compile(r"(?<=\d)[\s.\-()/]+(?=\d)")


def response_text(response: HttpResponseBase) -> str:
    """Everything the client receives: status line, headers, cookies and body."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        body = response.content  # type: ignore[attr-defined]
    head = "\n".join(f"{k}: {v}" for k, v in response.items())
    cookies = response.cookies.output() if response.cookies else ""
    return f"{response.status_code}\n{head}\n{cookies}\n{body.decode('utf-8', 'replace')}"


def leaked(text: str, forbidden: Mapping[str, str]) -> list[str]:
    """Labels of the forbidden markers found in ``text`` (any case, URL-decoded, with
    phone digits grouped in any way)."""
    lowered = text.lower()
    variants = (lowered, unquote_plus(lowered), _DIGIT_GROUPING.sub("", unquote_plus(lowered)))
    found = []
    for label, marker in forbidden.items():
        needle = _digits(marker) if label.endswith("_phone") else marker.lower()
        if any(needle in variant for variant in variants):
            found.append(label)
    return sorted(found)


# ---- the scene ---------------------------------------------------------------------------


@dataclass
class SentWebhook:
    url: str
    body: bytes


@dataclass
class Scene:
    world: Any
    uid: str
    markers: dict[str, str]
    reports: dict[str, Report]  # kind → report
    bandung_endpoint: WebhookEndpoint
    surabaya_endpoint: WebhookEndpoint
    bandung_key: str  # raw read key of Pemerintah Kota Bandung
    bandung_key_prefix: str
    anon_account: Any
    sent_webhooks: list[SentWebhook] = field(default_factory=list)

    def pick(self, *groups: Iterable[str]) -> dict[str, str]:
        """The markers of these labels (or groups of labels)."""
        return {label: self.markers[label] for group in groups for label in group}


def png_upload(name: str) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def _act(r: Report, action: str, actor: Actor, **change: Any) -> None:
    transition(r, action, actor=actor, change=Change(**change))
    r.refresh_from_db()


def _record_webhooks(monkeypatch: Any, sent: list[SentWebhook]) -> None:
    def fake_post(url: str, body: bytes, headers: dict[str, str]) -> HttpResult:
        sent.append(SentWebhook(url, body))
        return HttpResult(200, excerpt="ok")

    monkeypatch.setattr(delivery, "http_post", fake_post)


def build_scene(
    world: Any,
    *,
    client: Any,
    settings: Any,
    monkeypatch: Any,
    capture: Callable[..., Any],
    deliver: bool,
) -> Scene:
    """Reports of every privacy kind, handled by Pemerintah Kota Bandung, with the
    notices and webhook deliveries their changes queue; ``deliver``: also run the
    after-commit work that sends them (``capture``: pytest-django's
    ``django_capture_on_commit_callbacks``)."""
    settings.ADUAN_SMS_GATEWAY_SECRET = SMS_SECRET
    settings.ADUAN_EMAIL_INBOUND_SECRET = SMS_SECRET
    settings.ADUAN_API_RATE_PER_MINUTE = 100_000
    settings.ADUAN_API_AUTH_FAILURES_PER_MINUTE = 100_000
    settings.ADUAN_SMS_PER_NUMBER_PER_HOUR = 100_000
    uid = uuid.uuid4().hex[:12]
    m = make_markers(uid)
    sent: list[SentWebhook] = []
    _record_webhooks(monkeypatch, sent)
    desk, officer = Actor.staff(world.desk), Actor.staff(world.bandung_officer)
    bandung = {"agency": world.bandung, "category": world.category_roads}
    where = {"region": world.region_bandung, "district": world.district_bandung}
    reports: dict[str, Report] = {}

    with capture(execute=deliver):
        bandung_endpoint, _ = services.endpoint_create(
            agency=world.bandung,
            url="https://hooks.example.id/bandung",
            events=list(EventType.values),
        )
        surabaya_endpoint, _ = services.endpoint_create(
            agency=world.surabaya,
            url="https://hooks.example.id/surabaya",
            events=list(EventType.values),
        )
        anon_account = get_user_model().objects.create_user(
            username=email(m, "anon_account"), email=email(m, "anon_account")
        )

        # (a) confidential, named reporter, files both ways, a follow-up with a document.
        r = submit(
            title=f"Pungutan liar di kelurahan {m['conf_title']}",
            body=f"Lurah meminta uang pelicin. Kode {m['conf_title']}.",
            is_confidential=True,
            reporter_name=f"Ibu {m['conf_name']}",
            reporter_email=email(m, "conf_email"),
            attachments=clean_uploads([png_upload(f"{m['conf_reporter_file']}.png")]),
            **where,
        ).report
        _act(r, "dispatch", desk, **bandung)
        _act(
            r,
            "respond",
            officer,
            message=f"Oknum sudah diperiksa inspektorat. {m['conf_reply']}",
            attachments=clean_uploads([png_upload(f"{m['conf_agency_file']}.png")]),
            attachments_public=True,
        )
        reports["confidential"] = r

        # (b) anonymous, with an account, a file named after the reporter, a conversation.
        r = intake.report_submit(
            submission=intake.Submission(
                title=f"Lampu jalan mati sebulan {m['anon_title']}",
                body=f"Lampu penerangan jalan di Jl. Setiabudi mati. {m['anon_title']}",
                channel=Channel.WEB,
                is_anonymous=True,
                reporter_name=f"Budi {m['anon_name']}",
                reporter_email=email(m, "anon_email"),
                reporter_phone=m["anon_phone"],
                attachments=clean_uploads([png_upload(f"{m['anon_file']}.png")]),
                **where,
            ),
            reporter=anon_account,
        ).report
        _act(r, "dispatch", desk, **bandung)
        _act(r, "respond", officer, message="Lampu sudah diganti.")
        _act(r, "reporter_reply", Actor.reporter(), message="Masih mati di ujung jalan.")
        _act(r, "respond", officer, message="Lampu di ujung jalan juga sudah diganti.")
        reports["anonymous"] = r

        # (c) anonymous and confidential.
        r = submit(
            title=f"Dugaan korupsi dana desa {m['anon_conf_title']}",
            body=f"Bendahara memotong dana bantuan. {m['anon_conf_title']}",
            is_anonymous=True,
            is_confidential=True,
            reporter_name=f"Siti {m['anon_conf_name']}",
            reporter_email=email(m, "anon_conf_email"),
            reporter_phone=m["anon_conf_phone"],
            **where,
        ).report
        _act(r, "dispatch", desk, **bandung)
        reports["anonymous_confidential"] = r

        # (d) a normal public report by a named reporter, answered.
        r = submit(
            title=f"Trotoar rusak di Jl. Dago {m['public_title']}",
            body=f"Trotoar berlubang dan membahayakan pejalan kaki. {m['public_title']}",
            reporter_name=f"Andi {m['named_name']}",
            reporter_email=email(m, "named_email"),
            reporter_phone=m["named_phone"],
            **where,
        ).report
        _act(r, "dispatch", desk, **bandung)
        _act(r, "respond", officer, message="Trotoar sudah diperbaiki.")
        reports["public"] = r

        # (e) anonymous by SMS: the gateway files it, the desk marks it anonymous.
        sms_text = f"LAPOR Sampah menumpuk di pasar Kosambi {m['sms_title']} tolong diangkut"
        answer = client.post(
            SMS_INBOUND,
            {"from": m["sms_phone"], "to": "1708", "text": sms_text},
            content_type="application/json",
            HTTP_X_ADUAN_GATEWAY_SECRET=SMS_SECRET,
        )
        assert answer.status_code == 200, answer.content
        r = Report.objects.get(channel=Channel.SMS, body__contains=m["sms_title"])
        assert r.reporter_phone == m["sms_phone"]
        _act(r, "dispatch", desk, is_anonymous=True, **bandung)
        reports["sms_anonymous"] = r

        # (f) anonymous, filed by Surabaya's own app through the agency API, routed to
        # Bandung: Surabaya's system knows the reporter, Bandung must not.
        app = APIClient()
        app.credentials(HTTP_AUTHORIZATION=f"Bearer {_key(world.surabaya, ['write'])[0]}")
        answer = app.post(
            "/api/v1/agency/reports",
            data=json.dumps(
                {
                    "external_id": f"SBY-{uid}",
                    "title": f"Saluran air tersumbat {m['app_title']}",
                    "body": f"Saluran air di depan pasar tersumbat. {m['app_title']}",
                    "region": world.region_bandung.code,
                    "is_anonymous": True,
                    "reporter": {
                        "name": f"Rina {m['app_name']}",
                        "email": email(m, "app_email"),
                        "phone": m["app_phone"],
                    },
                }
            ),
            content_type="application/json",
        )
        assert answer.status_code == 201, answer.content
        r = Report.objects.get(tracking_id=answer.json()["tracking_id_raw"])
        assert r.is_anonymous and r.source_agency == world.surabaya
        _act(r, "dispatch", desk, **bandung)
        reports["agency_app_anonymous"] = r

        # (g) not verified yet: its text is not published.
        reports["unverified"] = submit(
            title=f"Pelayanan puskesmas lambat {m['unverified_title']}",
            body=f"Antrean di puskesmas lebih dari empat jam. {m['unverified_title']}",
            **where,
        ).report

        # (h) Surabaya's own confidential report.
        r = submit(
            title=f"Pungli parkir di Tunjungan {m['sby_conf_title']}",
            body=f"Juru parkir liar. {m['sby_conf_title']}",
            is_confidential=True,
            region=world.region_surabaya,
        ).report
        _act(r, "dispatch", desk, agency=world.surabaya)
        reports["surabaya_confidential"] = r

    if not deliver:
        # Nothing went out: the SMTP server and the SMS gateway refused every address
        # (quoting it, as they do), so the failed-notice page has rows to show.
        for notice in Notification.objects.all():
            Notification.objects.filter(pk=notice.pk).update(
                status=Notification.Status.FAILED,
                attempts=1,
                last_error=f"550 5.1.1 <{notice.recipient}>: recipient rejected",
            )

    # The desk looks at the anonymous reporter: the audit trail now holds that look, and
    # must not repeat what was seen.
    client.force_login(world.desk)
    page = client.get(f"/petugas/laporan/{reports['anonymous'].tracking_id}/?identitas=1")
    assert page.status_code == 200
    client.logout()

    raw, prefix = _key(world.bandung, ["read"])
    return Scene(
        world=world,
        uid=uid,
        markers=m,
        reports=reports,
        bandung_endpoint=bandung_endpoint,
        surabaya_endpoint=surabaya_endpoint,
        bandung_key=raw,
        bandung_key_prefix=prefix,
        anon_account=anon_account,
        sent_webhooks=sent,
    )


@dataclass
class SignedReport:
    """An anonymous report whose reporter signed the text with their own name, phone
    and e-mail (people do), handled by Bandung, its notices and webhooks sent."""

    report: Report
    markers: dict[str, str]  # signed_name, signed_phone, signed_email
    bandung_key: str
    sent_webhooks: list[SentWebhook]


def build_signed_report(
    world: Any, *, monkeypatch: Any, capture: Callable[..., Any]
) -> SignedReport:
    uid = uuid.uuid4().hex[:12]
    m = {
        "signed_name": f"Namaditulis{uid}",
        "signed_phone": "+6281244556677",
        "signed_email": f"ditulis-{uid}@example.id",
    }
    sent: list[SentWebhook] = []
    _record_webhooks(monkeypatch, sent)
    with capture(execute=True):
        services.endpoint_create(
            agency=world.bandung,
            url="https://hooks.example.id/bandung",
            events=[EventType.DISPATCHED],
        )
        r = submit(
            title=f"Saya Budi {m['signed_name']} melapor pungli KTP",
            body=(
                f"Nama saya Budi {m['signed_name']}, HP 0812-4455-6677, surel "
                f"{m['signed_email']}. Petugas kelurahan meminta uang untuk KTP."
            ),
            is_anonymous=True,
            reporter_name=f"Budi {m['signed_name']}",
            reporter_email=m["signed_email"],
            reporter_phone=m["signed_phone"],
            region=world.region_bandung,
        ).report
        _act(r, "dispatch", Actor.staff(world.desk), agency=world.bandung)
    return SignedReport(r, m, _key(world.bandung, ["read"])[0], sent)


def _key(agency: Any, scopes: list[str]) -> tuple[str, str]:
    key, raw = key_create(agency=agency, name="privasi", scopes=scopes)
    return raw, key.prefix


def sms_status(client: Any, tracking_id: str, *, sender: str, path: str = SMS_INBOUND) -> str:
    """The reply a phone gets to ``STATUS <id>`` (by SMS, or by chat as WhatsApp)."""
    return sms_send(client, f"STATUS {tracking.display(tracking_id)}", sender=sender, path=path)


def sms_send(client: Any, text: str, *, sender: str, path: str = SMS_INBOUND) -> str:
    """What the SMS or chat gateway gets back for a message (all of it: the reply)."""
    if path == SMS_CHAT:
        payload = {"platform": "whatsapp", "from": sender, "text": text}
    else:
        payload = {"from": sender, "to": "1708", "text": text}
    response = client.post(
        path, payload, content_type="application/json", HTTP_X_ADUAN_GATEWAY_SECRET=SMS_SECRET
    )
    assert response.status_code == 200, response.content
    return response_text(response)


def email_send(client: Any, *, sender: str, subject: str, body: str) -> str:
    """What the mail relay gets back for a message sent to the platform's address."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "lapor@aduan.go.id"
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@example.id>"
    message.set_content(body)
    response = client.post(
        EMAIL_INBOUND,
        message.as_bytes(),
        content_type="message/rfc822",
        HTTP_X_ADUAN_GATEWAY_SECRET=SMS_SECRET,
    )
    assert response.status_code < 500, response.content
    return response_text(response)


# ---- every URL pattern -------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"; "" for unnamed patterns
    pattern: str  # the full pattern, for messages
    params: tuple[str, ...]


def all_routes() -> list[Route]:
    def walk_patterns(patterns: list[Any], prefix: str, ns: str, params: tuple[str, ...]):
        for p in patterns:
            groups = tuple(p.pattern.regex.groupindex)
            if isinstance(p, URLResolver):
                inner_ns = f"{ns}{p.namespace}:" if p.namespace else ns
                yield from walk_patterns(
                    p.url_patterns, prefix + str(p.pattern), inner_ns, params + groups
                )
            elif isinstance(p, URLPattern):
                name = f"{ns}{p.name}" if p.name else ""
                yield Route(name, prefix + str(p.pattern), params + groups)

    return list(walk_patterns(get_resolver().url_patterns, "", "", ()))


# Where a page belongs: addresses under these prefixes are the back office (and the agency
# API); every other address is a public surface, whoever is signed in.
STAFF_PREFIXES = ("/petugas/", "/audit/", "/akun/", "/api/v1/agency/", "/admin/")


def is_public_url(url: str) -> bool:
    return not url.startswith(STAFF_PREFIXES)


# URL arguments the sweep knows how to fill from the scene (see _kwargs_options).
KNOWN_PARAMS = frozenset(
    {
        "tracking_id",
        "token",
        "endpoint_id",
        "delivery_id",
        "user_id",
        "membership_id",
        "request_id",
        "fmt",
        "action",
        "service_code",
        "code",
        "prefix",
        "pk",
        "path",
    }
)


def _kwargs_options(route: Route, scene: Scene) -> list[dict[str, Any]] | None:
    """Every way to fill the route's arguments from the scene; None if some argument is
    of a kind nobody taught this sweep (the route must then be classified by hand)."""
    w = scene.world
    reports = list(scene.reports.values())
    joint: dict[frozenset[str], Callable[[], list[dict[str, Any]]]] = {
        frozenset({"tracking_id", "token"}): lambda: [
            {"tracking_id": r.tracking_id, "token": a.token}
            for r in reports
            for a in r.attachments.order_by("pk")
        ],
        frozenset({"endpoint_id", "delivery_id"}): lambda: [
            {"endpoint_id": str(d.endpoint.uuid), "delivery_id": d.pk}
            for d in _deliveries_of_anonymous_reports(scene)
        ],
        frozenset({"user_id", "membership_id"}): lambda: [
            {"user_id": ms.user_id, "membership_id": ms.pk}
            for ms in Membership.objects.filter(agency__in=[w.bandung, w.surabaya])
        ],
    }
    single: dict[str, Callable[[], list[Any]]] = {
        "tracking_id": lambda: [r.tracking_id for r in reports],
        "request_id": lambda: [r.tracking_id for r in reports],
        "fmt": lambda: ["json", "xml"],
        "action": lambda: ["accept", "reply"],
        "service_code": lambda: [w.category_roads.code],
        "code": lambda: [w.bandung.code, w.bandung_dinkes.code, w.region_bandung.code],
        "user_id": lambda: [w.bandung_officer.pk, w.desk.pk, scene.anon_account.pk],
        "endpoint_id": lambda: [
            str(scene.bandung_endpoint.uuid),
            str(scene.surabaya_endpoint.uuid),
        ],
        "prefix": lambda: [scene.bandung_key_prefix],
        "pk": lambda: _notice_and_template_pks(),
        "token": lambda: ["tidak-ada-token"],  # Open311 submission tokens
        "path": lambda: ["tidak/ada"],
    }
    assert set(single).union(*joint) == KNOWN_PARAMS
    params = set(route.params)
    combos: list[dict[str, Any]] = [{}]
    for names, fill in joint.items():
        if names <= params:
            combos = [{**c, **j} for c in combos for j in fill()]
            params -= names
    for name in sorted(params):
        if name not in single:
            return None
        combos = [{**c, name: value} for c in combos for value in single[name]()]
    return combos


def _deliveries_of_anonymous_reports(scene: Scene) -> list[WebhookDelivery]:
    """Each endpoint's latest delivery about each anonymous report (the delivery log pages
    show the payload; every payload itself is checked in the webhook test)."""
    anonymous = {r.tracking_id for r in scene.reports.values() if r.is_anonymous}
    latest: dict[tuple[int, str], WebhookDelivery] = {}
    for d in WebhookDelivery.objects.select_related("endpoint").order_by("pk"):
        tracking_id = d.payload.get("report", {}).get("tracking_id")
        if tracking_id in anonymous:
            latest[d.endpoint_id, tracking_id] = d
    return list(latest.values())


def _notice_and_template_pks() -> list[int]:
    from aduan.backoffice.models import ResponseTemplate

    pks = list(Notification.objects.filter(audience="staff").values_list("pk", flat=True)[:3])
    pks += list(ResponseTemplate.objects.values_list("pk", flat=True)[:1])
    return pks or [1]


def fillable(route: Route) -> bool:
    return set(route.params) <= KNOWN_PARAMS


def extra_queries(route_name: str, scene: Scene) -> list[dict[str, str]]:
    """Query strings worth asking besides the bare address: the identity reveal, and the
    filters of the public lists (a filter that rebuilds the query must keep its rules),
    naming the secret reports outright where the list takes IDs."""
    ids = ",".join(r.tracking_id for r in scene.reports.values())
    w = scene.world
    public_filters = [
        {"agency": w.bandung.code, "status": "in_progress"},
        {"region": w.region_bandung.code, "category": w.category_roads.code},
    ]
    return {
        "backoffice:report": [{"identitas": "1"}],
        "reports:list": public_filters,
        "api-reports": [*public_filters, {"updated_since": "2000-01-01T00:00:00Z"}],
        "open311:requests": [
            {"service_request_id": ids},
            {"status": "open"},
            {"status": "closed"},
            {"service_code": w.category_roads.code},
        ],
        "open311:updates": [{"service_request_id": ids}],
        "agency-api:reports": [{"status": ",".join(Status.values)}],
    }.get(route_name, [])


def urls_for(route: Route, scene: Scene) -> Iterator[str]:
    options = _kwargs_options(route, scene)
    assert options is not None, route
    for kwargs in options:
        url = reverse(route.name, kwargs=kwargs)
        yield url
        for query in extra_queries(route.name, scene):
            yield f"{url}?{urlencode(query)}"


# Title markers of every report: a search for something the viewer may not see must
# find no report at all (a hit would tell who filed what, or that a secret exists).
REPORT_TITLES = (
    *PUBLIC_TITLES,
    "conf_title",
    "anon_conf_title",
    "unverified_title",
    "sby_conf_title",
)
# Search pages: HTML pages without arguments that show a search box ``q``, and these
# JSON lists that take ``q``.
SEARCH_BOX = re.compile(r'<input[^>]*\bname="q"')
API_SEARCH = frozenset({"api-reports", "api-agencies"})
# What is typed into search boxes: one of each kind of secret (the others take the same
# code paths, and every request costs time).
SEARCH_TERMS = frozenset(
    {
        "conf_title",
        "anon_conf_title",
        "anon_name",
        "anon_email",
        "anon_phone",
        "anon_account",
        "sms_phone",
        "app_name",
        "named_name",
        "named_email",
        "unverified_title",
        "sby_conf_title",
    }
)


@dataclass
class Finding:
    route: str
    url: str
    status: int
    leaked: list[str]

    search: bool = False  # a search for a forbidden marker that found something

    def __str__(self) -> str:
        verb = "found" if self.search else "leaked"
        return f"{self.route} {self.url} [{self.status}] {verb} {', '.join(self.leaked)}"


@dataclass
class WalkResult:
    findings: list[Finding] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)  # url → status
    bodies: dict[str, str] = field(default_factory=dict)  # url → response text
    searched: set[str] = field(default_factory=set)  # routes searched for markers


def walk(
    client: Any,
    scene: Scene,
    routes: Iterable[Route],
    *,
    forbidden: Callable[[str], Mapping[str, str]],
    search_public: bool = True,
) -> WalkResult:
    """GET every address of ``routes`` and record the markers each response leaks
    (``forbidden``: the markers this viewer may not receive at that address). Search
    pages are also asked for what the viewer may not see, and must find nothing
    (public search pages only with ``search_public``)."""
    result = WalkResult()
    for route in routes:
        for url in urls_for(route, scene):
            response = client.get(url)
            text = response_text(response)
            result.statuses[url] = response.status_code
            result.bodies[url] = text
            found = leaked(text, forbidden(url))
            if found:
                result.findings.append(Finding(route.name, url, response.status_code, found))
            if response.status_code == 405:
                break  # takes no GET: its other addresses answer the same, before any lookup
        if route.params:
            continue
        url = reverse(route.name)
        if is_public_url(url) and not search_public:
            continue
        if route.name in API_SEARCH or SEARCH_BOX.search(result.bodies[url]):
            result.searched.add(route.name)
            result.findings += _search(client, route, url, forbidden(url), scene.markers)
    return result


def _search(
    client: Any, route: Route, url: str, forbidden: Mapping[str, str], markers: Mapping[str, str]
) -> list[Finding]:
    findings = []
    for label, term in forbidden.items():
        if label not in SEARCH_TERMS:
            continue
        response = client.get(url, {"q": term})
        # The page may repeat what was typed; anything else found is a leak.
        others = {k: v for k, v in forbidden.items() if k != label}
        others |= {k: markers[k] for k in REPORT_TITLES if k != label}
        found = leaked(response_text(response), others)
        if found:
            query = f"{url}?q=<{label}>"
            findings.append(Finding(route.name, query, response.status_code, found, True))
    return findings
