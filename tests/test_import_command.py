"""``aduan import``: legacy exports become reports in their legacy states; bad rows are
reported with their numbers and never stop the others; re-import and dry-run write
nothing new."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from aduan.notifications.models import Notification
from aduan.reports.models import Report

WIB = ZoneInfo("Asia/Jakarta")
HEADER = (
    "external_id,submitted_at,title,body,type,category,region,district,status,response,"
    "responded_at,reporter_name,reporter_email,reporter_phone,is_anonymous,is_confidential"
)
GOOD_ROWS = [
    "L-1,2025-03-03 09:00,Jalan rusak,Jalan berlubang di depan SD.,pengaduan,kesehatan,32.73,"
    "32.73.01,baru,,,Ani,ani@example.id,081234567890,0,0",
    'L-2,2025-03-04T10:00:00+07:00,Antrean puskesmas,"Antre lama, tiga jam.",aspirasi,'
    "Kesehatan,Kota Bandung,,diproses,Sedang kami cek.,2025-03-05 10:00,,,,ya,tidak",
    "L-3,04/03/2025 11:30,Lampu jalan,Lampu mati.,complaint,,,,selesai,Sudah diganti.,"
    "2025-03-10 08:00,Budi,,,1,1",
    "L-4,2025-03-05,Iklan,Beli obat murah!,,,,,ditolak,,,,,,,",
    "L-5,2025-03-06 08:00,Sampah,Sampah menumpuk.,,,,,ditindaklanjuti,Sudah diangkut.,"
    "2025-03-07 09:00,,,,,",
]


def write(tmp_path, text: str | bytes, name: str = "export.csv"):
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def run(path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", str(path), "--agency", "32.73", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(path, *args: str) -> tuple[str, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import", str(path), "--agency", "32.73", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), str(failure.value)


def by_external_id() -> dict[str, Report]:
    return {r.external_id: r for r in Report.objects.all()}


def test_csv_rows_become_reports_in_their_legacy_states(world, tmp_path):
    path = write(tmp_path, "\n".join([HEADER, *GOOD_ROWS]) + "\n")

    out, err = run(path, "--every", "2")

    assert "5 rows: imported 5, already imported 0, errors 0" in out
    assert "5/5 (100%)" in err and "[####" in err
    reports = by_external_id()
    assert {k: r.status for k, r in reports.items()} == {
        "L-1": "submitted",
        "L-2": "in_progress",
        "L-3": "closed",
        "L-4": "rejected",
        "L-5": "responded",
    }
    for r in reports.values():
        assert r.channel == "import" and r.source_agency == world.bandung
    first = reports["L-1"]
    assert first.submitted_at == datetime(2025, 3, 3, 9, 0, tzinfo=WIB)
    assert first.region == world.region_bandung and first.district == world.district_bandung
    assert first.category == world.category_health
    assert first.reporter_phone == "081234567890"
    assert reports["L-2"].type == "aspiration" and reports["L-2"].is_anonymous
    assert reports["L-2"].region == world.region_bandung
    assert reports["L-2"].agency == world.bandung
    closed = reports["L-3"]
    assert closed.is_confidential and closed.is_anonymous
    assert closed.submitted_at == datetime(2025, 3, 4, 11, 30, tzinfo=WIB)
    assert closed.responded_at == datetime(2025, 3, 10, 8, 0, tzinfo=WIB)
    assert closed.closed_at == closed.responded_at
    respond = closed.events.get(action="respond")
    assert respond.message == "Sudah diganti."
    assert respond.actor_label == "import:32.73"
    assert respond.created_at == closed.responded_at
    assert reports["L-4"].rejection_reason == "out_of_scope"
    dispatch = reports["L-2"].events.get(action="dispatch")
    assert (
        dispatch.actor_label == "import:32.73"
        and dispatch.created_at == reports["L-2"].submitted_at
    )
    assert reports["L-2"].events.get(action="update").message == "Sedang kami cek."
    # Old history is not news: nobody is notified.
    assert Notification.objects.count() == 0


def test_json_export_with_unit(world, tmp_path):
    data = {
        "reports": [
            {
                "external_id": 77,
                "submitted_at": "2025-01-02T08:00:00Z",
                "title": "Obat habis",
                "body": "Stok obat di puskesmas habis.",
                "type": "permintaan informasi",
                "status": "closed",
                "response": "Stok sudah diisi.",
                "unit": "32.73.DINKES",
                "is_anonymous": True,
            },
            "not an object",
        ]
    }
    path = write(tmp_path, json.dumps(data), "export.json")

    out, err, failure = run_failing(path)

    assert "imported 1" in out and "errors 1" in out
    assert "row 2: not a JSON object" in err
    assert "1 row(s)" in failure
    report = Report.objects.get()
    assert report.external_id == "77" and report.type == "info_request"
    assert report.status == "closed" and report.agency == world.bandung_dinkes
    assert report.is_anonymous


def test_malformed_rows_are_reported_with_row_numbers_and_the_rest_imports(world, tmp_path):
    rows = [
        HEADER,
        GOOD_ROWS[0],
        "B-1,kemarin sore,Judul,Isi,,,,,,,,,,,,",
        "B-2,2025-03-03 09:00,,Isi tanpa judul,,,,,,,,,,,,",
        "B-3,2025-03-03 09:00,Judul,Isi,,,Atlantis,,,,,,,,,",
        "B-4,2025-03-03 09:00,Judul,Isi,,bukan-kategori,,,,,,,,,,",
        ",2025-03-03 09:00,Tanpa nomor,Isi,,,,,,,,,,,,",
        "B-5,2025-03-03 09:00,Judul,Isi,,,,,dibakar,,,,,,,",
        "B-6,2025-03-03 09:00,Judul,Isi,,,,,,,,,bukan surel,,,",
        GOOD_ROWS[1],
    ]
    path = write(tmp_path, "\n".join(rows) + "\n")
    errors = tmp_path / "errors.csv"

    out, err, failure = run_failing(path, "--errors", str(errors))

    assert "10" not in failure and "7 row(s)" in failure
    assert "9 rows: imported 2, already imported 0, errors 7" in out
    assert set(by_external_id()) == {"L-1", "L-2"}
    with errors.open(encoding="utf-8") as handle:
        problems = {int(r["row"]): r for r in csv.DictReader(handle)}
    assert problems[3]["field"] == "submitted_at" and problems[3]["external_id"] == "B-1"
    assert problems[4]["field"] == "title"
    assert problems[5]["field"] == "region" and "Atlantis" in problems[5]["message"]
    assert problems[6]["field"] == "category"
    assert problems[7]["field"] == "external_id"
    assert problems[8]["field"] == "status"
    assert problems[9]["field"] == "reporter_email"
    assert "row 5 (B-3): region: unknown region 'Atlantis'" in err


def test_reimport_skips_everything(world, tmp_path):
    path = write(tmp_path, "\n".join([HEADER, *GOOD_ROWS]) + "\n")
    run(path)
    events = sum(r.events.count() for r in Report.objects.all())

    out, _err = run(path)

    assert "imported 0, already imported 5, errors 0" in out
    assert Report.objects.count() == 5
    assert sum(r.events.count() for r in Report.objects.all()) == events


def test_repeated_external_id_in_one_file_imports_once(world, tmp_path):
    path = write(tmp_path, "\n".join([HEADER, GOOD_ROWS[0], GOOD_ROWS[0]]) + "\n")

    out, _err = run(path)

    assert "imported 1, already imported 1" in out
    assert Report.objects.count() == 1


def test_dry_run_checks_everything_and_writes_nothing(world, tmp_path):
    path = write(tmp_path, "\n".join([HEADER, *GOOD_ROWS, "B-1,nope,T,B,,,,,,,,,,,,"]) + "\n")

    out, err, _failure = run_failing(path, "--dry-run")

    assert "would import 5" in out and "errors 1" in out and "dry run" in out
    assert "row 7 (B-1): submitted_at" in err
    assert Report.objects.count() == 0


def test_utf8_byte_order_mark_is_accepted(world, tmp_path):
    text = "\n".join([HEADER, GOOD_ROWS[0].replace("Jalan rusak", "Jalan rusak — parah")])
    path = write(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"))

    out, _err = run(path)

    assert "imported 1" in out
    assert Report.objects.get().title == "Jalan rusak — parah"


def test_bytes_in_another_encoding_are_a_row_error_or_read_with_encoding(world, tmp_path):
    legacy = "\n".join([HEADER, GOOD_ROWS[0].replace("Jalan rusak", "Jalan rusak caf\xe9")])
    rows = legacy + "\n" + GOOD_ROWS[1] + "\n"
    path = write(tmp_path, rows.encode("cp1252"))

    out, err, _failure = run_failing(path)
    assert "imported 1" in out and "errors 1" in out
    assert "row 2 (L-1): title" in err and "--encoding cp1252" in err

    out, _err = run(path, "--encoding", "cp1252")
    assert "imported 1, already imported 1" in out
    assert Report.objects.get(external_id="L-1").title == "Jalan rusak café"


def test_unknown_columns_are_ignored_with_a_warning(world, tmp_path):
    path = write(tmp_path, HEADER + ",kolom_aneh\n" + GOOD_ROWS[0] + ",x\n")

    _out, err = run(path)

    assert "Ignoring unknown columns: kolom_aneh" in err
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "NOPE"], "No agency"),
        (["--agency", "DESK"], "not an active agency"),
        (["--agency", "32.73", "--encoding", "klingon"], "Unknown encoding"),
    ],
)
def test_command_errors(world, tmp_path, args, message):
    path = write(tmp_path, HEADER + "\n")
    with pytest.raises(CommandError, match=message):
        call_command("import", str(path), *args, stdout=io.StringIO(), stderr=io.StringIO())


def test_unreadable_files_are_command_errors(world, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "missing.csv")
    with pytest.raises(CommandError, match="Not valid JSON"):
        run(write(tmp_path, "{oops", "x.json"))
    with pytest.raises(CommandError, match="format"):
        run(write(tmp_path, "x", "export.xlsx"))
