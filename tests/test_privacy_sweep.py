"""The privacy sweep (DESIGN.md §4), across every surface at once.

Reports carrying unique marker strings are filed through the real channels (web intake,
SMS gateway, agency API) and moved through real transitions, with the notices and webhook
deliveries they cause (tests/privacy_support.py builds them). Then every URL pattern of
the project is walked as each kind of viewer, and every byte that comes back (body,
headers, cookies) is searched for what that viewer may not learn:

* confidential reports never appear in a public list, feed, search, export or open-data
  file, and their public pages show the status only;
* nobody outside the back office learns who filed any report;
* the reporter of an anonymous report is hidden from agency staff, agency systems (API,
  Open311 with a key, webhooks) and staff notices; only the national desk sees them,
  on request, and the look is audited.

A new URL pattern is walked automatically when its arguments are of a known kind; one
with arguments of a new kind fails :func:`test_every_url_pattern_is_walked_or_classified`
until someone teaches the sweep to fill them or classifies it in ``SKIPPED``.

Leaks found and not fixed yet are strict xfails whose reason starts with "LEAK:" (in
``KNOWN_LEAKS`` for the walk); once fixed they fail as XPASS until the mark is removed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from aduan.audit.models import AuditRecord
from aduan.notifications import sms as sms_gateway
from aduan.notifications.digest import digest_send
from aduan.notifications.models import Notification
from aduan.reports import tracking
from aduan.reports.models import ReportEvent
from aduan.webhooks.models import WebhookDelivery
from tests.privacy_support import (
    ANONYMOUS_IDENTITY,
    CONFIDENTIAL_TEXT,
    NAMED_IDENTITY,
    OTHER_PHONE,
    SMS_CHAT,
    SURABAYA_TEXT,
    UNVERIFIED_TEXT,
    Route,
    Scene,
    SignedReport,
    WalkResult,
    all_routes,
    build_scene,
    build_signed_report,
    email_send,
    fillable,
    is_public_url,
    leaked,
    response_text,
    sms_send,
    sms_status,
    walk,
)

PUBLIC_FORBIDDEN = (
    *CONFIDENTIAL_TEXT,
    *ANONYMOUS_IDENTITY,
    *NAMED_IDENTITY,
    *UNVERIFIED_TEXT,
    *SURABAYA_TEXT,
)
AGENCY_FORBIDDEN = (*ANONYMOUS_IDENTITY, *SURABAYA_TEXT)
ALL_IDENTITY = (*ANONYMOUS_IDENTITY, *NAMED_IDENTITY)
ANONYMOUS_KINDS = ("anonymous", "anonymous_confidential", "sms_anonymous", "agency_app_anonymous")
CONFIDENTIAL_KINDS = ("confidential", "anonymous_confidential")

# Who walks the site, and what they may not receive on back-office addresses. Public
# addresses add PUBLIC_FORBIDDEN for everyone: a signed-in officer reading the public
# site gets the public site.
VIEWERS: dict[str, tuple[str, ...]] = {
    "anonymous": PUBLIC_FORBIDDEN,
    # Handles none of Bandung's reports (only its own confidential one).
    "surabaya_officer": tuple(x for x in PUBLIC_FORBIDDEN if x not in SURABAYA_TEXT),
    "bandung_officer": AGENCY_FORBIDDEN,
    "bandung_admin": AGENCY_FORBIDDEN,
    # Mentors Bandung: reads its reports, confidential ones too, but sees no reporter.
    "coordinator": (*ALL_IDENTITY, *SURABAYA_TEXT),
    # Bandung's own system, with a read key in the Authorization header of every request.
    "bandung_api_key": AGENCY_FORBIDDEN,
}
BANDUNG_STAFF = ("bandung_officer", "bandung_admin", "coordinator")
# Public search pages are searched as the visitor; the other viewers GET them without
# searching, and search the back-office pages instead (time is short).
SEARCH_PUBLIC = ("anonymous",)

# URL patterns the walk does not GET, each with its reason. Django's admin site (under
# admin/, superusers only) is left out as a whole.
SKIPPED: dict[str, str] = {
    "accounts:logout": "ends the session the walk runs in",
    "accounts:set-password": "needs a signed one-time token of a staff account; no reports",
}
UNNAMED_OUTSIDE_ADMIN = {"^api/(?P<path>.*)$"}  # the JSON 404 of unknown API addresses
# Documentation generated from code, the same for everyone and slow to build: walked once,
# as the visitor.
DOCUMENTATION = {"api-schema", "api-docs", "agency-api:docs"}

# Leaks found by the sweep and not fixed yet: (viewer, URL name) → what leaks. The walk
# leaves them out; test_known_leak keeps each one visible as a strict xfail.
KNOWN_LEAKS: dict[tuple[str, str], str] = {}


@pytest.fixture
def build(
    world: Any, client: Any, settings: Any, monkeypatch: Any, django_capture_on_commit_callbacks
) -> Iterator[Callable[[bool], Scene]]:
    def scene_for(deliver: bool) -> Scene:
        return build_scene(
            world,
            client=client,
            settings=settings,
            monkeypatch=monkeypatch,
            capture=django_capture_on_commit_callbacks,
            deliver=deliver,
        )

    mail.outbox.clear()
    sms_gateway.LoggingSmsGateway.outbox.clear()
    yield scene_for
    sms_gateway.LoggingSmsGateway.outbox.clear()


@pytest.fixture
def scene(build: Callable[[bool], Scene]) -> Scene:
    """The reports, with their notices and webhook deliveries queued (not sent)."""
    return build(False)


@pytest.fixture
def delivered_scene(build: Callable[[bool], Scene]) -> Scene:
    """The same, with every notice and webhook delivery really sent."""
    return build(True)


def signed_in(client: Any, scene: Scene, viewer: str) -> Any:
    if viewer == "bandung_api_key":
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {scene.bandung_key}"
    elif viewer != "anonymous":
        client.force_login(getattr(scene.world, viewer))
    return client


def forbidden_for(scene: Scene, viewer: str) -> Callable[[str], Mapping[str, str]]:
    def forbidden(url: str) -> Mapping[str, str]:
        labels = set(VIEWERS[viewer])
        if viewer == "bandung_api_key" and url.startswith("/open311/"):
            # With a key, Open311 adds the agency's own reports, confidential ones too,
            # and never carries who filed anything (aduan/open311/README.md).
            labels |= set(ALL_IDENTITY)
        elif is_public_url(url):
            labels |= set(PUBLIC_FORBIDDEN)
        return scene.pick(sorted(labels))

    return forbidden


def walked_routes(viewer: str = "anonymous") -> list[Route]:
    routes = [
        r
        for r in all_routes()
        if r.name
        and not r.name.startswith("admin:")
        and r.name not in SKIPPED
        and (viewer == "anonymous" or r.name not in DOCUMENTATION)
    ]
    if viewer == "bandung_api_key":
        # A key opens the APIs only: its web pages are the visitor's, walked as such.
        routes = [r for r in routes if r.pattern.startswith(("api/", "open311/"))]
    return routes


def tid(scene: Scene, kind: str) -> str:
    return scene.reports[kind].tracking_id


def get_text(client: Any, url: str, data: Any = None) -> str:
    response = client.get(url, data)
    assert response.status_code == 200, (url, response.status_code)
    return response_text(response)


def assert_clean(text: str, forbidden: Mapping[str, str], where: str) -> None:
    found = leaked(text, forbidden)
    assert not found, f"{where} leaked {found}"


# ---- the map of the site -------------------------------------------------------------


def test_every_url_pattern_is_walked_or_classified() -> None:
    outside_admin = [r for r in all_routes() if not r.pattern.startswith("admin/")]
    unnamed = {r.pattern for r in outside_admin if not r.name}
    assert unnamed == UNNAMED_OUTSIDE_ADMIN, "classify the new unnamed URL pattern"
    names = {r.name for r in outside_admin if r.name}
    assert set(SKIPPED) | DOCUMENTATION <= names, "a URL pattern named here no longer exists"
    unknown = [r for r in walked_routes() if not fillable(r)]
    assert not unknown, (
        "these URL patterns take arguments the sweep cannot fill: teach "
        "privacy_support._kwargs_options to fill them, or add them to SKIPPED with a "
        f"reason: {unknown}"
    )


# ---- every page, as every viewer -----------------------------------------------------


@pytest.mark.parametrize("viewer", list(VIEWERS))
def test_walk_every_page(client: Any, scene: Scene, viewer: str) -> None:
    result = walk(
        signed_in(client, scene, viewer),
        scene,
        walked_routes(viewer),
        forbidden=forbidden_for(scene, viewer),
        search_public=viewer in SEARCH_PUBLIC,
    )
    findings = [f for f in result.findings if (viewer, f.route) not in KNOWN_LEAKS]
    assert not findings, "\n".join(str(f) for f in findings)
    _controls(scene, viewer, result)


def _controls(scene: Scene, viewer: str, result: WalkResult) -> None:
    """The walk saw real pages: what this viewer may see is there (a walk of error pages
    and login redirects would find nothing and prove nothing)."""
    m = scene.markers

    def page(url: str) -> str:
        assert result.statuses[url] == 200, (url, result.statuses[url])
        return result.bodies[url]

    assert m["public_title"] in page("/api/v1/reports")
    assert m["anon_title"] in page(f"/api/v1/reports/{tid(scene, 'anonymous')}")
    if viewer != "bandung_api_key":  # (the key's Open311 is checked below)
        public_list = page("/laporan/")
        for label in ("public_title", "anon_title", "sms_title", "app_title"):
            assert m[label] in public_list, label
        assert m["anon_title"] in page(f"/lacak/{tid(scene, 'anonymous')}/")
        page(f"/lacak/{tid(scene, 'confidential')}/")  # the status, and nothing else
        assert m["public_title"] in page("/open311/v2/requests.json")
    if viewer in SEARCH_PUBLIC:
        assert {"reports:list", "api-reports"} <= result.searched
    filtered = [u for u in result.statuses if "?" in u and is_public_url(u)]
    assert filtered and all(result.statuses[u] == 200 for u in filtered)  # valid filters

    def staff_page(kind: str, query: str = "") -> str:
        return f"/petugas/laporan/{tid(scene, kind)}/{query}"

    if viewer in BANDUNG_STAFF:
        assert m["anon_title"] in page(staff_page("anonymous"))
        assert m["anon_title"] in page(staff_page("anonymous", "?identitas=1"))
        assert m["conf_title"] in page(staff_page("confidential"))
    if viewer in ("bandung_officer", "bandung_admin"):
        # A named reporter is shown to the handling agency on request (and audited).
        assert m["named_email"] in page(staff_page("public", "?identitas=1"))
        assert "backoffice:inbox" in result.searched
    if viewer == "bandung_admin":
        failed = page("/petugas/notifikasi/")  # the queued notices all failed
        assert tracking.display(tid(scene, "anonymous")) in failed
        trail = page(f"/audit/laporan/{tid(scene, 'anonymous')}/")
        assert "Melihat identitas pelapor" in trail  # the desk's look, without what it saw
        webhook_pages = [u for u in result.statuses if u.startswith("/petugas/webhook/")]
        assert any(result.statuses[u] == 200 for u in webhook_pages)
    if viewer == "surabaya_officer":
        assert result.statuses[staff_page("anonymous")] == 404
        assert m["sby_conf_title"] in page(staff_page("surabaya_confidential"))
    if viewer == "bandung_api_key":
        assert m["anon_title"] in page("/api/v1/agency/reports")
        assert m["conf_title"] in page(f"/api/v1/agency/reports/{tid(scene, 'confidential')}")
        # A named reporter is there for the agency's system, and the read is audited.
        assert m["named_email"] in page(f"/api/v1/agency/reports/{tid(scene, 'public')}")
        assert AuditRecord.objects.filter(
            action=AuditRecord.Action.VIEW_IDENTITY,
            report=scene.reports["public"],
            agency=scene.world.bandung,
            actor=None,
        ).exists()
        assert m["conf_title"] in page("/open311/v2/requests.json")
    # Nobody but the desk ever looks at an anonymous reporter.
    looks = AuditRecord.objects.filter(
        action=AuditRecord.Action.VIEW_IDENTITY,
        report__in=[scene.reports[k] for k in ANONYMOUS_KINDS],
    )
    assert set(looks.values_list("actor", flat=True)) == {scene.world.desk.pk}


@pytest.mark.parametrize(
    ("viewer", "route"),
    [
        pytest.param(viewer, route, marks=pytest.mark.xfail(strict=True, reason=reason))
        for (viewer, route), reason in KNOWN_LEAKS.items()
    ]
    or [pytest.param("", "", marks=pytest.mark.skip(reason="no known leaks"))],
)
def test_known_leak(client: Any, scene: Scene, viewer: str, route: str) -> None:
    routes = [r for r in walked_routes(viewer) if r.name == route]
    result = walk(
        signed_in(client, scene, viewer),
        scene,
        routes,
        forbidden=forbidden_for(scene, viewer),
        search_public=viewer in SEARCH_PUBLIC,
    )
    assert not result.findings, "\n".join(str(f) for f in result.findings)


# ---- confidential reports show their status only; strangers on the gateways ----------


def test_public_views_of_a_confidential_report_show_the_status_only(
    client: Any, scene: Scene
) -> None:
    forbidden = scene.pick(PUBLIC_FORBIDDEN)
    details = ("Pemerintah Kota Bandung", "Sukasari")  # handling agency, location
    for kind in CONFIDENTIAL_KINDS:
        tracking_id = tid(scene, kind)
        pages = {
            "tracking page": client.get(f"/lacak/{tracking_id}/"),
            "public API": client.get(f"/api/v1/reports/{tracking_id}"),
            "Open311 json": client.get(f"/open311/v2/requests/{tracking_id}.json"),
            "Open311 xml": client.get(f"/open311/v2/requests/{tracking_id}.xml"),
        }
        texts = {where: response_text(response) for where, response in pages.items()}
        texts["SMS STATUS"] = sms_status(client, tracking_id, sender=OTHER_PHONE)
        texts["chat STATUS"] = sms_status(client, tracking_id, sender=OTHER_PHONE, path=SMS_CHAT)
        for where, text in texts.items():
            assert_clean(text, forbidden, f"{where} of {kind}")
            for detail in details:
                assert detail not in text, (kind, where, detail)
        # The status is there (Open311 lists public reports only: it answers 404).
        assert [r.status_code for r in pages.values()] == [200, 200, 404, 404]
        assert tracking.display(tracking_id) in texts["SMS STATUS"]


def test_strangers_asking_or_answering_by_sms_chat_or_email_learn_nothing(
    client: Any, scene: Scene, django_capture_on_commit_callbacks
) -> None:
    """Someone who did not file the report asks its status, or answers it, by SMS, chat
    and e-mail: the status comes without the reporter, the answers are refused, and
    neither the replies nor any notice they cause says who filed it."""
    stranger = "Orang Lain <orang.lain@example.id>"
    forbidden = scene.pick(PUBLIC_FORBIDDEN)
    events_before = ReportEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        for kind in (*ANONYMOUS_KINDS, "confidential", "public"):
            shown = tracking.display(tid(scene, kind))
            balas = f"BALAS {shown} masih rusak"
            answers = {
                "SMS STATUS": sms_status(client, tid(scene, kind), sender=OTHER_PHONE),
                "chat STATUS": sms_status(
                    client, tid(scene, kind), sender=OTHER_PHONE, path=SMS_CHAT
                ),
                "SMS BALAS": sms_send(client, balas, sender=OTHER_PHONE),
                "chat BALAS": sms_send(client, balas, sender=OTHER_PHONE, path=SMS_CHAT),
                "e-mail": email_send(
                    client, sender=stranger, subject=f"Re: Laporan {shown}", body="Masih rusak."
                ),
            }
            for channel, answer in answers.items():
                assert_clean(answer, forbidden, f"{channel} about {kind}")
            assert shown in answers["SMS STATUS"] and shown in answers["chat STATUS"]
    assert ReportEvent.objects.count() == events_before  # every answer was refused
    to_stranger = [m for m in mail.outbox if "orang.lain@example.id" in m.to]
    for message in to_stranger:
        assert_clean(f"{message.subject}\n{message.body}", forbidden, "e-mail to the stranger")
    for sms in sms_gateway.LoggingSmsGateway.outbox:
        if sms.to == OTHER_PHONE:
            assert_clean(sms.message, forbidden, "SMS to the stranger")


# ---- what reaches the agency outside its web pages -----------------------------------


OPEN311_LISTS = ("requests", "servicerequestupdates")
OPEN311_DETAILS = ("confidential", *ANONYMOUS_KINDS)


def test_open311_with_the_agency_key_never_names_a_reporter(client: Any, scene: Scene) -> None:
    forbidden = scene.pick((*ALL_IDENTITY, *SURABAYA_TEXT))
    key = {"api_key": scene.bandung_key}
    urls = [f"/open311/v2/{name}.{fmt}" for name in OPEN311_LISTS for fmt in ("json", "xml")]
    urls += [f"/open311/v2/requests/{tid(scene, kind)}.json" for kind in OPEN311_DETAILS]
    texts = {url: get_text(client, url, key) for url in urls}
    for url, text in texts.items():
        assert_clean(text, forbidden, f"{url} with Bandung's key")
    # Control: with the key, its own confidential report is there.
    assert scene.markers["conf_title"] in texts["/open311/v2/requests.json"]


def test_webhook_payloads_never_carry_a_reporter(delivered_scene: Scene) -> None:
    """Stored payloads (the delivery log) and the bytes POSTed, for Bandung's endpoint and
    for Surabaya's (whose app filed one of the anonymous reports)."""
    scene = delivered_scene
    bandung = scene.bandung_endpoint
    forbidden = {
        bandung.pk: scene.pick((*ALL_IDENTITY, *SURABAYA_TEXT)),
        scene.surabaya_endpoint.pk: scene.pick(
            (*ALL_IDENTITY, *CONFIDENTIAL_TEXT, *UNVERIFIED_TEXT)
        ),
    }
    rows = list(WebhookDelivery.objects.order_by("pk"))
    for row in rows:
        payload = json.dumps(row.payload, ensure_ascii=False)
        assert_clean(payload, forbidden[row.endpoint_id], f"{row.event_type} payload")
    by_url = {bandung.url: bandung.pk, scene.surabaya_endpoint.url: scene.surabaya_endpoint.pk}
    for sent in scene.sent_webhooks:
        assert_clean(sent.body.decode(), forbidden[by_url[sent.url]], f"POST to {sent.url}")
    # Controls: every anonymous report was announced to Bandung, Surabaya heard of the
    # report its app filed, and every delivery really went out.
    to_bandung = " ".join(json.dumps(r.payload) for r in rows if r.endpoint_id == bandung.pk)
    for kind in ANONYMOUS_KINDS:
        assert tid(scene, kind) in to_bandung, kind
    assert any(r.endpoint_id == scene.surabaya_endpoint.pk for r in rows)
    assert len(scene.sent_webhooks) == len(rows)


