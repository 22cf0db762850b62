"""The pure parts of bench/load.py and bench/scaleout.py: no server, no topology."""

from __future__ import annotations

import importlib
import json
import random
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _bench(name: str) -> ModuleType:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module(name)


load = _bench("load")
scaleout = _bench("scaleout")


# -- latency histogram ------------------------------------------------------------------
def test_histogram_quantiles_within_two_percent_of_exact() -> None:
    rng = random.Random(7)
    samples = [rng.lognormvariate(-3, 1.2) for _ in range(20_000)]
    h = load.Histogram()
    for s in samples:
        h.add(s)
    ordered = sorted(samples)
    for q in (0.5, 0.95, 0.99):
        exact = ordered[int(q * len(ordered)) - 1]
        assert exact <= h.quantile(q) <= exact * 1.021, q
    assert h.n == 20_000
    assert h.max == max(samples)


def test_histogram_memory_is_bounded_by_buckets_not_samples() -> None:
    h = load.Histogram()
    for i in range(200_000):
        h.add(0.001 + (i % 5000) / 1000)  # 1 ms .. 5 s
    # 2 % buckets between 1 ms and 5 s: about log(5000)/log(1.02) = 430.
    assert len(h.counts) < 450


def test_histogram_edges() -> None:
    h = load.Histogram()
    assert h.quantile(0.5) == 0.0
    h.add(0.0)
    h.add(0.0005)
    assert h.quantile(0.99) <= 0.001
    h.add(2.0)
    assert h.quantile(1.0) == 2.0  # never above the largest sample


# -- forms and back-office pages --------------------------------------------------------
PAGE = """
<form method="post" action="/i18n/setlang/"><input name="language" value="en"></form>
<form method="post" action="/petugas/laporan/7KQ2MX9D4B/aksi/dispatch/" novalidate>
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <select name="dispatch-agency">
    <option value="">Pilih instansi</option>
    <optgroup label="x"><option value="32.73">Kota Bandung</option></optgroup>
  </select>
  <select name="dispatch-type"><option value="complaint">P</option>
    <option value="aspiration" selected>A</option></select>
  <input type="text" name="dispatch-public_title" value="Jalan &amp; lampu">
  <textarea name="dispatch-public_body">
baris satu</textarea>
  <input type="checkbox" name="dispatch-is_anonymous" checked>
  <input type="checkbox" name="dispatch-is_confidential">
  <input type="file" name="dispatch-files">
  <button type="submit" name="go" value="1">Kirim</button>
</form>
<form method="post" action="/petugas/laporan/7KQ2MX9D4B/aksi/note/"><textarea name="note-message">
</textarea></form>
"""


def test_parse_form_gives_what_a_browser_submits() -> None:
    found = load.parse_form(PAGE, "/aksi/dispatch/")
    assert found is not None
    action, fields = found
    assert action == "/petugas/laporan/7KQ2MX9D4B/aksi/dispatch/"
    assert fields == {
        "csrfmiddlewaretoken": "tok",
        "dispatch-agency": "",  # the first option when none is selected
        "dispatch-type": "aspiration",
        "dispatch-public_title": "Jalan & lampu",
        "dispatch-public_body": "baris satu",
        "dispatch-is_anonymous": "on",
    }
    assert load.parse_form(PAGE, "/aksi/accept/") is None


def test_fill_uses_the_action_prefix_and_never_sends_an_empty_title() -> None:
    _, fields = load.parse_form(PAGE, "/aksi/dispatch/") or ("", {})
    out = load.fill(fields, "dispatch", {"agency": "32.73"})
    assert out["dispatch-agency"] == "32.73"
    assert "agency" not in out
    blank = load.fill({**fields, "dispatch-public_title": " "}, "dispatch", {})
    assert blank["dispatch-public_title"] == "Laporan uji beban"
    assert load.fill({"message": ""}, "respond", {"message": "x"}) == {"message": "x"}


