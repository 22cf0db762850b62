"""Mixed load against a running Aduan, then proof that nothing acknowledged was lost.

    python bench/load.py run --url http://127.0.0.1:8000 --duration 60 --threads 8 \\
        --acks /tmp/acks.jsonl [--sms-secret S] [--api-key K] [--staff-password P] \\
        [--fault-windows FILE]
    python bench/load.py verify --acks /tmp/acks.jsonl     # needs the server's settings env
    python bench/load.py run ... --verify                  # both, one exit code
    eval "$(python bench/load.py env)"   # before starting the server: no per-client limits

``run`` sends, from several threads and for a bounded time, a mix of:

- citizens: report submissions through the REST API, the web form (CSRF and all), the SMS
  gateway webhook and Open311 (with ``--api-key``); tracking lookups of reports
  acknowledged earlier in the run; the public report list; the public dashboard;
- staff, with real logins (the demo accounts of ``aduan seed --demo``): the national desk
  verifying and dispatching reports from its queue through the back-office form, an
  officer of Kota Bandung accepting and answering reports from the inbox through the
  form, and the agency's own system doing the same through the agency API (``--api-key``).

Every acknowledged submission (a 2xx carrying a tracking ID) and every acknowledged staff
action (the form's redirect, the API's 200) is appended to the acks file. A 502/503/504
or a refused connection is retried like a real client does (after ``Retry-After``, else a
short back-off). It prints requests sent, the rate, p50/p95/p99 per kind (from a bounded
log histogram, so a run of hours keeps constant memory) and every failure, and exits 1 on
any failure: a 5xx or no answer, except a ``503`` carrying ``Retry-After``, or an answer
cut short after its headers (the web process writing it was killed), that the client
retried, sent inside a deliberate fault window listed in ``--fault-windows`` (JSON lines
``{"what": ..., "start": epoch}`` / ``{"what": ..., "end": epoch}`` written by
``bench/scaleout.py --faults``).

``verify`` opens the database with the project's settings and checks that every
acknowledged tracking ID exists with its title and full text, that no submission was
stored twice, that no report of the run is partial (without its submission event) and
that every acknowledged staff action has its event; exit 1 otherwise.

Loopback only: it refuses URLs whose host is not 127.0.0.0/8 or localhost.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import http.cookiejar
import ipaddress
import json
import math
import os
import random
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

TRACKING = re.compile(r"\b([0-9A-HJKMNP-TV-Z]{5})-([0-9A-HJKMNP-TV-Z]{5})\b")
STAFF_LINK = re.compile(r"/petugas/laporan/([0-9A-HJKMNP-TV-Z]{5}-?[0-9A-HJKMNP-TV-Z]{5})/")
MARKER = re.compile(r"\(kode uji ([0-9a-f]{32})\)")
DEMO_PASSWORD = "aduan-demo-2026"  # aduan.demo.accounts.PASSWORD (published demo accounts)
DESK = "desk@demo.aduan.id"
OFFICER = "petugas.bandung@demo.aduan.id"
AGENCY = "32.73"  # Kota Bandung: the officer's and the API key's agency
WORDS = [
    "jalan",
    "rusak",
    "berlubang",
    "dekat",
    "sekolah",
    "sudah",
    "tiga",
    "bulan",
    "belum",
    "diperbaiki",
    "warga",
    "kesulitan",
    "lampu",
    "penerangan",
    "mati",
    "air",
    "pdam",
    "tidak",
    "mengalir",
    "sampah",
    "menumpuk",
    "pasar",
    "drainase",
    "tersumbat",
    "banjir",
    "setiap",
    "hujan",
    "pelayanan",
    "puskesmas",
    "lambat",
    "antrean",
    "panjang",
    "bpjs",
    "ditolak",
]
RETRIES = 8  # attempts after the first, for 502/503/504 and refused connections
KNOWN_MAX = 5000  # tracking IDs kept for lookups (the newest ones)
ERRORS_KEPT = 50


def _loopback(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise SystemExit(f"refusing non-loopback target {host!r}")


def _text(marker: str) -> str:
    words = random.sample(WORDS, 12)
    return f"{' '.join(words)} (kode uji {marker})"


def _squash(text: str) -> str:
    return " ".join(text.split())


# -- pure helpers (tested in tests/test_bench_load.py) -----------------------------------
class Histogram:
    """Latency counts in log buckets 2 % wide (1 ms .. ~30 min): constant memory."""

    RATIO = 1.02
    FLOOR = 0.001

    def __init__(self) -> None:
        self.counts: collections.Counter[int] = collections.Counter()
        self.n = 0
        self.max = 0.0

    def add(self, seconds: float) -> None:
        b = 0 if seconds <= self.FLOOR else 1 + int(math.log(seconds / self.FLOOR, self.RATIO))
        self.counts[b] += 1
        self.n += 1
        self.max = max(self.max, seconds)

    def quantile(self, q: float) -> float:
        """Upper edge of the bucket holding the q-quantile (at most 2 % high), seconds."""
        if not self.n:
            return 0.0
        rank = max(1, math.ceil(q * self.n))
        seen = 0
        for b in sorted(self.counts):
            seen += self.counts[b]
            if seen >= rank:
                return min(self.max, self.FLOOR * self.RATIO**b)
        return self.max


class _FormParser(HTMLParser):
    def __init__(self, action_suffix: str) -> None:
        super().__init__(convert_charrefs=True)
        self.suffix = action_suffix
        self.action: str | None = None
        self.inside = False
        self.done = False
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done and a.get("action", "").endswith(self.suffix):
            self.inside, self.action = True, a["action"]
            return
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._select_first = name, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self.fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "select" and self._select:
            self.fields.setdefault(self._select, self._select_first or "")
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields[self._textarea] = "".join(self._text).lstrip("\n")
            self._textarea = None
        elif tag == "form":
            self.inside, self.done = False, True


def parse_form(html: str, action_suffix: str) -> tuple[str, dict[str, str]] | None:
    """The first form whose action ends with ``action_suffix``: (action, the values a
    browser would submit unchanged). None when the page has no such form."""
    parser = _FormParser(action_suffix)
    parser.feed(html)
    if parser.action is None:
        return None
    return parser.action, parser.fields


def fill(fields: dict[str, str], action: str, overrides: dict[str, str]) -> dict[str, str]:
    """The form's own values with ``overrides`` applied; the back office prefixes each
    action form's field names with the action (``dispatch-agency``)."""
    prefixed = any(name.startswith(f"{action}-") for name in fields)
    out = dict(fields)
    for name, value in overrides.items():
        out[f"{action}-{name}" if prefixed else name] = value
    title = f"{action}-public_title" if prefixed else "public_title"
    if title in out and not out[title].strip():
        out[title] = "Laporan uji beban"
    return out


