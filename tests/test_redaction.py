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
