"""Signed deliveries: the documented verification code accepts real deliveries and refuses
forgeries; secrets are sealed at rest and rotate with an overlap; URLs are checked."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aduan.webhooks import delivery, destinations, services, signing
from aduan.webhooks.models import EventType, WebhookDelivery, WebhookEndpoint
from tests.webhooks_support import (
    Receiver,
    dispatched,
    endpoint,
    fake_sender,
    verification_example,
)


@pytest.fixture
def loopback(settings):
    """The receiver runs on 127.0.0.1 over plain HTTP, allowed only by this setting."""
    settings.ADUAN_WEBHOOKS_ALLOW_HTTP_LOOPBACK = True


@pytest.fixture
def receiver(loopback):
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def verify():
    example = verification_example()
    return example["verify_webhook"], example["InvalidWebhook"]


def test_a_real_delivery_verifies_with_the_documented_example(world, receiver, verify):
    verify_webhook, invalid = verify
    _ep, secret = endpoint(world.bandung, url=receiver.url, events=[EventType.DISPATCHED])
    r = dispatched(world)
    row = WebhookDelivery.objects.get()

    assert delivery.attempt_delivery(row.pk) == WebhookDelivery.Status.SUCCEEDED

    (received,) = receiver.requests
    headers = received.headers
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Aduan-Webhook-Id"] == row.event_id
    assert headers["Aduan-Webhook-Event"] == "report.dispatched"
    assert abs(int(headers["Aduan-Webhook-Timestamp"]) - timezone.now().timestamp()) < 3600
    assert headers["Aduan-Webhook-Signature"].startswith("v1=")
    event = verify_webhook(received.body, headers, secret)
    assert event["id"] == row.event_id
    assert event["type"] == "report.dispatched"
    assert event["report"]["tracking_id"] == r.tracking_id
    assert event["report"]["agency"] == "32.73"

    tampered = received.body.replace(b"32.73", b"35.78")
    for body, hdrs, key in [
        (tampered, headers, secret),
        (received.body, headers, signing.new_secret()),
        (received.body, {**headers, "Aduan-Webhook-Signature": "v1=00"}, secret),
        (received.body, {k: v for k, v in headers.items() if "Signature" not in k}, secret),
    ]:
        with pytest.raises(invalid):
            verify_webhook(body, hdrs, key)
    # Replays: the same delivery six minutes later is refused.
    sent = float(headers["Aduan-Webhook-Timestamp"])
    verify_webhook(received.body, headers, secret, now=sent + 299)
    with pytest.raises(invalid):
        verify_webhook(received.body, headers, secret, now=sent + 360)


def test_signature_is_hmac_sha256_over_timestamp_and_body():
    import hashlib
    import hmac

    body = json.dumps({"id": "x"}).encode()
    expected = hmac.new(b"whsec_k", b"1767312000." + body, hashlib.sha256).hexdigest()
    assert signing.signature("whsec_k", 1767312000, body) == expected
    headers = signing.signed_headers(
        event_id="x", event_type="ping", body=body, secrets_=["whsec_k"], timestamp=1767312000
    )
    assert headers["Aduan-Webhook-Signature"] == f"v1={expected}"


def test_the_secret_is_sealed_at_rest(world):
    ep, secret = endpoint(world.bandung)
    stored = WebhookEndpoint.objects.get(pk=ep.pk)
    assert secret.startswith("whsec_") and len(secret) > 40
    assert secret not in stored.secret_sealed
    assert signing.signing_secrets(stored, now=timezone.now()) == [secret]


def test_rotation_signs_with_both_secrets_for_a_day(world, monkeypatch, verify):
    verify_webhook, invalid = verify
    ep, old = endpoint(world.bandung)
    sender = fake_sender(monkeypatch, [200])
    now = timezone.now()
    new = services.endpoint_rotate_secret(endpoint=ep, now=now)
    assert new != old

    dispatched(world)
    row = WebhookDelivery.objects.get()
    delivery.attempt_delivery(row.pk, now=now + timedelta(hours=1))
    _url, body, headers = sender.calls[0]
    assert len(headers["Aduan-Webhook-Signature"].split()) == 2
    sent = float(headers["Aduan-Webhook-Timestamp"])
    for key in (new, old):  # a receiver still on the old secret keeps working
        verify_webhook(body, headers, key, now=sent)

    services.delivery_redeliver(delivery_row=row, now=now + timedelta(hours=25))
    delivery.attempt_delivery(row.pk, now=now + timedelta(hours=25))
    _url, body, headers = sender.calls[1]
    assert len(headers["Aduan-Webhook-Signature"].split()) == 1
    sent = float(headers["Aduan-Webhook-Timestamp"])
    verify_webhook(body, headers, new, now=sent)
    with pytest.raises(invalid):
        verify_webhook(body, headers, old, now=sent)


def test_an_unreadable_secret_is_a_recorded_failure(world, settings, monkeypatch):
    endpoint(world.bandung)
    sender = fake_sender(monkeypatch, [200])
    dispatched(world)
    settings.SECRET_KEY = "another-key-entirely-" + "x" * 40
    row = WebhookDelivery.objects.get()
    assert delivery.attempt_delivery(row.pk) == WebhookDelivery.Status.FAILED
    row.refresh_from_db()
    assert "rotate" in row.last_error
    assert sender.calls == []


# ---- destinations ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://aduan.bandung.go.id/webhook",
        "https://hooks.example.id:8443/aduan?token=abc",
        "https://36.66.10.10/hook",
    ],
)
def test_public_https_urls_are_accepted(url, settings):
    settings.ADUAN_WEBHOOKS_ALLOW_HTTP_LOOPBACK = False
    assert destinations.clean_url(f"  {url} ") == url


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("", "required"),
        ("http://aduan.bandung.go.id/webhook", "https_required"),
        ("ftp://aduan.bandung.go.id/webhook", "invalid"),
        ("https://user:pass@aduan.bandung.go.id/webhook", "invalid"),
        ("https://aduan.bandung.go.id/webhook#x", "invalid"),
        ("bukan url", "invalid"),
        ("https://127.0.0.1/hook", "forbidden"),
        ("https://localhost/hook", "forbidden"),
        ("http://127.0.0.1:8000/hook", "https_required"),
        ("https://10.0.0.5/hook", "forbidden"),
        ("https://192.168.1.10/hook", "forbidden"),
        ("https://169.254.169.254/latest", "forbidden"),
        ("https://[::1]/hook", "forbidden"),
        ("https://" + "a" * 500 + ".id/", "invalid"),
    ],
)
def test_unsafe_urls_are_refused(url, code, settings):
    settings.ADUAN_WEBHOOKS_ALLOW_HTTP_LOOPBACK = False
    settings.DEBUG = False
    with pytest.raises(ValidationError) as info:
        destinations.clean_url(url)
    assert info.value.code == code


def test_loopback_and_private_networks_need_settings(settings):
    settings.DEBUG = False
    settings.ADUAN_WEBHOOKS_ALLOW_HTTP_LOOPBACK = True
    assert destinations.clean_url("http://127.0.0.1:8000/hook")
    assert destinations.clean_url("http://localhost:8000/hook")
    with pytest.raises(ValidationError):
        destinations.clean_url("http://10.0.0.5/hook")
    settings.ADUAN_WEBHOOKS_ALLOW_PRIVATE_NETWORKS = True
    assert destinations.clean_url("https://10.0.0.5/hook")
    with pytest.raises(ValidationError):  # cloud metadata: never
        destinations.clean_url("https://169.254.169.254/latest")