def staff_links(html: str) -> list[str]:
    """Tracking IDs linked from a back-office list (desk queue, inbox), without dashes."""
    return sorted({m.replace("-", "") for m in STAFF_LINK.findall(html)})


def retry_after(value: str | None) -> float | None:
    """Seconds of a ``Retry-After`` header in its delta-seconds form, else None."""
    if not value or not value.strip().isdigit():
        return None
    return float(value.strip())


@dataclass(frozen=True)
class Failure:
    at: float  # time.time() when the answer came
    kind: str
    status: int  # 0: no answer
    retry_after: bool
    retried: bool
    note: str
    # The answer began and was cut short (its headers came, not all of its body): the
    # web process writing it was killed. Nothing else can end a response that way here.
    cut: bool = False


def fault_windows(lines: Iterable[str], grace: float = 0.0) -> list[tuple[float, float]]:
    """(start, end) pairs from ``{"what", "start"}`` / ``{"what", "end"}`` lines; a
    window not closed yet lasts for ever; ``grace`` seconds are added at the end."""
    opened: dict[str, float] = {}
    windows: list[tuple[float, float]] = []
    for line in lines:
        if not line.strip():
            continue
        row = json.loads(line)
        if "start" in row:
            opened[row["what"]] = float(row["start"])
        elif "end" in row and row["what"] in opened:
            windows.append((opened.pop(row["what"]), float(row["end"]) + grace))
    windows.extend((start, math.inf) for start in opened.values())
    return windows


