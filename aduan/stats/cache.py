"""Caching of the statistics figures (KPI counters, live counts, trends, drill-downs, the
agency tables, the compliance ranking and the index page's rendered tables) so the
public statistics pages do not redo Python work over every agency on every request.

Staleness rule — a cached value is served while it is **exact**, or while it is **fresh**:

- exact: the **statistics version** is unchanged (a random token in the default cache;
  :func:`bump` replaces it whenever a report's fact changes — immediately, and again once
  the writing transaction commits — on a full rebuild, and when an agency, a region, a
  category or the compliance settings are saved or deleted), and the value's own
  ``valid_until`` has not passed (figures that depend on the clock, such as a deadline
  passing without an answer, carry the next moment they would change);
- fresh: it was computed less than ``ADUAN_STATS_FRESHNESS_SECONDS`` ago (default 60).
  A national system records an event every second and some deadline passes every few
  seconds; if every one of them made the next request recompute the national tables,
  nearly every request would be a cold one. Public figures up to a minute old are what
  every statistics office publishes; the worker recomputes the national pages every
  minute (:func:`aduan.stats.warm.warm`) so no visitor waits for them. 0 keeps the
  figures exact after every event (the tests run so);
- and never past :data:`MAX_AGE` seconds (a safety net for writes that bypass the hooks).

The key also holds the database name (one cache directory may serve several
databases), the active language (labels are translated) and the arguments.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
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
    key = _key(name, parts)
    current = version()
    hit = cache.get(key, _MISSING)
    if hit is not _MISSING and len(hit) == 4:
        value, computed, valid_until, computed_version = hit
        if computed <= now:  # never a value computed after the moment asked about
            exact = computed_version == current and (valid_until is None or now < valid_until)
            if exact or (now - computed).total_seconds() < freshness():
                return value, valid_until
    value, valid_until = compute()
    cache.set(key, (value, now, valid_until, current), MAX_AGE)
    return value, valid_until


def freshness() -> int:
    return int(getattr(settings, "ADUAN_STATS_FRESHNESS_SECONDS", 60))


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
