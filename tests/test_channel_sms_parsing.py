"""SMS and chat parsing: numbers, messy text, commands, tracking IDs, reply wording.

Pure functions: no database. The messages in fixtures/channels/sms are written the way
citizens really write to 1708 (slang, abbreviations, emoji, missing keywords).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from aduan.channels.sms import replies
from aduan.channels.sms.numbers import is_indonesian, normalize_number
from aduan.channels.sms.parsing import Kind, Problem, find_tracking_id, near, parse
from aduan.channels.text import clean_text, repair_surrogates, shorten, title_from, truncate
from aduan.reports import tracking
from aduan.reports.models import Report, Status

FIXTURES = Path(__file__).parent / "fixtures" / "channels" / "sms"
# GSM 03.38 basic alphabet: a reply made only of these fits 160 characters per SMS.
GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def an_id() -> str:
    return tracking.new_tracking_id()


# ---- numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "+6281234567890",
        "6281234567890",
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "(0812) 3456.7890",
        "81234567890",  # the leading zero lost in a spreadsheet
        "+62 0812 3456 7890",  # both forms mixed
        "0062 812 3456 7890",
        " +62-812-3456-7890 ",
    ],
)
def test_indonesian_numbers_become_e164(raw):
    assert normalize_number(raw) == "+6281234567890"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+4915112345678", "+4915112345678"),  # a German mobile (roaming, WhatsApp)
        ("0022 123456789", "+22123456789"),
        ("022-2034567", "+62222034567"),  # a Bandung landline (fixed wireless SMS)
    ],
)
def test_other_valid_numbers(raw, expected):
    assert normalize_number(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["TELKOMSEL", "1708", "+62123", "", "   ", "0812345", "+62081", "٠٨١٢٣٤٥٦٧٨٩٠", "+0123456789"],
)
def test_not_phone_numbers(raw):
    assert normalize_number(raw) is None


def test_is_indonesian():
    assert is_indonesian("+6281234567890")
    assert not is_indonesian("+4915112345678")


# ---- text -------------------------------------------------------------------------------


def test_clean_text_trims_collapses_and_keeps_emoji_and_scripts():
    raw = "\ufeff  Jalan\t\trusak  😡  \r\n\r\n\r\n\r\ndi  ꦲꦏ꧀ꦱꦫ 道路 \u200b "
    assert clean_text(raw) == "Jalan rusak 😡\n\ndi ꦲꦏ꧀ꦱꦫ 道路"


def test_clean_text_gsm_at_sign_and_control_characters():
    # GSM 03.38 puts "@" at 0x00: gateways pass it on as NUL (PostgreSQL refuses NUL).
    assert clean_text("email saya budi\x00contoh.id\x07\x1b") == "email saya budi@contoh.id"


def test_clean_text_composes_accents():
    assert clean_text("cafe\u0301") == "café"


def test_split_surrogate_pair_is_joined_and_lone_half_replaced():
    assert repair_surrogates("jalan \ud83d" + "\ude21 rusak") == "jalan 😡 rusak"
    assert repair_surrogates("jalan \ud83d rusak") == "jalan \ufffd rusak"


def test_title_is_first_words_cut_at_a_word_boundary():
    text = (
        "Jalan di depan SDN 3 Cibeureum rusak parah sudah tiga bulan tidak diperbaiki, "
        "banyak pengendara motor jatuh"
    )
    title = title_from(text)
    assert len(title) <= 60
    assert title.endswith("…")
    assert text.startswith(title[:-1])
    assert title[:-1] == title[:-1].rstrip()
    assert title_from("Lampu PJU mati\nsejak kemarin") == "Lampu PJU mati sejak kemarin"


def test_title_of_one_endless_word_is_cut_hard():
    assert len(title_from("a" * 300)) == 60


def test_shorten_and_truncate():
    assert shorten("satu dua tiga", 100) == "satu dua tiga"
    assert shorten("satu dua tiga empat", 12, ellipsis="...") == "satu dua..."
    body = "baris satu\nbaris dua " + "kata " * 50
    cut = truncate(body, 40)
    assert len(cut) <= 40 and cut.startswith("baris satu\nbaris dua") and cut.endswith("[…]")


# ---- commands -----------------------------------------------------------------------------


def _cases():
    return json.loads((FIXTURES / "messy_messages.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["text"][:30])
def test_messy_messages(case):
    command = parse(case["text"])
    assert command.kind == case["kind"]
    if "body" in case:
        assert command.text == case["body"]
    if "report_type" in case:
        assert command.report_type == case["report_type"]
    if "problem" in case:
        assert command.problem == case["problem"]
    assert command.is_anonymous == case.get("is_anonymous", False)


def test_confidential_and_anonymous_flags_in_any_order():
    command = parse("LAPOR rahasia ANONIM guru honorer dipotong gajinya tiap bulan")
    assert command.kind == Kind.REPORT
    assert command.is_confidential and command.is_anonymous
    assert command.text == "guru honorer dipotong gajinya tiap bulan"


AGENCIES = {"pln": "PLN", "bpjs-kesehatan": "BPJS", "32.73": "Bandung"}


def lookup(token: str):
    return AGENCIES.get(token.lower())


AGENCY_CASES = [
    ("PLN listrik mati tiap malam di kp. babakan rt 03", "PLN", 4),
    ("pln: listrik mati tiap malam di kp. babakan", "PLN", 5),
    ("BPJS-KESEHATAN kartu ditolak di puskesmas padahal aktif", "BPJS", 15),
    ("LAPOR PLN tiang listrik miring mau roboh di depan masjid", "PLN", 10),
    ("lapor anonim 32.73 pungli parkir di alun-alun tiap malam", "Bandung", 19),
    ("32 rumah terendam banjir di desa sukamaju sejak subuh", None, 0),
]  # (message, requested agency, where the report text starts)


@pytest.mark.parametrize(("text", "agency", "start"), AGENCY_CASES)
def test_agency_keywords(text, agency, start):
    command = parse(text, agency_lookup=lookup)
    assert command.kind == Kind.REPORT
    assert command.agency == agency
    assert command.text == text[start:]


def test_agency_keyword_with_too_little_text_gets_help():
    assert parse("PLN mati", agency_lookup=lookup).problem == Problem.TOO_SHORT


def _variants(tid: str) -> list[str]:
    shown = tracking.display(tid)
    lookalike = shown.replace("0", "O").replace("1", "l")
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in shown)
    cyrillic = shown.translate(str.maketrans("ABEKMHOPCTX", "АВЕКМНОРСТХ"))
    return [
        f"STATUS {shown}",
        f"status {shown.lower()}",
        f"Status   {shown[:3]} {shown[3:7]} {shown[7:]}",
        f"STATUS: {tid}",
        f"status#{shown}",
        f"cek {shown}",
        f"Cek Status {shown} tolong ya",
        f"LACAK {lookalike.lower()}",
        f"STATUS {shown.replace('-', '–')}",  # an en dash from autocorrect
        f"STATUS {fullwidth}",
        f"STATUS {cyrillic}",
        f"statsu {shown}",  # one typo in the keyword
        f"SATUS {shown}",
        shown,  # only the ID
        f" {shown.lower()} ",
    ]


def test_status_with_messy_tracking_ids():
    for _ in range(20):  # different random IDs exercise every look-alike
        tid = an_id()
        for text in _variants(tid):
            command = parse(text)
            assert (command.kind, command.tracking_id) == (Kind.STATUS, tid), text


def test_status_with_a_mistyped_id_says_so():
    tid = an_id()
    wrong = ("1" if tid[0] != "1" else "2") + tid[1:]  # the check symbol catches it
    command = parse(f"STATUS {tracking.display(wrong)}")
    assert command.kind == Kind.STATUS
    assert command.tracking_id is None
    assert command.problem == Problem.BAD_ID


def test_typo_keyword_without_a_valid_id_is_just_text():
    command = parse("statsu saya gimana ya pak laporan kemarin")
    assert command.kind == Kind.REPORT


def test_reply_with_and_without_id():
    tid = an_id()
    shown = tracking.display(tid)
    command = parse(f"BALAS {shown} sdh sy cek, lubangnya msh ada 😢")
    assert (command.kind, command.tracking_id) == (Kind.REPLY, tid)
    assert command.text == "sdh sy cek, lubangnya msh ada 😢"
    command = parse(f"bls {shown.lower()}: jam 10 pagi pak")
    assert (command.tracking_id, command.text) == (tid, "jam 10 pagi pak")
    command = parse("balas lokasinya di gang mawar no 7")
    assert (command.kind, command.tracking_id) == (Kind.REPLY, None)
    assert command.text == "lokasinya di gang mawar no 7"


def test_find_tracking_id_ignores_chance_matches():
    assert find_tracking_id("tolong dicek pengaduan masyarakat desa") is None


@pytest.mark.parametrize(
    ("word", "target", "expected"),
    [
        ("status", "status", True),
        ("statsu", "status", True),
        ("satus", "status", True),
        ("statuss", "status", True),
        ("sttaus", "status", True),
        ("stasiun", "status", False),
        ("lacal", "lacak", True),
        ("lapor", "lacak", False),
    ],
)
def test_near(word, target, expected):
    assert near(word, target) is expected


# ---- replies ------------------------------------------------------------------------------


def fake_report(status=Status.DISPATCHED, agency_name="Pemerintah Kota Bandung"):
    report = Report(tracking_id=an_id(), status=status)
    agency = SimpleNamespace(name=agency_name)
    report.agency_id = 1
    report._state.fields_cache["agency"] = agency
    return report


def all_replies():
    tid = an_id()
    long_agency = (
        "Dinas Pekerjaan Umum dan Penataan Ruang Kabupaten Kepulauan Siau Tagulandang Biaro"
    )
    yield replies.received(tid, "1708")
    yield replies.received(tid, "")
    yield replies.repeated(tid, "1708")
    for status in Status:
        report = fake_report(status)
        yield replies.status(report, show_agency=True, reply_hint=True)
        yield replies.status(report, show_agency=False, reply_hint=False)
        yield replies.reply_not_awaiting(report)
    yield replies.not_found(tid)
    yield replies.bad_id()
    for problem in Problem:
        yield replies.help_text(problem)
    yield replies.reply_applied(tid, "reporter_reply")
    yield replies.reply_applied(tid, "provide_info")
    yield replies.reply_refused()
    yield replies.reply_needs_id()
    yield replies.reply_empty(tid)
    yield replies.rate_limited()
    yield replies.busy()
    yield replies.status(fake_report(agency_name=long_agency), show_agency=True, reply_hint=True)


def test_every_reply_fits_one_gsm7_sms():
    for text in all_replies():
        assert 0 < len(text) <= 160, text
        assert set(text) <= GSM7, f"{text!r} has {set(text) - GSM7}"


def test_receipt_wording():
    tid = an_id()
    shown = tracking.display(tid)
    assert replies.received(tid, "1708") == (
        f"Laporan diterima. Nomor: {shown}. Cek status: kirim STATUS {shown} ke 1708"
    )


def test_status_reply_names_agency_only_when_allowed():
    report = fake_report(Status.IN_PROGRESS)
    assert "Diproses Pemerintah Kota Bandung" in replies.status(
        report, show_agency=True, reply_hint=False
    )
    hidden = replies.status(report, show_agency=False, reply_hint=False)
    assert "Bandung" not in hidden and "Diproses instansi" in hidden
