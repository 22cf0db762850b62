"""Mixed load against a running Aduan, then proof that nothing acknowledged was lost.

    python bench/load.py run --url http://127.0.0.1:8000 --duration 60 --threads 8 \\
        --acks /tmp/acks.jsonl [--sms-secret S] [--open311-key K]
    python bench/load.py verify --acks /tmp/acks.jsonl     # needs the server's settings env

``run`` sends, from several threads and for a bounded time, a mix of: report submissions
through the REST API, the web form (CSRF and all), the SMS gateway webhook and Open311
(when a key is given); tracking lookups of reports acknowledged earlier in the run; the
public report list; the public dashboard. Every acknowledged submission (a 2xx carrying a
tracking ID) is appended to the acks file with the unique marker its text carries. It
prints throughput, latency percentiles per kind and every 5xx, and exits 1 on any 5xx.

``verify`` opens the database with the project's settings and checks that every
acknowledged tracking ID exists with its text intact (the marker in the body), that no
marker was stored twice, and prints the totals; exit 1 on any loss.

Loopback only: it refuses URLs whose host is not 127.0.0.0/8 or localhost.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import ipaddress
import json
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
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TRACKING = re.compile(r"\b([0-9A-HJKMNP-TV-Z]{5})-([0-9A-HJKMNP-TV-Z]{5})\b")
WORDS = (
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
)


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


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    errors: list[str] = field(default_factory=list)
    # Under fault injection a 503 that carries Retry-After is the expected answer.
    allow_503: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, status: int, seconds: float, note: str = "") -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[kind][status] += 1
            if status == 503 and self.allow_503 and note.startswith("retry-after"):
                return
            if status >= 500 or status == 0:
                self.errors.append(f"{kind} {status} {note}"[:300])


class Client:
    def __init__(self, base: str, args: argparse.Namespace, stats: Stats, acks: Any) -> None:
        self.base = base.rstrip("/")
        self.args = args
        self.stats = stats
        self.acks = acks
        self.acks_lock = threading.Lock()
        self.known: list[str] = []

    # -- plumbing --------------------------------------------------------------------
    def _send(
        self,
        kind: str,
        opener: urllib.request.OpenerDirector,
        req: urllib.request.Request,
    ) -> tuple[int, bytes]:
        started = time.perf_counter()
        status, body, note = 0, b"", ""
        try:
            with opener.open(req, timeout=30) as resp:
                status, body = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read()
            note = body[:200].decode("utf-8", "replace")
            if status == 503 and exc.headers.get("Retry-After"):
                note = f"retry-after {exc.headers['Retry-After']}: {note}"
        except Exception as exc:  # connection refused/reset: counted as a failure
            note = repr(exc)
        self.stats.record(kind, status, time.perf_counter() - started, note)
        if status in (0, 502, 503, 504):
            # A real client backs off (Retry-After) instead of hammering a failing server.
            time.sleep(random.uniform(0.2, 1.0))
        return status, body

    def _ack(self, channel: str, tracking_id: str, marker: str, email: bool = False) -> None:
        line = json.dumps(
            {"channel": channel, "tracking_id": tracking_id, "marker": marker, "email": email}
        )
        with self.acks_lock:
            self.acks.write(line + "\n")
            self.acks.flush()
            self.known.append(tracking_id)

    # -- traffic kinds ---------------------------------------------------------------
    def api_submit(self, opener: urllib.request.OpenerDirector) -> None:
        marker = uuid.uuid4().hex
        payload: dict[str, Any] = {
            "title": f"Uji beban API {marker[:8]}",
            "body": _text(marker),
            "region": "32.73",
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
        status, body = self._send("api_submit", opener, req)
        if 200 <= status < 300:
            self._ack("api", json.loads(body)["tracking_id_raw"], marker, "reporter" in payload)

    def web_submit(self, _opener: urllib.request.OpenerDirector) -> None:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        status, page = self._send("web_form", opener, urllib.request.Request(f"{self.base}/lapor/"))
        if status != 200:
            return
        html = page.decode("utf-8", "replace")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        token = re.search(r'name="token" value="([^"]*)"', html)
        if not csrf:
            self.stats.record("web_submit", 0, 0.0, "no CSRF token in form")
            return
        marker = uuid.uuid4().hex
        fields = {
            "csrfmiddlewaretoken": csrf.group(1),
            "token": token.group(1) if token else "",
            "type": "complaint",
            "title": f"Uji beban web {marker[:8]}",
            "body": _text(marker),
            "region": "32.73",
        }
        req = urllib.request.Request(
            f"{self.base}/lapor/",
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Referer": f"{self.base}/lapor/"},
            method="POST",
        )
        status, body = self._send("web_submit", opener, req)
        found = TRACKING.search(body.decode("utf-8", "replace")) if status == 200 else None
        if found:
            self._ack("web", found.group(1) + found.group(2), marker)
        elif status == 200:
            self.stats.record("web_submit_no_receipt", 0, 0.0, "form answered without an ID")

    def sms(self, opener: urllib.request.OpenerDirector) -> None:
        if not self.args.sms_secret:
            return
        marker = uuid.uuid4().hex
        sender = f"+62812{random.randint(10_000_000, 99_999_999)}"
        payload = {
            "from": sender,
            "to": "1708",
            "text": f"LAPOR {_text(marker)}",
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
        status, body = self._send("sms", opener, req)
        if 200 <= status < 300:
            found = TRACKING.search(json.loads(body).get("reply", ""))
            if found:
                self._ack("sms", found.group(1) + found.group(2), marker)

    def open311(self, opener: urllib.request.OpenerDirector) -> None:
        if not self.args.open311_key:
            return
        marker = uuid.uuid4().hex
        fields = {
            "api_key": self.args.open311_key,
            "jurisdiction_id": self.args.open311_jurisdiction,
            "service_code": self.args.open311_service,
            "description": _text(marker),
            "lat": "-6.9147",
            "long": "107.6098",
        }
        req = urllib.request.Request(
            f"{self.base}/open311/v2/requests.json",
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Idempotency-Key": marker},
            method="POST",
        )
        status, body = self._send("open311", opener, req)
        if 200 <= status < 300:
            items = json.loads(body)
            tid = items[0].get("service_request_id", "") if items else ""
            if tid:
                self._ack("open311", tid.replace("-", ""), marker)

    def track(self, opener: urllib.request.OpenerDirector) -> None:
        with self.acks_lock:
            tid = random.choice(self.known) if self.known else None
        if tid is None:
            return
        self._send("track", opener, urllib.request.Request(f"{self.base}/api/v1/reports/{tid}"))

    def public_list(self, opener: urllib.request.OpenerDirector) -> None:
        self._send("public_list", opener, urllib.request.Request(f"{self.base}/laporan/"))

    def dashboard(self, opener: urllib.request.OpenerDirector) -> None:
        self._send("dashboard", opener, urllib.request.Request(f"{self.base}/statistik/"))


MIX = (
    ("api_submit", 25),
    ("web_submit", 10),
    ("sms", 10),
    ("open311", 5),
    ("track", 25),
    ("public_list", 15),
    ("dashboard", 10),
)


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def run(args: argparse.Namespace) -> int:
    _loopback(args.url)
    stats = Stats(allow_503=args.allow_503)
    if args.open311_key and not args.open311_service:
        with urllib.request.urlopen(f"{args.url.rstrip('/')}/open311/v2/services.json") as r:
            args.open311_service = json.loads(r.read())[0]["service_code"]
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
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
            t.join(args.duration + 60)
        elapsed = time.monotonic() - started
    total = sum(len(v) for v in stats.latencies.values())
    print(
        f"requests: {total} in {elapsed:.1f} s = {total / elapsed:.1f} req/s "
        f"({args.threads} threads)"
    )
    print(f"{'kind':<22}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  statuses")
    for kind in sorted(stats.latencies):
        lat = stats.latencies[kind]
        codes = dict(sorted(stats.statuses[kind].items()))
        print(
            f"{kind:<22}{len(lat):>7}{_pct(lat, 0.5):>9.1f}{_pct(lat, 0.95):>9.1f}"
            f"{_pct(lat, 0.99):>9.1f}  {codes}"
        )
    acked = len(client.known)
    print(f"acknowledged submissions: {acked}")
    summary = {
        "requests": total,
        "seconds": round(elapsed, 1),
        "rate": round(total / elapsed, 1),
        "acknowledged": acked,
        "server_errors": len(stats.errors),
    }
    print("SUMMARY " + json.dumps(summary))
    if stats.errors:
        print(f"{len(stats.errors)} failed requests (5xx or no answer), first ones:")
        for line in stats.errors[:20]:
            print("  " + line)
        return 1
    return 0


def verify(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    import django

    django.setup()
    from aduan.reports.models import Report

    acks = [json.loads(line) for line in Path(args.acks).read_text().splitlines() if line]
    lost: list[str] = []
    damaged: list[str] = []
    by_channel: dict[str, int] = defaultdict(int)
    for start in range(0, len(acks), 500):
        chunk = acks[start : start + 500]
        found = {
            r.tracking_id: r.body
            for r in Report.objects.filter(tracking_id__in=[a["tracking_id"] for a in chunk])
        }
        for a in chunk:
            by_channel[a["channel"]] += 1
            body = found.get(a["tracking_id"])
            if body is None:
                lost.append(a["tracking_id"])
            elif a["marker"] not in body:
                damaged.append(a["tracking_id"])
    markers = [a["marker"] for a in acks]
    duplicates = 0
    for start in range(0, len(markers), 200):
        for marker in markers[start : start + 200]:
            if Report.objects.filter(body__contains=marker).count() > 1:
                duplicates += 1
    print(f"acknowledged: {len(acks)} {dict(by_channel)}")
    print(f"lost: {len(lost)} damaged: {len(damaged)} stored twice: {duplicates}")
    print(
        "VERIFY "
        + json.dumps(
            {
                "acknowledged": len(acks),
                "lost": len(lost),
                "damaged": len(damaged),
                "duplicates": duplicates,
            }
        )
    )
    for tid in (lost + damaged)[:20]:
        print("  missing or damaged:", tid)
    return 1 if lost or damaged or duplicates else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run")
    p_run.add_argument("--url", default="http://127.0.0.1:8000")
    p_run.add_argument("--duration", type=float, default=60.0, help="seconds (bounded)")
    p_run.add_argument("--threads", type=int, default=8)
    p_run.add_argument("--acks", required=True)
    p_run.add_argument(
        "--allow-503", action="store_true", help="503 + Retry-After is no failure (faults)"
    )
    p_run.add_argument("--sms-secret", default=os.environ.get("ADUAN_SMS_GATEWAY_SECRET", ""))
    p_run.add_argument("--open311-key", default="")
    p_run.add_argument("--open311-service", default="", help="default: the first service")
    p_run.add_argument("--open311-jurisdiction", default="aduan.go.id")
    p_verify = sub.add_parser("verify")
    p_verify.add_argument("--acks", required=True)
    args = parser.parse_args()
    if args.command == "run":
        args.duration = min(args.duration, 3600.0)
        return run(args)
    return verify(args)


if __name__ == "__main__":
    raise SystemExit(main())
