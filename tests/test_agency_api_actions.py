"""Acting through the agency API: every action is a lifecycle transition by the key's
actor, errors are JSON with a stable code, and Idempotency-Key replays instead of acting
twice."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from rest_framework.test import APIClient

from aduan.core.models import IdempotencyRecord
from aduan.integrations.keys import key_create
from aduan.reports import lifecycle
from aduan.reports.lifecycle import Actor, Change
from aduan.reports.models import Report
from tests.factories import report

LIST = "/api/v1/agency/reports"


@pytest.fixture
def keyed(world):
    key, raw = key_create(agency=world.bandung, name="SIPP", scopes=["read", "write"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return key, client


def dispatched(world, agency=None) -> Report:
    r = report(region=world.region_bandung)
    lifecycle.transition(
        r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=agency or world.bandung)
    )
    return r


def post(client, r, action, body=None, **headers):
    return client.post(f"{LIST}/{r.tracking_id}/{action}", body or {}, format="json", **headers)


def jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="JPEG")
    buffer.seek(0)
    buffer.name = "bukti.jpg"
    return buffer


def test_accept_writes_an_event_labelled_with_the_key(world, keyed):
    key, client = keyed
    r = dispatched(world)

    response = post(client, r, "accept")

    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "in_progress"
    assert data["event"]["action"] == "accept"
    assert data["event"]["actor_label"] == f"api-key:{key.prefix}"
    event = r.events.get(action="accept")
    assert event.actor_label == f"api-key:{key.prefix}"
    assert event.actor is None and event.actor_agency == world.bandung


def test_forward_inside_the_subtree(world, keyed):
    _key, client = keyed
    r = dispatched(world)

    response = post(client, r, "forward", {"agency": "32.73.DINKES"})

    assert response.status_code == 200
    assert response.json()["agency"]["code"] == "32.73.DINKES"
    r.refresh_from_db()
    assert r.agency == world.bandung_dinkes


@pytest.mark.parametrize("code", ["35.78", "KEMENKES"])
def test_forward_outside_the_subtree_is_refused_on_the_agency_field(world, keyed, code):
    _key, client = keyed
    r = dispatched(world)

    response = post(client, r, "forward", {"agency": code})

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "agency"
    r.refresh_from_db()
    assert r.agency == world.bandung


def test_update_then_respond_with_attachment(world, keyed):
    _key, client = keyed
    r = dispatched(world)

    update = post(client, r, "update", {"message": "Petugas menuju lokasi, hubungi 081234567890."})
    assert update.status_code == 200
    respond = client.post(
        f"{LIST}/{r.tracking_id}/respond",
        {"message": "Jalan sudah diperbaiki.", "attachments": [jpeg()], "attachments_public": "1"},
        format="multipart",
    )

    assert respond.status_code == 200, respond.json()
    r.refresh_from_db()
    assert r.status == "responded" and r.first_response_at is not None
    event = r.events.get(action="respond")
    [attachment] = event.attachments.all()
    assert attachment.is_public and attachment.content_type == "image/jpeg"
    assert "081234567890" not in r.events.get(action="update").public_message


def test_bad_attachment_is_400_on_attachments(world, keyed):
    _key, client = keyed
    r = dispatched(world)
    fake = io.BytesIO(b"MZ not really a picture")
    fake.name = "virus.jpg"

    response = client.post(
        f"{LIST}/{r.tracking_id}/respond",
        {"message": "Selesai.", "attachments": [fake]},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["error"]["field"].startswith("attachments")
    r.refresh_from_db()
    assert r.status == "dispatched"


def test_return_to_desk_needs_a_reason_and_leaves_the_list(world, keyed):
    _key, client = keyed
    r = dispatched(world)

    missing = post(client, r, "return-to-desk", {})
    assert missing.status_code == 400 and missing.json()["error"]["field"] == "reason"

    response = post(client, r, "return-to-desk", {"reason": "Ini wewenang Kemenkes."})

    assert response.status_code == 200
    assert response.json()["agency"] is None
    r.refresh_from_db()
    assert r.status == "submitted" and r.bounce_count == 1
    event = r.events.get(action="return_to_desk")
    assert event.reason == "not_authority" and event.message == "Ini wewenang Kemenkes."
    assert client.get(f"{LIST}/{r.tracking_id}").status_code == 404


def test_note_is_staff_only_and_keeps_status(world, keyed):
    _key, client = keyed
    r = dispatched(world)

    response = post(client, r, "notes", {"message": "Menunggu anggaran."})

    assert response.status_code == 200
    assert response.json()["status"] == "dispatched"
    note = r.events.get(action="note")
    assert note.visibility == "staff"


def test_missing_message_is_400_with_field(world, keyed):
    _key, client = keyed
    r = dispatched(world)

    response = post(client, r, "update", {"message": ""})

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "message"


def test_action_in_the_wrong_state_is_409(world, keyed):
    _key, client = keyed
    r = dispatched(world)
    post(client, r, "respond", {"message": "Sudah ditangani."})
    r.refresh_from_db()
    lifecycle.transition(r, "close", actor=Actor.reporter())

    response = post(client, r, "accept")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_state"


# ---- Idempotency-Key ----------------------------------------------------------------------


def test_same_idempotency_key_replays_instead_of_acting_twice(world, keyed):
    _key, client = keyed
    r = dispatched(world)
    body = {"message": "Kabar perkembangan."}

    first = post(client, r, "update", body, HTTP_IDEMPOTENCY_KEY="upd-1")
    second = post(client, r, "update", body, HTTP_IDEMPOTENCY_KEY="upd-1")

    assert first.status_code == second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert r.events.filter(action="update").count() == 1


def test_replay_after_return_to_desk_still_answers(world, keyed):
    _key, client = keyed
    r = dispatched(world)
    body = {"reason": "Bukan wewenang kami."}

    first = post(client, r, "return-to-desk", body, HTTP_IDEMPOTENCY_KEY="ret-1")
    retry = post(client, r, "return-to-desk", body, HTTP_IDEMPOTENCY_KEY="ret-1")

    assert first.status_code == retry.status_code == 200
    assert retry["Idempotent-Replayed"] == "true"
    assert r.events.filter(action="return_to_desk").count() == 1


def test_same_key_with_another_body_is_422(world, keyed):
    _key, client = keyed
    r = dispatched(world)
    post(client, r, "notes", {"message": "satu"}, HTTP_IDEMPOTENCY_KEY="n-1")

    response = post(client, r, "notes", {"message": "dua"}, HTTP_IDEMPOTENCY_KEY="n-1")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"


def test_failed_action_does_not_burn_the_idempotency_key(world, keyed):
    _key, client = keyed
    r = dispatched(world)

    refused = post(client, r, "forward", {"agency": "35.78"}, HTTP_IDEMPOTENCY_KEY="f-1")
    assert refused.status_code == 400
    assert not IdempotencyRecord.objects.filter(key="f-1").exists()


def test_idempotency_keys_are_per_api_key(world, keyed):
    _key, client = keyed
    _other_key, other_raw = key_create(agency=world.bandung, name="lain", scopes=["write"])
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {other_raw}")
    r = dispatched(world)

    post(client, r, "notes", {"message": "a"}, HTTP_IDEMPOTENCY_KEY="same")
    response = post(other, r, "notes", {"message": "a"}, HTTP_IDEMPOTENCY_KEY="same")

    assert response.status_code == 200
    assert "Idempotent-Replayed" not in response
    assert r.events.filter(action="note").count() == 2
