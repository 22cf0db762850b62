"""Agencies, regions, categories and the OpenAPI schema of API v1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from aduan.agencies.models import Agency
from aduan.regions.models import District, Region
from aduan.reports.models import Category


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    data = response.json()
    items = data["results"] if isinstance(data, dict) else data
    return [item["code"] for item in items]


# ---- agencies ----------------------------------------------------------------------------


def directory_codes() -> list[str]:
    """What the directory should list, straight from the model."""
    active = Agency.objects.filter(is_active=True).exclude(kind=Agency.Kind.DESK)
    return sorted(active.values_list("code", flat=True))


def test_agency_list_excludes_inactive_agencies_and_the_desk(api, world):
    Agency.objects.filter(pk=world.jayapura.pk).update(is_active=False)

    response = api.get("/api/v1/agencies", {"limit": 500})

    listed = codes(response)
    assert listed == directory_codes()
    assert {"32.73", "32.73.DINKES", "KEMENKES", "ORI"} <= set(listed)
    assert "91.71" not in listed
    assert "DESK" not in listed
    assert response.json()["count"] == len(listed)
    dinkes = next(a for a in response.json()["results"] if a["code"] == "32.73.DINKES")
    assert dinkes == {
        "code": "32.73.DINKES",
        "name": "Dinas Kesehatan Kota Bandung",
        "abbreviation": "",
        "kind": "unit",
        "kind_label": "Unit kerja",
        "parent": "32.73",
        "region": "32.73",
        "time_zone": "Asia/Jakarta",
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "kesehatan"}, ["32.73.DINKES", "KEMENKES"]),
        ({"q": "pupr"}, ["32.73.PUPR"]),
        ({"kind": "city"}, ["32.73", "35.78", "91.71"]),
        ({"kind": "ministry"}, ["KEMENKES"]),
        ({"parent": "32.73"}, ["32.73.DINKES", "32.73.PUPR"]),
        ({"region": "91.71"}, ["91.71"]),
        ({"top_level": "true", "q": "bandung"}, ["32.73"]),
    ],
)
def test_agency_search_and_filters(api, world, params, expected):
    assert codes(api.get("/api/v1/agencies", params)) == expected


def test_agency_top_level_filter(api, world):
    listed = codes(api.get("/api/v1/agencies", {"top_level": "true", "limit": 500}))

    assert {"32.73", "35.78", "KEMENKES", "ORI"} <= set(listed)
    assert not Agency.objects.filter(code__in=listed, parent__isnull=False).exists()
    assert "32.73.DINKES" not in listed


def test_agency_abbreviation_is_searchable(api, world):
    Agency.objects.filter(pk=world.kemenkes.pk).update(abbreviation="Kemkes")

    assert codes(api.get("/api/v1/agencies", {"q": "KEMKES"})) == ["KEMENKES"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"parent": "NOPE"}, "parent"),
        ({"region": "99"}, "region"),
        ({"kind": "desk"}, "kind"),
        ({"top_level": "mungkin"}, "top_level"),
    ],
)
def test_agency_bad_filters_are_a_400(api, world, params, field):
    response = api.get("/api/v1/agencies", params)

    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_agency_list_is_paginated(api, world):
    total = len(directory_codes())
    page = api.get("/api/v1/agencies", {"limit": 4}).json()
    assert page["count"] == total
    assert len(page["results"]) == 4
    walked = [a["code"] for a in page["results"]]
    while page["next"]:
        page = api.get(page["next"]).json()
        walked += [a["code"] for a in page["results"]]

    assert walked == directory_codes()
    assert api.get("/api/v1/agencies", {"limit": 100_000}).status_code == 200


def test_agency_detail_lists_active_children(api, world):
    Agency.objects.filter(pk=world.bandung_pupr.pk).update(is_active=False)

    response = api.get("/api/v1/agencies/32.73")

    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "Pemerintah Kota Bandung"
    assert data["parent"] is None
    assert data["children"] == ["32.73.DINKES"]


@pytest.mark.parametrize("code", ["NOPE", "DESK", "91.71"])
def test_agency_detail_404_for_unknown_desk_or_inactive(api, world, code):
    Agency.objects.filter(pk=world.jayapura.pk).update(is_active=False)

    response = api.get(f"/api/v1/agencies/{code}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_agency_list_uses_a_bounded_number_of_queries(api, world, django_assert_max_num_queries):
    for n in range(60):
        Agency.objects.create(
            code=f"32.73.U{n}",
            name=f"Unit {n}",
            kind=Agency.Kind.UNIT,
            parent=world.bandung,
            region=world.region_bandung,
        )

    with django_assert_max_num_queries(2):  # count + page
        response = api.get("/api/v1/agencies")
    assert response.json()["count"] == len(directory_codes())
    assert len(response.json()["results"]) == 50  # the default page size


# ---- regions and categories ----------------------------------------------------------------


def test_regions_list_and_filters(api, world):
    assert codes(api.get("/api/v1/regions")) == ["32", "32.73", "35", "35.78", "91", "91.71"]
    assert codes(api.get("/api/v1/regions", {"level": "province"})) == ["32", "35", "91"]
    assert codes(api.get("/api/v1/regions", {"parent": "91"})) == ["91.71"]
    item = api.get("/api/v1/regions", {"parent": "91"}).json()["results"][0]
    assert item == {
        "code": "91.71",
        "name": "Kota Jayapura",
        "level": "regency",
        "level_label": "Kabupaten/Kota",
        "parent": "91",
        "time_zone": "Asia/Jayapura",
    }


@pytest.mark.parametrize(
    ("params", "field"), [({"level": "village"}, "level"), ({"parent": "99"}, "parent")]
)
def test_regions_bad_filters_are_a_400(api, world, params, field):
    response = api.get("/api/v1/regions", params)

    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_regions_list_is_paginated(api, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        page = api.get("/api/v1/regions", {"limit": 2}).json()

    assert page["count"] == 6
    assert len(page["results"]) == 2
    assert page["next"]


def test_districts_of_a_regency_and_of_a_province(api, world):
    District.objects.create(code="32.73.02", regency=world.region_bandung, name="Coblong")
    District.objects.create(code="35.78.01", regency=world.region_surabaya, name="Genteng")

    regency = api.get("/api/v1/regions/32.73/districts")
    province = api.get("/api/v1/regions/32/districts")

    assert codes(regency) == ["32.73.01", "32.73.02"]
    assert regency.json()[0] == {"code": "32.73.01", "name": "Sukasari", "regency": "32.73"}
    assert codes(province) == ["32.73.01", "32.73.02"]
    assert codes(api.get("/api/v1/regions/35.78/districts")) == ["35.78.01"]


def test_districts_of_an_unknown_region_is_a_404(api, world):
    response = api.get("/api/v1/regions/99.99/districts")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_categories_lists_active_ones_by_name(api, world):
    Category.objects.create(code="lama", name="Kategori Lama", is_active=False)

    response = api.get("/api/v1/categories")

    assert response.json() == [
        {"code": "kesehatan", "name": "Kesehatan"},
        {"code": "pekerjaan-umum-penataan-ruang", "name": "Pekerjaan Umum dan Penataan Ruang"},
    ]


def test_region_codes_match_the_loaded_data(api, world):
    # The region catalogue and the report form speak the same codes.
    assert Region.objects.filter(code__in=codes(api.get("/api/v1/regions"))).count() == 6


# ---- schema ----------------------------------------------------------------------------------


def test_schema_endpoint_serves_the_api(api, db):
    response = api.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in (
        "/api/v1/reports",
        "/api/v1/reports/{tracking_id}",
        "/api/v1/agencies",
        "/api/v1/agencies/{code}",
        "/api/v1/regions",
        "/api/v1/regions/{code}/districts",
        "/api/v1/categories",
    ):
        assert path in paths
    assert set(paths["/api/v1/reports"]) >= {"get", "post"}
    assert "422" in paths["/api/v1/reports"]["post"]["responses"]
    assert "Error" in schema["components"]["schemas"]


def test_schema_validates_without_warnings(tmp_path: Path, db):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    assert target.read_text().startswith("openapi: 3")
