"""GET /api/v1/reports: the public list, its filters and cursor pagination."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from aduan.reports.lifecycle import Actor, Change, transition
from aduan.reports.models import Report, ReportType
from tests.factories import submit

URL = "/api/v1/reports"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def dispatched(world: Any, *, agency: Any = None, **fields: Any) -> Report:
    report = submit(**fields).report
    transition(
        report,
        "dispatch",
        actor=Actor.staff(world.desk),
        change=Change(agency=agency or world.bandung),
    )
    return report


def ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["tracking_id_raw"] for item in response.json()["results"]}


def test_list_shows_only_verified_non_confidential_reports(api, world):
    public = dispatched(
        world, title="Trotoar rusak", region=world.region_bandung, category=world.category_roads
    )
    confidential = dispatched(world, title="Rahasia sekali", is_confidential=True)
    unverified = submit(title="Belum diverifikasi").report

    response = api.get(URL)

    assert ids(response) == {public.tracking_id}
    assert b"Rahasia sekali" not in response.content
    assert confidential.tracking_id.encode() not in response.content
    assert unverified.tracking_id.encode() not in response.content
    item = response.json()["results"][0]
    assert item["tracking_id"] == f"{public.tracking_id[:5]}-{public.tracking_id[5:]}"
    assert item["status"] == "dispatched"
    assert item["status_label"] == "Terdisposisi"
    assert item["public_title"] == "Trotoar rusak"
    assert item["agency"] == {"code": "32.73", "name": "Pemerintah Kota Bandung"}
    assert item["region"] == {"code": "32.73", "name": "Kota Bandung"}
    assert item["category"]["code"] == world.category_roads.code
    assert item["submitted_at"] and item["updated_at"]


def test_list_never_shows_reporter_identity(api, world):
    dispatched(
        world,
        reporter_name="Dewi Lestari",
        reporter_email="dewi@example.id",
        reporter_phone="081377778888",
        is_anonymous=True,
    )
    dispatched(world, reporter_name="Agus Salim", reporter_email="agus@example.id")

    response = api.get(URL)

    for value in ("Dewi", "dewi@example.id", "081377778888", "Agus", "agus@example.id"):
        assert value.encode() not in response.content


def test_agency_filter_includes_work_units(api, world):
    city = dispatched(world, agency=world.bandung)
    unit = dispatched(world, agency=world.bandung_dinkes)
    other = dispatched(world, agency=world.surabaya)

    assert ids(api.get(URL, {"agency": "32.73"})) == {city.tracking_id, unit.tracking_id}
    assert ids(api.get(URL, {"agency": "32.73.DINKES"})) == {unit.tracking_id}
    assert ids(api.get(URL, {"agency": "35.78"})) == {other.tracking_id}


def test_region_filter_province_includes_its_regencies(api, world):
    regency = dispatched(world, region=world.region_bandung)
    province = dispatched(world, region=world.province_jabar)
    elsewhere = dispatched(world, region=world.region_surabaya)

    assert ids(api.get(URL, {"region": "32"})) == {regency.tracking_id, province.tracking_id}
    assert ids(api.get(URL, {"region": "32.73"})) == {regency.tracking_id}
    assert ids(api.get(URL, {"region": "35"})) == {elsewhere.tracking_id}


def test_category_status_type_and_search_filters(api, world):
    health = dispatched(
        world, title="Puskesmas tutup", category=world.category_health, type=ReportType.ASPIRATION
    )
    roads = dispatched(
        world,
        title="Jembatan ambruk",
        body="Jembatan kayu di desa ambruk.",
        category=world.category_roads,
    )
    transition(roads, "accept", actor=Actor.staff(world.bandung_officer))

    assert ids(api.get(URL, {"category": "kesehatan"})) == {health.tracking_id}
    assert ids(api.get(URL, {"status": "in_progress"})) == {roads.tracking_id}
    assert ids(api.get(URL, {"type": "aspiration"})) == {health.tracking_id}
    assert ids(api.get(URL, {"q": "jembatan KAYU"})) == {roads.tracking_id}
    assert ids(api.get(URL, {"q": "jembatan puskesmas"})) == set()
    assert ids(api.get(URL, {"q": "", "agency": "", "status": ""})) == {
        health.tracking_id,
        roads.tracking_id,
    }


def test_search_does_not_match_redacted_text(api, world):
    dispatched(world, body="Hubungi saya di 081299990000 untuk detail.")

    assert ids(api.get(URL, {"q": "081299990000"})) == set()


def test_updated_since_filters_and_accepts_an_unencoded_offset(api, world):
    old = dispatched(world)
    new = dispatched(world)
    long_ago = timezone.now() - timedelta(days=30)
    Report.objects.filter(pk=old.pk).update(updated_at=long_ago)

    since = (timezone.now() - timedelta(days=1)).astimezone(timezone.get_current_timezone())
    assert ids(api.get(URL, {"updated_since": since.isoformat()})) == {new.tracking_id}
    # "+07:00" typed into a URL without encoding arrives as " 07:00".
    raw_query = f"updated_since={since.isoformat(timespec='seconds')}"
    assert ids(api.get(f"{URL}?{raw_query}")) == {new.tracking_id}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"updated_since": "kemarin"}, "updated_since"),
        ({"updated_since": "2025-13-45T00:00:00"}, "updated_since"),
        ({"agency": "NOPE"}, "agency"),
        ({"region": "99"}, "region"),
        ({"category": "astrologi"}, "category"),
        ({"status": "submitted"}, "status"),
        ({"type": "gossip"}, "type"),
        ({"cursor": "bogus"}, "cursor"),
    ],
)
def test_bad_filters_are_a_400_naming_the_parameter(api, world, params, field):
    response = api.get(URL, params)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == field
    assert field in error["fields"]


def test_cursor_pagination_walks_every_report_once(api, world):
    start = timezone.now() - timedelta(hours=1)
    expected = []
    for n in range(25):
        report = dispatched(world, title=f"Laporan {n}")
        Report.objects.filter(pk=report.pk).update(submitted_at=start + timedelta(minutes=n))
        expected.append(report.tracking_id)

    first = api.get(URL).json()
    assert len(first["results"]) == 20
    assert first["previous"] is None
    assert first["next"]
    second = api.get(first["next"]).json()
    assert second["next"] is None
    seen = [i["tracking_id_raw"] for i in first["results"] + second["results"]]
    # Newest first, each exactly once.
    assert seen == list(reversed(expected))


def test_page_size_is_capped(api, world):
    for _ in range(3):
        dispatched(world)

    small = api.get(URL, {"page_size": 2}).json()
    assert len(small["results"]) == 2
    assert parse_qs(urlparse(small["next"]).query)["page_size"] == ["2"]
    assert len(api.get(URL, {"page_size": 1000}).json()["results"]) == 3


def test_filters_survive_into_the_next_link(api, world):
    for _ in range(3):
        dispatched(world, agency=world.bandung_dinkes)
    dispatched(world, agency=world.surabaya)

    first = api.get(URL, {"agency": "32.73", "page_size": 2}).json()
    second = api.get(first["next"]).json()

    assert len(first["results"]) + len(second["results"]) == 3


def test_list_uses_a_bounded_number_of_queries(api, world, django_assert_max_num_queries):
    for n in range(15):
        dispatched(
            world,
            agency=world.bandung_dinkes if n % 2 else world.surabaya,
            region=world.region_bandung,
            category=world.category_roads,
        )

    with django_assert_max_num_queries(1):
        assert len(api.get(URL).json()["results"]) == 15
    # One lookup per code filter, then the page.
    with django_assert_max_num_queries(4):
        response = api.get(
            URL, {"agency": "32.73", "region": "32", "category": world.category_roads.code}
        )
    assert len(response.json()["results"]) == 7