def test_staff_notices_and_digests_never_name_an_anonymous_reporter(
    delivered_scene: Scene, django_capture_on_commit_callbacks
) -> None:
    scene, w = delivered_scene, delivered_scene.world
    later = timezone.now() + timedelta(days=30)  # every open report is overdue by then
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send(day=timezone.localdate(later), now=later) > 0
    forbidden = scene.pick(ANONYMOUS_IDENTITY)
    reporters = {r.reporter_email for r in scene.reports.values() if r.reporter_email}
    reporters.add(scene.anon_account.email)
    staff_mails = [m for m in mail.outbox if not set(m.to) & reporters]
    for message in staff_mails:
        parts = [message.subject, message.body]
        parts += [content for content, _type in getattr(message, "alternatives", [])]
        assert_clean("\n".join(map(str, parts)), forbidden, f"e-mail to {message.to}")
    notices = Notification.objects.filter(audience=Notification.Audience.STAFF)
    for notice in notices:
        assert_clean(f"{notice.subject}\n{notice.body}", forbidden, f"notice {notice.pk}")
    # Controls: Bandung's staff were told of the anonymous report, and got a digest.
    staff = {w.bandung_officer.email, w.bandung_admin.email}
    told = " ".join(m.body for m in staff_mails if set(m.to) & staff)
    assert tracking.display(tid(scene, "anonymous")) in told
    assert notices.filter(kind="digest", user=w.bandung_officer).exists()


