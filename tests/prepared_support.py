"""Shared by the prepared-statement tests: what PostgreSQL's server has prepared."""

from __future__ import annotations

import pytest
from django.db import connection


def only_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL prepares statements; SQLite's driver caches them itself")


def prepared_runs(statement_like: str) -> int:
    """How many times this connection ran its prepared statements matching the
    ``LIKE`` pattern (each run of a prepared statement counts one plan, generic or not)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(generic_plans + custom_plans), 0)"
            " FROM pg_prepared_statements WHERE statement LIKE %s",
            [statement_like],
        )
        return int(cursor.fetchone()[0])
