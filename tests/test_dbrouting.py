"""Read-replica routing: which requests read from the replica, and read-your-writes."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import resolve

from aduan.core import dbrouting
from aduan.reports.models import Report

router = dbrouting.ReplicaRouter()


@pytest.fixture
def replica(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    monkeypatch.setattr(dbrouting, "replica_configured", lambda: True)
    settings.ADUAN_REPLICA_URLS = ["stats", "reports:list"]


def _through(request: HttpRequest, status: int = 200) -> tuple[str, HttpResponse]:
    """Run the middleware around a view that reports where a read would go."""
    seen: dict[str, str] = {}

    def view(req: HttpRequest) -> HttpResponse:
        seen["alias"] = router.db_for_read(Report)
        return HttpResponse(status=status)

    middleware = dbrouting.ReplicaMiddleware(lambda req: view(req))

    def get_response(req: HttpRequest) -> HttpResponse:
        req.resolver_match = resolve(req.path)
        middleware.process_view(req, view, (), {})
        return view(req)

    middleware.get_response = get_response
    response = middleware(request)
    return seen["alias"], response


def test_public_list_and_dashboards_read_from_the_replica(replica: None) -> None:
    rf = RequestFactory()
    assert _through(rf.get("/laporan/"))[0] == "replica"
    assert _through(rf.get("/statistik/"))[0] == "replica"


def test_other_pages_and_every_write_use_the_primary(replica: None) -> None:
    rf = RequestFactory()
    assert _through(rf.get("/petugas/"))[0] == "default"
    assert _through(rf.get("/lapor/"))[0] == "default"
    assert _through(rf.post("/laporan/"))[0] == "default"
    assert router.db_for_write(Report) == "default"


def test_a_browser_that_just_wrote_reads_its_writes_from_the_primary(replica: None) -> None:
    rf = RequestFactory()
    _, response = _through(rf.post("/lapor/"))
    cookie = response.cookies[dbrouting.STICKY_COOKIE]
    assert cookie["max-age"] > 0 and cookie["httponly"]
    after = rf.get("/laporan/")
    after.COOKIES[dbrouting.STICKY_COOKIE] = cookie.value
    assert _through(after)[0] == "default"


def test_a_refused_write_sets_no_cookie(replica: None) -> None:
    _, response = _through(RequestFactory().post("/lapor/"), status=400)
    assert dbrouting.STICKY_COOKIE not in response.cookies


def test_without_a_replica_nothing_changes(client: Any, db: None) -> None:
    assert not dbrouting.replica_configured()
    response = client.post("/lapor/", {})
    assert dbrouting.STICKY_COOKIE not in response.cookies
    assert router.db_for_read(Report) == "default"


def test_the_replica_is_never_migrated() -> None:
    assert router.allow_migrate("default", "reports")
    assert not router.allow_migrate("replica", "reports")
