"""The file cache culls at most once a minute instead of listing its directory on every
set (aduan/core/filecache.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aduan.core.filecache import FileCache


def make(tmp_path: Path, max_entries: int = 5) -> FileCache:
    return FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": max_entries}})


def entries(tmp_path: Path) -> int:
    return len(list(tmp_path.glob("*.djcache")))


def test_is_the_default_backend(monkeypatch: Any) -> None:
    import importlib

    from aduan import settings as project

    monkeypatch.delenv("ADUAN_CACHE_BACKEND", raising=False)
    fresh = importlib.reload(project)
    try:
        assert fresh.CACHES["default"]["BACKEND"] == "aduan.core.filecache.FileCache"
        assert fresh.CACHES["default"]["OPTIONS"] == {"MAX_ENTRIES": 20000}
    finally:
        monkeypatch.undo()
        importlib.reload(project)


def test_culls_once_a_minute(tmp_path: Path, monkeypatch: Any) -> None:
    clock = [1000.0]
    monkeypatch.setattr("aduan.core.filecache.time.monotonic", lambda: clock[0])
    listed = []
    cache = make(tmp_path)
    original = cache._list_cache_files

    def counting() -> list[str]:
        listed.append(1)
        return original()

    monkeypatch.setattr(cache, "_list_cache_files", counting)
    for i in range(12):
        cache.set(f"k{i}", i)
    # One listing (the first set) instead of twelve; the directory outgrew MAX_ENTRIES.
    assert len(listed) == 1
    assert entries(tmp_path) == 12
    assert cache.get("k11") == 11
    clock[0] += 61
    cache.set("later", 1)
    assert len(listed) == 2
    # Culled: Django removes a third of the entries when over MAX_ENTRIES, then writes.
    assert entries(tmp_path) < 12


def test_reads_writes_and_counters_work(tmp_path: Path) -> None:
    cache = make(tmp_path, max_entries=100)
    assert cache.add("n", 0, timeout=60)
    assert not cache.add("n", 5)
    assert cache.incr("n") == 1
    assert cache.incr("n") == 2
    cache.set("gone", 1, timeout=-1)
    assert cache.get("gone") is None
