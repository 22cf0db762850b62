"""The public list: only public reports, search, filters, pages, bounded queries."""

from __future__ import annotations

from typing import Any

from aduan.reports import intake
from aduan.reports.lifecycle import Actor, Change, transition
from aduan.reports.models import Report
from tests.factories import submit

URL = "/laporan/"


def published(world: Any, *, agency: Any = None, category: Any = None, **fields: Any) -> Report:
    receipt: intake.Receipt = submit(**fields)
    transition(
        receipt.report,
        "dispatch",
        actor=Actor.staff(world.desk),
        change=Change(agency=agency or world.bandung, category=category),
    )
    return receipt.report


def listed_ids(response: Any) -> set[str]:
    html = response.content.decode()
    return {r.tracking_id for r in Report.objects.all() if f"/lacak/{r.tracking_id}/" in html}


def test_only_verified_non_confidential_reports_are_listed(client: Any, world: Any) -> None:
    public = published(world, title="Trotoar rusak")
    confidential = published(world, title="Rahasia dinas", is_confidential=True)
    unverified = submit(title="Belum diverifikasi").report
    rejected = submit(title="Ditolak").report
    transition(rejected, "reject", actor=Actor.staff(world.desk), change=Change(reason="spam"))
    response = client.get(URL)
    assert response.status_code == 200
    assert listed_ids(response) == {public.tracking_id}
    html = response.content.decode()
    for title in ("Rahasia dinas", "Belum diverifikasi", "Ditolak"):
        assert title not in html
    # Searching for the confidential report's words finds nothing either.
    search = client.get(URL, {"q": "Rahasia dinas"})
    assert listed_ids(search) == set()
    assert confidential.tracking_id not in search.content.decode()
    assert unverified.tracking_id not in html


def test_reporter_identity_never_listed(client: Any, world: Any) -> None:
    published(
        world,
        is_anonymous=True,
        reporter_name="Budi Santoso",
        reporter_email="budi.santoso@example.id",
        reporter_phone="081299887766",
    )
    published(world, reporter_name="Ani Wijaya", reporter_email="ani@example.id")
    html = client.get(URL).content.decode()
    for identity in (
        "Budi Santoso",
        "budi.santoso@example.id",
        "081299887766",
        "Ani Wijaya",
        "ani@example.id",
    ):
        assert identity not in html


def test_html_is_escaped_in_list(client: Any, world: Any) -> None:
    published(world, title="<script>alert('x')</script> jalan")
    html = client.get(URL).content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; jalan" in html


def test_search_uses_redacted_text_only(client: Any, world: Any) -> None:
    hit = published(world, title="Banjir di pasar", body="Hubungi warga@example.id segera ya.")
    published(world, title="Jalan rusak", body="Jalan berlubang di dekat sekolah dasar.")
    assert listed_ids(client.get(URL, {"q": "banjir"})) == {hit.tracking_id}
    assert listed_ids(client.get(URL, {"q": "PASAR"})) == {hit.tracking_id}
    assert listed_ids(client.get(URL, {"q": "warga@example.id"})) == set()


def test_agency_filter_includes_work_units(client: Any, world: Any) -> None:
    city = published(world, agency=world.bandung)
    unit = published(world, agency=world.bandung_dinkes)
    other = published(world, agency=world.surabaya)
    assert listed_ids(client.get(URL, {"agency": "32.73"})) == {city.tracking_id, unit.tracking_id}
    only_unit = client.get(URL, {"agency": "32.73.DINKES"})
    assert listed_ids(only_unit) == {unit.tracking_id}
    assert '<option value="32.73.DINKES" selected>' in only_unit.content.decode()
    assert listed_ids(client.get(URL, {"agency": "35.78"})) == {other.tracking_id}


def test_region_filter_province_includes_regencies(client: Any, world: Any) -> None:
    bandung = published(world, region=world.region_bandung)
    province = published(world, region=world.province_jabar)
    surabaya = published(world, region=world.region_surabaya)
    assert listed_ids(client.get(URL, {"region": "32"})) == {
        bandung.tracking_id,
        province.tracking_id,
    }
    assert listed_ids(client.get(URL, {"region": "32.73"})) == {bandung.tracking_id}
    assert listed_ids(client.get(URL, {"region": "35"})) == {surabaya.tracking_id}


def test_category_and_status_filters(client: Any, world: Any) -> None:
    health = published(world, category=world.category_health)
    roads = published(world, category=world.category_roads)
    transition(roads, "accept", actor=Actor.staff(world.bandung_officer))
    assert listed_ids(client.get(URL, {"category": "kesehatan"})) == {health.tracking_id}
    assert listed_ids(client.get(URL, {"status": "in_progress"})) == {roads.tracking_id}
    assert listed_ids(client.get(URL, {"status": "dispatched"})) == {health.tracking_id}


def test_unknown_filter_values_are_ignored_with_a_message(client: Any, world: Any) -> None:
    report = published(world)
    for params in (
        {"agency": "TIDAK-ADA"},
        {"agency": "DESK"},
        {"region": "99"},
        {"category": "nope"},
        {"status": "submitted"},
        {"status": "<script>"},
    ):
        response = client.get(URL, params)
        assert response.status_code == 200, params
        html = response.content.decode()
        assert "tidak dikenal; saringan ini diabaikan" in html, params
        assert listed_ids(response) == {report.tracking_id}, params
        assert "<script>" not in html.split("<main", 1)[1]


