"""Requests in-process, one at a time: where a request's own time goes, without a server.

    .venv/bin/python bench/inprocess_bench.py [--rounds 5] [--requests 60]
        [--only intake,insert,lookup,bare_lookup,list,form] [--profile intake] [--sql]

Runs Django's test client with ``bench.baseline_settings`` (the project plus the bare
views of ``http_bench.py``) on whatever database ``DATABASE_URL`` names, the full
middleware included. Each round times ``--requests`` requests of every case, the cases
interleaved round by round so that noise from elsewhere on a shared machine weighs on all
of them; it prints the median milliseconds per request of each round. The cases:

* ``intake``: ``POST /api/v1/reports`` (writes reports: use a scratch database);
* ``insert``: ``POST /bench/insert``, its bare baseline (writes a row too);
* ``lookup``: ``GET /api/v1/reports/{id}``, and ``bare_lookup`` its baseline;
* ``list``: ``GET /laporan/``; ``form``: ``GET /lapor/``.

``--profile CASE`` runs that case once more under cProfile and prints the 30 functions
with the most time of their own and cumulative; ``--sql`` prints each statement's time
per request of every case (a ``connection.execute_wrapper``).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import NO_RATE_LIMITS, submission

# bench.baseline_settings is imported by name: the project's root must be importable.
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

SAVEPOINT = re.compile(r'"s\d+_x\d+"')  # one name per savepoint: counted as one statement
CASES = ("intake", "insert", "lookup", "bare_lookup", "list", "form")


def setup() -> None:
    for key, value in NO_RATE_LIMITS.items():
        os.environ.setdefault(key, value)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.baseline_settings"
    import django

    django.setup()


def requests() -> dict[str, Callable[[], Any]]:
    from django.test import Client

    from aduan.reports.models import Report

    client = Client()
    counter = iter(range(10**9))
    ids = list(Report.objects.order_by("-pk").values_list("tracking_id", flat=True)[:200])
    if not ids:
        raise SystemExit("the database holds no report: seed it first")

    def check(response: Any, status: int) -> Any:
        if response.status_code != status:
            raise SystemExit(f"{response.status_code}: {response.content[:300]!r}")
        return response

    def post(path: str) -> Any:
        data = submission(next(counter))
        return check(client.post(path, data, content_type="application/json"), 201)

    def get(path: str) -> Callable[[], Any]:
        return lambda: check(client.get(path), 200)

    return {
        "intake": lambda: post("/api/v1/reports"),
        "insert": lambda: post("/bench/insert"),
        "lookup": lambda: get(f"/api/v1/reports/{ids[next(counter) % len(ids)]}")(),
        "bare_lookup": lambda: get(f"/bench/lookup/{ids[next(counter) % len(ids)]}")(),
        "list": get("/laporan/"),
        "form": get("/lapor/"),
    }


class StatementTimes:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            shape = SAVEPOINT.sub('"…"', " ".join(sql.split()))[:90]
            self.times[shape].append(time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--only", default=",".join(CASES))
    parser.add_argument("--profile", choices=CASES)
    parser.add_argument("--sql", action="store_true")
    args = parser.parse_args()
    cases = [c.strip() for c in args.only.split(",") if c.strip()]
    unknown = sorted(set(cases) - set(CASES))
    if unknown:
        parser.error(f"unknown cases: {', '.join(unknown)} (known: {', '.join(CASES)})")
    setup()
    from django.db import connection

    run = requests()
    for case in cases:  # warm-up: imports, caches, prepared statements
        for _ in range(10):
            run[case]()
    medians: dict[str, list[float]] = defaultdict(list)
    statements: dict[str, StatementTimes] = {}
    for _round in range(args.rounds):
        for case in cases:
            times = []
            wrapper = statements.setdefault(case, StatementTimes())
            for _ in range(args.requests):
                start = time.perf_counter()
                if args.sql:
                    with connection.execute_wrapper(wrapper):
                        run[case]()
                else:
                    run[case]()
                times.append(time.perf_counter() - start)
            medians[case].append(statistics.median(times) * 1000)
    print(f"{connection.vendor}, load average {os.getloadavg()[0]:.1f}; ms per request")
    for case in cases:
        rounds = ", ".join(f"{m:.2f}" for m in medians[case])
        print(f"  {case:12} median {statistics.median(medians[case]):7.2f}   rounds: {rounds}")
    if args.sql:
        total = args.rounds * args.requests
        for case in cases:
            print(f"\n{case}: statements, ms per request")
            for sql, times in sorted(statements[case].times.items(), key=lambda kv: -sum(kv[1])):
                print(f"  {sum(times) * 1000 / total:6.3f}  x{len(times) / total:.1f}  {sql}")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            run[args.profile]()
        profiler.disable()
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(30)
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
