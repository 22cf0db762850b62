"""Agency API keys at the door: authentication, scopes, rate limits, schema and docs."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from aduan.integrations import auth
from aduan.integrations.keys import key_create, key_revoke
from aduan.reports import lifecycle
from aduan.reports.lifecycle import Actor, Change
from tests.factories import report

LIST = "/api/v1/agency/reports"


def client_for(raw: str | None = None, **extra: str) -> APIClient:
    client = APIClient(**extra)
    if raw is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def frozen_window(monkeypatch):
    """Keep every request in one rate-limit window, whatever the wall clock does."""
    monkeypatch.setattr(auth.Window, "timer", staticmethod(lambda: 1_000_040.0))


def dispatched(world, agency):
    r = report(region=world.region_bandung)
    lifecycle.transition(r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=agency))
    return r


# ---- authentication ----------------------------------------------------------------------


def test_missing_key_is_401_with_bearer_challenge(world):
    response = APIClient().get(LIST)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer ")
    assert response.json()["error"]["code"] == "missing_api_key"


@pytest.mark.parametrize(
    "header",
    ["Bearer adn_0000000000_notarealkey", "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer"],
)
def test_unknown_or_malformed_key_is_401(world, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get(LIST)

    assert response.status_code == 401
    assert "WWW-Authenticate" in response
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_tampered_secret_of_a_real_prefix_is_401(world):
    _key, raw = key_create(agency=world.bandung, name="x", scopes=["read"])

    response = client_for(raw[:-2] + "xx").get(LIST)

    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_revoked_key_is_401(world):
    key, raw = key_create(agency=world.bandung, name="x", scopes=["read"])
    assert client_for(raw).get(LIST).status_code == 200

    key_revoke(key=key)

    response = client_for(raw).get(LIST)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_key_of_inactive_agency_is_401(world):
    _key, raw = key_create(agency=world.bandung, name="x", scopes=["read"])
    world.bandung.is_active = False
    world.bandung.save()

    assert client_for(raw).get(LIST).status_code == 401


def test_valid_key_records_last_use(world):
    key, raw = key_create(agency=world.bandung, name="x", scopes=["read"])

    assert client_for(raw).get(LIST).status_code == 200

    key.refresh_from_db()
    assert key.last_used_at is not None


# ---- scopes ---------------------------------------------------------------------------------


def test_read_only_key_cannot_post(world):
    r = dispatched(world, world.bandung)
    _key, raw = key_create(agency=world.bandung, name="ro", scopes=["read"])

    response = client_for(raw).post(f"{LIST}/{r.tracking_id}/accept", {}, format="json")

    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "insufficient_scope"
    assert "write" in error["message"]
    r.refresh_from_db()
    assert r.status == "dispatched"


def test_write_only_key_cannot_read(world):
    _key, raw = key_create(agency=world.bandung, name="wo", scopes=["write"])

    response = client_for(raw).get(LIST)

    assert response.status_code == 403
    assert "read" in response.json()["error"]["message"]


def test_webhooks_only_key_can_neither_read_nor_write(world):
    r = dispatched(world, world.bandung)
    _key, raw = key_create(agency=world.bandung, name="wh", scopes=["webhooks"])
    client = client_for(raw)

    assert client.get(f"{LIST}/{r.tracking_id}").status_code == 403
    assert client.post(f"{LIST}/{r.tracking_id}/accept", {}, format="json").status_code == 403


# ---- rate limits --------------------------------------------------------------------------


def test_rate_limit_per_key_answers_429_with_retry_after(world, settings, frozen_window):
    settings.ADUAN_API_RATE_PER_MINUTE = 3
    _key, raw = key_create(agency=world.bandung, name="x", scopes=["read"])
    _other, other_raw = key_create(agency=world.bandung, name="y", scopes=["read"])
    client = client_for(raw)

    answers = [client.get(LIST) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0]["X-RateLimit-Limit"] == "3"
    assert answers[2]["X-RateLimit-Remaining"] == "0"
    limited = answers[3]
    assert limited.json()["error"]["code"] == "rate_limited"
    # 20 s into the window (frozen clock): 40 s left.
    assert limited["Retry-After"] == "40"
    # Another key has its own budget.
    assert client_for(other_raw).get(LIST).status_code == 200


def test_rate_limit_resets_in_the_next_window(world, settings, monkeypatch):
    settings.ADUAN_API_RATE_PER_MINUTE = 1
    _key, raw = key_create(agency=world.bandung, name="x", scopes=["read"])
    clock = {"now": 1_000_000.0}
    monkeypatch.setattr(auth.Window, "timer", staticmethod(lambda: clock["now"]))
    client = client_for(raw)

    assert client.get(LIST).status_code == 200
    assert client.get(LIST).status_code == 429
    clock["now"] += 60
    assert client.get(LIST).status_code == 200


def test_repeated_bad_keys_from_one_address_are_rate_limited(world, settings, frozen_window):
    settings.ADUAN_API_AUTH_FAILURES_PER_MINUTE = 2
    _key, raw = key_create(agency=world.bandung, name="x", scopes=["read"])
    bad = client_for("adn_0000000000_wrong", REMOTE_ADDR="10.0.0.9")

    codes = [bad.get(LIST).status_code for _ in range(3)]

    assert codes == [401, 401, 429]
    assert "Retry-After" in bad.get(LIST)
    # A valid key from the same address still works, and other addresses are unaffected.
    assert client_for(raw, REMOTE_ADDR="10.0.0.9").get(LIST).status_code == 200
    assert client_for("adn_x_y", REMOTE_ADDR="10.0.0.10").get(LIST).status_code == 401


# ---- schema and documentation ------------------------------------------------------------


def test_schema_validates_without_warnings():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = out.getvalue()
    assert "/api/v1/agency/reports/{tracking_id}/respond" in schema
    assert "agencyApiKey" in schema


def test_docs_page_lists_agency_endpoints(world, client):
    response = client.get("/api/v1/agency/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    for path in (
        "/api/v1/agency/reports",
        "/api/v1/agency/reports/{tracking_id}/accept",
        "/api/v1/agency/reports/{tracking_id}/forward",
        "/api/v1/agency/reports/{tracking_id}/update",
        "/api/v1/agency/reports/{tracking_id}/respond",
        "/api/v1/agency/reports/{tracking_id}/return-to-desk",
        "/api/v1/agency/reports/{tracking_id}/notes",
    ):
        assert f"<code>{path}</code>" in html
    assert "Idempotency-Key" in html
    assert "Retry-After" in html
    assert '<th scope="col">' in html
    assert "<script" not in html
    # Components render with their fields, and every in-page link has its target.
    assert 'id="schema-agencyreport"' in html
    targets = set(re.findall(r'id="([^"]+)"', html))
    links = set(re.findall(r'href="#([^"]+)"', html))
    assert links and links - targets <= {"main"}, links - targets
