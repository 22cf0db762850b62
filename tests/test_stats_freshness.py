"""Statistics figures may be up to ADUAN_STATS_FRESHNESS_SECONDS old, and the worker keeps
the national pages computed (aduan.stats.cache, aduan.stats.warm)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from aduan.stats import cache as stats_cache
from aduan.stats import warm


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> tuple[int, None]:
        self.calls += 1
        return self.calls, None


@pytest.mark.django_db
def test_fresh_values_survive_events_for_the_window(settings: Any) -> None:
    settings.ADUAN_STATS_FRESHNESS_SECONDS = 60
    compute, now = Counter(), timezone.now()
    assert stats_cache.cached("t", ("a",), compute, now=now) == 1
    stats_cache.bump()  # an event: the exact value is gone, the fresh one still serves
    assert stats_cache.cached("t", ("a",), compute, now=now + timedelta(seconds=59)) == 1
    # Past the window, a changed version means recomputing.
    assert stats_cache.cached("t", ("a",), compute, now=now + timedelta(seconds=61)) == 2
    # Without events, an exact value serves on (until its own valid_until).
    assert stats_cache.cached("t", ("a",), compute, now=now + timedelta(seconds=600)) == 2


@pytest.mark.django_db
def test_zero_window_is_exact_after_every_event(settings: Any) -> None:
    settings.ADUAN_STATS_FRESHNESS_SECONDS = 0
    compute, now = Counter(), timezone.now()
    assert stats_cache.cached("t", ("b",), compute, now=now) == 1
    assert stats_cache.cached("t", ("b",), compute, now=now) == 1
    stats_cache.bump()
    assert stats_cache.cached("t", ("b",), compute, now=now) == 2


@pytest.mark.django_db
def test_a_value_is_never_served_for_an_earlier_moment(settings: Any) -> None:
    settings.ADUAN_STATS_FRESHNESS_SECONDS = 60
    compute, now = Counter(), timezone.now()
    stats_cache.cached("t", ("c",), compute, now=now)
    assert stats_cache.cached("t", ("c",), compute, now=now - timedelta(seconds=1)) == 2


@pytest.mark.django_db
def test_worker_warms_the_national_pages(world: Any, client: Any, settings: Any) -> None:
    settings.ADUAN_STATS_FRESHNESS_SECONDS = 60
    cache.clear()
    assert warm.warm() > 0
    keys_after_warming = len(cache._cache)  # type: ignore[attr-defined]  # locmem
    assert keys_after_warming > 0
    # A visitor's request then computes nothing new.
    for name in ("stats:national", "stats:index"):
        assert client.get(reverse(name)).status_code == 200
    assert len(cache._cache) == keys_after_warming  # type: ignore[attr-defined]
