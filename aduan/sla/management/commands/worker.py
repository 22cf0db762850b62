from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Worker

from aduan.core import dbstats
from aduan.notifications.digest import digest_if_due
from aduan.sla.sweep import sweep
from aduan.stats.rollups import deferred as stats_deferred
from aduan.stats.rollups import drain as stats_drain
from aduan.stats.warm import upkeep as stats_upkeep
from aduan.triage.training import retrain_if_due

logger = logging.getLogger(__name__)
DRAIN_EVERY = 2.0  # seconds


class Command(BaseCommand):
    help = (
        "Run background tasks (notifications, ...), the SLA sweep every minute and the "
        "daily staff digest. Several workers may run at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sweep-interval", type=float, default=60.0)
        parser.add_argument("--task-interval", type=float, default=1.0)
        parser.add_argument(
            "--once", action="store_true", help="Sweep once, run every ready task, then exit."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.ADUAN_REDIS_URL:
            self._handle_rq(options)
            return
        worker = Worker(
            queue_names=["default"],
            interval=options["task_interval"],
            batch=options["once"],
            backend_name="default",
            startup_delay=not options["once"],
            max_tasks=None,
            worker_id=f"{socket.gethostname()}-{os.getpid()}"[:64],
            excluded_queue_names=[],
        )
        if options["once"]:
            self._sweep_once()
            worker.run()
            return
        stop = threading.Event()
        sweeper = threading.Thread(
            target=self._sweep_forever, args=(stop, options["sweep_interval"]), daemon=True
        )
        sweeper.start()
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()

    def _handle_rq(self, options: dict[str, Any]) -> None:
        """Scale-out mode: tasks come from Redis through RQ; the sweep runs beside them."""
        import django_rq

        rq_worker = django_rq.get_worker("default", job_class="django_tasks_rq.Job")
        if options["once"]:
            self._sweep_once()
            rq_worker.work(burst=True)
            return
        stop = threading.Event()
        sweeper = threading.Thread(
            target=self._sweep_forever, args=(stop, options["sweep_interval"]), daemon=True
        )
        sweeper.start()
        try:
            rq_worker.work(with_scheduler=False)
        finally:
            stop.set()

    def _sweep_once(self) -> None:
        result = sweep()
        stats_upkeep()
        self.stdout.write(f"sweep acted: {result.total} {result.acted} SLA: {result.sla}")
        digest = digest_if_due()
        if digest is not None:
            self.stdout.write(f"digest queued: {digest}")

    def _sweep_forever(self, stop: threading.Event, interval: float) -> None:
        analysed = float("-inf")
        while not stop.is_set():
            close_old_connections()
            if time.monotonic() - analysed >= dbstats.SQLITE_CHECK_SECONDS:
                analysed = time.monotonic()
                self._refresh_sqlite_statistics()
            try:
                sweep()
                # Once a working day from the digest hour; a DigestRun row per day keeps
                # several workers from each sending it.
                digest_if_due()
            except Exception:  # keep sweeping after a transient database error
                logger.exception("SLA sweep failed; retrying in %s s", interval)
            try:
                # Live overdue counts up to now; national statistics pages recomputed.
                stats_upkeep()
            except Exception:
                logger.exception("statistics upkeep failed")
            try:
                # Routing suggestions: retrain when the model is older than
                # ADUAN_TRIAGE_RETRAIN_HOURS (default 24); seconds of CPU, once a day.
                retrain_if_due()
            except Exception:
                logger.exception("triage retraining failed")
            finally:
                connection.close()
            self._drain_until_next_sweep(stop, interval)

    @staticmethod
    def _refresh_sqlite_statistics() -> None:
        """SQLite's planner statistics, checked hourly (PostgreSQL: autovacuum's job)."""
        try:
            dbstats.refresh_sqlite_if_grown()
        except Exception:
            logger.exception("refreshing SQLite's planner statistics failed")

    @staticmethod
    def _drain_until_next_sweep(stop: threading.Event, interval: float) -> None:
        """Between sweeps, refresh the statistics facts that events marked
        (ADUAN_STATS_DEFERRED) every couple of seconds."""
        deadline = time.monotonic() + interval
        while not stop.is_set() and time.monotonic() < deadline:
            if stats_deferred():
                try:
                    stats_drain()
                except Exception:
                    logger.exception("statistics facts refresh failed")
                finally:
                    connection.close()
            stop.wait(min(DRAIN_EVERY, max(deadline - time.monotonic(), 0)))
