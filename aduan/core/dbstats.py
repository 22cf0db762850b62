"""Table statistics for the query planner.

PostgreSQL's autovacuum analyses tables on its own, though only some time after a bulk
load. SQLite never does unless asked. Without ``sqlite_stat1`` its planner guessed the
public list's plan. On a 200,000-report database it read the public reports through
the status index and sorted them all: 527 ms for a page of 20, and 363 ms for the
capped count. With statistics, it reads the newest-first index instead: 17 ms and 63 ms.

A sampled ``ANALYZE`` (``PRAGMA analysis_limit``) is not enough: it took the report
status for a selective column again. So the statistics are complete. A full
``ANALYZE`` reads every index: 1.7 s at 200,000 reports, holding SQLite's write lock
meanwhile. Seeding ends with one. The worker checks every hour and analyses again only
when the reports table has grown by a quarter since: often while a database is small
and the pass is quick, rarely once it is large.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connection, connections

SQLITE_CHECK_SECONDS = 3600.0
SQLITE_GROWTH = 1.25
WATCHED_TABLE = "reports_report"


def refresh(tables: Iterable[str] | None = None) -> None:
    """ANALYZE ``tables`` (default: the whole database) on the default connection."""
    names = [connection.ops.quote_name(t) for t in tables or ()]
    with connection.cursor() as cursor:
        if not names:
            cursor.execute("ANALYZE")
        for name in names:
            cursor.execute(f"ANALYZE {name}")


def sqlite_rows_analysed(table: str = WATCHED_TABLE) -> int | None:
    """The row count SQLite's statistics hold for ``table`` (None: never analysed)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return None
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        counts = [int(str(row[0]).split()[0]) for row in cursor.fetchall() if row[0]]
    return max(counts) if counts else None


def refresh_sqlite_if_grown(table: str = WATCHED_TABLE) -> bool:
    """On SQLite, ANALYZE when ``table`` was never analysed or has grown by
    ``SQLITE_GROWTH`` since. Returns whether it did. PostgreSQL: never (autovacuum)."""
    if connection.vendor != "sqlite":
        return False
    analysed = sqlite_rows_analysed(table)
    with connection.cursor() as cursor:
        # A table name from code, quoted: no user input reaches this statement.
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        rows = int(cursor.fetchone()[0])
    if analysed is not None and rows < analysed * SQLITE_GROWTH:
        return False
    refresh()
    return True


def restore_sqlite_lost(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """On an SQLite database that has statistics, ANALYZE each indexed table that has
    none (remade by a migration, or new); returns their names. A database never
    analysed is left to seeding and the worker (an empty one has nothing to measure)."""
    conn = connections[using]
    if conn.vendor != "sqlite":
        return []
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return []
        cursor.execute(
            "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'index'"
            " AND tbl_name NOT LIKE 'sqlite_%' AND tbl_name NOT IN (SELECT tbl FROM sqlite_stat1)"
            " ORDER BY tbl_name"
        )
        lost = [row[0] for row in cursor.fetchall()]
        for name in lost:
            cursor.execute(f"ANALYZE {conn.ops.quote_name(name)}")
    return lost


def after_migrate(using: str = DEFAULT_DB_ALIAS, **_kwargs: object) -> None:
    """``post_migrate`` receiver: :func:`restore_sqlite_lost`."""
    restore_sqlite_lost(using)
