"""The logic inside bench/sweep_bench.py, bench/memory_bench.py and bench/explain.py: the
leak criterion, the plan verdicts, the chain-segment check and the due-sweep round trip
(on a handful of reports; the scripts themselves run against filled databases)."""

from __future__ import annotations

import importlib.util
import sys
import types
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from aduan.reports import lifecycle
from aduan.reports.lifecycle import Actor, Change
from aduan.reports.models import ReportEvent, Status
from tests.factories import report

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _load(name: str) -> types.ModuleType:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


memory = _load("memory_bench")
explain = _load("explain")
sweep_bench = _load("sweep_bench")


def test_memory_bench_starts_its_server_with_http_benchs_signature() -> None:
    import inspect

    import http_bench

    # memory_bench calls start_server(1, threads, log): an added parameter broke it once.
    inspect.signature(http_bench.start_server).bind(1, 4, Path("server.log"))


# ---- the leak criterion -------------------------------------------------------------------


def test_flat_rss_is_no_leak() -> None:
    samples = [(i * 1000, 80.0 + (0.3 if i % 2 else 0.0)) for i in range(11)]
    v = memory.leak_verdict(samples, threshold_mb=8)
    assert not v.leak
    assert "flat" in v.reason


def test_steady_linear_growth_is_a_leak() -> None:
    samples = [(i * 1000, 80.0 + 2.0 * i) for i in range(11)]  # +2 MB per 1,000 requests
    v = memory.leak_verdict(samples, threshold_mb=8)
    assert v.leak
    assert v.per_1000_mb == pytest.approx(2.0)
    assert v.last_half_mb == pytest.approx(10.0)
    assert v.rising_share == 1.0


def test_growth_that_stops_early_is_no_leak() -> None:
    # Caches fill during the first half, then nothing: a warm worker, not a leak.
    samples = [(i * 1000, min(80.0 + 5.0 * i, 100.0)) for i in range(11)]
    v = memory.leak_verdict(samples, threshold_mb=8)
    assert not v.leak
    assert v.total_mb == pytest.approx(20.0)


def test_one_late_spike_is_not_steady_growth() -> None:
    samples = [(i * 1000, 80.0) for i in range(10)] + [(10_000, 120.0)]
    v = memory.leak_verdict(samples, threshold_mb=8)
    assert not v.leak
    assert "spike" in v.reason


def test_leak_needs_three_samples() -> None:
    with pytest.raises(ValueError):
        memory.leak_verdict([(0, 1.0), (1000, 2.0)])


def test_slope_least_squares() -> None:
    assert memory.slope([(0, 1.0), (1, 3.0), (2, 5.0)]) == pytest.approx(2.0)
    assert memory.slope([(5, 1.0)]) == 0.0


def test_rss_from_proc_status() -> None:
    text = "Name:\tgunicorn\nVmPeak:\t  300 kB\nVmRSS:\t  81234 kB\nThreads:\t5\n"
    assert memory.rss_kb(text) == 81234
    with pytest.raises(ValueError):
        memory.rss_kb("Name:\tkthreadd\n")


def test_worker_pids_reads_parent_ids(tmp_path: Path) -> None:
    for pid, comm, ppid in ((10, "gunicorn", 1), (11, "python (worker) x", 10), (12, "sh", 10)):
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "stat").write_text(f"{pid} ({comm}) S {ppid} 1 1 0 -1\n")
    (tmp_path / "self").mkdir()
    assert memory.worker_pids(10, tmp_path) == [11, 12]
    assert memory.worker_pids(11, tmp_path) == []


def test_real_rss_of_this_process() -> None:
    kb = memory.rss_kb(Path("/proc/self/status").read_text())
    assert 1_000 < kb < 10_000_000


# ---- plan verdicts --------------------------------------------------------------------------

PG_SEQ = """Finalize Aggregate  (cost=10299.11..10299.12 rows=1 width=8)
  ->  Gather  (cost=10298.90..10299.11 rows=2 width=8)
        ->  Partial Aggregate
              ->  Parallel Seq Scan on reports_report  (cost=0.00..9114.31 rows=73835 width=0)
                    Filter: (NOT is_confidential)"""

