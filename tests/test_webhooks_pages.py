"""The webhook pages under /petugas/webhook/: who may use them, and what they do."""

from __future__ import annotations

import re

import pytest

from aduan.agencies.models import Role
from aduan.audit.models import AuditRecord
from aduan.webhooks import signing
from aduan.webhooks.models import EventType, WebhookDelivery, WebhookEndpoint
from tests.factories import staff
from tests.webhooks_support import dispatched, endpoint

BASE = "/petugas/webhook/"


@pytest.fixture
def bandung_endpoint(world):
    ep, _secret = endpoint(world.bandung_dinkes, url="https://dinkes.bandung.example.id/hook")
    return ep


def pages(ep: WebhookEndpoint, delivery_pk: int) -> list[str]:
    return [
        BASE,
        f"{BASE}baru/",
        f"{BASE}{ep.uuid}/",
        f"{BASE}{ep.uuid}/pengiriman/{delivery_pk}/",
        f"{BASE}{ep.uuid}/hapus/",  # the confirmation
    ]


def actions(ep: WebhookEndpoint, delivery_pk: int) -> list[str]:
    base = f"{BASE}{ep.uuid}/"
    return [
        f"{base}jeda/",
        f"{base}lanjutkan/",
        f"{base}rahasia/",
        f"{base}uji/",
        f"{base}hapus/",
        f"{base}pengiriman/{delivery_pk}/kirim-ulang/",
    ]


