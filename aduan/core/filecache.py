"""The default cache of a single-machine deployment: Django's file cache, culled at most
once a minute per process, with counters that cost one append.

Django's ``FileBasedCache`` lists its whole directory on every ``set()`` to decide whether
to cull. Dashboard figures (per agency, region and period) and the rate limits' windows
(per client address) keep thousands of entries there, so every tracking lookup and every
submission paid milliseconds for that listing. Between culls the directory may exceed
``MAX_ENTRIES`` by what a minute adds; expired entries are removed when read, as before.

Rate-limit counters (:mod:`aduan.core.ratelimit`) do not go through ``incr()``: on this
cache that is a read, then a new file renamed over the old one (~0.45 ms on ext4, which
flushes a file replaced by rename), on every tracking lookup; and two processes
incrementing at once could both write the same number. :meth:`FileCache.hit_window`
appends one byte to the window's own file instead, and its size is the count: appends
are atomic on a local file system, so no hit is lost between processes. A directory
shared between machines (NFS) does not make appends atomic; a deployment on several
machines uses Redis for its cache (``bench/scaleout.py``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time

from django.core.cache.backends.filebased import FileBasedCache

COUNTERS = "counters"  # a subdirectory: the cache's own cull and clear() never see it


class FileCache(FileBasedCache):
    CULL_EVERY_SECONDS = 60.0
    _last_cull = float("-inf")
    _last_sweep = float("-inf")

    def _cull(self) -> None:
        now = time.monotonic()
        if now - self._last_cull < self.CULL_EVERY_SECONDS:
            return
        self._last_cull = now
        super()._cull()  # type: ignore[misc]

    # ---- fixed-window counters ------------------------------------------------------------

    def _window_file(self, key: str, ends_at: float) -> str:
        digest = hashlib.sha256(self.make_and_validate_key(key).encode()).hexdigest()[:40]
        return os.path.join(self._dir, COUNTERS, f"{int(ends_at)}-{digest}")  # type: ignore[attr-defined]

    def hit_window(self, key: str, ends_at: float, now: float) -> int:
        """Count one hit in the window ``key`` (which ends at ``ends_at``, a timestamp);
        returns its hits so far, this one and other processes' included."""
        path = self._window_file(key, ends_at)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
        try:
            fd = os.open(path, flags, 0o600)
        except FileNotFoundError:
            os.makedirs(os.path.dirname(path), 0o700, exist_ok=True)
            fd = os.open(path, flags, 0o600)
        try:
            os.write(fd, b".")
            hits = os.fstat(fd).st_size
        finally:
            os.close(fd)
        self._sweep_windows(now)
        return hits

    def window_hits(self, key: str, ends_at: float) -> int:
        """Hits counted so far in the window ``key``; 0 before its first."""
        try:
            return os.stat(self._window_file(key, ends_at)).st_size
        except FileNotFoundError:
            return 0

    def _sweep_windows(self, now: float) -> None:
        """Remove the files of windows that have ended, at most once a minute."""
        clock = time.monotonic()
        if clock - self._last_sweep < self.CULL_EVERY_SECONDS:
            return
        self._last_sweep = clock
        directory = os.path.join(self._dir, COUNTERS)  # type: ignore[attr-defined]
        try:
            names = os.listdir(directory)
        except FileNotFoundError:
            return
        for name in names:
            ends, _dash, _digest = name.partition("-")
            if ends.isdigit() and int(ends) < now:
                with contextlib.suppress(FileNotFoundError):  # another process swept it
                    os.remove(os.path.join(directory, name))