PG_INDEX = """Limit  (cost=1.45..8.23 rows=20 width=574)
  ->  Nested Loop Left Join
        ->  Index Scan Backward using report_public_recent on reports_report  (cost=...)
        ->  Index Only Scan using agencies_agency_pkey on agencies_agency  (cost=...)
        ->  Bitmap Heap Scan on sla_slaaction
              ->  Bitmap Index Scan on sla_action_once_per_deadline  (cost=...)
        ->  Seq Scan on reports_category  (cost=0.00..1.10 rows=10 width=40)"""


def test_pg_seq_scan_on_a_big_table_is_flagged() -> None:
    v = explain.plan_verdict(PG_SEQ, "postgresql")
    assert v.flagged == ["reports_report"]
    assert not v.ok
    assert "SEQ SCAN on reports_report" in v.line()


def test_pg_index_plan_names_its_indexes() -> None:
    v = explain.plan_verdict(PG_INDEX, "postgresql")
    assert v.ok
    assert v.indexes == [
        "report_public_recent (reports_report)",
        "agencies_agency_pkey (agencies_agency)",
        "sla_action_once_per_deadline (bitmap)",
    ]
    assert v.seq_small == ["reports_category"]


def test_pg_heavy_reads_of_growing_tables_are_named() -> None:
    plan = (
        "Aggregate  (actual time=1.0..170.0 rows=1 loops=1)\n"
        "  ->  Bitmap Heap Scan on stats_reportfact  (cost=1.0..2.0 rows=7 width=8) "
        "(actual time=2.1..150.2 rows=70123 loops=1)\n"
        "        ->  Bitmap Index Scan on stats_fact_open_day  (cost=0.00..1.0 rows=7 width=0)\n"
        "  ->  Parallel Seq Scan on reports_reportevent  (cost=0.0..9.0 rows=5 width=0) "
        "(actual time=0.1..1.0 rows=4000 loops=3)\n"
        "  ->  Index Scan using agencies_agency_pkey on agencies_agency  (cost=0.1..0.2) "
        "(actual time=0.01..0.01 rows=50000 loops=1)"
    )
    v = explain.plan_verdict(plan, "postgresql")
    assert v.heavy == {"stats_reportfact": 70123, "reports_reportevent": 12000}
    assert v.flagged == ["reports_reportevent"]
    assert "70,123 rows of stats_reportfact" in v.line()
    assert "agencies_agency" not in v.heavy  # not a table that grows with the reports


def test_sqlite_plans() -> None:
    scan = explain.plan_verdict("SCAN reports_reportevent\nUSE TEMP B-TREE FOR ORDER BY", "sqlite")
    assert scan.flagged == ["reports_reportevent"]
    search = explain.plan_verdict(
        "SEARCH reports_report USING INDEX report_status_due (status=? AND due_at>?)\n"
        "SEARCH agencies_agency USING INTEGER PRIMARY KEY (rowid=?)\n"
        "SCAN reports_report AS U0 USING COVERING INDEX report_auto_at",
        "sqlite",
    )
    assert search.ok
    assert "report_status_due (reports_report)" in search.indexes
    assert "primary key (agencies_agency)" in search.indexes
    assert "report_auto_at (reports_report, full index walk)" in search.indexes


def test_tables_in_sql() -> None:
    sql = 'SELECT 1 FROM "reports_report" INNER JOIN "agencies_agency" ON (1=1)'
    assert explain.tables_in(sql) == {"reports_report", "agencies_agency"}


@pytest.mark.django_db
def test_real_plans_on_this_database() -> None:
    vendor = connection.vendor
    if vendor == "postgresql":
        # A test table of a few rows fits one page, where PostgreSQL may rightly prefer a
        # scan (it did, once, in CI): ask whether an index serves the query at all.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    lookup = explain.plan_verdict(
        explain.explain("SELECT id FROM reports_report WHERE tracking_id = 'ABCDEFGHJK'", vendor),
        vendor,
    )
    assert lookup.ok and lookup.indexes
    whole = explain.plan_verdict(
        explain.explain("SELECT count(*) FROM reports_reportevent WHERE message <> ''", vendor),
        vendor,
    )
    assert whole.flagged == ["reports_reportevent"]


