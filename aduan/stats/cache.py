"""Caching of the statistics figures (KPI counters, live counts, trends, drill-downs, the
agency tables, the compliance ranking and the index page's rendered tables) so the
public statistics pages do not redo Python work over every agency on every request.

Staleness rule — a cached value is used only while all of these hold:

- the **statistics version** is unchanged. The version is a random token in the default
  cache; :func:`bump` replaces it. It is bumped by the rollup upkeep whenever a report's
  fact changes (every recorded event that changes a figure: immediately, so the writing
  transaction itself sees fresh figures, and again once the transaction commits, so a
  page computed between the first bump and the commit is not kept), by a full rebuild,
  and when an agency, a region, a category or the compliance settings are saved or
  deleted (names, hierarchy, weights);
- the value's own ``valid_until`` has not passed: figures that depend on the clock (an
  open report's deadline passing without an answer changes the compliance index) carry
  the next moment they would change, and are recomputed from then on;
- at most :data:`MAX_AGE` seconds have passed (a safety net for writes that bypass the
  hooks: raw SQL, ``QuerySet.update`` of agencies).

The key also holds the database name (one cache directory may serve several
databases), the active language (labels are translated) and the arguments.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

T = TypeVar("T")

MAX_AGE = 15 * 60  # seconds
_MISSING = object()


def _prefix() -> str:
    # One cache directory may serve several databases (development, benchmarks).
    from django.db import connection

    return f"stats:{connection.settings_dict['NAME']}"


def version() -> str:
    """The current statistics version token (created when missing or evicted)."""
    token = cache.get(f"{_prefix()}:version")
    if token is None:
        token = uuid.uuid4().hex
        # add(): two processes creating it at once agree on one token.
        if not cache.add(f"{_prefix()}:version", token, None):
            token = cache.get(f"{_prefix()}:version") or token
    return str(token)


def _new_version() -> None:
    cache.set(f"{_prefix()}:version", uuid.uuid4().hex, None)


def bump() -> None:
    """The figures changed: forget every cached table, now and after the commit."""
    _new_version()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_new_version)


def _key(name: str, parts: Iterable[Any]) -> str:
    raw = "|".join([name, translation.get_language() or "", *(str(p) for p in parts)])
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"{_prefix()}:{name}:{digest}"


def cached(
    name: str,
    parts: Iterable[Any],
    compute: Callable[[], tuple[T, datetime | None]],
    *,
    now: datetime | None = None,
) -> T:
    """``compute()`` → (value, valid_until or None), computed for the moment ``now`` and
    cached under the current version. It serves later calls whose ``now`` lies in
    [that moment, valid_until); other calls recompute."""
    return cached_until(name, parts, compute, now=now)[0]


def cached_until(
    name: str,
    parts: Iterable[Any],
    compute: Callable[[], tuple[T, datetime | None]],
    *,
    now: datetime | None = None,
) -> tuple[T, datetime | None]:
    """:func:`cached`, and the value's ``valid_until`` (for values derived from it)."""
    now = now or timezone.now()
    key = _key(name, [version(), *parts])
    hit = cache.get(key, _MISSING)
    if hit is not _MISSING:
        value, computed, valid_until = hit
        # Only for a clock between the computation and the next change (a caller asking
        # about an earlier moment than the computation recomputes too).
        if computed <= now and (valid_until is None or now < valid_until):
            return value, valid_until
    value, valid_until = compute()
    cache.set(key, (value, now, valid_until), MAX_AGE)
    return value, valid_until


def connect_signals() -> None:
    """Reference data the cached tables show (names, hierarchy, weights) → bump."""
    from django.db.models.signals import post_delete, post_save

    from aduan.agencies.models import Agency
    from aduan.regions.models import Region
    from aduan.reports.models import Category
    from aduan.stats.models import ComplianceSettings

    for model in (Agency, Region, Category, ComplianceSettings):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"stats-cache-{model.__name__}")
        post_delete.connect(
            _on_change, sender=model, dispatch_uid=f"stats-cache-del-{model.__name__}"
        )


def _on_change(**kwargs: Any) -> None:
    bump()
