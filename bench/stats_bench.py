"""Statistics at scale (issue 5 item 9): KPI pages read rollups, not raw reports.

    DATABASE_URL=postgres://postgres@127.0.0.1:55433/stats_bench \\
        .venv/bin/python bench/stats_bench.py [--reports 1000000] [--repeat 30]

Uses its own scratch database (created on PostgreSQL if missing; refuses to run without
DATABASE_URL): migrates it, loads the reference data (regions, ~3,400 agencies,
categories), bulk-generates ``--reports`` reports spread over two years, every agency
kind and unit, channels, types and categories, with realistic lifecycle timestamps
(rejections, bounces, late and missing answers, reopen-free closures, ratings), then
builds the facts and rollups exactly as ``aduan stats rebuild`` does and times:

- ``compute_kpis`` for the national scope and for the busiest agency (current year and
  the previous year), p50/p95 over ``--repeat`` runs;
- each of those twice: with the statistics cache (:mod:`aduan.stats.cache`) as it is
  between events ("warm"), and forgotten before every call ("cold cache": the first
  request after a new event);
- the same through HTTP (Django test client, full middleware): ``GET /api/v1/stats``
  and the public statistics pages (any ``aduan.stats.urls`` pattern without arguments
  or with a ``code`` argument);
- the same figures computed from the raw report rows (the working-day durations need
  every row's timestamps in Python: there is no SQL working-day function), p50/p95
  over a few runs, and asserts they equal the rollup figures.

Prints one line per measurement (with the load average: timings on a shared machine are
noisy) and the ratio raw/rollups. Re-running on the same database skips the generation
when enough reports exist; ``--no-generate`` never generates and measures whatever the
database holds (e.g. one filled by ``aduan seed --demo --reports N --bulk``), building the
facts and rollups only when they are missing. ``--raw-repeat 0`` skips the raw-rows
comparison (minutes at ten million reports).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WIB = ZoneInfo("Asia/Jakarta")
START = datetime(2025, 1, 1, tzinfo=WIB)
END = datetime(2026, 11, 30, tzinfo=WIB)
BATCH = 5000


def setup() -> None:
    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("Set DATABASE_URL to a scratch database (it is migrated and filled).")
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from aduan.agencies.models import Agency

    call_command("migrate", verbosity=0)
    if not Agency.objects.exists():
        call_command("loadrefdata", verbosity=0)


def generate(target: int, rng: random.Random) -> int:
    """Bulk-create reports until ``target`` exist (no events: the bench measures reads)."""
    from aduan.agencies.models import Agency
    from aduan.regions.models import Region
    from aduan.reports.models import Category, Report

    have = Report.objects.count()
    if have >= target:
        return have
    agencies = list(
        Agency.objects.exclude(kind__in=["desk", "ombudsman"]).values_list(
            "pk", "kind", "region_id", "time_zone"
        )
    )
    # Regencies/cities and their units get most reports; ministries many each.
    weights = [{"ministry": 40, "institution": 8, "bumn": 8, "province": 10}.get(a[1], 2)
               for a in agencies]  # fmt: skip
    regions = list(Region.objects.filter(level="regency").values_list("code", flat=True))
    categories = list(Category.objects.values_list("pk", flat=True)) or [None]
    channels = ["web"] * 50 + ["mobile"] * 20 + ["sms"] * 10 + ["chat"] * 8 + ["email"] * 5
    channels += ["api", "open311", "agency_app", "import"] * 2
    span = int((END - START).total_seconds())
    seq = have
    while have < target:
        batch = []
        chosen = rng.choices(agencies, weights=weights, k=min(BATCH, target - have))
        for pk, _kind, region, _tz in chosen:
            seq += 1
            submitted = START + timedelta(seconds=rng.randrange(span))
            fields: dict[str, Any] = {
                "tracking_id": f"B{seq:010d}",
                "secret_hash": "x" * 64,
                "title": "Laporan uji beban",
                "body": "Isi laporan uji beban.",
                "channel": rng.choice(channels),
                "type": rng.choices(["complaint", "aspiration", "info_request"], [7, 2, 1])[0],
                "category_id": rng.choice(categories),
                "region_id": region or rng.choice(regions),
                "submitted_at": submitted,
                "is_confidential": rng.random() < 0.05,
            }
            fate = rng.random()
            if fate < 0.08:  # rejected
                fields.update(status="rejected", rejection_reason=rng.choice(
                    ["incomplete", "out_of_scope", "spam", "abusive"]),
                    closed_at=submitted + timedelta(days=rng.randint(0, 6)))  # fmt: skip
            elif fate < 0.11 and submitted > END - timedelta(days=10):
                fields.update(status="submitted", due_at=submitted + timedelta(days=4))
            else:
                dispatched = submitted + timedelta(hours=rng.randint(1, 24 * 8))
                fields.update(
                    agency_id=pk,
                    verified_at=dispatched,
                    dispatched_at=dispatched,
                    first_response_due_at=dispatched + timedelta(days=7),
                    completion_due_at=dispatched + timedelta(days=20),
                    bounce_count=1 if rng.random() < 0.06 else 0,
                )
                answer = rng.random()
                if answer < 0.72:
                    first = dispatched + timedelta(hours=rng.randint(2, 24 * 15))
                    done = first + timedelta(hours=rng.randint(0, 24 * 20))
                    fields.update(first_response_at=first, responded_at=done)
                    if rng.random() < 0.85:
                        fields.update(status="closed", closed_at=done + timedelta(days=14))
                        if rng.random() < 0.4:
                            fields.update(rating=rng.randint(1, 5), resolved=rng.random() < 0.6)
                    else:
                        fields.update(status="responded")
                elif answer < 0.85:
                    first = dispatched + timedelta(hours=rng.randint(2, 24 * 10))
                    fields.update(status="in_progress", first_response_at=first,
                                  due_at=fields["completion_due_at"])  # fmt: skip
                else:
                    fields.update(status="dispatched", due_at=fields["first_response_due_at"])
            batch.append(Report(**fields))
        Report.objects.bulk_create(batch, batch_size=BATCH)
        have += len(batch)
        if have % 100_000 < BATCH:
            print(f"  … {have} reports", file=sys.stderr)
    return have


def load() -> str:
    try:
        return "load " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:  # not Linux
        return ""


def timed(
    fn: Callable[[], Any], repeat: int, before: Callable[[], Any] | None = None
) -> tuple[float, float, Any]:
    """p50, p95 (ms) and the last result; ``before`` runs untimed before every call."""
    timings, result = [], None
    for _ in range(repeat):
        if before is not None:
            before()
        t0 = time.perf_counter()
        result = fn()
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    p95 = timings[max(0, round(len(timings) * 0.95) - 1)]
    return statistics.median(timings), p95, result


def raw_counters(scope: Any, period: Any) -> dict[str, int]:
    """The same counters straight from the report rows: every row of the cohort read,
    its working-day durations computed, then summed."""
    from django.db.models import Q

    from aduan.reports.models import Report
    from aduan.stats import rollups
    from aduan.stats.columns import COLUMN_NAMES, COLUMNS

    start = datetime.combine(period.start, datetime.min.time(), tzinfo=WIB)
    end = datetime.combine(period.end + timedelta(days=1), datetime.min.time(), tzinfo=WIB)
    qs = Report.objects.filter(submitted_at__gte=start, submitted_at__lt=end).order_by()
    if scope.kind == "agency":
        qs = qs.filter(agency__path__startswith=scope.agency_path)
    elif scope.kind == "region":
        qs = qs.filter(Q(region_id=scope.code) | Q(region__code__startswith=f"{scope.code}."))
    total = dict.fromkeys(COLUMN_NAMES, 0)
    for row in qs.values(*rollups.REPORT_FIELDS).iterator(chunk_size=BATCH):
        fact = rollups.compute_fact(row)
        for col in COLUMNS:
            total[col.name] += col.of(fact)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--raw-repeat", type=int, default=3)
    parser.add_argument(
        "--freshness", type=int, default=60, help="ADUAN_STATS_FRESHNESS_SECONDS for pages"
    )
    parser.add_argument(
        "--no-generate",
        action="store_true",
        help="Measure the database as it is (filled beforehand); never add reports.",
    )
    args = parser.parse_args()
    setup()
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import URLPattern

    from aduan.agencies.models import Agency
    from aduan.reports.models import Report
    from aduan.stats import cache as stats_cache
    from aduan.stats import kpis, queries, rollups
    from aduan.stats import urls as stats_urls
    from aduan.stats.models import MonthlyRollup, ReportFact

    t0 = time.perf_counter()
    if args.no_generate:
        have = Report.objects.count()
        if not have:
            sys.exit("--no-generate: the database holds no reports; fill it first.")
    else:
        have = generate(args.reports, random.Random(5))
    print(f"reports: {have} (generated/checked in {time.perf_counter() - t0:.0f}s)")
    if ReportFact.objects.count() != have or not MonthlyRollup.objects.filter(kind="all"):
        t0 = time.perf_counter()
        facts, rows = rollups.rebuild()
        print(f"rebuild: {facts} facts, {rows} rollup rows in {time.perf_counter() - t0:.0f}s")
    # The worker's minute tick: the live rollups (overdue, missed deadlines) as of now.
    t0 = time.perf_counter()
    ticked = rollups.advance()
    print(f"live rollups advanced to now ({ticked}) in {time.perf_counter() - t0:.1f}s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A filled database only needs fresh planner statistics.
            cursor.execute("ANALYZE" if args.no_generate else "VACUUM ANALYZE")
    print(f"rollup rows: {MonthlyRollup.objects.count()} (database: {connection.vendor})")

    busiest = (
        Report.objects.filter(agency__isnull=False, agency__parent__isnull=True)
        .values("agency__code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    agency_code = busiest["agency__code"] if busiest else Agency.objects.first().code  # type: ignore[union-attr]
    national = kpis.national_scope()
    agency = kpis.resolve_scope("agency", agency_code)
    this_year, last_year = kpis.parse_period("2026"), kpis.parse_period("2025")
    results = []
    for label, scope in (("national", national), (f"agency {agency_code}", agency)):
        for period in (this_year, last_year):
            # Cold: the cache forgotten before every call (as after a new event).
            cp50, cp95, _ = timed(
                lambda s=scope, p=period: kpis.compute_kpis(s, p), args.repeat, cache.clear
            )
            p50, p95, figures = timed(
                lambda s=scope, p=period: kpis.compute_kpis(s, p), args.repeat
            )
            raw_part = "raw rows skipped"
            if args.raw_repeat > 0:
                rp50, rp95, raw = timed(
                    lambda s=scope, p=period: raw_counters(s, p), args.raw_repeat
                )
                rolled = queries.counters(scope, period)
                assert raw == rolled, "rollups differ from the raw rows"
                # The live counts' raw-rows oracle is the test suite's (one definition).
                from tests.test_stats_live import raw_live

                live = raw_live(scope, period, figures.computed_at)
                assert live == {
                    "overdue": figures.overdue,
                    "first_missed": figures.first_response_measured - rolled["fr_measured"],
                    "completion_missed": (
                        figures.completion_measured - rolled["completion_measured"]
                    ),
                }, "live counts differ from the raw rows"
                raw_part = (
                    f"raw rows p50 {rp50:9.1f} ms  p95 {rp95:9.1f} ms"
                    f" | ×{rp50 / cp50:,.0f} vs cold (received {figures.received},"
                    " identical figures)"
                )
            print(
                f"compute_kpis {label:<22} {period.label}: warm p50 {p50:7.1f} ms  p95 "
                f"{p95:7.1f} ms | cold p50 {cp50:7.1f} ms  p95 {cp95:7.1f} ms | {raw_part}"
                f" | {load()}"
            )
            results.append((label, period.label, p95))

    setup_test_environment()
    client = Client()
    urls = [
        ("/api/v1/stats", {}),
        ("/api/v1/stats", {"scope": "agency", "code": agency_code}),
        ("/api/v1/stats", {"scope": "region", "code": "32"}),
    ]
    from django.urls import reverse

    for pattern in stats_urls.urlpatterns:
        if not isinstance(pattern, URLPattern) or not pattern.name:
            continue
        params = pattern.pattern.regex.groupindex
        name = f"{stats_urls.app_name}:{pattern.name}"
        if not params:
            urls.append((reverse(name), {}))
        elif set(params) == {"code"}:
            # Region pages take a region code, agency pages an agency code.
            code = (
                "32"
                if "region" in pattern.name or "wilayah" in str(pattern.pattern)
                else agency_code
            )
            urls.append((reverse(name, kwargs={"code": code}), {}))
    from django.conf import settings

    settings.ADUAN_RATE_STATS_PER_MINUTE = 1_000_000
    settings.ADUAN_STATS_FRESHNESS_SECONDS = args.freshness
    # Pages without a collectstatic manifest (as in the tests).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    for path, params in urls:
        status: set[int] = set()

        def get(
            path: str = path, params: dict[str, str] = params, status: set[int] = status
        ) -> None:
            status.add(client.get(path, params).status_code)

        # Cold: nothing cached (a fresh deployment's first visitor). After an event:
        # the version bumped before every call, served as a live site serves it (figures
        # at most ADUAN_STATS_FRESHNESS_SECONDS old; the worker warms the national pages).
        cp50, cp95, _ = timed(get, args.repeat, cache.clear)
        get()
        ep50, ep95, _ = timed(get, args.repeat, stats_cache.bump)
        p50, p95, _ = timed(get, args.repeat)
        query = "&".join(f"{k}={v}" for k, v in params.items())
        print(f"GET {path + ('?' + query if query else ''):<50} warm p50 {p50:7.1f} ms  "
              f"p95 {p95:7.1f} ms | after an event p50 {ep50:7.1f} ms  p95 {ep95:7.1f} ms"
              f" | cold p50 {cp50:7.1f} ms  p95 {cp95:7.1f} ms"
              f" | status {sorted(status)} | {load()}")  # fmt: skip


if __name__ == "__main__":
    main()
