"""Near-duplicate lookup cost at 1k vs 100k indexed reports (issue 6: no quadratic scan).

    DATABASE_URL=sqlite:////tmp/dedup_bench.sqlite3 .venv/bin/python bench/dedup_bench.py \\
        [--sizes 1000,100000] [--queries 200]

Uses its own scratch database (refuses to run without DATABASE_URL): migrates it, bulk-
generates reports spread over a year and 100 cities from a vocabulary of complaint
templates, streets and RT/RW (so buckets fill realistically: the same kinds of problem
recur in every city), indexes them as ``aduan dedup reindex`` does, then times
:func:`aduan.dedup.services.find_matches` for fresh reports — the intake path — at each
size. Prints per-lookup median/p95 and rows read; a scan would grow ~100× from 1k to 100k.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PROBLEMS = (
    ("Jalan berlubang di {street}", "Jalan di {street} {rt} berlubang besar, motor sering jatuh. "
     "Sudah {dur} tidak diperbaiki. Mohon segera ditambal."),
    ("Lampu jalan mati di {street}", "Lampu penerangan jalan di {street} {rt} mati {dur}, gelap "
     "dan rawan begal pada malam hari. Mohon diperbaiki."),
    ("Sampah menumpuk di {place}", "Sampah di {place} tidak diangkut {dur}, bau menyengat dan "
     "banyak lalat. Mohon truk sampah datang."),
    ("Air PDAM mati di {place}", "Air PDAM di {place} tidak mengalir {dur}, warga membeli air "
     "galon. Mohon distribusi air dipulihkan."),
    ("Pungli di {office}", "Petugas di {office} meminta uang Rp {amount} untuk layanan yang "
     "seharusnya gratis. Mohon ditindak."),
    ("Antrean lama di {office}", "Pelayanan di {office} lambat, antre dari pagi sampai siang. "
     "Mohon tambah petugas loket."),
    ("Banjir di {street}", "Setiap hujan {street} {rt} banjir karena saluran tersumbat. Air "
     "masuk rumah warga. Mohon saluran dibersihkan."),
    ("Bansos tidak cair di {place}", "Bantuan sosial untuk warga {place} tidak cair {dur} "
     "padahal terdaftar di DTKS. Mohon dicek."),
)  # fmt: skip
STREETS = tuple(
    f"Jl. {n}"
    for n in (
        "Merdeka", "Sudirman", "Ahmad Yani", "Diponegoro", "Pahlawan", "Gatot Subroto",
        "Melati", "Kenanga", "Cempaka", "Hasanuddin", "Imam Bonjol", "Veteran", "Pemuda",
        "Kartini", "Riau", "Cihampelas", "Setiabudi", "Pasteur", "Dago", "Tunjungan",
    )
)  # fmt: skip
KELURAHAN = ("Sukajadi", "Sukasari", "Cibeunying", "Kapasan", "Rungkut", "Tambaksari", "Gubeng")
PLACES = tuple(f"Kelurahan {n}" for n in KELURAHAN)
OFFICES = tuple(f"{k} {n}" for k in ("Kantor Kecamatan", "Puskesmas", "Dispendukcapil")
                for n in ("Utara", "Selatan", "Timur", "Barat", "Tengah"))  # fmt: skip
DURATIONS = ("dua minggu", "sebulan", "tiga bulan", "seminggu")
REGIONS = [f"99.{i:02d}" for i in range(100)]


def text_for(rng: random.Random) -> tuple[str, str]:
    title, body = rng.choice(PROBLEMS)
    values = {
        "street": rng.choice(STREETS),
        "rt": f"RT {rng.randint(1, 12):02d}/RW {rng.randint(1, 15):02d}",
        "place": rng.choice(PLACES),
        "office": rng.choice(OFFICES),
        "dur": rng.choice(DURATIONS),
        "amount": rng.choice(("50.000", "150.000", "300.000")),
    }
    return title.format(**values), body.format(**values)


def setup() -> None:
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a scratch database (it is migrated and filled).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def grow(target: int, rng: random.Random, start: datetime) -> int:
    from django.utils import timezone

    from aduan.dedup import services
    from aduan.dedup.models import BandKey, IndexedReport
    from aduan.regions.models import Region
    from aduan.reports import tracking
    from aduan.reports.models import Report

    for code in REGIONS:
        Region.objects.get_or_create(
            code=code, defaults={"level": "regency", "name": f"Kota Uji {code}",
                                 "time_zone": "Asia/Jakarta"},
        )  # fmt: skip
    have = Report.objects.count()
    now = timezone.now()
    while have < target:
        batch = []
        for _ in range(min(2000, target - have)):
            title, body = text_for(rng)
            batch.append(
                Report(
                    tracking_id=tracking.new_tracking_id(), secret_hash="x" * 64, title=title,
                    body=body, public_title=title, public_body=body, channel="web",
                    region_id=rng.choice(REGIONS),
                    submitted_at=start + timedelta(minutes=rng.randint(0, 365 * 24 * 60)),
                )
            )  # fmt: skip
        created = Report.objects.bulk_create(batch)
        entries, bands = [], []
        for report in created:
            entry, entry_bands = services.index_entry(report, now)
            entries.append(entry)
            bands += entry_bands
        IndexedReport.objects.bulk_create(entries)
        BandKey.objects.bulk_create(bands, batch_size=5000)
        have += len(created)
        print(f"  … {have} reports indexed", file=sys.stderr)
    return have


def measure(queries: int, rng: random.Random, start: datetime) -> dict[str, Any]:
    from django.db import connection, reset_queries

    from aduan.dedup import services
    from aduan.reports.models import Report

    timings, found = [], 0
    for i in range(queries):
        title, body = text_for(rng)
        probe = Report(
            pk=-(i + 1), title=title, body=body, region_id=rng.choice(REGIONS),
            submitted_at=start + timedelta(days=rng.randint(130, 360)),
        )  # fmt: skip
        t0 = time.perf_counter()
        found += len(services.find_matches(probe))
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    reset_queries()
    plan = ""
    if connection.vendor == "sqlite":
        from aduan.dedup.models import BandKey

        qs = BandKey.objects.filter(key__in=[1, 2], region_code="99.01")
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    return {
        "median_ms": statistics.median(timings),
        "p95_ms": timings[int(len(timings) * 0.95) - 1],
        "matches_per_lookup": found / queries,
        "plan": plan,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    setup()
    from django.utils import timezone

    from aduan.dedup.models import BandKey

    rng = random.Random(7)
    start = timezone.now() - timedelta(days=365)
    for size in sorted(int(s) for s in args.sizes.split(",")):
        t0 = time.perf_counter()
        have = grow(size, rng, start)
        built = time.perf_counter() - t0
        result = measure(args.queries, random.Random(size), start)
        print(
            f"{have:>7} reports ({BandKey.objects.count()} band rows, built in {built:.0f}s): "
            f"lookup median {result['median_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, "
            f"{result['matches_per_lookup']:.1f} matches/lookup"
        )
    if result["plan"]:
        print(f"query plan: {result['plan']}")


if __name__ == "__main__":
    main()
