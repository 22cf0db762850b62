"""Table statistics for the query planner.

PostgreSQL's autovacuum analyses tables on its own, though only some time after a bulk
load. SQLite never does unless asked. Without ``sqlite_stat1`` its planner guessed the
public list's plan. On a 200,000-report database it read the public reports through
the status index and sorted them all: 527 ms for a page of 20, and 363 ms for the
capped count. With statistics, it reads the newest-first index instead: 17 ms and 63 ms.

SQLite: ``PRAGMA analysis_limit`` makes ``ANALYZE`` read a sample of each index (about
a thousand rows), so it takes milliseconds at any size. It holds the write lock only
that long. The worker refreshes SQLite's statistics every hour, and seeding does it
once at the end.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

SQLITE_ANALYSIS_LIMIT = 1000
SQLITE_EVERY_SECONDS = 3600.0


def refresh(tables: Iterable[str] | None = None) -> None:
    """ANALYZE ``tables`` (default: the whole database) on the default connection."""
    names = [connection.ops.quote_name(t) for t in tables or ()]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
        if not names:
            cursor.execute("ANALYZE")
        for name in names:
            cursor.execute(f"ANALYZE {name}")