def test_staff_links_are_tracking_ids_without_dashes() -> None:
    html = (
        '<a href="/petugas/laporan/7KQ2M-X9D4B/">a</a> <a href="/petugas/laporan/7KQ2MX9D4B/">'
        '</a><a href="/petugas/laporan/7KQ2MX9D4B/aksi/note/"></a>'
        '<a href="/petugas/laporan/PBB1HSXC2A/">b</a><a href="/laporan/AAAAABBBBB/">public</a>'
    )
    assert load.staff_links(html) == ["7KQ2MX9D4B", "PBB1HSXC2A"]


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("5", 5.0), (" 2 ", 2.0), ("", None), (None, None), ("Wed, 21 Oct 2026 07:28:00 GMT", None)],
)
def test_retry_after(value: str | None, seconds: float | None) -> None:
    assert load.retry_after(value) == seconds


# -- what counts as a failure ------------------------------------------------------------
def test_fault_windows_pair_starts_and_ends_and_keep_open_ones() -> None:
    lines = [
        json.dumps({"what": "kill -9 web1", "start": 100.0}),
        json.dumps({"what": "restart PostgreSQL", "start": 200.0}),
        json.dumps({"what": "kill -9 web1", "end": 110.0}),
        "",
    ]
    windows = load.fault_windows(lines, grace=5)
    assert (100.0, 115.0) in windows
    assert (200.0, float("inf")) in windows
    assert len(windows) == 2


def _failure(
    at: float, status: int = 503, ra: bool = True, retried: bool = True, cut: bool = False
) -> object:
    return load.Failure(at, "api_submit", status, ra, retried, "", cut)


@pytest.mark.parametrize(
    ("failure", "ok"),
    [
        (_failure(105), True),  # fail-fast inside a window, retried
        (_failure(150), False),  # outside every window
        (_failure(105, status=502, ra=False), False),  # a bare 502 never
        (_failure(105, status=500), False),  # a 500 never
        (_failure(105, ra=False), False),  # 503 without Retry-After
        (_failure(105, retried=False), False),  # the client gave up
        (_failure(105, status=0, ra=False), False),  # no answer at all
        (_failure(105, status=0, ra=False, cut=True), True),  # cut by the kill, retried
        (_failure(150, status=0, ra=False, cut=True), False),  # cut outside every fault
        (_failure(105, status=0, ra=False, cut=True, retried=False), False),  # not retried
    ],
)
def test_excused_only_retried_fail_fast_or_cut_answers_inside_a_fault(
    failure: object, ok: bool
) -> None:
    assert load.excused(failure, [(100.0, 110.0)]) is ok


# -- verification ------------------------------------------------------------------------
def test_check_acks_finds_lost_damaged_and_actions_without_events() -> None:
    text = "jalan rusak (kode uji " + "a" * 32 + ")"
    acks = [
        {"channel": "api", "tracking_id": "T1", "marker": "a" * 32, "text": text, "title": "X"},
        {"channel": "sms", "tracking_id": "T2", "marker": "b" * 32, "text": "b"},
        {"channel": "web", "tracking_id": "T3", "marker": "c" * 32, "text": "pesan utuh"},
        {"channel": "api", "tracking_id": "T4", "marker": "d" * 32, "text": "t", "title": "Y"},
        {"channel": "open311", "tracking_id": "T5", "marker": "e" * 32},  # old acks: marker only
        {"channel": "action", "tracking_id": "T1", "action": "dispatch"},
        {"channel": "action", "tracking_id": "T3", "action": "respond"},
    ]
    stored = {
        "T1": ("X", "jalan   rusak\n(kode uji " + "a" * 32 + ")"),  # whitespace may differ
        "T3": ("", "pesan"),  # truncated
        "T4": ("Y changed", "t"),
        "T5": ("", "lampu (kode uji " + "e" * 32 + ")"),
    }
    problems = load.check_acks(acks, stored, {("T1", "dispatch")})
    assert problems == {"lost": ["T2"], "damaged": ["T3", "T4"], "action_lost": ["T3 respond"]}


