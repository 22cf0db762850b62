"""Statistics pages (public and staff): real numbers recomputed from raw report rows,
privacy of public pages, access to staff internals, bounded queries, both languages."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from aduan.reports.models import Report, ReportEvent
from tests.factories import report
from tests.test_backoffice_support import act, as_user, dispatched_to, is_login_redirect, text

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
SECRET_TITLE = "Pungutan liar rahasia di kantor kelurahan"
WAITING_TITLE = "Belum diverifikasi sama sekali"


def _today() -> date:
    return timezone.now().astimezone(WIB).date()


def _kpi(html: str, label: str) -> str:
    """The headline figure under ``label`` in the KPI tiles."""
    start = html.index(f"<dt>{label}</dt>")
    dd = html[html.index("<dd>", start) + 4 : html.index("</dd>", start)]
    return re.sub(r"<span.*", "", dd, flags=re.S).strip()


def _cells(html: str, name: str) -> list[str]:
    """Cells of the first table row whose header links to ``name``."""
    start = html.index(f">{name}</a></th>")
    row = html[start : html.index("</tr>", start)]
    return [re.sub(r"<[^>]+>", "", c.split(">", 1)[1]).strip() for c in row.split("<td")[1:]]


def _expected(agency_path: str | None = None) -> dict[str, int]:
    """The cohort figures recomputed from raw rows: reports received this year (WIB),
    how many were ever dispatched and how many got a follow-up."""
    year = _today().year
    reports = [
        r
        for r in Report.objects.select_related("agency")
        if r.submitted_at.astimezone(WIB).year == year
        and (
            agency_path is None or (r.agency is not None and r.agency.path.startswith(agency_path))
        )
    ]
    ids = {r.pk for r in reports}
    dispatched = set(
        ReportEvent.objects.filter(report_id__in=ids, action="dispatch").values_list(
            "report_id", flat=True
        )
    )
    followed = set(
        ReportEvent.objects.filter(report_id__in=ids, action="respond").values_list(
            "report_id", flat=True
        )
    )
    return {"received": len(ids), "dispatched": len(dispatched), "followed_up": len(followed)}


@pytest.fixture
def activity(world: Any) -> dict[str, Report]:
    """A handful of reports through real transitions."""
    answered = dispatched_to(world, world.bandung, category=world.category_health)
    act(answered, "respond", world.bandung_officer, message="Sudah diperbaiki.")
    at_unit = dispatched_to(world, world.bandung)
    act(at_unit, "forward", world.bandung_officer, agency=world.bandung_dinkes)
    secret = dispatched_to(
        world,
        world.surabaya,
        region=world.region_surabaya,
        is_confidential=True,
        title=SECRET_TITLE,
    )
    # Dispatched 40 working-days-plus ago: past its first-response deadline now.
    late = report(now=timezone.now() - timedelta(days=41), region=world.region_bandung)
    act(late, "dispatch", world.desk, agency=world.bandung, at=timezone.now() - timedelta(days=40))
    waiting = report(title=WAITING_TITLE, region=world.region_jayapura)
    for r in (late, waiting):
        r.refresh_from_db()
    return {
        "answered": answered,
        "at_unit": at_unit,
        "secret": secret,
        "late": late,
        "waiting": waiting,
    }


# ---- public pages: real numbers ---------------------------------------------------------


def test_national_dashboard_numbers_match_raw_rows(client: Any, activity: Any) -> None:
    html = text(client.get("/statistik/"))
    expected = _expected()
    assert expected["received"] >= 4  # the fixture's reports of this year at least
    assert _kpi(html, "Laporan diterima") == str(expected["received"])
    assert _kpi(html, "Didisposisikan") == str(expected["dispatched"])
    assert _kpi(html, "Ditindaklanjuti") == str(expected["followed_up"])
    # The follow-up share is written next to it, computed from the same rows.
    rate = 100 * expected["followed_up"] / expected["dispatched"]
    assert f"{rate:.1f}%".replace(".", ",") + " dari yang didisposisikan" in html


def test_agency_dashboard_numbers_and_units(client: Any, world: Any, activity: Any) -> None:
    html = text(client.get("/statistik/instansi/32.73/"))
    expected = _expected("/32.73/")
    assert _kpi(html, "Laporan diterima") == str(expected["received"])
    assert _kpi(html, "Didisposisikan") == str(expected["dispatched"])
    assert _kpi(html, "Ditindaklanjuti") == str(expected["followed_up"])
    unit = _expected("/32.73/32.73.DINKES/")
    cells = _cells(html, "Dinas Kesehatan Kota Bandung")
    assert cells[:2] == [str(unit["received"]), str(unit["dispatched"])]
    # The unit links to its own dashboard, keeping the period.
    assert "/statistik/instansi/32.73.DINKES/?tahun=" in html
    unit_html = text(client.get("/statistik/instansi/32.73.DINKES/"))
    assert _kpi(unit_html, "Laporan diterima") == str(unit["received"])


def test_charts_have_title_desc_and_the_same_numbers_in_tables(client: Any, activity: Any) -> None:
    html = text(client.get("/statistik/instansi/32.73/"))
    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    assert len(svgs) >= 4
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    # Top categories: the roads reports (raw rows) in the chart's text and in its table.
    year = _today().year
    roads = sum(
        1
        for r in Report.objects.filter(
            agency__path__startswith="/32.73/", category__code="pekerjaan-umum-penataan-ruang"
        )
        if r.submitted_at.astimezone(WIB).year == year
    )
    assert roads >= 2
    label = "Pekerjaan Umum dan Penataan Ruang"
    assert re.search(rf'<th scope="row">{label}</th>\s*<td class="num">{roads}</td>', html)
    chart = next(svg for svg in svgs if "Kategori terbanyak" in svg)
    assert f'fill="#1b1b1b">{roads}</text>' in chart
    assert "<caption" in html and 'style="' not in html and "<script" not in html


def test_compliance_index_page_publishes_formula_and_ranking(client: Any, activity: Any) -> None:
    html = text(client.get("/statistik/indeks/"))
    assert "Rumus, bobot, dan predikat" in html
    assert "Indeks = 100" in html  # the engine's formula text
    assert "Bobot komponen" in html
    # Bandung's follow-up rate (subtree) recomputed from raw rows.
    expected = _expected("/32.73/")
    rate = 100 * expected["followed_up"] / expected["dispatched"]
    # Cells after the name: index, predicate, dispatched, follow-up rate, ...
    cells = _cells(html, "Pemerintah Kota Bandung")
    assert cells[2] == str(expected["dispatched"])
    assert cells[3] == f"{rate:.1f}%".replace(".", ",")
    assert cells[1] in {"Baik", "Sedang", "Kurang"}
    # The only rated agency of its peer group (Surabaya's report is not followed up yet,
    # but it is rated too): a rank in the first cell of the row.
    row_start = html.rindex("<tr>", 0, html.index(">Pemerintah Kota Bandung</a></th>"))
    assert re.match(r'<tr>\s*<td class="num">[12]</td>', html[row_start:])
    assert "menindaklanjuti sedikitnya separuh laporannya" in html


def test_bad_period_is_400_with_the_field_named(client: Any, world: Any) -> None:
    response = client.get("/statistik/", {"tahun": "20x6"})
    assert response.status_code == 400
    html = text(response)
    assert 'aria-invalid="true"' in html and "Tahun harus berupa empat angka" in html
    response = client.get("/statistik/", {"tahun": str(_today().year), "bulan": "13"})
    assert response.status_code == 400 and "Bulan harus angka 1 sampai 12" in text(response)


def test_unknown_codes_are_404(client: Any, world: Any) -> None:
    assert client.get("/statistik/instansi/TIDAK-ADA/").status_code == 404
    assert client.get("/statistik/wilayah/99.99/").status_code == 404


def test_month_period_is_selectable(client: Any, activity: Any) -> None:
    today = _today()
    response = client.get("/statistik/", {"tahun": today.year, "bulan": today.month})
    assert response.status_code == 200
    html = text(response)
    received = sum(
        1
        for r in Report.objects.all()
        if (r.submitted_at.astimezone(WIB).year, r.submitted_at.astimezone(WIB).month)
        == (today.year, today.month)
    )
    assert _kpi(html, "Laporan diterima") == str(received)
    assert f'<option value="{today.month}" selected>' in html


# ---- privacy ------------------------------------------------------------------------------


def test_public_pages_never_list_reports(client: Any, world: Any, activity: Any) -> None:
    urls = [
        "/statistik/",
        "/statistik/instansi/32.73/",
        "/statistik/instansi/35.78/",
        "/statistik/indeks/",
    ]
    for url in urls:
        html = text(client.get(url))
        for r in activity.values():
            assert r.tracking_id not in html, url
        assert SECRET_TITLE not in html and WAITING_TITLE not in html
        assert "/petugas/laporan/" not in html
        assert "Laporan paling lama melewati batas waktu" not in html


# ---- staff pages: internals and access ------------------------------------------------------


def test_staff_agency_page_lists_worst_overdue_for_its_staff(
    client: Any, world: Any, activity: Any
) -> None:
    late = activity["late"]
    html = text(as_user(client, world.bandung_officer).get("/petugas/statistik/instansi/32.73/"))
    assert "Laporan paling lama melewati batas waktu" in html
    assert f"/petugas/laporan/{late.tracking_id}/" in html
    assert activity["secret"].tracking_id not in html  # Surabaya's, not Bandung's
    # The same scope's public page and the printable report are one click away.
    assert f'href="/statistik/instansi/32.73/?tahun={_today().year}"' in html
    assert 'href="/petugas/statistik/instansi/32.73/cetak/"' in html
    assert _kpi(html, "Laporan diterima") == str(_expected("/32.73/")["received"])


def test_staff_internals_refused_outside_scope(client: Any, world: Any, activity: Any) -> None:
    response = as_user(client, world.surabaya_officer).get("/petugas/statistik/instansi/32.73/")
    assert response.status_code == 403
    assert activity["late"].tracking_id not in text(response)
    response = client.get("/petugas/statistik/instansi/32.73/cetak/")
    assert response.status_code == 403
    # A unit officer may not see the parent government's internals.
    response = as_user(client, world.dinkes_officer).get("/petugas/statistik/instansi/32.73/")
    assert response.status_code == 403


def test_staff_pages_need_sign_in(client: Any, world: Any) -> None:
    for url in (
        "/petugas/statistik/",
        "/petugas/statistik/instansi/32.73/",
        "/petugas/statistik/koordinator/",
        "/petugas/statistik/instansi/32.73/cetak/",
    ):
        assert is_login_redirect(client.get(url)), url


def test_coordinator_and_desk_see_internals(client: Any, world: Any, activity: Any) -> None:
    late = activity["late"]
    for user in (world.coordinator, world.desk):
        html = text(as_user(client, user).get("/petugas/statistik/instansi/32.73/"))
        assert f"/petugas/laporan/{late.tracking_id}/" in html


def test_staff_national_overdue_only_visible_reports(
    client: Any, world: Any, activity: Any
) -> None:
    # Make Surabaya's confidential report overdue too.
    Report.objects.filter(pk=activity["secret"].pk).update(
        due_at=timezone.now() - timedelta(days=3)
    )
    html = text(as_user(client, world.bandung_officer).get("/petugas/statistik/"))
    assert activity["late"].tracking_id in html
    assert activity["secret"].tracking_id not in html and SECRET_TITLE not in html
    desk_html = text(as_user(client, world.desk).get("/petugas/statistik/"))
    assert activity["secret"].tracking_id in desk_html


def test_coordinator_page_compares_with_peers(client: Any, world: Any, activity: Any) -> None:
    response = as_user(client, world.coordinator).get("/petugas/statistik/koordinator/")
    assert response.status_code == 200
    html = text(response)
    assert '<h2 id="mentored-1">Pemerintah Kota Bandung</h2>' in html
    assert "Median sejawat" in html and "Kelompok sejawat" in html
    expected = _expected("/32.73/")
    rate = 100 * expected["followed_up"] / expected["dispatched"]
    cells = _cells_row(html, "Tingkat tindak lanjut")
    assert cells[0] == f"{rate:.1f}%".replace(".", ",")
    assert "Pemerintah Kota Surabaya</h2>" not in html


def _cells_row(html: str, label: str) -> list[str]:
    start = html.index(f'<th scope="row">{label}</th>')
    row = html[start : html.index("</tr>", start)]
    return [re.sub(r"<[^>]+>", "", c.split(">", 1)[1]).strip() for c in row.split("<td")[1:]]


def test_coordinator_page_refused_to_others(client: Any, world: Any) -> None:
    response = as_user(client, world.bandung_officer).get("/petugas/statistik/koordinator/")
    assert response.status_code == 403
    desk = as_user(client, world.desk)
    assert desk.get("/petugas/statistik/koordinator/", {"instansi": "35.78"}).status_code == 200


def test_printable_monthly_report(client: Any, world: Any, activity: Any) -> None:
    today = _today()
    month = f"{today:%Y-%m}"
    response = as_user(client, world.bandung_admin).get(
        "/petugas/statistik/instansi/32.73/cetak/", {"bulan": month}
    )
    assert response.status_code == 200
    html = text(response)
    assert "stats/stats.css" in html and "Laporan bulanan: Pemerintah Kota Bandung" in html
    received = sum(
        1
        for r in Report.objects.filter(agency__path__startswith="/32.73/")
        if f"{r.submitted_at.astimezone(WIB):%Y-%m}" == month
    )
    assert _kpi(html, "Laporan diterima") == str(received)
    assert activity["late"].tracking_id in html
    bad = as_user(client, world.bandung_admin).get(
        "/petugas/statistik/instansi/32.73/cetak/", {"bulan": "2026-13"}
    )
    assert bad.status_code == 400


# ---- bounded queries and languages ------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "who"),
    [
        ("/statistik/", None),
        ("/statistik/wilayah/32/", None),
        ("/statistik/instansi/32.73/", None),
        ("/statistik/indeks/", None),
        ("/petugas/statistik/wilayah/32.73/", "desk"),
        ("/petugas/statistik/", "desk"),
        ("/petugas/statistik/instansi/32.73/", "bandung_officer"),
        ("/petugas/statistik/koordinator/", "coordinator"),
        ("/petugas/statistik/instansi/32.73/cetak/", "bandung_admin"),
    ],
)
def test_query_counts_are_bounded(
    client: Any,
    world: Any,
    activity: Any,
    django_assert_max_num_queries: Any,
    url: str,
    who: str | None,
) -> None:
    if who:
        as_user(client, getattr(world, who))
    # More reports must not mean more queries.
    for _ in range(3):
        extra = dispatched_to(world, world.bandung_pupr)
        act(extra, "respond", world.bandung_officer, message="Selesai.")
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200


def test_english_rendering(client: Any, activity: Any) -> None:
    html = text(client.get("/statistik/", HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="en">' in html
    received = _expected()["received"]
    assert f"<dd>{received}" in html
    index = client.get("/statistik/indeks/", HTTP_ACCEPT_LANGUAGE="en")
    assert index.status_code == 200


def test_region_drill_down_province_to_regency(client: Any, world: Any, activity: Any) -> None:
    year = _today().year
    in_jabar = [
        r
        for r in Report.objects.select_related("region")
        if r.region is not None
        and (r.region.code == "32" or r.region.code.startswith("32."))
        and r.submitted_at.astimezone(WIB).year == year
    ]
    html = text(client.get("/statistik/wilayah/32/"))
    assert _kpi(html, "Laporan diterima") == str(len(in_jabar))
    assert _cells(html, "Kota Bandung")[0] == str(len(in_jabar))  # all of them in Bandung
    assert "/statistik/wilayah/32.73/?tahun=" in html
    # Breadcrumbs lead back to the national page.
    assert 'aria-label="Jejak halaman"' in html and f'href="/statistik/?tahun={year}"' in html
    regency = text(client.get("/statistik/wilayah/32.73/"))
    assert _kpi(regency, "Laporan diterima") == str(len(in_jabar))
    # Agencies of the region are listed for the next step down.
    assert _cells(regency, "Pemerintah Kota Bandung")[0] == str(_expected("/32.73/")["received"])
    staff_html = text(as_user(client, world.bandung_officer).get("/petugas/statistik/wilayah/32/"))
    assert activity["late"].tracking_id in staff_html
    assert "/petugas/statistik/wilayah/32.73/?tahun=" in staff_html


def test_navigation_links(client: Any, world: Any) -> None:
    html = text(client.get("/"))
    assert 'href="/statistik/"' in html
    staff_html = text(as_user(client, world.coordinator).get("/petugas/koordinator/"))
    assert 'href="/petugas/statistik/"' in staff_html
    assert 'href="/petugas/statistik/koordinator/"' in staff_html


def test_ids_are_unique_and_headings_in_order(client: Any, world: Any, activity: Any) -> None:
    pages = [
        client.get("/statistik/"),
        client.get("/statistik/wilayah/32/"),
        client.get("/statistik/instansi/32.73/"),
        client.get("/statistik/indeks/"),
        as_user(client, world.coordinator).get("/petugas/statistik/koordinator/"),
        as_user(client, world.bandung_admin).get("/petugas/statistik/instansi/32.73/cetak/"),
    ]
    for response in pages:
        html = text(response)
        ids = re.findall(r'\sid="([^"]+)"', html)
        duplicates = {i for i in ids if ids.count(i) > 1}
        assert not duplicates, (response.request["PATH_INFO"], duplicates)
        # aria-labelledby only points at ids on the page.
        for refs in re.findall(r'aria-labelledby="([^"]+)"', html):
            for ref in refs.split():
                assert ref in ids, (response.request["PATH_INFO"], ref)
        levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", html)]
        assert levels[0] == 1 and levels.count(1) == 1
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
