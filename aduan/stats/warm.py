"""Keep the national statistics pages computed, so no visitor waits for them.

The national dashboard and the compliance index aggregate every agency; computed cold
they take hundreds of milliseconds at millions of reports. The worker calls :func:`warm`
every minute: it renders both pages (default period, every language) exactly as a
visitor's request would, which leaves their figures in the statistics cache for the
freshness window (``ADUAN_STATS_FRESHNESS_SECONDS``, :mod:`aduan.stats.cache`).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from aduan.stats.views import public

logger = logging.getLogger(__name__)

PAGES = (("stats:national", public.national), ("stats:index", public.compliance_index))


def warm() -> float:
    """Render the national pages in every language; returns the seconds it took."""
    t0 = time.perf_counter()
    factory = RequestFactory()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for name, view in PAGES:
                request = factory.get(reverse(name), HTTP_ACCEPT_LANGUAGE=code)
                request.LANGUAGE_CODE = code
                response = view(request)
                if response.status_code != 200:
                    logger.warning("warming %s (%s) answered %s", name, code, response.status_code)
    return time.perf_counter() - t0


def upkeep() -> None:
    """The worker's minute: refresh marked facts, move the live overdue counts to now,
    then warm the pages."""
    from aduan.stats.rollups import advance, drain

    drain()
    advance()
    warm()
