"""Filing reports from an agency's own app: external_id never makes two reports, not on
a resend, not on two requests at the same instant; Idempotency-Key replays."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from aduan.integrations.keys import key_create
from aduan.reports import access
from aduan.reports.models import Report

URL = "/api/v1/agency/reports"
PAYLOAD = {
    "external_id": "SIPP-2026-0001",
    "title": "Lampu jalan mati",
    "body": "Lampu jalan di Jl. Setiabudi mati sejak seminggu.",
    "region": "32.73",
    "reporter": {"name": "Ani", "email": "ani@example.id"},
}


def client_for(world, scopes=("read", "write")) -> APIClient:
    _key, raw = key_create(agency=world.bandung, name="app", scopes=list(scopes))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def send(client, payload=None, **headers):
    return client.post(
        URL, data=json.dumps(payload or PAYLOAD), content_type="application/json", **headers
    )


def test_submit_on_behalf_of_a_citizen(world):
    response = send(client_for(world))

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["duplicate"] is False and data["external_id"] == "SIPP-2026-0001"
    report = Report.objects.get(tracking_id=data["tracking_id_raw"])
    assert report.channel == "agency_app"
    assert report.source_agency == world.bandung and report.requested_agency == world.bandung
    assert report.reporter_email == "ani@example.id"
    assert report.status == "submitted"
    # The first answer carries the reporter's link and secret.
    assert access.holds_reporter_secret(report, data["secret"])
    assert data["private_url"].endswith(data["secret"])


def test_requested_agency_can_be_given(world):
    response = send(client_for(world), {**PAYLOAD, "agency": "KEMENKES"})

    report = Report.objects.get(tracking_id=response.json()["tracking_id_raw"])
    assert report.requested_agency == world.kemenkes
    assert report.source_agency == world.bandung


def test_resend_with_same_external_id_returns_the_same_report(world):
    client = client_for(world)
    first = send(client).json()

    again = send(client, {**PAYLOAD, "title": "Lampu jalan mati (kirim ulang)"})

    assert again.status_code == 200
    data = again.json()
    assert data["duplicate"] is True
    assert data["tracking_id_raw"] == first["tracking_id_raw"]
    assert data["secret"] is None and data["private_url"] is None
    assert Report.objects.count() == 1


def test_external_ids_are_per_agency(world):
    send(client_for(world))
    _key, raw = key_create(agency=world.surabaya, name="app", scopes=["write"])
    surabaya = APIClient()
    surabaya.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    response = send(surabaya)

    assert response.status_code == 201
    assert Report.objects.count() == 2


def test_external_id_is_required(world):
    payload = {k: v for k, v in PAYLOAD.items() if k != "external_id"}

    response = send(client_for(world), payload)

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "external_id"


def test_public_validation_applies(world):
    response = send(client_for(world), {**PAYLOAD, "region": "99.99"})

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "region"


def test_read_only_key_cannot_submit(world):
    response = send(client_for(world, scopes=("read",)))

    assert response.status_code == 403
    assert Report.objects.count() == 0


def test_idempotency_key_replays_the_first_receipt_with_its_secret(world):
    client = client_for(world)

    first = send(client, HTTP_IDEMPOTENCY_KEY="sub-1")
    second = send(client, HTTP_IDEMPOTENCY_KEY="sub-1")

    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert Report.objects.count() == 1


def test_multipart_with_attachment(world):
    import io

    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(picture, format="PNG")
    picture.seek(0)
    picture.name = "lampu.png"
    response = client_for(world).post(
        URL,
        {
            "external_id": "SIPP-2026-0002",
            "title": "Lampu jalan mati",
            "body": "Sudah seminggu.",
            "reporter.name": "Ani",
            "attachments": [picture],
        },
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    report = Report.objects.get(tracking_id=response.json()["tracking_id_raw"])
    assert report.attachments.count() == 1
    assert report.reporter_name == "Ani"


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_make_one_report(world):
    _key, raw = key_create(agency=world.bandung, name="app", scopes=["write"])
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def run(i: int) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        try:
            barrier.wait(timeout=10)
            results[i] = send(client)
        except Exception as exc:  # reported below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    codes = sorted(r.status_code for r in results)
    assert codes == [200, 201], results
    ids = {r.json()["tracking_id_raw"] for r in results}
    assert len(ids) == 1
    assert Report.objects.filter(external_id="SIPP-2026-0001").count() == 1
