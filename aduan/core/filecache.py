"""The default cache of a single-machine deployment: Django's file cache, culled at most
once a minute per process.

Django's ``FileBasedCache`` lists its whole directory on every ``set()`` to decide whether
to cull. Dashboard figures (per agency, region and period) and the rate limits' windows
(per client address) keep thousands of entries there, so every tracking lookup and every
submission paid milliseconds for that listing. Between culls the directory may exceed
``MAX_ENTRIES`` by what a minute adds; expired entries are removed when read, as before.
"""

from __future__ import annotations

import time

from django.core.cache.backends.filebased import FileBasedCache


class FileCache(FileBasedCache):
    CULL_EVERY_SECONDS = 60.0
    _last_cull = float("-inf")

    def _cull(self) -> None:
        now = time.monotonic()
        if now - self._last_cull < self.CULL_EVERY_SECONDS:
            return
        self._last_cull = now
        super()._cull()  # type: ignore[misc]
