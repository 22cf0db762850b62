"""Routing suggestions through the agency API: the national desk's key reads them, no
other key ever does, the schema documents them and the query count stays bounded."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from aduan.integrations.keys import key_create
from aduan.reports import lifecycle
from aduan.reports.lifecycle import Actor, Change
from aduan.reports.models import Category, Report
from aduan.triage import store
from aduan.triage.models import Suggestion
from aduan.triage.services import suggest
from tests.factories import report as make_report
from tests.test_triage_app import HEALTH, _curve, _fake_model


@pytest.fixture(autouse=True)
def _model_dir(settings: Any, tmp_path: Any) -> None:
    settings.ADUAN_TRIAGE_DIR = str(tmp_path / "triage")
    store._cache.clear()


def client_for(agency: Any, scopes: tuple[str, ...] = ("read",)) -> APIClient:
    _key, raw = key_create(agency=agency, name="sistem", scopes=list(scopes))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def url(report: Report | str) -> str:
    tracking_id = report if isinstance(report, str) else report.tracking_id
    return f"/api/v1/agency/reports/{tracking_id}/triage"


def stored_suggestion(world: Any, report: Report) -> Suggestion:
    """A suggestion as services.suggest stores it: agency and category ids, best first."""
    health = Category.objects.get(code="kesehatan")
    roads = Category.objects.get(code="pekerjaan-umum-penataan-ruang")
    return Suggestion.objects.create(
        report=report,
        created_at=timezone.now(),
        agencies=[
            {"agency": world.bandung_dinkes.pk, "confidence": 0.8123},
            {"agency": world.kemenkes.pk, "confidence": 0.1101},
            {"agency": world.bandung_pupr.pk, "confidence": 0.0412},
        ],
        categories=[
            {"category": health.pk, "confidence": 0.9},
            {"category": roads.pk, "confidence": 0.05},
        ],
        top_agency=world.bandung_dinkes,
        confidence=0.8123,
    )


def test_desk_key_reads_the_stored_top_three(world: Any) -> None:
    report = make_report(title="Obat kosong", body=HEALTH, region=world.region_bandung)
    stored_suggestion(world, report)

    response = client_for(world.desk_agency).get(url(report))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["tracking_id_raw"] == report.tracking_id
    assert [(a["code"], a["confidence"]) for a in body["agencies"]] == [
        (world.bandung_dinkes.code, 0.8123),
        (world.kemenkes.code, 0.1101),
        (world.bandung_pupr.code, 0.0412),
    ]
    assert body["agencies"][0]["name"] == world.bandung_dinkes.name
    assert [(c["code"], c["name"], c["confidence"]) for c in body["categories"]] == [
        ("kesehatan", "Kesehatan", 0.9),
        ("pekerjaan-umum-penataan-ruang", "Pekerjaan Umum dan Penataan Ruang", 0.05),
    ]
    assert body["suggested_at"] is not None
    assert body["chosen_agency"] is None and body["auto_dispatched"] is False
    assert response["Cache-Control"] == "private, no-store"


def test_end_to_end_suggestion_and_the_desks_choice(world: Any) -> None:
    _fake_model(world, _curve(0.3))
    report = make_report(title="Obat kosong", body=HEALTH, region=world.region_bandung)
    suggestion = suggest(report)
    assert suggestion is not None
    desk = client_for(world.desk_agency)

    body = desk.get(url(report)).json()
    assert body["agencies"][0]["code"] == world.bandung_dinkes.code
    assert 0.0 < body["agencies"][0]["confidence"] <= 1.0
    assert len(body["agencies"]) <= 3
    assert body["model_trained_at"] is not None

    lifecycle.transition(
        report,
        "dispatch",
        actor=Actor.staff(world.desk),
        change=Change(agency=world.bandung_dinkes),
    )
    body = desk.get(url(report)).json()
    assert body["chosen_agency"] == {
        "code": world.bandung_dinkes.code,
        "name": world.bandung_dinkes.name,
    }


def test_report_without_suggestion_has_empty_lists(world: Any) -> None:
    report = make_report(title="Jalan rusak", body="Jalan berlubang besar", region=None)

    body = client_for(world.desk_agency).get(url(report)).json()

    assert body["agencies"] == [] and body["categories"] == []
    assert body["suggested_at"] is None and body["chosen_agency"] is None
    assert Suggestion.objects.filter(report=report).count() == 0  # reading computes nothing


def test_desk_key_unknown_report_is_404(world: Any) -> None:
    response = client_for(world.desk_agency).get(url("ZZZZZZZZZZ"))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("holder", ["bandung_dinkes", "bandung", "kemenkes", "ombudsman"])
def test_other_keys_are_refused_and_never_see_suggestions(world: Any, holder: str) -> None:
    report = make_report(title="Obat kosong", body=HEALTH, region=world.region_bandung)
    stored_suggestion(world, report)
    # Even the agency now handling the report (the suggested one) is refused.
    lifecycle.transition(
        report, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=world.bandung)
    )
    client = client_for(getattr(world, holder), scopes=("read", "write"))

    for target in (url(report), url("ZZZZZZZZZZ")):  # known or unknown: the same answer
        response = client.get(target)
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "desk_only"
        assert "admin nasional" in error["message"]
        assert "0.8123" not in response.text and "Kemenkes" not in response.text

    # Nor does the report itself carry them in the agency's own view.
    if holder == "bandung":
        detail = client.get(f"/api/v1/agency/reports/{report.tracking_id}")
        assert detail.status_code == 200
        assert "0.8123" not in detail.text and "triage" not in detail.text


def test_no_key_is_401_and_a_desk_key_without_read_is_403(world: Any) -> None:
    report = make_report(title="Obat kosong", body=HEALTH, region=world.region_bandung)

    assert APIClient().get(url(report)).status_code == 401
    response = client_for(world.desk_agency, scopes=("webhooks",)).get(url(report))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


def test_reads_cost_a_bounded_number_of_queries(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    report = make_report(title="Obat kosong", body=HEALTH, region=world.region_bandung)
    stored_suggestion(world, report)
    client = client_for(world.desk_agency)
    client.get(url(report))
    with django_assert_max_num_queries(5):
        response = client.get(url(report))
    assert response.status_code == 200


def test_schema_documents_the_endpoint(world: Any) -> None:
    response = APIClient().get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = response.json()
    operation = schema["paths"]["/api/v1/agency/reports/{tracking_id}/triage"]["get"]
    assert operation["operationId"] == "agency_reports_triage_retrieve"
    assert {"200", "401", "403", "404", "429"} <= set(operation["responses"])
    assert "desk_only" in str(operation["responses"]["403"])
    component = schema["components"]["schemas"]["Triage"]
    assert {"agencies", "categories", "suggested_at", "chosen_agency"} <= set(
        component["properties"]
    )
    agency = schema["components"]["schemas"]["SuggestedAgency"]
    assert set(agency["properties"]) == {"code", "name", "confidence"}
