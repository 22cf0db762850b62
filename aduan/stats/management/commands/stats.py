"""``aduan stats rebuild``: recompute the statistics rollups from the raw reports.

``aduan stats rebuild`` rewrites every per-report fact and every rollup row.
``aduan stats rebuild --check`` recomputes the same without writing and reports any
drift between the stored rollups and the raw data; exit status 1 on drift, 0 when
consistent (usable from cron/monitoring); the live rollups (overdue, missed deadlines) are
checked as of their watermark.
``aduan stats tick`` moves the live rollups' watermark to now (the worker does it every
minute; run it from cron where no worker runs, or the live figures' read grows with the
time since the last tick).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.stats import rollups


class Command(BaseCommand):
    help = "Performance statistics: `stats rebuild [--check]` recomputes the rollups."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        rebuild = sub.add_parser(
            "rebuild", help="Recompute facts and rollups from the raw reports."
        )
        rebuild.add_argument(
            "--check",
            action="store_true",
            help="Only compare with a full recompute; exit status 1 on any drift.",
        )
        rebuild.add_argument("--json", action="store_true", help="Machine-readable output.")
        sub.add_parser("tick", help="Move the live rollups' watermark to now.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["subcommand"] == "tick":
            before = rollups.watermark()
            seen = rollups.advance()
            self.stdout.write(
                f"Live rollups: {seen} deadlines counted since {before.isoformat()}, "
                f"watermark now {rollups.watermark().isoformat()} "
                f"({time.monotonic() - started:.2f}s)."
            )
            return
        if options["subcommand"] != "rebuild":  # pragma: no cover - argparse guards this
            raise CommandError("unknown subcommand")
        if options["check"]:
            drift = rollups.check()
            elapsed = time.monotonic() - started
            result = {
                "ok": drift.total == 0,
                "facts_checked": drift.facts_checked,
                "facts_missing": drift.facts_missing,
                "facts_stale": drift.facts_stale,
                "facts_orphan": drift.facts_orphan,
                "rollup_rows_checked": drift.rollup_rows_checked,
                "rollup_rows_wrong": drift.rollup_rows_wrong,
                "category_rows_wrong": drift.category_rows_wrong,
                "live_rows_wrong": drift.live_rows_wrong,
                "live_watermark": drift.watermark.isoformat() if drift.watermark else None,
                "examples": drift.examples,
                "seconds": round(elapsed, 2),
            }
            if options["json"]:
                self.stdout.write(json.dumps(result, default=str))
            elif drift.total == 0:
                self.stdout.write(
                    f"OK: {drift.facts_checked} reports, {drift.rollup_rows_checked} rollup "
                    f"rows consistent with the raw data ({elapsed:.1f}s)."
                )
            else:
                self.stdout.write(
                    f"DRIFT: facts missing {drift.facts_missing}, stale {drift.facts_stale}, "
                    f"orphan {drift.facts_orphan}; rollup rows wrong {drift.rollup_rows_wrong}, "
                    f"category rows wrong {drift.category_rows_wrong}, "
                    f"live rows wrong {drift.live_rows_wrong} "
                    f"(of {drift.facts_checked} reports). Run `aduan stats rebuild` to fix."
                )
                for example in drift.examples:
                    self.stdout.write(f"  {example}")
            if drift.total:
                sys.exit(1)
            return
        facts, rows = rollups.rebuild()
        elapsed = time.monotonic() - started
        if options["json"]:
            self.stdout.write(
                json.dumps({"facts": facts, "rollup_rows": rows, "seconds": round(elapsed, 2)})
            )
        else:
            self.stdout.write(
                f"Rebuilt {facts} report facts and {rows} rollup rows in {elapsed:.1f}s."
            )
