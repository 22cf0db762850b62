"""Memory of one production web worker under 10,000 mixed requests: does it leak?

    DATABASE_URL=postgres://... .venv/bin/python bench/memory_bench.py [--requests 10000]
        [--warmup 500] [--every 1000] [--clients 4] [--leak-mb 8] [--json]

Starts gunicorn exactly as ``aduan serve`` does (through bench/http_bench.py's
``start_server``, ONE worker process, ``--server-threads`` threads) on 127.0.0.1 against
the database ``DATABASE_URL`` names (already filled: ``aduan seed --demo ...``), then sends
a bounded mix of requests from ``--clients`` keep-alive loopback clients: the home page,
the public report list (first and deeper pages), tracking pages and API lookups of
existing reports (and of those it submits), API report lists and submissions (POST:
they create reports), the statistics page and API, and the Open311 request list.
``aduan serve`` also passes ``--max-requests 5000``, which recycles a worker and so hides
a leak; the bench leaves that out (as http_bench does) to see one.

It first sends three requests of each kind alone and prints what each kind adds to the
fresh worker's memory (imports, caches, models loaded on first use). It then reads the
worker's resident set (VmRSS in /proc/<pid>/status) after ``--warmup``
requests (caches filled, every view imported), after every ``--every`` requests, and at
the end, and prints RSS and its growth per interval.

Leak criterion (:func:`leak_verdict`): the worker is flagged when, over the second half
of the measured run, RSS grew by more than ``--leak-mb`` MB AND grew in at least 75% of
the second half's intervals (steady growth, not one allocation spike). Growth that stops
(caches, pymalloc arenas reaching their working size) passes. A worker that was replaced
during the run (crash, timeout) is reported as a failure: its RSS says nothing.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

PORT = 58193  # not http_bench's, so both can run at once


# ---- pure helpers (tested in tests/test_bench_sweepmem.py) ------------------------------


def rss_kb(status_text: str) -> int:
    """VmRSS in kB from the text of /proc/<pid>/status."""
    for line in status_text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise ValueError("no VmRSS line (process gone or a kernel thread)")


@dataclass(frozen=True)
class LeakVerdict:
    leak: bool
    total_mb: float  # growth from the first to the last sample
    last_half_mb: float  # growth over the second half of the samples
    rising_share: float  # share of the second half's intervals that grew
    per_1000_mb: float  # least-squares slope, MB per 1,000 requests
    reason: str


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of y over x (0 for fewer than two distinct x)."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    var = sum((x - mx) ** 2 for x, _ in points)
    if var == 0:
        return 0.0
    return sum((x - mx) * (y - my) for x, y in points) / var


def leak_verdict(
    samples: list[tuple[int, float]], *, threshold_mb: float = 8.0, rising: float = 0.75
) -> LeakVerdict:
    """``samples``: (requests done, RSS MB) after warm-up, in order (at least 3)."""
    if len(samples) < 3:
        raise ValueError("need at least three samples after warm-up")
    mid = len(samples) // 2
    half = samples[mid:]
    last_half = half[-1][1] - half[0][1]
    steps = [b[1] - a[1] for a, b in itertools.pairwise(half)]
    share = sum(1 for s in steps if s > 0) / len(steps) if steps else 0.0
    per_1000 = slope(samples) * 1000
    total = samples[-1][1] - samples[0][1]
    leak = last_half > threshold_mb and share >= rising
    if leak:
        reason = (
            f"RSS kept growing in the second half: +{last_half:.1f} MB (> {threshold_mb:g}) "
            f"and rising in {share:.0%} of its intervals"
        )
    elif last_half > threshold_mb:
        reason = (
            f"second half +{last_half:.1f} MB but rising only in {share:.0%} of intervals: "
            "a spike, not steady growth"
        )
    else:
        reason = f"second half +{last_half:.1f} MB (<= {threshold_mb:g} MB): flat"
    return LeakVerdict(leak, total, last_half, share, per_1000, reason)


def worker_pids(master: int, proc: Path = Path("/proc")) -> list[int]:
    """PIDs of the processes whose parent is ``master`` (gunicorn's workers)."""
    kids = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == master:
            kids.append(int(entry.name))
    return sorted(kids)


# ---- the run ------------------------------------------------------------------------------


def sample_ids(n: int = 300) -> list[str]:
    """Tracking IDs of existing public reports, read straight from the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    import django

    django.setup()
    from aduan.reports import tracking
    from aduan.reports.models import Report

    last = Report.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids: list[str] = []
    # Spread over the table without ORDER BY random(): a few index range reads.
    for start in sorted(random.sample(range(max(last, 1)), k=min(30, max(last, 1)))):
        ids += (
            Report.objects.filter(pk__gt=start, is_confidential=False)
            .order_by("pk")
            .values_list("tracking_id", flat=True)[: max(n // 30, 1)]
        )
    # Bulk-seeded IDs may fail the check symbol (the views answer 404 without a query);
    # then the lookups use the reports this run submits (see send()).
    return [tid for tid in ids if tracking.normalize(tid) == tid]


def request_mix(ids: list[str], counter: Any) -> list[tuple[str, int, Callable[[], Any]]]:
    from http_bench import body

    def pick() -> str:
        return random.choice(ids) if ids else "0000000000"

    return [
        ("home", 8, lambda: ("GET", "/", None)),
        ("list", 12, lambda: ("GET", "/laporan/", None)),
        ("list_deep", 6, lambda: ("GET", f"/laporan/?page={random.randint(2, 200)}", None)),
        ("track", 14, lambda: ("GET", f"/lacak/{pick()}/", None)),
        ("api_get", 14, lambda: ("GET", f"/api/v1/reports/{pick()}", None)),
        ("api_list", 8, lambda: ("GET", "/api/v1/reports", None)),
        ("api_post", 10, lambda: ("POST", "/api/v1/reports", body(next(counter)))),
        ("stats_page", 8, lambda: ("GET", "/statistik/", None)),
        ("stats_api", 8, lambda: ("GET", "/api/v1/stats", None)),
        ("open311", 12, lambda: ("GET", "/open311/v2/requests.json", None)),
    ]


def send(
    n: int, clients: int, mix: list[tuple[str, int, Callable[[], Any]]], ids: list[str]
) -> Counter[str]:
    """Send exactly ``n`` requests (bounded), spread over keep-alive clients; the
    tracking IDs of submitted reports join ``ids`` (up to 5,000) for the lookups."""
    weights = [w for _n, w, _m in mix]
    remaining = [n]
    lock = threading.Lock()
    statuses: Counter[str] = Counter()

    def loop() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        while True:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            name, _w, make = random.choices(mix, weights)[0]
            method, path, data = make()
            headers = {"Content-Type": "application/json"} if data else {}
            try:
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                answer = resp.read()
                status = str(resp.status)
                if name == "api_post" and resp.status == 201 and len(ids) < 5000:
                    with lock:
                        ids.append(json.loads(answer)["tracking_id_raw"])
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
                status = type(exc).__name__
            with lock:
                statuses[f"{name} {status}"] += 1
        conn.close()

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument("--every", type=int, default=1_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--server-threads", type=int, default=4)
    parser.add_argument("--leak-mb", type=float, default=8.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    args.requests = min(args.requests, 100_000)  # bounded, loopback only
    if args.every <= 0 or args.requests < 3 * args.every:
        raise SystemExit("--requests must cover at least three --every intervals")

    import http_bench

    http_bench.PORT = PORT
    ids = sample_ids()
    counter = iter(range(10**9))
    mix = request_mix(ids, counter)
    log = Path(tempfile.mkstemp(prefix="aduan-mem-", suffix=".log")[1])
    server = http_bench.start_server(1, args.server_threads, log)
    samples: list[tuple[int, float]] = []
    statuses: Counter[str] = Counter()
    try:
        time.sleep(1)
        workers = worker_pids(server.pid)
        if len(workers) != 1:
            raise SystemExit(f"expected one gunicorn worker, found {workers}")
        worker = workers[0]

        def rss_mb() -> float:
            return rss_kb(Path(f"/proc/{worker}/status").read_text()) / 1024

        started_rss = rss_mb()
        # First touch: what each kind of request adds to a fresh worker (imports, caches,
        # models loaded on first use), three requests of one kind at a time.
        print(f"first touch (3 requests each), RSS at start {started_rss:.1f} MB:")
        before = started_rss
        for entry in mix:
            statuses += send(3, 1, [entry], ids)
            after = rss_mb()
            print(f"  {entry[0]:<12}{after:>9.1f} MB{after - before:>+9.1f} MB")
            before = after
        statuses += send(args.warmup, args.clients, mix, ids)
        samples.append((0, rss_mb()))
        print(
            f"worker {worker}: RSS {started_rss:.1f} MB at start, {samples[0][1]:.1f} MB after "
            f"{args.warmup} warm-up requests; load average {http_bench_loadavg()}"
        )
        print(f"{'requests':>9}{'RSS MB':>9}{'growth MB':>11}{'seconds':>9}")
        done = 0
        t0 = time.monotonic()
        while done < args.requests:
            step = min(args.every, args.requests - done)
            statuses += send(step, args.clients, mix, ids)
            done += step
            if worker_pids(server.pid) != [worker]:
                raise SystemExit(f"the worker was replaced after {done} requests: see {log}")
            samples.append((done, rss_mb()))
            print(
                f"{done:>9}{samples[-1][1]:>9.1f}{samples[-1][1] - samples[-2][1]:>+11.2f}"
                f"{time.monotonic() - t0:>9.1f}"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    result = leak_verdict(samples, threshold_mb=args.leak_mb)
    bad = {k: v for k, v in statuses.items() if not k.endswith((" 200", " 201"))}
    print(f"statuses: {dict(sorted(statuses.items()))}")
    if bad:
        print(f"NOTE: {sum(bad.values())} requests did not answer 200/201: {bad}")
    print(
        f"RSS after warm-up {samples[0][1]:.1f} MB, at the end {samples[-1][1]:.1f} MB: "
        f"{result.total_mb:+.1f} MB over {args.requests} requests, slope "
        f"{result.per_1000_mb:+.2f} MB per 1,000; load average {http_bench_loadavg()}"
    )
    print(f"{'LEAK SUSPECTED' if result.leak else 'no leak'}: {result.reason}")
    if args.json:
        print(json.dumps({"samples": samples, "verdict": result.__dict__, "statuses": statuses}))
    log.unlink(missing_ok=True)
    return 1 if result.leak else 0


def http_bench_loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


if __name__ == "__main__":
    raise SystemExit(main())
