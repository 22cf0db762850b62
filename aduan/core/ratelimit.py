"""Per-client rate limits of the public web pages and API, as one middleware.

The same fixed-window counters in Django's cache as the agency API's throttle
(:mod:`aduan.integrations.auth`), with a window per rule:

* ``track``: tracking lookups (web page, tracking page, API detail) per client address
  per minute;
* ``track-miss``: lookups of IDs that do not exist, per address per hour, so nobody can
  walk the ID space ("no enumeration"): a reporter who mistypes once or twice never
  notices it;
* ``submit``: reports created (web form or API) per address per hour;
* ``login``: login attempts per address per ten minutes, across all user names (django-axes
  locks one user name + address pair; this slows password spraying).

Past a limit the answer is ``429`` with ``Retry-After`` and a clear message (an HTML page,
or the API's error body under ``/api/``). The client address is ``REMOTE_ADDR``, or the
header named by ``ADUAN_CLIENT_IP_HEADER`` when a trusted reverse proxy sets it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from aduan.core.api import error_body


@dataclass(frozen=True)
class Rule:
    name: str
    views: frozenset[str]
    methods: frozenset[str]
    setting: str
    default: int
    window: int  # seconds
    # None: every matching request counts (before the view); otherwise only responses
    # with one of these statuses count (after the view).
    statuses: frozenset[int] | None = None

    @property
    def limit(self) -> int:
        return int(getattr(settings, self.setting, self.default))


TRACKING_VIEWS = frozenset({"reports:track_lookup", "reports:track", "api-report-detail"})
RULES = (
    Rule(
        "track", TRACKING_VIEWS, frozenset({"GET", "HEAD"}), "ADUAN_RATE_TRACK_PER_MINUTE", 30, 60
    ),
    Rule(
        "track-miss",
        TRACKING_VIEWS,
        frozenset({"GET", "HEAD"}),
        "ADUAN_RATE_TRACK_MISSES_PER_HOUR",
        20,
        3600,
        statuses=frozenset({404}),
    ),
    Rule(
        "submit",
        frozenset({"reports:submit", "api-reports"}),
        frozenset({"POST"}),
        "ADUAN_RATE_SUBMISSIONS_PER_HOUR",
        20,
        3600,
        statuses=frozenset({201, 302}),
    ),
    Rule(
        "login",
        frozenset({"accounts:login", "admin:login"}),
        frozenset({"POST"}),
        "ADUAN_RATE_LOGIN_PER_10_MINUTES",
        30,
        600,
    ),
)


def hit_window(key: str, ends_at: float, now: float) -> int:
    """Count one hit in the fixed window ``key``, which ends at the timestamp ``ends_at``;
    returns its hits so far, other processes' included. Shared by these rules and the
    agency API's throttle (:mod:`aduan.integrations.auth`)."""
    file_hit = getattr(cache, "hit_window", None)  # the file cache's appending counters
    if file_hit is not None:
        return int(file_hit(key, ends_at, now))
    timeout = max(1, math.ceil(ends_at - now))
    # Increment first: the window's counter exists for every hit but its first, so that
    # is one cache operation where add-then-increment was two.
    try:
        return int(cache.incr(key))
    except ValueError:  # the window's first hit
        pass
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:  # another process started the window meanwhile
        return int(cache.incr(key))
    except ValueError:  # and it expired in between
        cache.set(key, 1, timeout=timeout)
        return 1


def window_hits(key: str, ends_at: float) -> int:
    """Hits counted so far in the window ``key``; 0 before its first."""
    file_hits = getattr(cache, "window_hits", None)
    if file_hits is not None:
        return int(file_hits(key, ends_at))
    return int(cache.get(key, 0))


class FixedWindow:
    """The current fixed window of ``seconds`` for ``name``: its key, when it resets and its
    count (:func:`hit_window`); ``timer`` is replaceable in tests. The rate-limit rules
    (:class:`Counter`) and the agency API's throttle (``aduan.integrations.auth.Window``)
    are both windows of this kind."""

    timer: Callable[[], float] = staticmethod(time.time)

    def __init__(self, name: str, seconds: int) -> None:
        self.now = now = self.timer()
        index = int(now // seconds)
        ends = (index + 1) * seconds
        self.reset_in = max(1, math.ceil(ends - now))
        self.key = f"{name}:{index}"
        self.ends_at = ends + 5  # kept 5 s past the window

    def count(self) -> int:
        return window_hits(self.key, self.ends_at)

    def hit(self) -> int:
        """Count one hit; returns the count in this window so far."""
        return hit_window(self.key, self.ends_at, self.now)


class Counter(FixedWindow):
    """One fixed window per rule and client."""

    def __init__(self, rule: Rule, client: str) -> None:
        super().__init__(f"aduan:rl:{rule.name}:{client}", rule.window)


def client_address(request: HttpRequest) -> str:
    header = getattr(settings, "ADUAN_CLIENT_IP_HEADER", "")
    if header:
        forwarded = str(request.META.get(header, "")).split(",")[0].strip()
        if forwarded:
            return forwarded
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def too_many(request: HttpRequest, rule: Rule, retry_after: int) -> HttpResponse:
    minutes = max(1, math.ceil(retry_after / 60))
    if rule.name == "submit":
        message = _(
            "Terlalu banyak laporan dikirim dari alamat jaringan Anda. Coba lagi dalam "
            "%(minutes)s menit."
        ) % {"minutes": minutes}
    elif rule.name == "login":
        message = _(
            "Terlalu banyak percobaan masuk dari alamat jaringan Anda. Coba lagi dalam "
            "%(minutes)s menit."
        ) % {"minutes": minutes}
    else:
        message = _(
            "Terlalu banyak pencarian laporan dari alamat jaringan Anda. Coba lagi dalam "
            "%(minutes)s menit."
        ) % {"minutes": minutes}
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body("rate_limited", message), status=429)
    else:
        response = render(request, "core/rate_limited.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for rule in getattr(request, "_aduan_rate_rules", ()):
            if rule.statuses is not None and response.status_code in rule.statuses:
                Counter(rule, client_address(request)).hit()
        return response

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        name = match.view_name if match is not None else ""
        rules = [r for r in RULES if name in r.views and request.method in r.methods]
        if not rules:
            return None
        request._aduan_rate_rules = rules  # type: ignore[attr-defined]
        client = client_address(request)
        for rule in rules:
            counter = Counter(rule, client)
            used = counter.count() + 1 if rule.statuses is not None else counter.hit()
            if used > rule.limit:
                request._aduan_rate_rules = []  # type: ignore[attr-defined]
                return too_many(request, rule, counter.reset_in)
        return None
