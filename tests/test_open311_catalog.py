"""Open311 discovery, services and service definitions, errors and the HTTP frame, in both
formats, validated against schemas written from the GeoReport v2 text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from aduan.open311 import catalog
from aduan.reports.models import Category
from tests.open311_schemas import FORMATS, errors_of, parse, schema, schema_names, url

pytestmark = pytest.mark.django_db


def test_every_schema_is_a_valid_json_schema():
    assert set(schema_names()) == {
        "discovery",
        "errors",
        "request_created",
        "requests",
        "service_definition",
        "services",
        "tokens",
        "updates",
    }
    for name in schema_names():
        assert schema(name)["xml"]["name"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery(client, settings, fmt):
    settings.SITE_URL = "https://aduan.example.id"

    data = parse(client.get(url("discovery", fmt)), "discovery")

    (endpoint,) = data["endpoints"]
    assert endpoint["url"] == "https://aduan.example.id/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert "https://aduan.example.id/petugas/kunci-api/" in data["key_service"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_list_active_categories_with_groups(
    client, world, fmt, django_assert_max_num_queries
):
    Category.objects.create(code="agama", name="AGAMA")
    Category.objects.create(code="kode-baru", name="KODE BARU")
    Category.objects.create(code="lama", name="LAMA", is_active=False)

    with django_assert_max_num_queries(1):
        response = client.get(url("services", fmt))
    data = parse(response, "services")

    by_code = {s["service_code"]: s for s in data}
    assert set(by_code) == {"agama", "kode-baru", "kesehatan", "pekerjaan-umum-penataan-ruang"}
    roads = by_code["pekerjaan-umum-penataan-ruang"]
    assert roads["service_name"] == "Pekerjaan Umum dan Penataan Ruang"
    assert roads["group"] == "Infrastruktur"
    assert roads["keywords"] == "pekerjaan umum, penataan ruang"
    assert roads["type"] == "realtime"
    assert roads["metadata"] is True
    assert by_code["kesehatan"]["group"] == "Layanan dasar"
    assert by_code["agama"]["group"] == "Sosial"
    # A category this mapping does not know yet still has a group.
    assert by_code["kode-baru"]["group"] == "Lainnya"


def test_every_lapor_category_has_a_named_group():
    path = Path(__file__).resolve().parent.parent / "aduan/regions/data/categories.csv"
    with path.open(encoding="utf-8") as handle:
        codes = {row["code"] for row in csv.DictReader(handle)}
    assert len(codes) == 38
    assert codes == set(catalog.GROUPS)
    groups = {catalog.group_of(code) for code in codes}
    assert len(groups) == 8


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_lists_optional_attributes(client, world, fmt):
    data = parse(client.get(url("services/kesehatan", fmt)), "service_definition")

    assert data["service_code"] == "kesehatan"
    attributes = {a["code"]: a for a in data["attributes"]}
    assert list(attributes) == [
        "report_type",
        "is_anonymous",
        "is_confidential",
        "region",
        "external_id",
    ]
    assert [a["order"] for a in data["attributes"]] == [1, 2, 3, 4, 5]
    assert not any(a["required"] for a in data["attributes"])
    assert [v["key"] for v in attributes["report_type"]["values"]] == [
        "complaint",
        "aspiration",
        "info_request",
    ]
    assert [v["key"] for v in attributes["is_confidential"]["values"]] == ["true", "false"]
    assert attributes["region"]["datatype"] == "string"
    assert attributes["region"]["values"] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_or_inactive_service_is_404(client, world, fmt):
    Category.objects.create(code="lama", name="LAMA", is_active=False)

    for code in ("tidak-ada", "lama", "kesehatan%00"):
        (message,) = errors_of(client.get(url(f"services/{code}", fmt)), 404)
        assert code.replace("%00", "") in message


@pytest.mark.parametrize("fmt", FORMATS)
def test_jurisdiction(client, world, settings, fmt):
    assert client.get(url("services", fmt), {"jurisdiction_id": "aduan.go.id"}).status_code == 200

    (message,) = errors_of(client.get(url("services", fmt), {"jurisdiction_id": "sf.gov"}), 404)
    assert "sf.gov" in message

    settings.ADUAN_OPEN311_JURISDICTION = "lapor.example.id"
    assert (
        client.get(url("services", fmt), {"jurisdiction_id": "lapor.example.id"}).status_code == 200
    )
    errors_of(client.get(url("services", fmt), {"jurisdiction_id": "aduan.go.id"}), 404)


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("/open311/v2/discovery.html", "xml"),
        ("/open311/v2/nothing.json", "json"),
        ("/open311/v2/requests", "xml"),
        ("/open311/v2/requests/ABC/DEF.json", "json"),
    ],
)
def test_unknown_paths_answer_in_the_spec_format(client, path, fmt):
    response = client.get(path)
    assert response["Content-Type"].startswith("application/json" if fmt == "json" else "text/xml")
    errors_of(response, 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_wrong_method_is_405_in_the_spec_format(client, world, fmt):
    response = client.post(url("services", fmt))
    errors_of(response, 405)
    assert response["Allow"] == "GET, HEAD"
    assert client.delete(url("requests", fmt))["Allow"] == "GET, HEAD, POST"
