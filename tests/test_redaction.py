import pytest

from aduan.reports import tracking
from aduan.reports.redaction import BANK_MARK, EMAIL_MARK, NIK_MARK, PHONE_MARK, redact


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("NIK saya 3273011203900001 mohon dibantu", "3273011203900001"),
        ("KK: 3273 0112 0390 0001", "3273 0112 0390 0001"),
        ("hubungi 081234567890", "081234567890"),
        ("WA +62 812-3456-7890", "812-3456-7890"),
        ("email: siti.aminah@gmail.com", "siti.aminah@gmail.com"),
    ],
)
def test_personal_data_is_removed(text, gone):
    assert gone not in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "Kejadian tanggal 12-03-2024 pukul 10.30",
        "Biaya Rp 1.500.000 untuk 3 bulan",
        "Jalan nomor 123 RT 04/RW 05",
        "Tahun 2025 anggaran 250000000",
    ],
)
def test_dates_and_amounts_stay(text):
    assert redact(text) == text


def test_reporter_identity_is_scrubbed_in_any_writing():
    from aduan.reports.redaction import IDENTITY_MARK, scrub_identity

    text = (
        "Saya SITI Aminah, hubungi 0811-9988-7766 atau +62 811 9988 7766 "
        "atau siti.a@Example.id. Biaya Rp 811.998"
    )
    out = scrub_identity(
        text, name="Siti Aminah", email="siti.a@example.id", phone="+6281199887766"
    )
    assert "Aminah" not in out and "9988" not in out and "example" not in out.lower()
    assert out.count(IDENTITY_MARK) == 4
    assert "Rp 811.998" in out  # other numbers stay
    assert scrub_identity("Jalan Siti", name="Si") == "Jalan Siti"  # too short to match safely


# ---- messy real-world text (issue 6) ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "gone", "mark"),
    [
        ("nik:3273011203900001,kk 3273011203900002", "3273011203900002", NIK_MARK),
        ("NIK 3273.0112.0390.0001 (ktp lama)", "3273.0112.0390.0001", NIK_MARK),
        ("No KK 3273-0112-0390-0001.", "3273-0112-0390-0001", NIK_MARK),
        ("hp/wa 0812.3456.789 (malam)", "0812.3456.789", PHONE_MARK),
        ("WA:(+62) 812-3456-7890", "812-3456-7890", PHONE_MARK),
        ("nomor saya 62812345678!!", "62812345678", PHONE_MARK),
        ("+62 (0)812 3456 7890 pak RT", "3456 7890", PHONE_MARK),
        ("kantor kelurahan (021) 555-1234", "555-1234", PHONE_MARK),
        ("telp 0274 512345 jam kerja", "0274 512345", PHONE_MARK),
        ("EMAIL: Budi.S+lapor@mail.example.co.id", "Budi.S+lapor", EMAIL_MARK),
        ("budi [at] gmail [dot] com", "budi [at] gmail", EMAIL_MARK),
        ("rina(at)yahoo(dot)co(dot)id", "rina(at)yahoo", EMAIL_MARK),
        ("transfer ke rek BRI 0123-01-012345-50-1 ya", "012345-50-1", BANK_MARK),
        ("No. Rek: 1234567890 (BCA)", "1234567890", BANK_MARK),
        ("rekening mandiri no 123 000 456 7890", "456 7890", BANK_MARK),
        ("dikirim ke 0987654321 a.n. Siti", "0987654321", BANK_MARK),
        ("BNI:0987654321", "0987654321", BANK_MARK),
    ],
)
def test_messy_personal_data_is_marked(text, gone, mark):
    out = redact(text)
    assert gone not in out
    assert mark in out


@pytest.mark.parametrize(
    "text",
    [
        "Kejadian 12/03/2024, lanjut 2024-03-12 dan 1.3.24 jam 10.30 WIB",
        "Pungli 150rb per orang, total 2 juta; katanya Rp 1.500.000,00 atau Rp1500000",
        "kerugian IDR 25.000.000 sejak 2019",
        "Jl. Merdeka No. 45 RT 004 RW 012 Kel. Sukajadi, Kode pos 40162",
        "Truk B 9123 XYZ dan motor AB 1234 CD parkir di trotoar",
        "rekening sebesar Rp 25.000.000 dibayar tgl 12-03-2024",
        "Sudah 3 kali lapor, terakhir 2 minggu lalu, 14 hari kerja",
        "Anggaran 2025: 250000000 untuk 12 RT",
    ],
)
def test_numbers_that_are_not_personal_stay(text):
    assert redact(text) == text


def test_tracking_ids_stay_even_when_digit_heavy():
    for _ in range(50):
        tid = tracking.display(tracking.new_tracking_id())
        text = f"Lanjutan laporan {tid} yang belum selesai"
        assert redact(text) == text


def test_mixed_message_keeps_context_and_removes_every_item():
    text = (
        "Sdh lapor tgl 02-01-2025 (no. ABCDE-FGHJK), pungli Rp 350.000 di Kel. Sukamaju"
        " RT 03/RW 07. Hub sy 0857 1234 5678 / siti_a@gmail.com, NIK 3175 0123 4567 0002,"
        " uang dikembalikan ke rek BCA 5430 1234 56 a.n. Siti"
    )
    out = redact(text)
    for keep in ("02-01-2025", "ABCDE-FGHJK", "Rp 350.000", "RT 03/RW 07", "a.n. Siti"):
        assert keep in out
    for gone in ("0857", "siti_a@", "3175 0123", "5430 1234"):
        assert gone not in out
    assert out.count("disamarkan") == 4


def test_original_text_stays_for_staff(world):
    from tests.factories import report as make_report

    report = make_report(body="Hubungi 081234567890 atau rek BRI 012301012345501")
    assert "081234567890" in report.body  # staff read the original
    assert "081234567890" not in report.public_body
    assert "012301012345501" not in report.public_body