# ---- the desk, and only the desk ------------------------------------------------------

IDENTITY_OF = {
    "anonymous": ("anon_name", "anon_email", "anon_phone", "anon_account"),
    "anonymous_confidential": ("anon_conf_name", "anon_conf_email", "anon_conf_phone"),
    "sms_anonymous": ("sms_phone",),
    "agency_app_anonymous": ("app_name", "app_email", "app_phone"),
}


def test_the_desk_sees_an_anonymous_reporter_on_request_and_it_is_audited(
    client: Any, scene: Scene
) -> None:
    desk = signed_in(client, scene, "desk")
    for kind, identity in IDENTITY_OF.items():
        report = scene.reports[kind]
        url = f"/petugas/laporan/{report.tracking_id}/"
        assert_clean(get_text(desk, url), scene.pick(identity), f"the desk's view of {kind}")
        looks = AuditRecord.objects.filter(
            action=AuditRecord.Action.VIEW_IDENTITY, report=report, actor=scene.world.desk
        )
        before = looks.count()  # the scene's own look

        revealed = get_text(desk, url, {"identitas": "1"})
        assert leaked(revealed, scene.pick(identity)) == sorted(identity), kind
        assert looks.count() == before + 1, kind


# ---- forms posted back ----------------------------------------------------------------