def excused(failure: Failure, windows: list[tuple[float, float]]) -> bool:
    """During a deliberate fault, and the client retried: the documented fail-fast answer
    (503 with Retry-After), or an answer cut short by the kill of the process writing it
    (after its headers were sent, neither nginx nor anything else can take it back)."""
    fail_fast = failure.status == 503 and failure.retry_after
    return (
        (fail_fast or failure.cut)
        and failure.retried
        and any(start <= failure.at <= end for start, end in windows)
    )


# -- the load ------------------------------------------------------------------------
@dataclass
class Stats:
    hist: dict[str, Histogram] = field(default_factory=lambda: collections.defaultdict(Histogram))
    statuses: dict[str, collections.Counter[int]] = field(
        default_factory=lambda: collections.defaultdict(collections.Counter)
    )
    failures: list[Failure] = field(default_factory=list)
    failures_dropped: int = 0
    actions: collections.Counter[str] = field(default_factory=collections.Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.hist[kind].add(seconds)
            self.statuses[kind][status] += 1

    def fail(self, failure: Failure) -> None:
        with self.lock:
            if len(self.failures) < 100_000:
                self.failures.append(failure)
            else:
                self.failures_dropped += 1


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Staff actions answer with a redirect: keep it as the answer (urllib raises it)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Session:
    """One browser: a cookie jar; for staff, a login done on first use (and again when a
    page sends it back to the login form)."""

    def __init__(self, email: str = "") -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.email = email
        self.logged_in = False


class Client:
    def __init__(self, base: str, args: argparse.Namespace, stats: Stats, acks: Any) -> None:
        self.base = base.rstrip("/")
        self.args = args
        self.stats = stats
        self.acks = acks
        self.acks_lock = threading.Lock()
        self.known: collections.deque[str] = collections.deque(maxlen=KNOWN_MAX)
        self.acknowledged = 0

    # -- plumbing --------------------------------------------------------------------
    def _send(
        self, kind: str, opener: urllib.request.OpenerDirector, req: urllib.request.Request
    ) -> tuple[int, bytes, str]:
        """(status, body, Location); retries 502/503/504 and refused connections."""
        for attempt in range(RETRIES + 1):
            started = time.perf_counter()
            status, body, note, wait, location, cut = 0, b"", "", None, "", False
            try:
                with opener.open(req, timeout=self.args.timeout) as resp:
                    status, body = resp.status, resp.read()
            except urllib.error.HTTPError as exc:
                status, body = exc.code, exc.read()
                location = exc.headers.get("Location", "")
                wait = retry_after(exc.headers.get("Retry-After"))
                note = body[:160].decode("utf-8", "replace").replace("\n", " ")
            except Exception as exc:  # refused, reset, timed out: no answer
                note = repr(exc)[:160]
                cut = isinstance(exc, http.client.IncompleteRead)
            self.stats.record(kind, status, time.perf_counter() - started)
            if status < 500 and status != 0:
                return status, body, location
            retry = status in (0, 502, 503, 504) and attempt < RETRIES
            self.stats.fail(Failure(time.time(), kind, status, wait is not None, retry, note, cut))
            if not retry:
                return status, body, location
            # A real client waits as told (capped), else backs off with jitter.
            time.sleep(min(wait, 10.0) if wait is not None else random.uniform(0.5, 2.0))
        return 0, b"", ""  # not reached

    def _ack(self, row: dict[str, Any]) -> None:
        with self.acks_lock:
            self.acks.write(json.dumps(row) + "\n")
            self.acks.flush()
            if row["channel"] != "action":
                self.known.append(row["tracking_id"])
                self.acknowledged += 1
            else:
                self.stats.actions[row["action"]] += 1

    def _ack_report(self, channel: str, tid: str, marker: str, text: str, **extra: Any) -> None:
        row = {"channel": channel, "tracking_id": tid, "marker": marker, "text": text}
        self._ack({**row, **extra, "at": round(time.time(), 1)})

    # -- citizens --------------------------------------------------------------------
    def api_submit(self, opener: urllib.request.OpenerDirector) -> None:
        marker = uuid.uuid4().hex
        text = _text(marker)
        payload: dict[str, Any] = {
            "title": f"Uji beban API {marker[:8]}",
            "body": text,
            "region": AGENCY,
            "is_anonymous": random.random() < 0.2,
            "is_confidential": random.random() < 0.1,
        }
        if random.random() < 0.5:
            # A receipt notice goes to this address: the fault test counts them.
            payload["reporter"] = {"email": f"{marker}@pelapor.test"}
        req = urllib.request.Request(
            f"{self.base}/api/v1/reports",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "Idempotency-Key": marker},
            method="POST",
        )
        status, body, _ = self._send("api_submit", opener, req)
        if 200 <= status < 300:
            tid = json.loads(body)["tracking_id_raw"]
            self._ack_report(
                "api", tid, marker, text, title=payload["title"], email="reporter" in payload
            )

    def web_submit(self, _opener: urllib.request.OpenerDirector) -> None:
        browser = Session()
        status, page, _ = self._send(
            "web_form", browser.opener, urllib.request.Request(f"{self.base}/lapor/")
        )
        if status != 200:
            return
        form = parse_form(page.decode("utf-8", "replace"), "/lapor/")
        if form is None or "csrfmiddlewaretoken" not in form[1]:
            self.stats.fail(Failure(time.time(), "web_form", 0, False, False, "no form/CSRF"))
            return
        marker = uuid.uuid4().hex
        text = _text(marker)
        fields = {
            **form[1],
            "type": "complaint",
            "title": f"Uji beban web {marker[:8]}",
            "body": text,
            "region": AGENCY,
        }
        req = urllib.request.Request(
            f"{self.base}/lapor/",
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Referer": f"{self.base}/lapor/"},
            method="POST",
        )
        status, body, location = self._send("web_submit", browser.opener, req)
        if status in (302, 303) and location:
            # Post/redirect/get: the receipt page carries the ID.
            status, body, _ = self._send(
                "web_receipt",
                browser.opener,
                urllib.request.Request(urllib.parse.urljoin(self.base + "/", location)),
            )
        found = TRACKING.search(body.decode("utf-8", "replace")) if status == 200 else None
        if found:
            self._ack_report(
                "web", found.group(1) + found.group(2), marker, text, title=fields["title"]
            )
        elif status == 200:
            self.stats.fail(
                Failure(time.time(), "web_submit", 0, False, False, "answered without an ID")
            )

    def sms(self, opener: urllib.request.OpenerDirector) -> None:
        if not self.args.sms_secret:
            return
        marker = uuid.uuid4().hex
        text = _text(marker)
        payload = {
            "from": f"+62812{random.randint(10_000_000, 99_999_999)}",
            "to": "1708",
            "text": f"LAPOR {text}",
            "message_id": marker,
        }
        req = urllib.request.Request(
            f"{self.base}/channels/sms/inbound",
            data=json.dumps(payload).encode(),
            headers={
                "Content-Type": "application/json",
                "X-Aduan-Gateway-Secret": self.args.sms_secret,
            },
            method="POST",
        )
        status, body, _ = self._send("sms", opener, req)
        if 200 <= status < 300:
            found = TRACKING.search(json.loads(body).get("reply", ""))
            if found:
                self._ack_report("sms", found.group(1) + found.group(2), marker, text)

    def open311(self, opener: urllib.request.OpenerDirector) -> None:
        if not self.args.api_key:
            return
        marker = uuid.uuid4().hex
        text = _text(marker)
        fields = {
            "api_key": self.args.api_key,
            "jurisdiction_id": self.args.open311_jurisdiction,
            "service_code": self.args.open311_service,
            "description": text,
            "lat": "-6.9147",
            "long": "107.6098",
        }
        req = urllib.request.Request(
            f"{self.base}/open311/v2/requests.json",
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Idempotency-Key": marker},
            method="POST",
        )
        status, body, _ = self._send("open311", opener, req)
        if 200 <= status < 300:
            items = json.loads(body)
            tid = items[0].get("service_request_id", "") if items else ""
            if tid:
                self._ack_report("open311", tid.replace("-", ""), marker, text)

    def track(self, opener: urllib.request.OpenerDirector) -> None:
        with self.acks_lock:
            tid = random.choice(self.known) if self.known else None
        if tid is not None:
            self._send("track", opener, urllib.request.Request(f"{self.base}/api/v1/reports/{tid}"))

    def public_list(self, opener: urllib.request.OpenerDirector) -> None:
        self._send("public_list", opener, urllib.request.Request(f"{self.base}/laporan/"))

    def dashboard(self, opener: urllib.request.OpenerDirector) -> None:
        self._send("dashboard", opener, urllib.request.Request(f"{self.base}/statistik/"))

    # -- staff through the back office ------------------------------------------------
    def _login(self, s: Session) -> bool:
        url = f"{self.base}/akun/masuk/"
        status, page, _ = self._send("staff_login", s.opener, urllib.request.Request(url))
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            return False
        data = {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": s.email,
            "password": self.args.staff_password,
        }
        req = urllib.request.Request(
            url, data=urllib.parse.urlencode(data).encode(), headers={"Referer": url}
        )
        status, _, location = self._send("staff_login", s.opener, req)
        s.logged_in = status == 302 and "/akun/" not in location
        if not s.logged_in and 0 < status < 500:  # refused (a 5xx is counted already)
            self.stats.fail(
                Failure(time.time(), "staff_login", status, False, False, f"login {s.email}")
            )
        return s.logged_in

    def _staff_page(self, s: Session, kind: str, path: str) -> str | None:
        if not s.logged_in and not self._login(s):
            return None
        status, page, location = self._send(
            kind, s.opener, urllib.request.Request(f"{self.base}{path}")
        )
        if status == 302 and "/akun/masuk/" in location:
            s.logged_in = False  # session gone: log in again next time
        return page.decode("utf-8", "replace") if status == 200 else None

    def _staff_act(
        self, s: Session, queue: str, actions: dict[str, dict[str, str]], kind: str
    ) -> None:
        page = self._staff_page(s, f"{kind}_list", queue)
        tids = staff_links(page) if page else []
        if not tids:
            return
        tid = random.choice(tids)
        detail = self._staff_page(s, "staff_report", f"/petugas/laporan/{tid}/")
        if detail is None:
            return
        for action, overrides in actions.items():
            form = parse_form(detail, f"/aksi/{action}/")
            if form is None:
                continue
            path, fields = form[0], fill(form[1], action, overrides)
            req = urllib.request.Request(
                urllib.parse.urljoin(self.base + "/", path),
                data=urllib.parse.urlencode(fields).encode(),
                headers={"Referer": f"{self.base}/petugas/laporan/{tid}/"},
            )
            status, _, location = self._send(f"{kind}_{action}", s.opener, req)
            # 302: done. 409/400: another thread acted first (a race the app must refuse).
            if status == 302 and "/akun/" not in location:
                self._ack({"channel": "action", "tracking_id": tid, "action": action})
            return

    def desk_web(self, _opener: urllib.request.OpenerDirector) -> None:
        s = self._session(DESK)
        self._staff_act(s, "/petugas/meja/", {"dispatch": {"agency": AGENCY}}, "desk")

    def officer_web(self, _opener: urllib.request.OpenerDirector) -> None:
        s = self._session(OFFICER)
        answer = {"message": f"Sudah ditangani petugas (uji beban {uuid.uuid4().hex[:8]})."}
        self._staff_act(s, "/petugas/kotak-masuk/", {"accept": {}, "respond": answer}, "officer")

    def _session(self, email: str) -> Session:
        local = self._local()
        if email not in local:
            local[email] = Session(email)
        s: Session = local[email]
        return s

    def _local(self) -> dict[str, Session]:
        sessions: dict[str, Session] | None = getattr(_thread, "sessions", None)
        if sessions is None:
            sessions = _thread.sessions = {}
        return sessions

    # -- the agency's own system through the agency API --------------------------------
    def agency_api(self, opener: urllib.request.OpenerDirector) -> None:
        if not self.args.api_key:
            return
        auth = {"Authorization": f"Bearer {self.args.api_key}"}
        status_wanted, action = random.choice(
            (("dispatched", "accept"), ("in_progress", "respond"))
        )
        status, body, _ = self._send(
            "api_inbox",
            opener,
            urllib.request.Request(
                f"{self.base}/api/v1/agency/reports?status={status_wanted}", headers=auth
            ),
        )
        if status != 200:
            return
        results = json.loads(body).get("results", [])
        if not results:
            return
        tid = random.choice(results)["tracking_id_raw"]
        payload = {} if action == "accept" else {"message": "Tindak lanjut dari sistem instansi."}
        req = urllib.request.Request(
            f"{self.base}/api/v1/agency/reports/{tid}/{action}",
            data=json.dumps(payload).encode(),
            headers={
                **auth,
                "Content-Type": "application/json",
                "Idempotency-Key": uuid.uuid4().hex,
            },
            method="POST",
        )
        status, _, _ = self._send(f"api_{action}", opener, req)
        if status == 200:
            self._ack({"channel": "action", "tracking_id": tid, "action": action})