# ---- the sweep bench ---------------------------------------------------------------------------


def test_verdict_and_timers() -> None:
    assert sweep_bench.verdict(1.5, 2.0).startswith("OK")
    assert sweep_bench.verdict(2.5, 2.0).startswith("MISSED")
    timers = sweep_bench.Timers()
    holder = types.SimpleNamespace(work=lambda n: n + 1 if n == 0 else holder.work(n - 1))
    holder.__name__ = "holder"
    with sweep_bench.patched([(holder, "work")], timers):
        assert holder.work(2) == 1
    assert timers.calls["holder.work"] == 1  # re-entry counted once
    assert holder.work(0) == 1  # restored
    assert timers.calls["holder.work"] == 1


def _responded(world: Any) -> Any:
    r = report(now=timezone.now() - timedelta(days=40))
    lifecycle.transition(
        r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=world.bandung)
    )
    lifecycle.transition(
        r, "respond", actor=Actor.staff(world.bandung_officer), change=Change(message="Selesai.")
    )
    return r


@pytest.mark.django_db(transaction=True)  # real commits: the sweep as the worker runs it
def test_due_round_trip_counts_and_chain(world: Any, tmp_path: Path) -> None:
    from aduan.audit import chain
    from aduan.audit.models import ChainHead

    reports = [_responded(world) for _ in range(3)]
    untouched = _responded(world)
    originals = {r.pk: r.auto_at for r in [*reports, untouched]}
    ids = sweep_bench.make_due(3, timezone.now(), tmp_path / "orig.json")
    assert set(ids) <= {r.pk for r in [*reports, untouched]} and len(ids) == 3
    head = ChainHead.objects.get(name=chain.EVENTS.name)
    before = (int(head.seq), str(head.hash))
    _elapsed, result, timers, _ = sweep_bench.run_sweep()
    assert result.acted == {"auto_close": 3}
    # The three in one chunk: one transaction, one append, one commit releasing the head.
    assert timers.calls["aduan.sla.sweep.transition_many"] == 1
    assert timers.calls["aduan.audit.chain._lock_head"] == 1
    assert timers.calls[sweep_bench.HOLD] == 1
    assert timers.seconds[sweep_bench.HOLD] > 0
    assert sweep_bench.check_due(ids, before, full=True) == []
    # A second pass finds nothing left: each transition applied once.
    assert sweep_bench.run_sweep()[1].acted == {}
    assert sweep_bench.check_due(ids, before, full=False) == []
    spare = next(r for r in [*reports, untouched] if r.pk not in ids)
    spare.refresh_from_db()
    assert spare.status == Status.RESPONDED and spare.auto_at == originals[spare.pk]
    assert sweep_bench.restore_untouched(tmp_path / "orig.json") == 0


@pytest.mark.django_db
def test_check_due_reports_missing_transitions(world: Any, tmp_path: Path) -> None:
    from aduan.audit import chain
    from aduan.audit.models import ChainHead

    r = _responded(world)
    head = ChainHead.objects.get(name=chain.EVENTS.name)
    problems = sweep_bench.check_due([r.pk], (int(head.seq), str(head.hash)), full=False)
    assert any("0 transition events" in p for p in problems)
    assert any("still in a due status" in p for p in problems)


@pytest.mark.django_db
def test_verify_segment_detects_tampering(world: Any) -> None:
    from aduan.audit import chain

    first = report()
    rows = list(ReportEvent.objects.order_by("seq"))
    start_seq, start_hash = int(rows[0].seq) - 1, rows[0].prev_hash
    end = rows[-1]
    args = {"start_seq": start_seq, "start_hash": start_hash, "spec": chain.EVENTS}
    assert sweep_bench.verify_segment(rows, end_seq=int(end.seq), end_hash=end.hash, **args) is None
    assert first.pk
    rows[-1].message = "diubah"
    broken = sweep_bench.verify_segment(rows, end_seq=int(end.seq), end_hash=end.hash, **args)
    assert broken is not None and "does not match its hash" in broken
    short = sweep_bench.verify_segment(rows[:-1], end_seq=int(end.seq), end_hash=end.hash, **args)
    assert short is not None and "chain head" in short