def test_refused_or_invalid_posts_leak_nothing(client: Any, scene: Scene) -> None:
    """Pages rendered again after a POST (an invalid form, a wrong secret) are pages too."""
    public = scene.pick(PUBLIC_FORBIDDEN)
    for viewer in ("anonymous", "surabaya_officer", "bandung_officer", "coordinator"):
        client.logout()
        signed_in(client, scene, viewer)
        staff = forbidden_for(scene, viewer)("/petugas/")
        for kind in (*ANONYMOUS_KINDS, "confidential"):
            tracking_id = tid(scene, kind)
            posts = {
                f"/lacak/{tracking_id}/aksi/reply/": ({"k": "salah", "reply-message": "x"}, public),
                f"/api/v1/reports/{tracking_id}/actions/reply": ({"message": "x"}, public),
                f"/petugas/laporan/{tracking_id}/aksi/update/": ({"update-message": ""}, staff),
            }
            for url, (data, forbidden) in posts.items():
                response = client.post(url, data, HTTP_X_REPORT_SECRET="salah")
                assert response.status_code < 500, url
                assert_clean(response_text(response), forbidden, f"POST {url} as {viewer}")
        if viewer == "bandung_officer":  # the form really came back
            url = f"/petugas/laporan/{tid(scene, 'anonymous')}/aksi/update/"
            response = client.post(url, {"update-message": ""})
            assert scene.markers["anon_title"] in response_text(response)


