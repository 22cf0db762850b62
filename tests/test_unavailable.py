"""A database that cannot be reached answers 503 with a retry hint, never a bare 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError

from aduan.reports import access, selectors
from aduan.reports.models import Report


def _down(*args: Any, **kwargs: Any) -> Any:
    raise OperationalError("connection to server at 127.0.0.1 refused")


@pytest.fixture
def down(monkeypatch: pytest.MonkeyPatch, client: Any) -> Any:
    monkeypatch.setattr(selectors, "public_report_list", _down)
    monkeypatch.setattr(access, "public_reports", _down)
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
def test_pages_answer_503_with_retry_after_and_say_nothing_was_saved(down: Any) -> None:
    response = down.get("/laporan/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    text = response.content.decode()
    assert "Tidak ada yang tersimpan" in text and "Nothing from this request was saved" in text


@pytest.mark.django_db
def test_the_api_answers_503_in_its_own_error_format(down: Any, settings: Any) -> None:
    settings.ADUAN_RETRY_AFTER_SECONDS = 7
    response = down.get("/api/v1/reports")
    assert response.status_code == 503
    assert response["Retry-After"] == "7"
    assert response.json()["error"]["code"] == "unavailable"


@pytest.mark.django_db
def test_other_failures_stay_500(monkeypatch: pytest.MonkeyPatch, client: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(selectors, "public_list_matching", broken)  # what /laporan/ reads
    client.raise_request_exception = False
    response = client.get("/laporan/")
    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.mark.django_db
def test_a_submission_that_fails_on_the_database_stores_nothing(
    monkeypatch: pytest.MonkeyPatch, client: Any, world: Any
) -> None:
    from aduan.reports import intake

    real = intake.report_submit

    def fail_after_insert(**kwargs: Any) -> Any:
        real(**kwargs)  # the rows are written, then the connection drops
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(intake, "report_submit", fail_after_insert)
    client.raise_request_exception = False
    before = Report.objects.count()
    response = client.post(
        "/api/v1/reports",
        {
            "title": "Jalan rusak",
            "body": "Jalan berlubang besar di depan pasar.",
            "region": "32.73",
        },
        content_type="application/json",
    )
    assert response.status_code == 503
    assert Report.objects.count() == before
