"""Staff list exports (CSV, XLSX): the page's rows and filters, the page's access rules,
no reporter identity where the page would not show it, audited, formula-safe."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from aduan.audit.models import AuditRecord
from aduan.backoffice import exports, selectors
from aduan.reports.models import Channel
from tests.test_backoffice_support import act, as_user, dispatched_to, recent

DESK_CSV = "/petugas/meja/ekspor.csv"
DESK_XLSX = "/petugas/meja/ekspor.xlsx"
INBOX_CSV = "/petugas/kotak-masuk/ekspor.csv"
INBOX_XLSX = "/petugas/kotak-masuk/ekspor.xlsx"
COORD_CSV = "/petugas/koordinator/ekspor.csv"


def body(response: Any) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def csv_rows(response: Any) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def ids(rows: list[list[str]]) -> list[str]:
    return [r[0] for r in rows[1:]]


def xlsx_rows(response: Any) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(body(response)), read_only=True)
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


# ---- desk queue -------------------------------------------------------------------------


def test_desk_export_has_the_queues_rows_in_its_order_and_filters(client: Any, world: Any) -> None:
    web = [recent(title=f"Laporan web {i}") for i in range(3)]
    sms = recent(title="Lewat SMS", channel=Channel.SMS)
    done = dispatched_to(world, title="Sudah didisposisi")
    desk = as_user(client, world.desk)

    expected = [
        r.tracking_id
        for r in selectors.desk_queue(filters=selectors.QueueFilter(), now=timezone.now())
    ]
    got = ids(csv_rows(desk.get(DESK_CSV)))
    assert got == expected
    assert set(got) == {r.tracking_id for r in [*web, sms]}
    assert done.tracking_id not in got

    assert ids(csv_rows(desk.get(DESK_CSV, {"channel": "sms"}))) == [sms.tracking_id]
    assert ids(csv_rows(desk.get(DESK_CSV, {"q": "Laporan web 1"}))) == [web[1].tracking_id]
    # The page number is ignored: the export is the whole filtered list.
    assert len(ids(csv_rows(desk.get(DESK_CSV, {"page": "2"})))) == 4


def test_desk_export_is_the_desks_only_and_audited(client: Any, world: Any) -> None:
    recent(title="Menunggu")
    for user in (world.bandung_officer, world.bandung_admin, world.coordinator):
        assert as_user(client, user).get(DESK_CSV).status_code == 403
    client.logout()
    assert client.get(DESK_CSV).status_code == 302  # to the sign-in page
    assert not AuditRecord.objects.filter(action=exports.EXPORT_ACTION).exists()

    as_user(client, world.desk).get(DESK_CSV, {"channel": "web"})
    record = AuditRecord.objects.get(action=exports.EXPORT_ACTION)
    assert record.actor == world.desk
    assert record.detail["list"] == "desk_queue"
    assert record.detail["filters"] == {"channel": "web"}


def test_exports_never_carry_reporter_contact_details(client: Any, world: Any) -> None:
    recent(
        title="Pungutan liar",
        reporter_name="Siti Aminah",
        reporter_email="siti@example.org",
        reporter_phone="081234567890",
    )
    for url in (DESK_CSV, DESK_XLSX):
        content = body(as_user(client, world.desk).get(url))
        text = (
            content.decode("utf-8-sig")
            if url.endswith(".csv")
            else str(xlsx_rows(as_user(client, world.desk).get(url)))
        )
        assert "Pungutan liar" in text
        for secret in ("Siti Aminah", "siti@example.org", "081234567890"):
            assert secret not in text


# ---- agency inbox -----------------------------------------------------------------------


def test_inbox_export_is_the_subtree_only_with_the_pages_filters(client: Any, world: Any) -> None:
    at_city = dispatched_to(world, world.bandung, title="Jalan berlubang")
    at_unit = dispatched_to(world, world.bandung_dinkes, title="Antrean puskesmas")
    closed = dispatched_to(world, world.bandung, title="Selokan mampet")
    act(closed, "respond", world.bandung_officer, message="Sudah dibersihkan.")
    act(closed, "close", None)
    elsewhere = dispatched_to(world, world.surabaya, title="Banjir Surabaya")

    officer = as_user(client, world.bandung_officer)
    got = ids(csv_rows(officer.get(INBOX_CSV)))
    assert set(got) == {at_city.tracking_id, at_unit.tracking_id}
    assert ids(csv_rows(officer.get(INBOX_CSV, {"status": "closed"}))) == [closed.tracking_id]
    assert ids(csv_rows(officer.get(INBOX_CSV, {"unit": "32.73.DINKES"}))) == [at_unit.tracking_id]
    everything = ids(csv_rows(officer.get(INBOX_CSV, {"status": "all"})))
    assert elsewhere.tracking_id not in everything and len(everything) == 3

    unit = as_user(client, world.dinkes_officer)
    assert ids(csv_rows(unit.get(INBOX_CSV))) == [at_unit.tracking_id]
    # Another agency's inbox: 404, as for the page.
    assert unit.get(INBOX_CSV, {"instansi": world.surabaya.code}).status_code == 404
    sby = as_user(client, world.surabaya_officer)
    assert ids(csv_rows(sby.get(INBOX_XLSX.replace("xlsx", "csv")))) == [elsewhere.tracking_id]
    assert sby.get(INBOX_CSV, {"instansi": world.bandung.code}).status_code == 404

    # The desk opens any agency's list, but must name one.
    desk = as_user(client, world.desk)
    assert desk.get(INBOX_CSV).status_code == 400
    assert set(ids(csv_rows(desk.get(INBOX_CSV, {"instansi": world.bandung.code})))) == set(got)


def test_agency_export_hides_an_anonymous_reporters_name(client: Any, world: Any) -> None:
    anonymous = dispatched_to(
        world,
        title="Pungli oleh Siti Aminah di kelurahan",
        is_anonymous=True,
        reporter_name="Siti Aminah",
        reporter_email="siti@example.org",
    )
    rows = csv_rows(as_user(client, world.bandung_officer).get(INBOX_CSV))
    text = str(rows)
    assert anonymous.tracking_id in text
    assert "Siti Aminah" not in text and "siti@example.org" not in text
    assert "Pungli oleh" in text
    xlsx = str(xlsx_rows(as_user(client, world.bandung_officer).get(INBOX_XLSX)))
    assert anonymous.tracking_id in xlsx and "Siti Aminah" not in xlsx


def test_xlsx_opens_and_matches_the_csv(client: Any, world: Any) -> None:
    dispatched_to(world, title="Lampu jalan mati")
    dispatched_to(world, title="Trotoar rusak", is_confidential=True)
    officer = as_user(client, world.bandung_officer)
    response = officer.get(INBOX_XLSX)
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    sheet = xlsx_rows(response)
    flat = csv_rows(officer.get(INBOX_CSV))
    assert [str(h) for h in sheet[0]] == flat[0] == exports.headers()
    assert [r[0] for r in sheet[1:]] == ids(flat)
    # Typed cells: a date is a date, a count is a number.
    submitted = exports.headers().index("Diterima (WIB)")
    assert all(hasattr(r[submitted], "year") for r in sheet[1:])


@pytest.mark.parametrize(
    "title", ['=HYPERLINK("http://x.test","klik")', "+1+2", "-2+3", "@SUM(A1)"]
)
def test_exports_neutralise_spreadsheet_formulas(client: Any, world: Any, title: str) -> None:
    r = dispatched_to(world, title=title)
    officer = as_user(client, world.bandung_officer)
    row = csv_rows(officer.get(INBOX_CSV))[1]
    assert row[0] == r.tracking_id and row[1] == "'" + title
    cell = xlsx_rows(officer.get(INBOX_XLSX))[1][1]
    assert cell == "'" + title


def test_export_query_count_is_bounded(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(12):
        dispatched_to(world, title=f"Laporan {i}", is_anonymous=bool(i % 2))
    officer = as_user(client, world.bandung_officer)
    # Sign-in, 2FA and audit chain take ~13; the rows themselves are one query (not 12).
    with django_assert_max_num_queries(16):
        assert len(csv_rows(officer.get(INBOX_CSV))) == 13
    with django_assert_max_num_queries(16):
        assert len(xlsx_rows(officer.get(INBOX_XLSX))) == 13


# ---- coordinator ------------------------------------------------------------------------


def test_coordinator_export_is_read_only_mentoring_scope(client: Any, world: Any) -> None:
    mine = dispatched_to(
        world, world.bandung_pupr, title="Drainase", is_anonymous=True, reporter_name="Budi Santoso"
    )
    dispatched_to(world, world.surabaya, title="Banjir Surabaya")
    coordinator = as_user(client, world.coordinator)
    rows = csv_rows(coordinator.get(COORD_CSV, {"instansi": world.bandung.code}))
    assert ids(rows) == [mine.tracking_id]
    assert "Budi Santoso" not in str(rows)
    assert coordinator.get(COORD_CSV).status_code == 400
    assert coordinator.get(COORD_CSV, {"instansi": world.surabaya.code}).status_code == 404
    assert as_user(client, world.bandung_officer).get(COORD_CSV).status_code == 403


def test_pages_link_to_their_exports(client: Any, world: Any) -> None:
    recent(title="Menunggu")
    dispatched_to(world, title="Di instansi")
    queue = as_user(client, world.desk).get("/petugas/meja/", {"channel": "web"}).content.decode()
    assert 'href="/petugas/meja/ekspor.csv?channel=web"' in queue
    inbox = as_user(client, world.bandung_officer).get("/petugas/kotak-masuk/").content.decode()
    assert 'href="/petugas/kotak-masuk/ekspor.xlsx?' in inbox


def test_the_export_shows_on_the_staff_members_audit_page(client: Any, world: Any) -> None:
    dispatched_to(world, title="Lampu jalan mati")
    officer = as_user(client, world.bandung_officer)
    body(officer.get(INBOX_CSV))
    record = AuditRecord.objects.get(action=exports.EXPORT_ACTION)
    assert record.actor == world.bandung_officer and record.detail["list"] == "inbox"
    page = as_user(client, world.desk).get(f"/audit/pengguna/{world.bandung_officer.pk}/")
    assert page.status_code == 200
    assert "Mengekspor daftar laporan" in page.content.decode()
