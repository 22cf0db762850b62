"""Intake and lookup through the production server, each against a bare baseline.

    .venv/bin/python bench/http_bench.py [--seconds 20] [--threads 8] [--workers 2]
        [--only-intake] [--warmup 2] [--slices 1] [--without-rollups] [--redis-cache] [--json]

Starts gunicorn (the same command line as ``aduan serve``) on 127.0.0.1 with
``bench.baseline_settings`` — the project's settings and URLs plus two bare views — on
whatever database ``DATABASE_URL`` names (SQLite under ADUAN_DATA_DIR by default; the
database must be migrated and hold reference data: ``aduan migrate && aduan loadrefdata``).
Then, one phase after the other, for ``--seconds`` each with ``--threads`` keep-alive
clients:

* intake:   ``POST /api/v1/reports`` (validation, tracking ID, event, deadlines,
            notification queued, all in one transaction) vs ``POST /bench/insert`` (one
            comparable row, nothing else);
* lookup:   ``GET /api/v1/reports/{id}`` vs ``GET /bench/lookup/{id}`` (one indexed row
            as JSON), on IDs that exist;
* list:     ``GET /laporan/`` (the public list page) vs the same bare lookup.

Each group of phases starts with ``--warmup`` seconds of uncounted requests per phase.
``--slices N`` runs the phases of a group (intake with its baseline; lookup, its
baseline and the list) in N interleaved turns, so that noise from elsewhere on a
shared machine weighs on both sides of a ratio. It prints requests/s,
client p50/p99, and server time p50/p99 read from gunicorn's access log (``%(L)s``, the
time the server spent on each request), the ratios to the baseline (intake's against the
issue 9 goal of 0.5) and the load average before and after (figures taken on a busy
machine mean little). ``--only-intake`` runs the two intake phases only;
``--without-rollups`` is a diagnostic (see bench/baseline_urls.py). ``--redis-cache``
starts a Redis server on loopback (``redis-server`` from Debian, as ``bench/scaleout.py``
uses) and gives the web processes the scale-out topology's cache: rate-limit counters
and throttles in Redis instead of the single-machine file cache. ``--json`` prints one
JSON object too. Intake only queues the near-duplicate index and the routing suggestion
(one task row); no worker runs during the benchmark, so those tasks wait in the queue.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from common import NO_RATE_LIMITS, submission

ROOT = Path(__file__).resolve().parent.parent
PORT = 58190
REDIS_PORT = 58191
INTAKE_GOAL = 0.5  # intake throughput / bare-insert throughput (issue 9 item 1)
LOG_LINE = re.compile(r'"(?P<m>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<s>\d+) \S+ (?P<t>[\d.]+)s')


def start_redis(directory: Path) -> subprocess.Popen[bytes]:
    """A throwaway Redis on loopback: no persistence, gone with the benchmark."""
    proc = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(REDIS_PORT),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_for_port(REDIS_PORT, proc, "redis-server")
    return proc


def wait_for_port(port: int, proc: subprocess.Popen[bytes], name: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGTERM)
    raise SystemExit(f"{name} did not start")


def start_server(
    workers: int, threads: int, log: Path, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        **NO_RATE_LIMITS,
        **(extra_env or {}),
        "DJANGO_SETTINGS_MODULE": "bench.baseline_settings",
    }
    sys.path.insert(0, str(ROOT))
    subprocess.run(
        [sys.executable, "-m", "aduan.cli", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    from aduan.core.management.commands.serve import ACCESS_LOG_FORMAT

    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "aduan.wsgi:application",
        "--bind",
        f"127.0.0.1:{PORT}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        str(log),
        "--access-logformat",
        ACCESS_LOG_FORMAT,
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    wait_for_port(PORT, proc, "gunicorn")
    return proc


def hammer(
    seconds: float, threads: int, make: Any, ok: tuple[int, ...] = (200, 201)
) -> dict[str, Any]:
    """``make()`` → (method, path, body|None); run them from keep-alive clients."""
    latencies: list[float] = []
    statuses: dict[int, int] = defaultdict(int)
    answers: list[bytes] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        mine: list[float] = []
        while time.monotonic() < deadline:
            method, path, body = make()
            headers = {"Content-Type": "application/json"} if body else {}
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                status, data = 0, b""
            mine.append(time.perf_counter() - started)
            with lock:
                statuses[status] += 1
                if status in (200, 201) and len(answers) < 5000:
                    answers.append(data)
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    started = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.monotonic() - started
    good = sum(n for s, n in statuses.items() if s in ok)
    return {
        "good": good,
        "elapsed": elapsed,
        "latencies": latencies,
        "statuses": dict(statuses),
        "answers": answers,
    }


def run_group(
    group: tuple[tuple[str, Any, str], ...], args: argparse.Namespace, log: Path
) -> dict[str, dict[str, Any]]:
    """Each phase of ``group`` for ``args.seconds``, in ``args.slices`` interleaved turns.

    The phases compared in a ratio take turns (``a b a b …``), so a burst of load from
    elsewhere on a shared machine falls on both instead of on whichever ran then."""
    for _name, make, _prefix in group:
        if args.warmup > 0:
            hammer(args.warmup, args.threads, make)
    seen = len(log.read_text().splitlines())
    merged: dict[str, dict[str, Any]] = {
        name: {"good": 0, "elapsed": 0.0, "latencies": [], "server": [], "statuses": {}}
        for name, _make, _prefix in group
    }
    answers: dict[str, list[bytes]] = {name: [] for name, _make, _prefix in group}
    for _turn in range(args.slices):
        for name, make, prefix in group:
            r = hammer(args.seconds / args.slices, args.threads, make)
            times, seen = server_times(log, prefix, seen)
            m = merged[name]
            m["good"] += r["good"]
            m["elapsed"] += r["elapsed"]
            m["latencies"] += r["latencies"]
            m["server"] += times
            for status, n in r["statuses"].items():
                m["statuses"][status] = m["statuses"].get(status, 0) + n
            answers[name] += r["answers"]
    return {
        name: {
            "rate": m["good"] / max(m["elapsed"], 1e-9),
            "client_p50_ms": pct(m["latencies"], 0.5),
            "client_p99_ms": pct(m["latencies"], 0.99),
            "server_p50_ms": pct(m["server"], 0.5),
            "server_p99_ms": pct(m["server"], 0.99),
            "statuses": m["statuses"],
            "answers": answers[name],
        }
        for name, m in merged.items()
    }


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)


def server_times(log: Path, prefix: str, since: int) -> tuple[list[float], int]:
    """Server-side times (s) of the requests logged after line ``since`` whose path
    starts with ``prefix``, and the log's length."""
    lines = log.read_text().splitlines()
    times = []
    for line in lines[since:]:
        m = LOG_LINE.search(line)
        if m and m["path"].startswith(prefix):
            times.append(float(m["t"]))
    return times, len(lines)


