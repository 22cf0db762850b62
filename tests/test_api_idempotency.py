"""Idempotency-Key on POST /api/v1/reports: retries never create a second report."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from aduan.core import idempotency
from aduan.core.models import IdempotencyRecord
from aduan.reports import access
from aduan.reports.models import Report

URL = "/api/v1/reports"
PAYLOAD = {"title": "Sampah menumpuk di pasar", "body": "Sudah seminggu tidak diangkut."}


def post(payload: dict[str, Any], key: str | None, **headers: Any) -> Any:
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return APIClient().post(
        URL, data=json.dumps(payload), content_type="application/json", **headers
    )


def test_same_key_and_body_replays_the_same_receipt(world):
    first = post(PAYLOAD, "retry-1")
    second = post(PAYLOAD, "retry-1")

    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in first
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert second["Location"] == first["Location"]
    assert Report.objects.count() == 1


def test_replayed_secret_still_opens_the_report(world):
    post(PAYLOAD, "retry-2")
    replay = post(PAYLOAD, "retry-2").json()

    report = Report.objects.get(tracking_id=replay["tracking_id_raw"])
    assert access.holds_reporter_secret(report, replay["secret"])


def test_secret_is_not_stored_in_clear(world):
    secret = post(PAYLOAD, "retry-3").json()["secret"]

    record = IdempotencyRecord.objects.get(scope="public-api", key="retry-3")
    assert secret not in json.dumps(record.response_body)


def test_replay_after_secret_key_rotation_omits_the_secret(world):
    first = post(PAYLOAD, "retry-4").json()
    with override_settings(SECRET_KEY="a-completely-different-secret-key-for-the-test"):
        replay = post(PAYLOAD, "retry-4")

    assert replay.status_code == 201
    assert replay.json()["tracking_id"] == first["tracking_id"]
    assert replay.json()["secret"] is None
    assert replay.json()["private_url"] is None


def test_same_key_with_another_body_is_a_422(world):
    post(PAYLOAD, "retry-5")
    response = post({**PAYLOAD, "title": "Judul lain"}, "retry-5")

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert error["field"] == "Idempotency-Key"
    assert Report.objects.count() == 1


def test_channel_is_part_of_the_request(world):
    post(PAYLOAD, "retry-6")
    response = post(PAYLOAD, "retry-6", HTTP_X_ADUAN_CLIENT="mobile")

    assert response.status_code == 422


def test_keys_are_independent(world):
    post(PAYLOAD, "key-a")
    post(PAYLOAD, "key-b")
    post(PAYLOAD, None)
    post(PAYLOAD, None)

    assert Report.objects.count() == 4


def test_failed_validation_does_not_use_up_the_key(world):
    bad = post({"title": "Tanpa isi"}, "retry-7")
    good = post(PAYLOAD, "retry-7")

    assert bad.status_code == 400
    assert good.status_code == 201
    assert "Idempotent-Replayed" not in good


@pytest.mark.parametrize(
    ("key", "message_part"),
    [("k" * 201, "200"), ("   ", "kosong"), ("kunci\u00e9", "ASCII")],
)
def test_bad_keys_are_a_400_on_the_header(world, key, message_part):
    response = post(PAYLOAD, key)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "Idempotency-Key"
    assert message_part in error["message"]
    assert not Report.objects.exists()


def test_key_of_200_characters_is_fine(world):
    assert post(PAYLOAD, "k" * 200).status_code == 201


def test_seal_round_trip_and_tamper_detection():
    sealed = idempotency.seal("rahasia-pelapor", context="public-api\x00k\x00secret")

    assert "rahasia" not in sealed
    assert idempotency.unseal(sealed, context="public-api\x00k\x00secret") == "rahasia-pelapor"
    assert idempotency.unseal(sealed, context="public-api\x00other\x00secret") is None
    assert idempotency.unseal(sealed[:-4] + "AAAA", context="public-api\x00k\x00secret") is None
    assert idempotency.unseal("not sealed", context="x") is None


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_with_one_key_create_one_report(world):
    threads_count = 4
    barrier = threading.Barrier(threads_count)
    results: list[tuple[int, dict[str, Any]]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=30)
            response = post(PAYLOAD, "simultaneous")
            results.append((response.status_code, response.json()))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert [status for status, _body in results] == [201] * threads_count
    assert len({body["tracking_id"] for _status, body in results}) == 1
    assert Report.objects.count() == 1
    assert IdempotencyRecord.objects.filter(key="simultaneous").count() == 1
