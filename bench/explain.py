"""Query plans of the hot paths, as Markdown for BENCHMARKS.md.

    DATABASE_URL=postgres://... .venv/bin/python bench/explain.py [--deep-page 200]
        [--only track,list_first,...] > plans.md

Captures the SQL the real code issues — the views through Django's test client under
``CaptureQueriesContext`` (caches replaced by a dummy cache, so the queries run), the SLA
sweep by calling :func:`aduan.sla.sweep.sweep` inside a transaction that is rolled back —
and prints, for each SELECT, ``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL (``EXPLAIN
QUERY PLAN`` on SQLite) with a one-line verdict: the indexes used, or a flagged
sequential scan on ``reports_report`` / ``reports_reportevent`` (the tables that grow
to millions of rows). Read-only: EXPLAIN ANALYZE runs only the SELECTs, inside a
transaction that is rolled back; ``SELECT ... FOR UPDATE`` is planned without ANALYZE.

Plans that read more than 10,000 rows of a table that grows with the reports (index or
not) are pointed out too: at 10M reports they read 50 times as many.

Cases: tracking page and API lookup by tracking ID, the public report list (first page
and ``--deep-page``), the national and agency statistics pages, the agency inbox (as an
officer of the agency with most open reports), the SLA sweep.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIG_TABLES = ("reports_report", "reports_reportevent")
# One row per report (or more) as well: a sequential scan is named, and any plan that
# reads more than HEAVY_ROWS rows of one of these (index or not) is pointed out.
GROWING = (
    *BIG_TABLES,
    "stats_reportfact",
    "sla_slaaction",
    "notifications_notification",
    "dedup_indexedreport",
    "auth_user",
)
HEAVY_ROWS = 10_000

# ---- plan verdicts (pure; tested in tests/test_bench_sweepmem.py) ------------------------

_PG_SEQ = re.compile(r"(?:Parallel )?Seq Scan on (\w+)")
_PG_INDEX = re.compile(r"(?:Index Scan|Index Only Scan)(?: Backward)? using (\w+) on (\w+)")
_PG_BITMAP = re.compile(r"Bitmap Index Scan on (\w+)")
_PG_READ = re.compile(
    r"(?:Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan)(?: Backward)?(?: using \w+)? "
    r"on (\w+).*?actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)"
)
_SQLITE = re.compile(r"\b(SCAN|SEARCH) (\w+)(?: AS \w+)?(?: USING (?:COVERING )?INDEX (\w+))?")
_SQLITE_PK = re.compile(r"\bSEARCH (\w+)(?: AS \w+)? USING INTEGER PRIMARY KEY")


@dataclass
class Verdict:
    flagged: list[str] = field(default_factory=list)  # big tables read sequentially
    seq_small: list[str] = field(default_factory=list)  # other tables read whole
    indexes: list[str] = field(default_factory=list)
    heavy: dict[str, int] = field(default_factory=dict)  # growing table -> rows read

    @property
    def ok(self) -> bool:
        return not self.flagged

    def line(self) -> str:
        parts = []
        if self.flagged:
            parts.append("**SEQ SCAN on " + ", ".join(self.flagged) + "**")
        if self.indexes:
            parts.append("index: " + ", ".join(self.indexes))
        if self.seq_small:
            parts.append("seq scan on other table(s): " + ", ".join(self.seq_small))
        if self.heavy:
            parts.append(
                "reads "
                + ", ".join(f"{n:,} rows of {t}" for t, n in self.heavy.items())
                + " (grows with the data)"
            )
        return "; ".join(parts) or "no table read"


def _add(items: list[str], value: str) -> None:
    if value not in items:
        items.append(value)


def plan_verdict(plan: str, vendor: str, big: tuple[str, ...] = BIG_TABLES) -> Verdict:
    """Which indexes a plan uses and which tables it reads whole."""
    v = Verdict()
    if vendor == "postgresql":
        for table in _PG_SEQ.findall(plan):
            _add(v.flagged if table in big else v.seq_small, table)
        for index, table in _PG_INDEX.findall(plan):
            _add(v.indexes, f"{index} ({table})")
        for index in _PG_BITMAP.findall(plan):
            _add(v.indexes, f"{index} (bitmap)")
        for table, rows, loops in _PG_READ.findall(plan):
            read = int(rows) * int(loops)
            if table in GROWING and read > HEAVY_ROWS:
                v.heavy[table] = max(v.heavy.get(table, 0), read)
        return v
    for table in _SQLITE_PK.findall(plan):
        _add(v.indexes, f"primary key ({table})")
    for kind, table, index in _SQLITE.findall(plan):
        if index:
            _add(v.indexes, f"{index} ({table}{', full index walk' if kind == 'SCAN' else ''})")
        elif kind == "SCAN":
            _add(v.flagged if table in big else v.seq_small, table)
    return v


def tables_in(sql: str) -> set[str]:
    return set(re.findall(r'(?:FROM|JOIN)\s+"?(\w+)"?', sql, flags=re.IGNORECASE))


# ---- capturing -----------------------------------------------------------------------------


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from common import NO_RATE_LIMITS

    os.environ.update(NO_RATE_LIMITS)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    import django

    django.setup()


def capture(run: Callable[[], Any]) -> tuple[list[dict[str, str]], Any]:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    # Plain static storage: no collectstatic manifest needed to render the pages.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from unittest import mock

    from django.db import connections

    # A statement bound on the server (aduan.core.prepared) is logged without its text:
    # here it runs through Django's own cursor, so its SQL can be read and explained.
    with (
        override_settings(CACHES=dummy, STORAGES=storages),
        mock.patch("aduan.core.prepared._cursor", lambda alias: connections[alias].cursor()),
        CaptureQueriesContext(connection) as ctx,
    ):
        out = run()
    return list(ctx.captured_queries), out


def explain(sql: str, vendor: str) -> str:
    from django.db import connection, transaction

    stripped = sql.strip().rstrip(";")
    if vendor == "postgresql":
        analyze = "FOR UPDATE" not in stripped.upper() and "FOR SHARE" not in stripped.upper()
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if analyze else "EXPLAIN "
    else:
        prefix = "EXPLAIN QUERY PLAN "
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(prefix + stripped)
            rows = cur.fetchall()
        transaction.set_rollback(True)
    if vendor == "postgresql":
        return "\n".join(str(r[0]) for r in rows)
    return "\n".join(" ".join(str(c) for c in r[1:]) for r in rows)


def pick_targets(deep_page: int) -> dict[str, Any]:
    """Existing objects to look at: a public report, the busiest agency, its officer."""
    from django.db.models import Count

    from aduan.agencies.models import Membership
    from aduan.reports.models import Report, Status

    open_statuses = [Status.DISPATCHED, Status.IN_PROGRESS, Status.RESPONDED]
    from aduan.reports import tracking

    recent = list(
        Report.objects.filter(is_confidential=False)
        .order_by("-pk")
        .values_list("tracking_id", flat=True)[:500]
    )
    valid = [tid for tid in recent if tracking.normalize(tid) == tid]
    busiest = (
        Report.objects.filter(status__in=open_statuses, agency__isnull=False)
        .values("agency_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if not recent or busiest is None:
        raise SystemExit("the database holds no public report / no dispatched report: seed it")
    member = (
        Membership.objects.filter(agency_id=busiest["agency_id"], role__in=["officer"])
        .select_related("user", "agency")
        .first()
        or Membership.objects.filter(role__in=["officer", "agency_admin"])
        .select_related("user", "agency")
        .first()
    )
    from aduan.agencies.models import Agency

    agency = Agency.objects.get(pk=busiest["agency_id"])
    return {
        # Bulk-seeded IDs may fail the check symbol: the views then answer 404 without
        # a query, so the lookup is explained through the same ORM query instead.
        "tracking_id": (valid or recent)[0],
        "tracking_valid": bool(valid),
        "agency": agency,
        "agency_open": busiest["n"],
        # None: a temporary officer of the busiest agency is made (and rolled back)
        "officer": member.user if member else None,
        "officer_agency": member.agency if member else agency,
        "deep_page": deep_page,
    }


def cases(t: dict[str, Any]) -> dict[str, tuple[str, Callable[[], Any]]]:
    from django.db import transaction
    from django.test import Client

    def get(path: str, user: Any = None) -> Callable[[], Any]:
        def run() -> Any:
            client = Client()
            if user is not None:
                client.force_login(user)
            return client.get(path).status_code

        return run

    def as_officer(path: str) -> Callable[[], Any]:
        def run() -> Any:
            if t["officer"] is not None:
                return get(path, t["officer"])()
            from django.contrib.auth import get_user_model

            from aduan.agencies.models import Membership, Role

            with transaction.atomic():  # a temporary officer, rolled back
                user = get_user_model().objects.create_user(username="explain-officer-tmp")
                Membership.objects.create(user=user, agency=t["agency"], role=Role.OFFICER)
                status = get(path, user)()
                transaction.set_rollback(True)
            return f"{status} (temporary officer)"

        return run

    def sweep_rolled_back() -> Any:
        from aduan.sla.sweep import sweep

        with transaction.atomic():
            result = sweep()
            transaction.set_rollback(True)
        return f"acted {result.total}, SLA {result.sla}"

    def lookup_query(tid: str) -> Callable[[], Any]:
        def run() -> Any:
            from aduan.reports import access

            # The query of access.report_by_tracking_id after tracking.normalize().
            found = access._REPORT_BY_TRACKING_ID(tid)
            return "found" if found else "not found"

        return run

    tid = t["tracking_id"]
    if not t["tracking_valid"]:
        track = {
            "track": (
                f"tracking lookup query for {tid} (no valid tracking ID in this database: "
                "the views would 404 before querying)",
                lookup_query(tid),
            )
        }
    else:
        track = {
            "track": (f"GET /lacak/{tid}/ (tracking page)", get(f"/lacak/{tid}/")),
            "api_lookup": (f"GET /api/v1/reports/{tid}", get(f"/api/v1/reports/{tid}")),
        }
    return {
        **track,
        "list_first": ("GET /laporan/ (public list, first page)", get("/laporan/")),
        "list_deep": (
            f"GET /laporan/?page={t['deep_page']} (public list, deep page)",
            get(f"/laporan/?page={t['deep_page']}"),
        ),
        "stats_national": ("GET /statistik/ (national statistics)", get("/statistik/")),
        "stats_agency": (
            f"GET /statistik/instansi/{t['agency'].code}/ (agency statistics)",
            get(f"/statistik/instansi/{t['agency'].code}/"),
        ),
        "inbox": (
            f"GET /petugas/kotak-masuk/ as an officer of {t['officer_agency'].code}",
            as_officer("/petugas/kotak-masuk/"),
        ),
        "sweep": ("aduan.sla.sweep.sweep() (rolled back)", sweep_rolled_back),
    }


def short(sql: str, limit: int = 400) -> str:
    one = " ".join(sql.split())
    return one if len(one) <= limit else one[:limit] + " …"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deep-page", type=int, default=200)
    parser.add_argument("--only", default="", help="comma-separated case names")
    parser.add_argument(
        "--all-plans", action="store_true", help="print plans of small-table queries too"
    )
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    vendor = connection.vendor
    targets = pick_targets(args.deep_page)
    chosen = [c for c in args.only.split(",") if c]
    flagged_total = 0
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"## Query plans ({vendor}; load average {load})\n")
    print(
        f"Busiest agency {targets['agency'].code} ({targets['agency_open']:,} open reports); "
        "plans from `bench/explain.py`. Flagged: sequential scans on "
        + " / ".join(f"`{t}`" for t in BIG_TABLES)
        + ".\n"
    )
    summary: list[str] = []
    for name, (title, run) in cases(targets).items():
        if chosen and name not in chosen:
            continue
        started = time.perf_counter()
        queries, out = capture(run)
        took = time.perf_counter() - started
        print(f"### {name}: {title}\n")
        print(f"Result {out}; {len(queries)} queries in {took * 1000:.0f} ms (with capture).\n")
        seen: set[str] = set()
        rows = []
        for i, q in enumerate(queries, 1):
            sql = q["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or sql in seen:
                continue
            seen.add(sql)
            try:
                plan = explain(sql, vendor)
            except Exception as exc:  # a query that cannot be re-run alone (rare)
                rows.append(f"| {i} | {q['time']} | could not EXPLAIN: {type(exc).__name__} |")
                continue
            v = plan_verdict(plan, vendor)
            flagged_total += len(v.flagged)
            rows.append(f"| {i} | {q['time']} | {v.line()} |")
            if v.flagged or args.all_plans or tables_in(sql) & set(BIG_TABLES):
                summary.append(f"- {name} #{i}: {v.line()}")
                print(f"<details><summary>#{i}: {v.line()}</summary>\n")
                print(f"```sql\n{short(sql, 2000)}\n```\n\n```\n{plan}\n```\n</details>\n")
        print("| # | seconds | verdict |\n|---|---|---|")
        print("\n".join(rows) if rows else "| – | – | no SELECT |")
        print()
    print("### Summary\n")
    print("\n".join(summary) or "- no query on the big tables")
    if flagged_total:
        print(f"\n**{flagged_total} sequential scan(s) on big tables**")
    else:
        print("\nNo sequential scan on the big tables.")
    return 1 if flagged_total else 0


if __name__ == "__main__":
    raise SystemExit(main())