def loadavg() -> str:
    """The machine's 1/5/15-minute load: timing figures mean little without it."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def body(i: int) -> bytes:
    return submission(i).encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server-threads", type=int, default=4)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--only-intake",
        action="store_true",
        help="Run the two intake phases only (the issue 9 ratio); skip lookup and list.",
    )
    parser.add_argument(
        "--without-rollups",
        action="store_true",
        help="Diagnostic: intake without the statistics rollup update (shows its cost; "
        "leaves the rollups stale until `aduan stats rebuild`).",
    )
    parser.add_argument(
        "--slices",
        type=int,
        default=1,
        help="Run the phases compared with each other in this many interleaved turns "
        "of --seconds/N each (robust ratios on a shared machine); 1: one after the other.",
    )
    parser.add_argument(
        "--redis-cache",
        action="store_true",
        help="Serve with the scale-out topology's Redis cache (started here, on loopback) "
        "instead of the single-machine file cache.",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=2.0,
        help="Seconds of uncounted requests before each phase (imports, caches, "
        "connections of every server thread), so short runs measure the steady state.",
    )
    args = parser.parse_args()
    args.seconds = min(args.seconds, 600.0)
    args.slices = max(1, args.slices)
    load_before = loadavg()
    log = Path(tempfile.mkstemp(prefix="aduan-bench-", suffix=".log")[1])
    if args.without_rollups:
        os.environ["ADUAN_BENCH_WITHOUT_ROLLUPS"] = "1"
    extra_env: dict[str, str] = {}
    redis = None
    if args.redis_cache:
        redis = start_redis(Path(tempfile.mkdtemp(prefix="aduan-bench-redis-")))
        extra_env = {
            "ADUAN_CACHE_BACKEND": "django.core.cache.backends.redis.RedisCache",
            "ADUAN_CACHE_LOCATION": f"redis://127.0.0.1:{REDIS_PORT}/1",
        }
    server = start_server(args.workers, args.server_threads, log, extra_env)
    results: dict[str, Any] = {}
    counter = iter(range(10**9))
    try:
        phases = (
            ("intake", lambda: ("POST", "/api/v1/reports", body(next(counter))), "/api/v1/reports"),
            (
                "intake_baseline",
                lambda: ("POST", "/bench/insert", body(next(counter))),
                "/bench/insert",
            ),
        )
        results.update(run_group(phases, args, log))
        ids = [json.loads(a)["tracking_id_raw"] for a in results["intake"]["answers"]]
        ids += [json.loads(a)["tracking_id"] for a in results["intake_baseline"]["answers"]]
        if not ids:
            raise SystemExit("no report was created: check the server log")
        lookups = (
            (
                "lookup",
                lambda: ("GET", f"/api/v1/reports/{random.choice(ids)}", None),
                "/api/v1/reports/",
            ),
            (
                "lookup_baseline",
                lambda: ("GET", f"/bench/lookup/{random.choice(ids)}", None),
                "/bench/lookup/",
            ),
            ("public_list", lambda: ("GET", "/laporan/", None), "/laporan/"),
        )
        if not args.only_intake:
            results.update(run_group(lookups, args, log))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
        if redis is not None:
            os.killpg(redis.pid, signal.SIGTERM)
            redis.wait(30)
    for r in results.values():
        r.pop("answers", None)
    ratios = {
        "intake_vs_baseline": results["intake"]["rate"]
        / max(results["intake_baseline"]["rate"], 1e-9),
    }
    if "lookup" in results:
        ratios["lookup_vs_baseline"] = results["lookup"]["rate"] / max(
            results["lookup_baseline"]["rate"], 1e-9
        )
        ratios["list_vs_lookup_baseline"] = results["public_list"]["rate"] / max(
            results["lookup_baseline"]["rate"], 1e-9
        )
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    django.setup()
    from django.db import connection

    from aduan.reports.models import Report

    cache = "redis" if args.redis_cache else "file"
    print(f"database: {connection.vendor}, reports: {Report.objects.count():,}, cache: {cache}")
    if args.without_rollups:
        print("DIAGNOSTIC: statistics rollups NOT updated by intake (not a production figure)")
    print(
        f"{'phase':<17}{'req/s':>9}{'client p50':>12}{'client p99':>12}"
        f"{'server p50':>12}{'server p99':>12}  statuses"
    )
    for name, r in results.items():
        print(
            f"{name:<17}{r['rate']:>9.1f}{r['client_p50_ms']:>12.1f}{r['client_p99_ms']:>12.1f}"
            f"{r['server_p50_ms']:>12.1f}{r['server_p99_ms']:>12.1f}  {r['statuses']}"
        )
    for name, value in ratios.items():
        goal = ""
        if name == "intake_vs_baseline":
            verdict = "met" if value >= INTAKE_GOAL else "MISSED"
            goal = f"  (issue 9 goal >= {INTAKE_GOAL:.2f}: {verdict})"
        print(f"{name}: {value:.2f}{goal}")
    print(f"load average before: {load_before}, after: {loadavg()}")
    if args.json:
        print(
            json.dumps(
                {
                    "database": connection.vendor,
                    "cache": cache,
                    "phases": results,
                    "ratios": ratios,
                    "loadavg": [load_before, loadavg()],
                }
            )
        )
    log.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
