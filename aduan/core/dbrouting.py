"""Read replica routing: public and dashboard reads go to a streaming replica.

Configured by ``ADUAN_REPLICA_DATABASE_URL`` (a second alias, ``replica``). Without it
everything stays on ``default`` and this module does nothing.

Which reads may be stale by a second or two is decided per *page*, not per query: the
middleware marks a request as replica-safe when it is a GET/HEAD of a URL whose name or
namespace is listed in ``ADUAN_REPLICA_URLS`` (public lists, dashboards, open data, the
statistics API), and the router then sends every read of that request to the replica.
Writes always go to the primary, and so does every read of a request that is not marked.

Read-your-writes: a browser that has just written (any successful POST/PUT/PATCH/DELETE)
gets a short-lived cookie; while it is there, that browser reads from the primary, so a
reporter who has just filed sees their report in the public list at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
STICKY_COOKIE = "aduan_rw"
SAFE_METHODS = frozenset({"GET", "HEAD"})

_use_replica: ContextVar[bool] = ContextVar("aduan_use_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reading_from_replica(enabled: bool = True) -> Iterator[None]:
    token = _use_replica.set(enabled and replica_configured())
    try:
        yield
    finally:
        _use_replica.reset(token)


class ReplicaRouter:
    """Reads of replica-safe requests → ``replica``; everything else → ``default``."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        return REPLICA if _use_replica.get() else "default"

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # Both aliases hold the same data: objects read from either may be related.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # The replica follows the primary by streaming replication, never by migrating.
        return db == "default"


def _replica_safe(request: HttpRequest) -> bool:
    match = request.resolver_match
    if match is None or request.method not in SAFE_METHODS:
        return False
    if request.COOKIES.get(STICKY_COOKIE):
        return False
    allowed: set[str] = set(settings.ADUAN_REPLICA_URLS)
    return bool(
        (match.view_name and match.view_name in allowed)
        or any(ns in allowed for ns in match.namespaces)
    )


class ReplicaMiddleware:
    """Marks replica-safe requests and keeps a browser that just wrote on the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _use_replica.set(False)
        try:
            response = self.get_response(request)
        finally:
            _use_replica.reset(token)
        if (
            request.method not in SAFE_METHODS
            and response.status_code < 400
            and replica_configured()
        ):
            response.set_cookie(
                STICKY_COOKIE,
                "1",
                max_age=settings.ADUAN_REPLICA_STICKY_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if replica_configured() and _replica_safe(request):
            _use_replica.set(True)
        return None


def replica_lag_seconds() -> float | None:
    """How far the replica is behind (PostgreSQL), for the health check and the script."""
    if not replica_configured() or connections[REPLICA].vendor != "postgresql":
        return None
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)"
        )
        row = cursor.fetchone()
    return float(row[0]) if row else None