# ---- an anonymous reporter who signs the text ------------------------------------------


def _signed_texts(client: Any, world: Any, signed: SignedReport, audience: str) -> dict[str, str]:
    r = signed.report
    if audience == "public":
        return {
            url: get_text(client, url)
            for url in (
                f"/lacak/{r.tracking_id}/",
                "/laporan/",
                f"/api/v1/reports/{r.tracking_id}",
                f"/open311/v2/requests/{r.tracking_id}.json",
            )
        }
    if audience == "agency staff pages":
        client.force_login(world.bandung_officer)
        urls = (f"/petugas/laporan/{r.tracking_id}/", "/petugas/kotak-masuk/")
        return {url: get_text(client, url) for url in urls}
    if audience == "agency systems":
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {signed.bandung_key}"
        urls = (f"/api/v1/agency/reports/{r.tracking_id}", "/api/v1/agency/reports")
        texts = {url: get_text(client, url) for url in urls}
        for sent in signed.sent_webhooks:
            texts[f"webhook to {sent.url}"] = sent.body.decode()
        return texts
    assert audience == "staff notices"
    staff = [m for m in mail.outbox if r.reporter_email not in m.to]
    assert staff  # the dispatch was announced to Bandung's staff
    return {f"e-mail to {m.to}": f"{m.subject}\n{m.body}" for m in staff}


# People sign their complaints: the reporter's own name, e-mail and phone are taken out of
# everything the public, the agency's staff and its systems read of an anonymous report.
@pytest.mark.parametrize(
    "audience", ["public", "agency staff pages", "agency systems", "staff notices"]
)
def test_an_anonymous_reporter_who_signs_the_text_stays_anonymous(
    client: Any,
    world: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
    audience: str,
) -> None:
    signed = build_signed_report(
        world, monkeypatch=monkeypatch, capture=django_capture_on_commit_callbacks
    )
    texts = _signed_texts(client, world, signed, audience)
    found = {where: leaked(text, signed.markers) for where, text in texts.items()}
    assert not any(found.values()), found
