import pytest

from aduan.reports.redaction import redact


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
