"""Open data: only verified, non-confidential reports; no personal data; both formats
parse; spreadsheet formulas neutralised; filters by year or dates; documented fields."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from aduan.reports.models import Report, Status
from aduan.stats import opendata
from tests.test_backoffice_support import act, dispatched_to, recent

CSV_URL = "/data-terbuka/laporan.csv"
JSON_URL = "/data-terbuka/laporan.json"
WIB = ZoneInfo("Asia/Jakarta")


def content(response: Any) -> str:
    assert response.status_code == 200, response.content
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8-sig")


def csv_records(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content(response))))


def json_records(response: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(content(response))
    return data


@pytest.fixture
def scene(world: Any) -> dict[str, Report]:
    public = dispatched_to(
        world,
        title="Jalan rusak, hubungi saya 081234567890 atau budi@example.org",
        body="NIK saya 3273012345670001. Mohon segera diperbaiki.",
        reporter_name="Budi Santoso",
        reporter_email="budi@example.org",
        reporter_phone="081234567890",
    )
    anonymous = dispatched_to(
        world,
        title="Pungli oleh petugas, lapor Siti Aminah",
        is_anonymous=True,
        reporter_name="Siti Aminah",
        reporter_email="siti@example.org",
        demographics_consent=True,
        gender="female",
        age_band="18-30",
        has_disability=True,
    )
    act(anonymous, "accept", world.bandung_officer)
    confidential = dispatched_to(world, title="conf_marker rahasia", is_confidential=True)
    unverified = recent(title="unverified_marker belum diverifikasi", region=world.region_bandung)
    rejected = recent(title="rejected_marker ditolak")
    Report.objects.filter(pk=rejected.pk).update(status=Status.REJECTED, rejection_reason="spam")
    formula = dispatched_to(world, title='=HYPERLINK("http://x.test","klik")')
    return {
        "public": public,
        "anonymous": anonymous,
        "confidential": confidential,
        "unverified": unverified,
        "rejected": rejected,
        "formula": formula,
    }


SECRETS = (
    "conf_marker",
    "unverified_marker",
    "rejected_marker",
    "081234567890",
    "budi@example.org",
    "3273012345670001",
    "Budi Santoso",
    "Siti Aminah",
    "siti@example.org",
)


def test_only_public_reports_without_personal_data(client: Any, scene: dict[str, Report]) -> None:
    expected = {scene[k].tracking_id for k in ("public", "anonymous", "formula")}
    csv_text = content(client.get(CSV_URL))
    json_text = content(client.get(JSON_URL))
    for text in (csv_text, json_text):
        for secret in SECRETS:
            assert secret not in text, secret
        for k in ("confidential", "unverified", "rejected"):
            assert scene[k].tracking_id not in text
    rows = csv_records(client.get(CSV_URL))
    assert {r["tracking_id"] for r in rows} == expected
    assert list(rows[0]) == list(opendata.FIELD_NAMES)
    data = json_records(client.get(JSON_URL))
    assert {r["tracking_id"] for r in data["reports"]} == expected
    assert data["licence"] == "CC BY 4.0" and data["attribution"] == "Sumber: Aduan"
    # Nothing about the reporter, not even the self-declared demographics.
    for forbidden in (
        "gender",
        "age_band",
        "has_disability",
        "is_anonymous",
        "reporter_name",
        "latitude",
        "longitude",
        "district",
    ):
        assert forbidden not in rows[0]
        assert all(forbidden not in r for r in data["reports"])


def test_text_is_the_redacted_public_text(client: Any, scene: dict[str, Report]) -> None:
    public = scene["public"]
    public.refresh_from_db()
    assert public.public_title and public.public_title != public.title
    row = next(
        r for r in csv_records(client.get(CSV_URL)) if r["tracking_id"] == public.tracking_id
    )
    assert row["title"] == public.public_title
    assert row["body"] == public.public_body
    assert row["status"] == "dispatched"
    assert row["agency_code"] == "32.73" and row["region_code"] == "32.73"
    assert row["province_code"] == "32" and row["province_name"] == "Jawa Barat"
    item = next(
        r
        for r in json_records(client.get(JSON_URL))["reports"]
        if r["tracking_id"] == scene["anonymous"].tracking_id
    )
    assert item["status"] == "in_progress"
    assert item["submitted_at"].endswith("Z")  # UTC, ISO 8601


def test_spreadsheet_formulas_are_neutralised(client: Any, scene: dict[str, Report]) -> None:
    tid = scene["formula"].tracking_id
    row = next(r for r in csv_records(client.get(CSV_URL)) if r["tracking_id"] == tid)
    assert row["title"].startswith("'=")
    item = next(r for r in json_records(client.get(JSON_URL))["reports"] if r["tracking_id"] == tid)
    assert item["title"].startswith("'=")


def test_filters_by_year_and_dates(client: Any, world: Any) -> None:
    old = dispatched_to(world, title="Laporan lama")
    Report.objects.filter(pk=old.pk).update(submitted_at=datetime(2024, 12, 31, 23, 30, tzinfo=WIB))
    new = dispatched_to(world, title="Laporan baru")
    Report.objects.filter(pk=new.pk).update(submitted_at=datetime(2025, 1, 1, 0, 30, tzinfo=WIB))

    def got(url: str, **params: str) -> set[str]:
        return {r["tracking_id"] for r in csv_records(client.get(url, params))}

    assert got(CSV_URL, tahun="2024") == {old.tracking_id}
    assert got(CSV_URL, tahun="2025") == {new.tracking_id}
    assert got(CSV_URL, dari="2025-01-01") == {new.tracking_id}
    assert got(CSV_URL, sampai="2024-12-31") == {old.tracking_id}
    assert got(CSV_URL, dari="2024-12-31", sampai="2025-01-01") == {
        old.tracking_id,
        new.tracking_id,
    }
    data = json_records(client.get(JSON_URL, {"tahun": "2024"}))
    assert [r["tracking_id"] for r in data["reports"]] == [old.tracking_id]
    assert (
        'filename="aduan-laporan-2024.json"'
        in client.get(JSON_URL, {"tahun": "2024"})["Content-Disposition"]
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"tahun": "dua ribu"}, "tahun"),
        ({"tahun": "1990"}, "tahun"),
        ({"dari": "2024-13-45"}, "dari"),
        ({"dari": "2025-02-01", "sampai": "2025-01-01"}, "sampai"),
        ({"tahun": "2025", "dari": "2025-01-01"}, "__all__"),
    ],
)
def test_bad_filters_answer_400_naming_the_field(
    client: Any, world: Any, params: dict[str, str], field: str
) -> None:
    for url in (CSV_URL, JSON_URL):
        response = client.get(url, params)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/plain")
        text = response.content.decode()
        assert (field in text) if field != "__all__" else ("tidak keduanya" in text)


def test_empty_files_still_parse(client: Any, world: Any) -> None:
    assert csv_records(client.get(CSV_URL)) == []
    assert json_records(client.get(JSON_URL))["reports"] == []


def test_one_query_however_many_rows(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(5):
        dispatched_to(world, title=f"Laporan {i}")
    with django_assert_max_num_queries(2):
        assert len(csv_records(client.get(CSV_URL))) == 5
    with django_assert_max_num_queries(2):
        assert len(json_records(client.get(JSON_URL))["reports"]) == 5


def test_documentation_page(client: Any, world: Any) -> None:
    html = client.get("/data-terbuka/").content.decode()
    assert "CC BY 4.0" in html and "Sumber: Aduan" in html
    for name in opendata.FIELD_NAMES:
        assert f"<code>{name}</code>" in html
    assert 'href="/data-terbuka/laporan.csv"' in html
    assert 'formaction="/data-terbuka/laporan.json"' in html
    assert "<caption>" in html and 'scope="col"' in html