_thread = threading.local()

MIX = (
    ("api_submit", 20),
    ("web_submit", 8),
    ("sms", 8),
    ("open311", 5),
    ("track", 20),
    ("public_list", 12),
    ("dashboard", 8),
    ("desk_web", 7),
    ("officer_web", 6),
    ("agency_api", 6),
)


def run(args: argparse.Namespace) -> int:
    _loopback(args.url)
    stats = Stats()
    if args.api_key and not args.open311_service:
        with urllib.request.urlopen(f"{args.url.rstrip('/')}/open311/v2/services.json") as r:
            args.open311_service = json.loads(r.read())[0]["service_code"]
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    deadline = time.monotonic() + args.duration
    with open(args.acks, "a", encoding="utf-8") as acks:
        client = Client(args.url, args, stats, acks)

        def loop() -> None:
            opener = urllib.request.build_opener()
            while time.monotonic() < deadline:
                getattr(client, random.choices(kinds, weights)[0])(opener)

        threads = [threading.Thread(target=loop, daemon=True) for _ in range(args.threads)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.duration + args.timeout * (RETRIES + 2))
        elapsed = time.monotonic() - started
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    windows: list[tuple[float, float]] = []
    if args.fault_windows and Path(args.fault_windows).exists():
        windows = fault_windows(Path(args.fault_windows).read_text().splitlines(), grace=args.grace)
    failed = [f for f in stats.failures if not excused(f, windows)]
    total = sum(h.n for h in stats.hist.values())
    print(
        f"requests: {total} in {elapsed:.1f} s = {total / elapsed:.1f} req/s "
        f"({args.threads} threads); load average before {' '.join(load_before)}, "
        f"after {' '.join(load_after)}"
    )
    print(f"{'kind':<24}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  statuses")
    for kind in sorted(stats.hist):
        h = stats.hist[kind]
        codes = dict(sorted(stats.statuses[kind].items()))
        print(
            f"{kind:<24}{h.n:>7}{h.quantile(0.5) * 1000:>9.1f}{h.quantile(0.95) * 1000:>9.1f}"
            f"{h.quantile(0.99) * 1000:>9.1f}  {codes}"
        )
    print(f"acknowledged submissions: {client.acknowledged}; staff actions: {dict(stats.actions)}")
    excused_n = len(stats.failures) - len(failed)
    cut_n = sum(1 for f in stats.failures if f.cut and excused(f, windows))
    print(
        f"inside fault windows, retried: fail-fast 503 + Retry-After {excused_n - cut_n}, "
        f"answers cut by a kill {cut_n}; failures: {len(failed) + stats.failures_dropped}"
    )
    summary = {
        "requests": total,
        "seconds": round(elapsed, 1),
        "rate": round(total / elapsed, 1),
        "acknowledged": client.acknowledged,
        "actions": sum(stats.actions.values()),
        "excused_503": excused_n - cut_n,
        "excused_cut": cut_n,
        "failures": len(failed) + stats.failures_dropped,
        "p50_ms": {k: round(h.quantile(0.5) * 1000, 1) for k, h in sorted(stats.hist.items())},
        "p99_ms": {k: round(h.quantile(0.99) * 1000, 1) for k, h in sorted(stats.hist.items())},
        "loadavg": load_after,
    }
    print("SUMMARY " + json.dumps(summary))
    if failed or stats.failures_dropped:
        print("failed requests (5xx or no answer, not the excused fail-fast), first ones:")
        for f in failed[:ERRORS_KEPT]:
            print(
                f"  {time.strftime('%H:%M:%S', time.localtime(f.at))} {f.kind} {f.status} "
                f"retry-after={f.retry_after} retried={f.retried} {f.note}"
            )
        return 1
    if args.min_actions and sum(stats.actions.values()) < args.min_actions:
        print(f"staff actions acknowledged: fewer than {args.min_actions}")
        return 1
    return 0