def test_empty_result_says_so(client: Any, world: Any) -> None:
    published(world)
    html = client.get(URL, {"q": "tidak-ada-yang-cocok"}).content.decode()
    assert "Tidak ada laporan yang cocok" in html


def test_pagination_keeps_filters_and_handles_bad_pages(client: Any, world: Any) -> None:
    for i in range(23):
        published(world, title=f"Lampu jalan mati nomor {i}")
    published(world, title="Lain sama sekali")
    first = client.get(URL, {"q": "lampu"})
    assert len(listed_ids(first)) == 20
    assert "Halaman 1 dari 2" in first.content.decode()
    assert 'href="?q=lampu&amp;page=2"' in first.content.decode()
    second = client.get(URL, {"q": "lampu", "page": "2"})
    assert len(listed_ids(second)) == 3
    assert listed_ids(first).isdisjoint(listed_ids(second))
    beyond = client.get(URL, {"q": "lampu", "page": "999"})
    assert beyond.status_code == 200
    assert listed_ids(beyond) == listed_ids(second)
    assert "Halaman “999” tidak ada" in beyond.content.decode()
    junk = client.get(URL, {"q": "lampu", "page": "abc"})
    assert junk.status_code == 200
    assert listed_ids(junk) == listed_ids(first)


def test_query_count_is_bounded(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    agencies = [world.bandung, world.bandung_dinkes, world.surabaya, world.kemenkes]
    regions = [world.region_bandung, world.region_surabaya, world.region_jayapura]
    for i in range(25):
        published(
            world,
            agency=agencies[i % 4],
            region=regions[i % 3],
            category=world.category_health,
            title=f"Laporan {i}",
        )
    with django_assert_max_num_queries(10):
        response = client.get(URL)
    assert len(listed_ids(response)) == 20
    page = response.content.decode()
    # The narrow rows still show each report's agency and region.
    assert world.surabaya.name in page and world.region_jayapura.name in page
    with django_assert_max_num_queries(10):
        second = client.get(URL, {"page": "2"})  # keys first, then the rows
    assert len(listed_ids(second)) == 5
    with django_assert_max_num_queries(10):
        response = client.get(
            URL,
            {
                "q": "laporan",
                "agency": "32.73.DINKES",
                "region": "32",
                "category": "kesehatan",
                "status": "dispatched",
                "page": "1",
            },
        )
    assert response.status_code == 200
    assert len(listed_ids(response)) > 0


def test_the_public_list_index_covers_exactly_the_public_statuses():
    from aduan.reports import access
    from aduan.reports.models import Report

    index = next(i for i in Report._meta.indexes if i.name == "report_public_list")
    statuses = dict(index.condition.children)["status__in"]
    assert sorted(statuses) == sorted(str(s) for s in access.PUBLIC_LIST_STATUSES)
    assert ("is_confidential", False) in index.condition.children


def test_rows_show_what_the_report_and_its_links_say(client: Any, world: Any) -> None:
    from django.urls import reverse
    from django.utils import timezone, translation
    from django.utils.formats import date_format

    from aduan.reports.selectors import PublicListFilter, public_list_page_rows
    from aduan.reports.views.listing import list_rows

    first = published(world, title="Jalan berlubang")
    second = published(world, title="Lampu jalan mati", agency=world.bandung_dinkes)
    rows = public_list_page_rows(filters=PublicListFilter())
    for language, received_label in (("id", "Diterima"), ("en", "Received")):
        with translation.override(language):
            presented = {row["url"]: row for row in list_rows(rows)}
            html = client.get(URL, HTTP_ACCEPT_LANGUAGE=language).content.decode()
            for report in (first, second):
                report.refresh_from_db()
                row = presented[reverse("reports:track", args=[report.tracking_id])]
                day = date_format(timezone.localtime(report.submitted_at), "j F Y")
                assert row["received"] == day
                assert row["status_label"] == report.get_status_display()
                assert row["agency"] == report.agency.name
                assert row["reporters"] == 0  # nobody else reported it
                assert f"<dt>{received_label}</dt><dd>{day}</dd>" in html
                assert f"<dd>{report.agency.name}</dd>" in html


def test_the_first_page_reads_its_rows_anew_on_every_view(client: Any, world: Any) -> None:
    """The first page's SQL is compiled once per filter and kept; its rows never are. A
    report made confidential, or closed, shows so on the very next view."""
    secret = published(world, title="Akan dirahasiakan", category=world.category_health)
    closing = published(world, title="Akan selesai", category=world.category_health)
    filtered = {"category": world.category_health.code}
    for query in ({}, filtered):
        assert listed_ids(client.get(URL, query)) == {secret.tracking_id, closing.tracking_id}
    Report.objects.filter(pk=secret.pk).update(is_confidential=True)
    Report.objects.filter(pk=closing.pk).update(status="closed")
    for query in ({}, filtered):
        response = client.get(URL, query)
        html = response.content.decode()
        assert listed_ids(response) == {closing.tracking_id}
        assert "Akan dirahasiakan" not in html and secret.tracking_id not in html
        assert "status-closed" in html
    newer = published(world, title="Baru", category=world.category_health)
    assert newer.tracking_id in listed_ids(client.get(URL, filtered))
