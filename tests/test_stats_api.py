"""GET /api/v1/stats: public figures as JSON, clear errors, documented, bounded queries."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from aduan.reports import lifecycle
from aduan.reports.lifecycle import Actor, Change
from tests.factories import report

WIB = ZoneInfo("Asia/Jakarta")
URL = "/api/v1/stats"


@pytest.fixture
def reports(world: Any) -> None:
    desk, officer = Actor.staff(world.desk), Actor.staff(world.bandung_admin)
    for day in (2, 3, 4):
        r = report(
            now=datetime(2026, 3, day, 9, tzinfo=WIB),
            region=world.region_bandung,
            is_confidential=day == 4,
            title=f"Rahasia sekali {day}",
        )
        lifecycle.transition(
            r,
            "dispatch",
            actor=desk,
            change=Change(agency=world.bandung),
            now=datetime(2026, 3, day, 11, tzinfo=WIB),
        )
        if day != 3:
            lifecycle.transition(
                r,
                "respond",
                actor=officer,
                change=Change(message="Selesai."),
                now=datetime(2026, 3, day + 1, 11, tzinfo=WIB),
            )
    report(now=datetime(2026, 3, 5, 9, tzinfo=WIB), region=world.region_surabaya)


def test_url_name() -> None:
    assert reverse("stats-api:stats") == URL


def test_national_figures_for_anonymous_callers(client: Client, reports: None) -> None:
    response = client.get(URL, {"period": "2026-03"})
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    data = response.json()
    assert data["scope"] == {
        "kind": "national",
        "code": "",
        "name": "Nasional",
        "level": "national",
        "breadcrumbs": [{"kind": "national", "code": "", "name": "Nasional"}],
    }
    assert data["period"] == {
        "kind": "month",
        "start": "2026-03-01",
        "end": "2026-03-31",
        "label": data["period"]["label"],
    }
    assert (data["received"], data["dispatched"], data["followed_up"]) == (4, 3, 2)
    assert data["follow_up_rate"] == pytest.approx(2 / 3)
    assert data["first_response_days"] == {"count": 2, "median": 1.0, "p90": 1.0}
    assert {c["code"]: c["count"] for c in data["by_type"]}["complaint"] == 4
    assert data["backlog"] == 4  # "responded" stays open until closed
    # Aggregates only: no report text, no tracking ids.
    assert "Rahasia" not in response.content.decode()
    assert "tracking" not in response.content.decode()


def test_region_and_agency_scopes(client: Client, reports: None) -> None:
    jabar = client.get(URL, {"scope": "region", "code": "32", "period": "2026"}).json()
    assert jabar["received"] == 3
    assert [c["code"] for c in jabar["scope"]["breadcrumbs"]] == ["", "32"]
    bandung = client.get(URL, {"scope": "agency", "code": "32.73", "from": "2026-03-03"}).json()
    assert bandung["received"] == 2 and bandung["period"]["kind"] == "range"
    empty = client.get(URL, {"scope": "agency", "code": "KEMENKES", "period": "2026"}).json()
    assert empty["received"] == 0 and empty["follow_up_rate"] is None
    assert empty["verify_days"] == {"count": 0, "median": None, "p90": None}


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"scope": "galaxy"}, 400, "scope"),
        ({"scope": "region"}, 400, "code"),
        ({"scope": "national", "code": "32"}, 400, "code"),
        ({"period": "2026-00"}, 400, "period"),
        ({"period": "tahun ini"}, 400, "period"),
        ({"period": "2026", "from": "2026-01-01"}, 400, "period"),
        ({"from": "2026-04-01", "to": "2026-03-01"}, 400, "from"),
        ({"to": "31-03-2026"}, 400, "to"),
        ({"scope": "region", "code": "99.99"}, 404, "code"),
        ({"scope": "agency", "code": "TIDAK-ADA"}, 404, "code"),
    ],
)
def test_errors_in_the_api_format(
    client: Client, world: Any, params: dict[str, str], status: int, field: str
) -> None:
    response = client.get(URL, params)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["field"] == field
    assert error["code"] == ("invalid" if status == 400 else "not_found")
    assert error["message"]


def test_documented_in_openapi_schema(client: Client, db: Any) -> None:
    schema = client.get("/api/v1/schema", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/stats"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"scope", "code", "period", "from", "to"} <= names
    assert {"200", "400", "404"} <= set(operation["responses"])
    assert "follow_up_rate" in schema["components"]["schemas"]["Stats"]["properties"]


def test_query_count_is_bounded(
    client: Client, reports: None, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(10):
        assert client.get(URL, {"scope": "agency", "code": "32.73"}).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(URL, {"from": "2026-03-02", "to": "2026-03-20"}).status_code == 200


def test_throttled_past_the_limit(
    client: Client, world: Any, settings: Any, monkeypatch: Any
) -> None:
    from aduan.core import ratelimit

    # One fixed window for the whole test, whatever the wall clock does.
    monkeypatch.setattr(ratelimit.Counter, "timer", staticmethod(lambda: 7200.0 + 1800.0 + 30.0))
    settings.ADUAN_RATE_STATS_PER_MINUTE = 2
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 200
    response = client.get(URL)
    assert response.status_code == 429
    assert response.json()["error"]["code"]


def test_stats_rate_is_read_from_the_environment(monkeypatch):
    """README documents ADUAN_RATE_STATS_PER_MINUTE; the settings must read it."""
    import importlib

    from aduan import settings as project

    monkeypatch.setenv("ADUAN_RATE_STATS_PER_MINUTE", "7")
    try:
        assert importlib.reload(project).ADUAN_RATE_STATS_PER_MINUTE == 7
    finally:
        monkeypatch.undo()
        importlib.reload(project)
