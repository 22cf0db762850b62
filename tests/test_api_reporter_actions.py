"""POST /api/v1/reports/{id}/actions/{action}: the reporter's actions through the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from aduan.reports import intake, tracking
from aduan.reports.lifecycle import Actor, Change, transition
from aduan.reports.models import Attachment, ReportEvent, Status
from tests.factories import submit

PDF = b"%PDF-1.4\nfoto jalan\n"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def dispatch(world: Any, receipt: intake.Receipt, *, now: Any = None) -> intake.Receipt:
    transition(
        receipt.report,
        "dispatch",
        actor=Actor.staff(world.desk),
        change=Change(agency=world.bandung),
        now=now,
    )
    return receipt


def needs_info(world: Any) -> intake.Receipt:
    receipt = submit()
    transition(
        receipt.report,
        "request_info",
        actor=Actor.staff(world.desk),
        change=Change(message="Di mana tepatnya?"),
    )
    return receipt


def responded(world: Any, **fields: Any) -> intake.Receipt:
    receipt = dispatch(world, submit(**fields))
    officer = Actor.staff(world.bandung_officer)
    transition(receipt.report, "accept", actor=officer)
    transition(receipt.report, "respond", actor=officer, change=Change(message="Sudah diperbaiki."))
    return receipt


def closed(world: Any) -> intake.Receipt:
    receipt = responded(world)
    transition(receipt.report, "close", actor=Actor.reporter())
    return receipt


def act(
    api: APIClient,
    receipt: intake.Receipt,
    action: str,
    body: dict[str, Any] | None = None,
    *,
    secret: str | None = "",
    key: str | None = None,
    multipart: bool = False,
) -> Any:
    headers = {}
    secret = receipt.secret if secret == "" else secret
    if secret is not None:
        headers["X-Report-Secret"] = secret
    if key is not None:
        headers["Idempotency-Key"] = key
    url = f"/api/v1/reports/{receipt.tracking_id}/actions/{action}"
    fmt = "multipart" if multipart else "json"
    return api.post(url, body or {}, format=fmt, headers=headers)


def events(receipt: intake.Receipt, action: str) -> list[ReportEvent]:
    return list(ReportEvent.objects.filter(report=receipt.report, action=action))


def status_of(receipt: intake.Receipt) -> str:
    receipt.report.refresh_from_db()
    return receipt.report.status


def assert_error(response: Any, status: int, code: str, field: str | None = None) -> None:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert error["field"] == field


# ---- each action ----------------------------------------------------------------------


def test_provide_info_returns_the_report_to_the_desk(api, world):
    receipt = needs_info(world)
    response = act(api, receipt, "provide-info", {"message": "Depan SDN 1 Sukasari."})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == Status.SUBMITTED
    assert body["tracking_id"] == tracking.display(receipt.tracking_id)
    assert body["event"]["action"] == "provide_info"
    assert body["event"]["label"] == "Pelapor melengkapi laporan"
    assert body["event"]["at"]
    assert response["Cache-Control"] == "no-store"
    (event,) = events(receipt, "provide_info")
    assert event.actor_kind == ReportEvent.ActorKind.REPORTER
    assert event.message == "Depan SDN 1 Sukasari."
    assert status_of(receipt) == Status.SUBMITTED


def test_reply_with_files_reopens_the_report(api, world):
    receipt = responded(world)
    photo = SimpleUploadedFile("masih-rusak.pdf", PDF, content_type="application/pdf")
    response = act(
        api,
        receipt,
        "reply",
        {"message": "Masih berlubang.", "attachments": [photo]},
        multipart=True,
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.IN_PROGRESS
    (event,) = events(receipt, "reporter_reply")
    assert event.actor_kind == ReportEvent.ActorKind.REPORTER
    assert (event.from_status, event.to_status) == (Status.RESPONDED, Status.IN_PROGRESS)
    attachment = Attachment.objects.get(event=event)
    assert attachment.original_name == "masih-rusak.pdf"
    # The reporter's own view of the report shows the new message.
    view = api.get(
        f"/api/v1/reports/{receipt.tracking_id}", headers={"X-Report-Secret": receipt.secret}
    ).json()
    assert "Masih berlubang." in [entry["message"] for entry in view["timeline"]]


def test_close_then_rate_once(api, world):
    receipt = responded(world)
    response = act(api, receipt, "close")
    assert response.status_code == 200
    assert response.json()["status"] == Status.CLOSED
    view = api.get(
        f"/api/v1/reports/{receipt.tracking_id}", headers={"X-Report-Secret": receipt.secret}
    ).json()
    assert view["available_actions"] == ["rate"]

    response = act(api, receipt, "rate", {"rating": 5, "resolved": True})
    assert response.status_code == 200
    assert response.json()["event"]["action"] == "rate"
    receipt.report.refresh_from_db()
    assert (receipt.report.rating, receipt.report.resolved) == (5, True)
    (event,) = events(receipt, "rate")
    assert event.actor_kind == ReportEvent.ActorKind.REPORTER

    again = act(api, receipt, "rate", {"rating": 1, "resolved": False})
    assert_error(again, 409, "invalid_state")
    receipt.report.refresh_from_db()
    assert receipt.report.rating == 5
    assert len(events(receipt, "rate")) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": 6, "resolved": True}, "rating"),
        ({"rating": 0, "resolved": True}, "rating"),
        ({"rating": "lima", "resolved": True}, "rating"),
        ({"resolved": True}, "rating"),
        ({"rating": 3}, "resolved"),
    ],
)
def test_rating_out_of_range_or_missing_is_400_with_field(api, world, body, field):
    receipt = closed(world)
    assert_error(act(api, receipt, "rate", body), 400, "invalid", field)
    assert not events(receipt, "rate")


def test_multipart_rating_must_say_whether_it_was_resolved(api, world):
    receipt = closed(world)
    response = act(api, receipt, "rate", {"rating": "4"}, multipart=True)
    assert_error(response, 400, "invalid", "resolved")


def test_blank_message_is_400_with_field(api, world):
    receipt = responded(world)
    assert_error(act(api, receipt, "reply", {"message": "  "}), 400, "invalid", "message")
    assert_error(act(api, receipt, "reply", {}), 400, "invalid", "message")
    assert status_of(receipt) == Status.RESPONDED


def test_action_not_allowed_in_the_current_state_is_409(api, world):
    receipt = dispatch(world, submit())
    assert_error(act(api, receipt, "close"), 409, "invalid_state")
    assert_error(act(api, receipt, "reply", {"message": "Halo?"}), 409, "invalid_state")
    assert_error(act(api, receipt, "provide-info", {"message": "Ini."}), 409, "invalid_state")
    assert status_of(receipt) == Status.DISPATCHED


# ---- the Ombudsman --------------------------------------------------------------------


def test_escalation_before_it_is_due_is_409(api, world):
    receipt = dispatch(world, submit())
    response = act(api, receipt, "escalate")
    assert_error(response, 409, "invalid_state")
    assert "Ombudsman" in response.json()["error"]["message"]
    assert status_of(receipt) == Status.DISPATCHED


def test_escalation_after_the_completion_limit_goes_to_the_ombudsman(api, world):
    long_ago = timezone.now() - timedelta(days=120)
    receipt = dispatch(world, submit(now=long_ago), now=long_ago + timedelta(hours=1))
    response = act(api, receipt, "escalate")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.ESCALATED
    receipt.report.refresh_from_db()
    assert receipt.report.agency == world.ombudsman
    (event,) = events(receipt, "escalate")
    assert event.actor_kind == ReportEvent.ActorKind.REPORTER


# ---- who may act ----------------------------------------------------------------------


def test_missing_or_wrong_secret_and_unknown_ids_are_404(api, world):
    receipt = responded(world)
    other = submit()
    body = {"message": "Masih rusak."}
    for response in (
        act(api, receipt, "reply", body, secret=None),
        act(api, receipt, "reply", body, secret="salah"),
        act(api, receipt, "reply", body, secret=other.secret),
        act(api, receipt, "hapus", body),
        api.post(
            "/api/v1/reports/ABCDEFGHJK/actions/reply",
            body,
            format="json",
            headers={"X-Report-Secret": receipt.secret},
        ),
    ):
        assert_error(response, 404, "not_found")
    assert status_of(receipt) == Status.RESPONDED


def test_confidential_report_actions_work_for_the_secret_holder(api, world):
    receipt = responded(world, is_confidential=True)
    assert act(api, receipt, "reply", {"message": "Masih diminta uang."}).status_code == 200
    assert status_of(receipt) == Status.IN_PROGRESS
    public = api.get(f"/api/v1/reports/{receipt.tracking_id}").json()
    assert public["view"] == "status"
    assert "Masih diminta uang." not in str(public)


def test_anonymous_reporter_identity_is_not_in_the_answer(api, world):
    receipt = responded(
        world, is_anonymous=True, reporter_name="Siti Aminah", reporter_email="siti@example.id"
    )
    response = act(api, receipt, "reply", {"message": "Belum."})
    assert response.status_code == 200
    assert "Siti" not in response.content.decode()
    assert "siti@example.id" not in response.content.decode()


# ---- retries --------------------------------------------------------------------------


def test_retry_with_the_same_key_acts_once(api, world):
    receipt = responded(world)
    body = {"message": "Masih berlubang."}
    first = act(api, receipt, "reply", body, key="balas-1")
    second = act(api, receipt, "reply", body, key="balas-1")
    assert first.status_code == second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert len(events(receipt, "reporter_reply")) == 1
    # Without the key the second try is refused by the state (already reopened).
    assert_error(act(api, receipt, "reply", body), 409, "invalid_state")


def test_same_key_with_another_body_is_refused(api, world):
    receipt = closed(world)
    assert act(api, receipt, "rate", {"rating": 4, "resolved": True}, key="k1").status_code == 200
    response = act(api, receipt, "rate", {"rating": 2, "resolved": True}, key="k1")
    assert_error(response, 422, "idempotency_key_reused", "Idempotency-Key")


def test_keys_are_scoped_per_report(api, world):
    first, second = responded(world), responded(world)
    assert act(api, first, "close", key="same").status_code == 200
    response = act(api, second, "close", key="same")
    assert response.status_code == 200
    assert "Idempotent-Replayed" not in response
    assert status_of(second) == Status.CLOSED


def test_failed_attempt_can_be_retried_with_the_same_key(api, world):
    receipt = closed(world)
    assert_error(
        act(api, receipt, "rate", {"rating": 9, "resolved": True}, key="r"),
        400,
        "invalid",
        "rating",
    )
    assert act(api, receipt, "rate", {"rating": 3, "resolved": False}, key="r").status_code == 200


def test_get_is_not_allowed(api, world):
    receipt = responded(world)
    response = api.get(
        f"/api/v1/reports/{receipt.tracking_id}/actions/close",
        headers={"X-Report-Secret": receipt.secret},
    )
    assert response.status_code == 405