def test_check_hooks_counts_copies_once() -> None:
    deliveries = [("e1", "succeeded"), ("e2", "succeeded")]
    assert scaleout.check_hooks(deliveries, ["e1", "e2", "e1"]) == ""
    assert "1 never received" in scaleout.check_hooks(deliveries, ["e1"])
    assert "1 unknown" in scaleout.check_hooks(deliveries, ["e1", "e2", "e3"])
    assert "1 not marked" in scaleout.check_hooks([("e1", "pending")], ["e1"])


def test_check_mail_once(tmp_path: Path) -> None:
    a, b = "a" * 32, "b" * 32
    acks = tmp_path / "acks.jsonl"
    acks.write_text(
        "\n".join(
            json.dumps({"channel": "api", "tracking_id": t, "marker": m, "email": e})
            for t, m, e in (("T1", a, True), ("T2", b, True), ("T3", "c" * 32, False))
        )
    )
    mail = tmp_path / "mail"
    mail.mkdir()

    def message(to: str, mid: str) -> str:
        return f"Subject: x\nTo: {to}\nMessage-ID: {mid}\n\nisi\n"

    sep = "\n" + "-" * 79 + "\n"
    ra, rb = f"{a}@pelapor.test", f"{b}@pelapor.test"
    notices = [
        ["<n1@x>", ra, "submit"],
        ["<n2@x>", rb, "submit"],
        ["<n3@x>", rb, "dispatch"],  # a later notice to the same reporter: no duplicate
        ["<n4@x>", "desk@demo.aduan.id", "submit"],
    ]
    # A resend after a crash repeats the Message-ID: once after de-duplication.
    (mail / "1.log").write_text(message(ra, "<n1@x>") + sep + message(ra, "<n1@x>"))
    (mail / "2.log").write_text(
        message(rb, "<n2@x>") + sep + message(rb, "<n3@x>") + sep + message("d", "<n4@x>")
    )
    assert scaleout.check_mail_once(mail, acks, notices) == ""
    # The same receipt as a second notice row (another Message-ID): sent twice.
    twice = [*notices, ["<n5@x>", ra, "submit"]]
    (mail / "3.log").write_text(message(ra, "<n5@x>"))
    assert "1 sent more than once" in scaleout.check_mail_once(mail, acks, twice)
    # A mail no notice explains; a notice never mailed; a reporter without a receipt.
    assert "1 unknown" in scaleout.check_mail_once(mail, acks, notices)
    (mail / "3.log").unlink()
    (mail / "1.log").unlink()
    result = scaleout.check_mail_once(mail, acks, notices)
    assert "1 notices never mailed" in result
    assert "receipts 0 missing" in result
    assert "receipts 1 missing" in scaleout.check_mail_once(mail, acks, notices[1:])


def test_run_refuses_other_hosts() -> None:
    with pytest.raises(SystemExit, match="non-loopback"):
        load.main(["run", "--url", "http://10.0.0.1:8000", "--acks", "/dev/null"])
    args = load.build_parser().parse_args(["run", "--acks", "x", "--open311-key", "k"])
    assert args.api_key == "k"  # the old option name still works


# -- answers cut short ---------------------------------------------------------------------
def test_an_answer_cut_after_its_headers_is_told_from_no_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A loopback server that promises 100 bytes and closes after 10 (as a web process
    killed while writing its answer), then refuses: the first is cut, the retries not."""
    import argparse
    import socket
    import threading
    import urllib.request

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def answer_once() -> None:
        conn, _ = server.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
        conn.close()
        server.close()  # later attempts are refused: no answer at all

    thread = threading.Thread(target=answer_once)
    thread.start()
    monkeypatch.setattr(load.time, "sleep", lambda _s: None)
    stats = load.Stats()
    client = load.Client(f"http://127.0.0.1:{port}", argparse.Namespace(timeout=5), stats, None)
    opener = urllib.request.build_opener()
    status, _body, _loc = client._send(
        "track", opener, urllib.request.Request(f"http://127.0.0.1:{port}/x")
    )
    thread.join()
    assert status == 0
    assert [f.cut for f in stats.failures] == [True] + [False] * load.RETRIES
    assert "IncompleteRead" in stats.failures[0].note