# -- verification --------------------------------------------------------------------
def check_acks(
    acks: list[dict[str, Any]],
    stored: dict[str, tuple[str, str]],
    events: set[tuple[str, str]],
) -> dict[str, list[str]]:
    """Pure part of ``verify``: ``stored`` maps tracking ID -> (title, body) of what the
    database has; ``events`` the (tracking ID, action) pairs it has."""
    problems: dict[str, list[str]] = {"lost": [], "damaged": [], "action_lost": []}
    for a in acks:
        tid = a["tracking_id"]
        if a["channel"] == "action":
            if (tid, a["action"]) not in events:
                problems["action_lost"].append(f"{tid} {a['action']}")
            continue
        if tid not in stored:
            problems["lost"].append(tid)
            continue
        title, body = stored[tid]
        text = a.get("text") or f"(kode uji {a['marker']})"
        if _squash(text) not in _squash(body) or ("title" in a and a["title"] != title):
            problems["damaged"].append(tid)
    return problems


def verify(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    import django

    django.setup()
    from django.db.models import Count

    from aduan.reports.models import Report, ReportEvent

    acks = [json.loads(line) for line in Path(args.acks).read_text().splitlines() if line]
    reports = [a for a in acks if a["channel"] != "action"]
    actions = [a for a in acks if a["channel"] == "action"]
    stored: dict[str, tuple[str, str]] = {}
    for start in range(0, len(reports), 500):
        chunk = [a["tracking_id"] for a in reports[start : start + 500]]
        for tid, title, body in Report.objects.filter(tracking_id__in=chunk).values_list(
            "tracking_id", "title", "body"
        ):
            stored[tid] = (title, body)
    events: set[tuple[str, str]] = set()
    for start in range(0, len(actions), 500):
        chunk = list({a["tracking_id"] for a in actions[start : start + 500]})
        events.update(
            ReportEvent.objects.filter(report__tracking_id__in=chunk).values_list(
                "report__tracking_id", "action"
            )
        )
    problems = check_acks(acks, stored, events)
    # One pass over the run's reports: a marker stored twice, a report without events.
    seen: collections.Counter[str] = collections.Counter()
    partial = 0
    run_reports = Report.objects.filter(body__contains="(kode uji ")
    times = [a["at"] for a in reports if "at" in a]
    if times and len(times) == len(reports):
        # Only the run's reports (an index range, not a scan of millions of rows).
        since = datetime.fromtimestamp(min(times) - 300, tz=UTC)
        run_reports = run_reports.filter(submitted_at__gte=since)
    rows = run_reports.annotate(n_events=Count("events")).values_list("body", "n_events")
    for body, n_events in rows.iterator(chunk_size=2000):
        for marker in MARKER.findall(body):
            seen[marker] += 1
        partial += n_events == 0
    duplicates = sum(1 for n in seen.values() if n > 1)
    by_channel = collections.Counter(a["channel"] for a in reports)
    by_action = collections.Counter(a["action"] for a in actions)
    print(f"acknowledged: {len(reports)} {dict(by_channel)}; staff actions {dict(by_action)}")
    print(
        f"lost: {len(problems['lost'])} damaged: {len(problems['damaged'])} stored twice: "
        f"{duplicates} partial (no events): {partial} "
        f"actions without their event: {len(problems['action_lost'])}"
    )
    result = {
        "acknowledged": len(reports),
        "actions": len(actions),
        "lost": len(problems["lost"]),
        "damaged": len(problems["damaged"]),
        "duplicates": duplicates,
        "partial": partial,
        "actions_lost": len(problems["action_lost"]),
    }
    print("VERIFY " + json.dumps(result))
    for line in (problems["lost"] + problems["damaged"] + problems["action_lost"])[:20]:
        print("  missing or damaged:", line)
    bad = sum(v for k, v in result.items() if k not in ("acknowledged", "actions"))
    return 1 if bad else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run")
    p_run.add_argument("--url", default="http://127.0.0.1:8000")
    p_run.add_argument("--duration", type=float, default=60.0, help="seconds (at most 3600)")
    p_run.add_argument("--threads", type=int, default=8)
    p_run.add_argument("--timeout", type=float, default=120.0, help="per request, seconds")
    p_run.add_argument("--acks", required=True)
    p_run.add_argument("--sms-secret", default=os.environ.get("ADUAN_SMS_GATEWAY_SECRET", ""))
    p_run.add_argument(
        "--api-key", "--open311-key", default="", help="agency API key (read,write scopes)"
    )
    p_run.add_argument("--open311-service", default="", help="default: the first service")
    p_run.add_argument("--open311-jurisdiction", default="aduan.go.id")
    p_run.add_argument(
        "--staff-password", default=DEMO_PASSWORD, help="of the demo accounts (seed --demo)"
    )
    p_run.add_argument(
        "--fault-windows", default="", help="JSON lines of deliberate faults (scaleout.py)"
    )
    p_run.add_argument(
        "--grace", type=float, default=10.0, help="seconds a fault window lasts after its end"
    )
    p_run.add_argument(
        "--min-actions", type=int, default=1, help="fail when fewer staff actions succeeded"
    )
    p_run.add_argument(
        "--verify",
        action="store_true",
        help="then run verify (needs the server's environment: DATABASE_URL ...)",
    )
    p_verify = sub.add_parser("verify")
    p_verify.add_argument("--acks", required=True)
    sub.add_parser("env", help="print the server environment a load run needs (eval it)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        args.duration = min(args.duration, 3600.0)
        code = run(args)
        if args.verify:
            code = max(code, verify(args))
        print("PASS" if code == 0 else "FAIL")
        return code
    if args.command == "env":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from common import NO_RATE_LIMITS

        for name, value in NO_RATE_LIMITS.items():
            print(f"export {name}={value}")
        return 0
    return verify(args)


if __name__ == "__main__":
    raise SystemExit(main())
