"""Open-data download at scale: streamed, so memory stays flat however many rows.

    DATABASE_URL=sqlite:////tmp/opendata_bench.sqlite3 .venv/bin/python bench/opendata_bench.py \\
        [--rows 1000000]

Uses its own scratch database (refuses to run without DATABASE_URL): migrates it, bulk-
inserts public reports until it holds ``--rows``, then pulls /data-terbuka/laporan.csv and
laporan.json through the test client, consuming the stream piece by piece, and prints rows,
bytes, seconds and the peak Python memory (tracemalloc) of each download.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a scratch database (it is migrated and filled).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from aduan.reports.models import Report, Status

    call_command("migrate", verbosity=0)
    have = Report.objects.count()
    start = datetime(2025, 1, 1, tzinfo=ZoneInfo("Asia/Jakarta"))
    batch = 20_000
    while have < args.rows:
        n = min(batch, args.rows - have)
        Report.objects.bulk_create(
            Report(
                tracking_id=f"B{have + i:011d}",
                secret_hash="0" * 64,
                title="Jalan rusak",
                body="Jalan berlubang di depan sekolah, mohon diperbaiki.",
                public_title="Jalan rusak",
                public_body="Jalan berlubang di depan sekolah, mohon diperbaiki.",
                channel="web",
                status=Status.DISPATCHED,
                submitted_at=start + timedelta(seconds=30 * (have + i)),
            )
            for i in range(n)
        )
        have += n
        print(f"inserted {have:,}", file=sys.stderr)

    client = Client()
    for url in ("/data-terbuka/laporan.csv", "/data-terbuka/laporan.json"):
        tracemalloc.start()
        began = time.perf_counter()
        response = client.get(url)
        size = lines = 0
        for piece in response.streaming_content:
            size += len(piece)
            lines += piece.count(b"\n")
        seconds = time.perf_counter() - began
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{url}: {lines:,} lines, {size / 1e6:.1f} MB in {seconds:.1f} s, "
            f"peak Python memory {peak / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
