"""The webhook management API (/api/v1/agency/webhooks/) for an agency's own system."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from aduan.audit.models import AuditRecord
from aduan.integrations.keys import key_create, key_revoke
from aduan.webhooks import signing
from aduan.webhooks.models import EventType, WebhookDelivery, WebhookEndpoint
from tests.webhooks_support import dispatched, endpoint

BASE = "/api/v1/agency/webhooks/"
NEW = {
    "url": "https://simpus.bandung.example.id/aduan",
    "events": [EventType.DISPATCHED, EventType.REPORTER_REPLIED],
}


def client_for(agency, scopes=("webhooks",)) -> APIClient:
    _key, raw = key_create(agency=agency, name="SIMPUS", scopes=list(scopes))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api


@pytest.fixture
def bandung(world) -> APIClient:
    return client_for(world.bandung)


# ---- authentication, scope, tenancy ----------------------------------------------------------


def test_no_key_unknown_key_and_revoked_key_get_401(world):
    assert APIClient().get(BASE).status_code == 401
    anonymous = APIClient().get(BASE)
    assert anonymous.json()["error"]["code"] == "missing_api_key"
    assert anonymous["WWW-Authenticate"].startswith("Bearer")
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Bearer adn_0000000000_nope")
    assert wrong.get(BASE).status_code == 401
    key, raw = key_create(agency=world.bandung, name="lama", scopes=["webhooks"])
    key_revoke(key=key)
    revoked = APIClient()
    revoked.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert revoked.post(BASE, NEW, format="json").status_code == 401
    assert WebhookEndpoint.objects.count() == 0


def test_a_key_without_the_webhooks_scope_gets_403(world):
    api = client_for(world.bandung, scopes=("read", "write"))
    for response in (api.get(BASE), api.post(BASE, NEW, format="json")):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "insufficient_scope"
    assert WebhookEndpoint.objects.count() == 0


def test_a_key_sees_only_its_own_subtree(world, bandung):
    own, _ = endpoint(world.bandung)
    unit, _ = endpoint(world.bandung_dinkes)
    other, _ = endpoint(world.surabaya)
    dispatched(world, agency=world.surabaya)
    other_delivery = WebhookDelivery.objects.get(endpoint=other)

    listed = {e["id"] for e in bandung.get(BASE).json()}
    assert listed == {str(own.uuid), str(unit.uuid)}

    dinkes_key = client_for(world.bandung_dinkes)
    assert {e["id"] for e in dinkes_key.get(BASE).json()} == {str(unit.uuid)}
    assert dinkes_key.get(f"{BASE}{own.uuid}").status_code == 404  # the parent's

    theirs = f"{BASE}{other.uuid}"
    for response in (
        bandung.get(theirs),
        bandung.delete(theirs),
        bandung.post(f"{theirs}/pause"),
        bandung.post(f"{theirs}/rotate-secret"),
        bandung.get(f"{theirs}/deliveries"),
        bandung.get(f"{theirs}/deliveries/{other_delivery.pk}"),
        bandung.post(f"{theirs}/deliveries/{other_delivery.pk}/redeliver"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    other.refresh_from_db()
    assert other.is_active and other.paused_at is None
    # A delivery of another endpoint is not reachable through one's own endpoint either.
    assert bandung.get(f"{BASE}{own.uuid}/deliveries/{other_delivery.pk}").status_code == 404


# ---- creating -------------------------------------------------------------------------------


def test_create_returns_the_secret_once_and_replays_with_the_same_key(world, bandung):
    response = bandung.post(
        BASE, {**NEW, "agency": "32.73.DINKES"}, format="json", HTTP_IDEMPOTENCY_KEY="abc-1"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["agency"] == "32.73.DINKES"
    assert body["status"] == "active"
    assert body["events"] == NEW["events"]
    assert response["Cache-Control"] == "no-store"
    ep = WebhookEndpoint.objects.get()
    assert signing.signing_secrets(ep, now=ep.created_at) == [body["secret"]]

    again = bandung.post(
        BASE, {**NEW, "agency": "32.73.DINKES"}, format="json", HTTP_IDEMPOTENCY_KEY="abc-1"
    )
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == body  # the sealed secret is replayed too
    assert WebhookEndpoint.objects.count() == 1

    different = bandung.post(
        BASE, {**NEW, "url": "https://x.example.id/"}, format="json", HTTP_IDEMPOTENCY_KEY="abc-1"
    )
    assert different.status_code == 422
    assert bandung.get(f"{BASE}{ep.uuid}").json().get("secret") is None


def test_the_default_agency_is_the_keys(world, bandung):
    response = bandung.post(BASE, NEW, format="json")
    assert response.status_code == 201
    assert response.json()["agency"] == "32.73"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"url": "http://simpus.example.id/hook"}, "url"),
        ({"url": "https://10.1.2.3/hook"}, "url"),
        ({"events": []}, "events"),
        ({"events": ["report.deleted"]}, "events.0"),
        ({"agency": "35.78"}, "agency"),  # outside the key's subtree
        ({"agency": "NOPE"}, "agency"),
    ],
)
def test_invalid_input_names_the_field(world, bandung, change, field):
    response = bandung.post(BASE, {**NEW, **change}, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["field"] == field
    assert WebhookEndpoint.objects.count() == 0


def test_at_most_ten_endpoints_per_agency(world, bandung):
    for i in range(10):
        endpoint(world.bandung, url=f"https://h{i}.example.id/")
    response = bandung.post(BASE, NEW, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "url"


# ---- reading, deleting, rotating, pausing ----------------------------------------------------


def test_read_delete_rotate_pause_resume(world, bandung):
    ep, old = endpoint(world.bandung)
    url = f"{BASE}{ep.uuid}"
    assert bandung.get(url).json()["url"] == ep.url

    rotated = bandung.post(f"{url}/rotate-secret")
    assert rotated.status_code == 200
    assert rotated.json()["secret"] not in (None, old)
    assert rotated.json()["previous_secret_valid_until"]

    paused = bandung.post(f"{url}/pause")
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    dispatched(world)  # waits
    resumed = bandung.post(f"{url}/resume")
    assert resumed.json()["status"] == "active"

    assert bandung.delete(url).status_code == 204
    assert bandung.get(url).status_code == 404
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.ABANDONED
    audited = AuditRecord.objects.filter(agency=world.bandung, actor=None)
    assert {a.action for a in audited} >= {
        "webhook_secret_rotate",
        "webhook_pause",
        "webhook_resume",
        "webhook_delete",
    }
    assert all(a.detail["api_key"] for a in audited if a.action != "webhook_create")


# ---- deliveries ------------------------------------------------------------------------------


def test_delivery_log_with_cursor_pagination_and_redelivery(world, bandung):
    ep, _ = endpoint(world.bandung)
    for _ in range(3):
        dispatched(world)
    url = f"{BASE}{ep.uuid}/deliveries"

    page = bandung.get(url, {"page_size": 2}).json()
    assert len(page["results"]) == 2 and page["next"]
    rest = bandung.get(page["next"]).json()
    assert len(rest["results"]) == 1
    first = page["results"][0]
    assert first["event_type"] == "report.dispatched"
    assert first["payload"]["id"] == first["event_id"]
    assert first["tracking_id"]
    assert bandung.get(url, {"status": "succeeded"}).json()["results"] == []
    assert bandung.get(url, {"status": "nope"}).status_code == 400

    row = WebhookDelivery.objects.get(pk=first["id"])
    WebhookDelivery.objects.filter(pk=row.pk).update(
        status=WebhookDelivery.Status.SUCCEEDED, attempts=1
    )
    detail = bandung.get(f"{url}/{row.pk}").json()
    assert detail["attempt_log"] == []
    redelivered = bandung.post(f"{url}/{row.pk}/redeliver", HTTP_IDEMPOTENCY_KEY="r-1")
    assert redelivered.status_code == 202
    assert redelivered.json()["event_id"] == row.event_id
    assert redelivered.json()["status"] == "pending"
    replay = bandung.post(f"{url}/{row.pk}/redeliver", HTTP_IDEMPOTENCY_KEY="r-1")
    assert replay["Idempotent-Replayed"] == "true"


def test_ping_queues_a_test_event(world, bandung):
    ep, _ = endpoint(world.bandung)
    response = bandung.post(f"{BASE}{ep.uuid}/ping")
    assert response.status_code == 202
    assert response.json()["event_type"] == "ping"
    assert response.json()["payload"]["endpoint"]["id"] == str(ep.uuid)


def test_the_schema_documents_the_webhook_api(db):
    schema = APIClient().get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = schema.json()["paths"]
    assert set(paths["/api/v1/agency/webhooks/"]) >= {"get", "post"}
    assert "delete" in paths["/api/v1/agency/webhooks/{endpoint_id}"]
    assert "/api/v1/agency/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver" in paths
    assert "Aduan-Webhook-Signature" in paths["/api/v1/agency/webhooks/"]["get"]["description"]
