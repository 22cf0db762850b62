"""``aduan dedup reindex``: rebuild the near-duplicate index from all reports.

Needed after demo seeding and bulk imports (their events are replayed with hooks
suppressed, so intake did not index them) and after changing the shingling rules.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from aduan.dedup import services
from aduan.dedup.models import BandKey, Candidate, IndexedReport
from aduan.reports.models import Report

CHUNK = 500


class Command(BaseCommand):
    help = "Near-duplicate index: `reindex` rebuilds it from all reports."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        # Pairs the desk dismissed ("bukan duplikat") are kept.
        sub.add_parser("reindex", help="Rebuild the index and the candidate pairs.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "reindex":
            self.reindex()

    def reindex(self) -> None:
        started = time.monotonic()
        now = timezone.now()
        reports = Report.objects.order_by("submitted_at", "pk").only(
            "pk", "title", "body", "region_id", "district_id", "submitted_at", "merged_into_id"
        )
        with transaction.atomic():
            BandKey.objects.all().delete()
            IndexedReport.objects.all().delete()
            Candidate.objects.filter(dismissed=False).delete()
            total = 0
            batch: list[Report] = []
            for report in reports.iterator(chunk_size=CHUNK):
                batch.append(report)
                if len(batch) >= CHUNK:
                    total += self._index(batch, now)
                    batch = []
            total += self._index(batch, now)
            # Second pass: every report is in the index; look back from each one.
            pairs = 0
            for report in reports.iterator(chunk_size=CHUNK):
                if report.merged_into_id is not None:
                    continue  # already grouped under its main report
                matches = services.find_matches(report)
                pairs += len(services.record_candidates(report, matches, now))
        self.stdout.write(
            f"Indexed {total} reports, {pairs} candidate pairs "
            f"in {time.monotonic() - started:.1f}s."
        )

    def _index(self, batch: list[Report], now: Any) -> int:
        entries, bands = [], []
        for report in batch:
            entry, entry_bands = services.index_entry(report, now)
            entries.append(entry)
            bands += entry_bands
        IndexedReport.objects.bulk_create(entries)
        BandKey.objects.bulk_create(bands, batch_size=2000)
        return len(entries)