# ---- permission matrix ---------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(client, world, bandung_endpoint):
    row = dispatched(world, agency=world.bandung_dinkes) and WebhookDelivery.objects.get()
    for url in pages(bandung_endpoint, row.pk) + actions(bandung_endpoint, row.pk):
        method = client.post if url in actions(bandung_endpoint, row.pk) else client.get
        response = method(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/akun/masuk/"), url


@pytest.mark.parametrize("who", ["bandung_officer", "dinkes_officer", "coordinator"])
def test_staff_who_are_not_admins_get_403(client, world, bandung_endpoint, who):
    dispatched(world, agency=world.bandung_dinkes)
    row = WebhookDelivery.objects.get()
    client.force_login(getattr(world, who))
    for url in pages(bandung_endpoint, row.pk):
        assert client.get(url).status_code == 403, url
    for url in actions(bandung_endpoint, row.pk):
        assert client.post(url).status_code == 403, url
    bandung_endpoint.refresh_from_db()
    assert bandung_endpoint.is_active and bandung_endpoint.paused_at is None


def test_admins_of_other_agencies_get_404_for_the_endpoint(client, world, bandung_endpoint):
    dispatched(world, agency=world.bandung_dinkes)
    row = WebhookDelivery.objects.get()
    surabaya_admin = staff(world.surabaya, Role.AGENCY_ADMIN)
    pupr_admin = staff(world.bandung_pupr, Role.AGENCY_ADMIN)  # a sibling unit
    for admin in (surabaya_admin, pupr_admin):
        client.force_login(admin)
        listing = client.get(BASE)
        assert listing.status_code == 200
        assert bandung_endpoint.url not in listing.content.decode()
        for url in pages(bandung_endpoint, row.pk)[2:]:
            assert client.get(url).status_code == 404, url
        for url in actions(bandung_endpoint, row.pk):
            assert client.post(url).status_code == 404, url
    bandung_endpoint.refresh_from_db()
    assert bandung_endpoint.is_active and bandung_endpoint.paused_at is None


@pytest.mark.parametrize("who", ["bandung_admin", "desk"])
def test_the_agency_admin_and_the_desk_see_everything_of_the_subtree(
    client, world, bandung_endpoint, who
):
    dispatched(world, agency=world.bandung_dinkes)
    row = WebhookDelivery.objects.get()
    client.force_login(getattr(world, who))
    for url in pages(bandung_endpoint, row.pk):
        assert client.get(url).status_code == 200, url
    assert bandung_endpoint.url in client.get(BASE).content.decode()


def test_only_get_and_post(client, world, bandung_endpoint):
    client.force_login(world.bandung_admin)
    assert client.get(f"{BASE}{bandung_endpoint.uuid}/jeda/").status_code == 405
    assert client.post(f"{BASE}{bandung_endpoint.uuid}/").status_code == 405


# ---- creating, and the secret shown once ---------------------------------------------------


def test_an_admin_registers_an_endpoint_and_sees_the_secret_once(client, world):
    client.force_login(world.bandung_admin)
    form = client.get(f"{BASE}baru/").content.decode()
    assert 'name="events"' in form and 'type="checkbox"' in form
    assert world.surabaya.name not in form  # only the admin's own subtree is offered

    response = client.post(
        f"{BASE}baru/",
        {
            "agency": world.bandung_dinkes.pk,
            "url": "https://dinkes.bandung.example.id/aduan",
            "description": "SIMPUS",
            "events": [EventType.DISPATCHED, EventType.REPORTER_REPLIED],
        },
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    ep = WebhookEndpoint.objects.get()
    assert ep.agency == world.bandung_dinkes
    assert ep.events == [EventType.DISPATCHED, EventType.REPORTER_REPLIED]
    assert ep.created_by == world.bandung_admin
    secret = re.search(r'id="webhook-secret">(whsec_[^<]+)<', response.content.decode()).group(1)
    assert signing.signing_secrets(ep, now=ep.created_at) == [secret]
    assert secret not in client.get(f"{BASE}{ep.uuid}/").content.decode()
    assert AuditRecord.objects.filter(action="webhook_create", actor=world.bandung_admin).exists()


def test_invalid_input_is_shown_next_to_the_field(client, world):
    client.force_login(world.bandung_admin)
    response = client.post(
        f"{BASE}baru/",
        {"agency": world.surabaya.pk, "url": "http://dinkes.example.id/hook", "events": []},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="error-summary"' in body
    assert "Gunakan alamat HTTPS" in body
    assert "Pilih paling sedikit satu jenis peristiwa." in body
    assert 'aria-invalid="true"' in body
    form = response.context["form"]
    assert set(form.errors) == {"agency", "url", "events"}
    assert WebhookEndpoint.objects.count() == 0


def test_rotating_shows_a_new_secret(client, world, bandung_endpoint):
    client.force_login(world.bandung_admin)
    response = client.post(f"{BASE}{bandung_endpoint.uuid}/rahasia/")
    assert response.status_code == 200
    secret = re.search(r'id="webhook-secret">(whsec_[^<]+)<', response.content.decode()).group(1)
    bandung_endpoint.refresh_from_db()
    assert signing.signing_secrets(bandung_endpoint, now=bandung_endpoint.created_at)[0] == secret


# ---- pause, resume, test event, delete, redeliver --------------------------------------------


def test_pause_resume_ping_delete(client, world, bandung_endpoint):
    client.force_login(world.bandung_admin)
    detail = f"{BASE}{bandung_endpoint.uuid}/"

    assert client.post(f"{detail}jeda/").status_code == 302
    bandung_endpoint.refresh_from_db()
    assert bandung_endpoint.paused_at is not None
    page = client.get(detail).content.decode()
    assert "Pengiriman dijeda" in page and "Lanjutkan pengiriman" in page

    dispatched(world, agency=world.bandung_dinkes)  # waits while paused
    response = client.post(f"{detail}lanjutkan/", follow=True)
    assert "1 pengiriman yang menunggu" in response.content.decode()
    bandung_endpoint.refresh_from_db()
    assert bandung_endpoint.paused_at is None

    assert client.post(f"{detail}uji/").status_code == 302
    assert WebhookDelivery.objects.filter(endpoint=bandung_endpoint, event_type="ping").exists()

    response = client.post(f"{detail}hapus/")
    assert response.status_code == 302 and response["Location"] == BASE
    bandung_endpoint.refresh_from_db()
    assert not bandung_endpoint.is_active
    assert client.get(detail).status_code == 404
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"webhook_pause", "webhook_resume", "webhook_delete"} <= actions


def test_redeliver_from_the_log(client, world, bandung_endpoint):
    dispatched(world, agency=world.bandung_dinkes)
    row = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=row.pk).update(
        status=WebhookDelivery.Status.ABANDONED, attempts=8, next_attempt_at=None
    )
    client.force_login(world.bandung_admin)
    response = client.post(f"{BASE}{bandung_endpoint.uuid}/pengiriman/{row.pk}/kirim-ulang/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts) == (WebhookDelivery.Status.PENDING, 0)


def test_the_delivery_page_shows_attempts_and_payload(client, world, bandung_endpoint):
    from aduan.webhooks.models import WebhookAttempt

    r = dispatched(world, agency=world.bandung_dinkes)
    row = WebhookDelivery.objects.get()
    WebhookAttempt.objects.create(
        delivery=row,
        attempted_at=row.created_at,
        status_code=503,
        error="HTTP 503",
        response_excerpt="<b>Service Unavailable</b>",
        duration_ms=120,
    )
    client.force_login(world.bandung_admin)
    page = client.get(f"{BASE}{bandung_endpoint.uuid}/pengiriman/{row.pk}/").content.decode()
    assert row.event_id in page
    assert r.tracking_id in page
    assert "503" in page
    assert "&lt;b&gt;Service Unavailable&lt;/b&gt;" in page  # escaped, never rendered


# ---- query counts -------------------------------------------------------------------------


def test_list_and_log_pages_have_bounded_queries(
    client, world, bandung_endpoint, django_assert_max_num_queries
):
    for i in range(4):
        endpoint(world.bandung, url=f"https://hooks{i}.example.id/aduan")
    for _ in range(6):
        dispatched(world, agency=world.bandung_dinkes)
    client.force_login(world.bandung_admin)
    client.get(BASE)  # warm up the session and the second-factor checks

    with django_assert_max_num_queries(12):
        response = client.get(BASE)
    assert response.content.decode().count("hooks") >= 4
    with django_assert_max_num_queries(12):
        response = client.get(f"{BASE}{bandung_endpoint.uuid}/")
    assert response.content.decode().count("Kirim ulang") >= 6
    with django_assert_max_num_queries(12):
        client.get(f"{BASE}{bandung_endpoint.uuid}/?status=pending")


def test_status_is_written_not_only_coloured(client, world, bandung_endpoint):
    dispatched(world, agency=world.bandung_dinkes)
    client.force_login(world.bandung_admin)
    page = client.get(f"{BASE}{bandung_endpoint.uuid}/").content.decode()
    assert "Menunggu dikirim" in page
    assert '<th scope="col">' in page and '<th scope="row">' in page
    assert page.count("<h1>") == 1
