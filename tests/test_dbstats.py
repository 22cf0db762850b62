"""Planner statistics: SQLite gets them from seeding and from the worker, hourly."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from aduan.core import dbstats
from aduan.reports.models import Report, Status
from aduan.sla.management.commands.worker import Command as Worker
from tests.factories import report

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL's autovacuum keeps its own statistics"
)


def stat_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
        )
        if cursor.fetchone() is None:
            return set()
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {row[0] for row in cursor.fetchall()}


def forget_stats() -> None:
    with connection.cursor() as cursor:
        if stat_tables():
            cursor.execute("DELETE FROM sqlite_stat1")


@sqlite_only
def test_refresh_gives_sqlite_statistics_of_the_reports(world: Any) -> None:
    for i in range(3):
        r = report(title=f"Lampu jalan mati {i}")
        Report.objects.filter(pk=r.pk).update(status=Status.DISPATCHED)
    forget_stats()
    assert "reports_report" not in stat_tables()
    dbstats.refresh()
    assert "reports_report" in stat_tables()
    forget_stats()
    dbstats.refresh(["reports_report"])
    assert stat_tables() == {"reports_report"}


def test_refresh_runs_on_either_database(world: Any) -> None:
    report(title="Jalan rusak")
    dbstats.refresh(["reports_report", "reports_reportevent"])
    dbstats.refresh()


def test_the_worker_refreshes_sqlite_statistics_hourly(monkeypatch: Any, db: Any) -> None:
    from aduan.sla.management.commands import worker

    calls: list[float] = []
    now = [1000.0]
    monkeypatch.setattr(worker.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(
        Worker, "_refresh_sqlite_statistics", staticmethod(lambda: calls.append(now[0]))
    )
    monkeypatch.setattr(worker, "sweep", lambda: None)
    for name in ("digest_if_due", "stats_upkeep", "retrain_if_due", "close_old_connections"):
        monkeypatch.setattr(worker, name, lambda: None)
    monkeypatch.setattr(worker.connection, "close", lambda: None)
    stop = threading.Event()
    rounds = iter([0.0, 1800.0, 1900.0, 0.0])

    def next_round(_stop: Any, _interval: float) -> None:
        step = next(rounds, None)
        if step is None:
            stop.set()
            return
        now[0] += step

    monkeypatch.setattr(Worker, "_drain_until_next_sweep", staticmethod(next_round))
    Worker()._sweep_forever(stop, 60.0)
    # At start, then once an hour had passed (1000 + 1800 + 1900 = 4700 >= 1000 + 3600).
    assert calls == [1000.0, 4700.0]


def test_the_worker_check_leaves_postgresql_to_autovacuum(world: Any) -> None:
    report(title="Jalan rusak")
    did = dbstats.refresh_sqlite_if_grown()
    assert did == (connection.vendor == "sqlite")  # SQLite: never analysed before


@sqlite_only
def test_sqlite_is_analysed_again_only_after_growing_by_a_quarter(world: Any) -> None:
    for i in range(8):
        report(title=f"Lampu jalan mati {i}")
    forget_stats()
    assert dbstats.sqlite_rows_analysed() is None
    assert dbstats.refresh_sqlite_if_grown()
    assert dbstats.sqlite_rows_analysed() == 8
    assert not dbstats.refresh_sqlite_if_grown()
    report(title="Lampu jalan mati 8")  # 9 < 8 x 1.25: not yet
    assert not dbstats.refresh_sqlite_if_grown()
    report(title="Lampu jalan mati 9")  # 10 = 8 x 1.25
    assert dbstats.refresh_sqlite_if_grown()
    assert dbstats.sqlite_rows_analysed() == 10


@sqlite_only
def test_tables_a_migration_remade_are_analysed_again(world: Any) -> None:
    for i in range(3):
        report(title=f"Trotoar rusak {i}")
    forget_stats()
    assert dbstats.restore_sqlite_lost() == []  # never analysed: left to seeding, the worker
    dbstats.refresh()
    before = stat_tables()
    assert {"reports_report", "reports_reportevent"} <= before
    # What remaking a table does to its statistics (SQLite's ALTER TABLE through a copy).
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM sqlite_stat1 WHERE tbl IN ('reports_report', 'reports_reportevent')"
        )
    restored = dbstats.restore_sqlite_lost()
    assert {"reports_report", "reports_reportevent"} <= set(restored)
    assert stat_tables() == before


def test_every_migrate_restores_lost_statistics(monkeypatch: Any, db: Any) -> None:
    from django.core.management import call_command

    seen: list[str] = []
    monkeypatch.setattr(dbstats, "restore_sqlite_lost", seen.append)
    call_command("migrate", verbosity=0)
    assert seen == ["default"]  # once per migrate, for the database migrated
