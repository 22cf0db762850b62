"""Per-client rate limits: tracking lookups (no enumeration), submissions, logins."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from aduan.core import ratelimit
from aduan.reports.models import Report, ReportType
from tests.factories import submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: Any) -> None:
    # Mid-window, so a slow test never crosses into a fresh window.
    monkeypatch.setattr(ratelimit.Counter, "timer", staticmethod(lambda: 7200.0 + 1800.0 + 30.0))


def test_unknown_tracking_ids_are_limited_per_address(client: Any, settings: Any) -> None:
    settings.ADUAN_RATE_TRACK_MISSES_PER_HOUR = 5
    url = reverse("reports:track_lookup")
    for n in range(5):
        assert client.get(url, {"id": f"AAAAA-BBBB{n}"}).status_code == 404
    blocked = client.get(url, {"id": "AAAAA-BBBB9"})
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == str(1800 - 30)
    assert "Terlalu banyak pencarian laporan" in blocked.content.decode()
    assert blocked["Cache-Control"] == "no-store"
    # Another address is not affected; the same address stays blocked for real IDs too.
    real = submit()
    other = client.get(url, {"id": real.tracking_id}, REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 302
    assert client.get(reverse("reports:track", args=[real.tracking_id])).status_code == 429


def test_found_reports_do_not_count_as_misses(client: Any, settings: Any) -> None:
    settings.ADUAN_RATE_TRACK_MISSES_PER_HOUR = 2
    receipt = submit()
    url = reverse("reports:track", args=[receipt.tracking_id])
    for _n in range(6):
        assert client.get(url).status_code == 200


def test_all_lookups_are_limited_per_minute(client: Any, settings: Any) -> None:
    settings.ADUAN_RATE_TRACK_PER_MINUTE = 3
    receipt = submit()
    url = reverse("reports:track", args=[receipt.tracking_id])
    assert [client.get(url).status_code for _n in range(4)] == [200, 200, 200, 429]
    assert client.get(url)["Retry-After"] == "30"


def test_api_lookup_limit_answers_in_the_api_error_format(client: Any, settings: Any) -> None:
    settings.ADUAN_RATE_TRACK_MISSES_PER_HOUR = 2
    for n in range(2):
        assert client.get(f"/api/v1/reports/ZZZZZ-ZZZZ{n}").status_code == 404
    blocked = client.get("/api/v1/reports/ZZZZZ-ZZZZ7")
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "rate_limited"
    assert "Coba lagi dalam 30 menit" in blocked.json()["error"]["message"]
    assert int(blocked["Retry-After"]) > 0


def web_form(n: int) -> dict[str, Any]:
    return {
        "token": "",
        "type": ReportType.COMPLAINT,
        "title": f"Lampu jalan mati nomor {n}",
        "body": "Lampu jalan di Jl. Merdeka mati sejak sebulan lalu dan jalan gelap gulita.",
    }


def test_web_submissions_are_limited_per_address(client: Any, world: Any, settings: Any) -> None:
    settings.ADUAN_RATE_SUBMISSIONS_PER_HOUR = 2
    url = reverse("reports:submit")
    # A form with errors is not a submission and does not count.
    assert client.post(url, {"title": ""}).status_code == 200
    assert client.post(url, web_form(1)).status_code == 302
    assert client.post(url, web_form(2)).status_code == 302
    blocked = client.post(url, web_form(3))
    assert blocked.status_code == 429
    assert "Terlalu banyak laporan dikirim" in blocked.content.decode()
    assert Report.objects.count() == 2
    assert client.post(url, web_form(4), REMOTE_ADDR="10.1.1.1").status_code == 302


def test_api_submissions_are_limited(client: Any, world: Any, settings: Any) -> None:
    settings.ADUAN_RATE_SUBMISSIONS_PER_HOUR = 1
    body = {
        "type": "complaint",
        "title": "Jalan berlubang di depan pasar",
        "body": "Lubang besar di depan pasar membahayakan pengendara motor setiap malam.",
    }
    first = client.post("/api/v1/reports", body, content_type="application/json")
    assert first.status_code == 201, first.content
    second = client.post("/api/v1/reports", body, content_type="application/json")
    assert second.status_code == 429
    assert second.json()["error"]["code"] == "rate_limited"
    assert Report.objects.count() == 1


def test_login_attempts_are_limited_per_address(client: Any, world: Any, settings: Any) -> None:
    settings.ADUAN_RATE_LOGIN_PER_10_MINUTES = 3
    url = reverse("accounts:login")
    codes = [
        client.post(url, {"username": f"orang{n}@example.id", "password": "salah"}).status_code
        for n in range(4)
    ]
    assert codes[:3] == [200, 200, 200]
    assert codes[3] == 429
    blocked = client.post(url, {"username": "x@example.id", "password": "salah"})
    assert "Terlalu banyak percobaan masuk" in blocked.content.decode()


def test_proxy_header_is_used_only_when_configured(client: Any, settings: Any) -> None:
    settings.ADUAN_RATE_TRACK_MISSES_PER_HOUR = 1
    url = reverse("reports:track_lookup")
    assert client.get(url, {"id": "AAAAA-BBBB1"}, HTTP_X_REAL_IP="1.1.1.1").status_code == 404
    # Without the setting the header is ignored: same REMOTE_ADDR, blocked.
    assert client.get(url, {"id": "AAAAA-BBBB2"}, HTTP_X_REAL_IP="2.2.2.2").status_code == 429
    settings.ADUAN_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert client.get(url, {"id": "AAAAA-BBBB3"}, HTTP_X_REAL_IP="3.3.3.3").status_code == 404


@pytest.fixture(params=["locmem", "file"])
def counter_cache(request: Any, tmp_path: Any, monkeypatch: Any) -> Any:
    """The rate limiter's cache: Django's in-memory one, or the single-machine file cache."""
    from django.core.cache.backends.locmem import LocMemCache

    from aduan.core.filecache import FileCache

    backend: Any = (
        LocMemCache("rate-test", {})
        if request.param == "locmem"
        else FileCache(str(tmp_path / "cache"), {})
    )
    monkeypatch.setattr(ratelimit, "cache", backend)
    return backend


def test_a_counter_counts_every_hit_from_the_windows_first(counter_cache: Any) -> None:
    rule = ratelimit.RULES[0]
    counter = ratelimit.Counter(rule, "203.0.113.9")
    assert counter.count() == 0
    assert [counter.hit() for _ in range(4)] == [1, 2, 3, 4]
    assert counter.count() == 4
    # Its own window and client: another address starts from one.
    assert ratelimit.Counter(rule, "203.0.113.10").hit() == 1


def test_a_window_started_by_another_process_meanwhile_is_counted_on(
    counter_cache: Any, monkeypatch: Any
) -> None:
    if hasattr(counter_cache, "hit_window"):
        # The file cache counts by appending (below): no add() that another could race.
        from django.core.cache.backends.filebased import FileBasedCache

        counter_cache = FileBasedCache(counter_cache._dir, {})
        monkeypatch.setattr(ratelimit, "cache", counter_cache)
    rule = ratelimit.RULES[0]
    counter = ratelimit.Counter(rule, "203.0.113.11")
    real_add = counter_cache.add

    def racing_add(key: str, value: Any, timeout: Any = None) -> bool:
        # Between this process's failed increment and its add, another one hit twice.
        real_add(key, 2, timeout=timeout)
        return bool(real_add(key, value, timeout=timeout))

    monkeypatch.setattr(counter_cache, "add", racing_add)
    assert counter.hit() == 3
    assert counter.count() == 3


def _hit_many(directory: str, times: int) -> None:
    from aduan.core.filecache import FileCache

    counter = ratelimit.Counter(ratelimit.RULES[0], "203.0.113.20")
    cache = FileCache(directory, {})
    for _ in range(times):
        cache.hit_window(counter.key, counter.ends_at, counter.now)


def test_file_counters_lose_no_hit_between_processes(tmp_path: Any, monkeypatch: Any) -> None:
    import multiprocessing

    from aduan.core.filecache import FileCache

    cache = FileCache(str(tmp_path / "cache"), {})
    monkeypatch.setattr(ratelimit, "cache", cache)
    fork = multiprocessing.get_context("fork")
    workers = [fork.Process(target=_hit_many, args=(cache._dir, 150)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    counter = ratelimit.Counter(ratelimit.RULES[0], "203.0.113.20")
    assert counter.count() == 600  # Django's incr() (read, then write) loses some here
    assert counter.hit() == 601


def test_file_counters_of_ended_windows_are_swept(tmp_path: Any, monkeypatch: Any) -> None:
    from aduan.core import filecache

    cache = filecache.FileCache(str(tmp_path / "cache"), {})
    monkeypatch.setattr(ratelimit, "cache", cache)
    rule = next(r for r in ratelimit.RULES if r.window == 60)
    old = ratelimit.Counter(rule, "203.0.113.30")
    old.hit()
    directory = tmp_path / "cache" / filecache.COUNTERS
    assert len(list(directory.iterdir())) == 1
    # Two minutes later: the old window has ended; a hit in the new one sweeps it.
    monkeypatch.setattr(ratelimit.Counter, "timer", staticmethod(lambda: old.now + 120))
    cache._last_sweep = float("-inf")
    now = ratelimit.Counter(rule, "203.0.113.30")
    assert now.hit() == 1
    assert [p.name.split("-")[0] for p in directory.iterdir()] == [str(int(now.ends_at))]
    assert old.count() == 0
    # The cache's own clear() and cull leave the counters alone.
    cache.clear()
    assert now.count() == 1


def test_the_agency_api_throttle_counts_with_the_same_windows(counter_cache: Any) -> None:
    from aduan.integrations.auth import Window

    assert [Window("key:7").hit() for _ in range(3)] == [1, 2, 3]
    assert Window("key:7").count() == 3 and Window("key:8").count() == 0
    if hasattr(counter_cache, "hit_window"):  # the file cache: appended, not incr()
        assert counter_cache.window_hits(Window("key:7").key, Window("key:7").ends_at) == 3
