"""ADUAN_STATS_DEFERRED: events only mark their report; drain() refreshes the facts and
rollups in batches, and then they equal a full recompute."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aduan.reports.lifecycle import Actor, Change, transition
from aduan.sla.management.commands.worker import Command as Worker
from aduan.stats import rollups
from aduan.stats.models import PendingFact, ReportFact
from tests.factories import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def deferred(settings: Any) -> None:
    settings.ADUAN_STATS_DEFERRED = True


@pytest.mark.usefixtures("deferred")
def test_events_mark_and_drain_refreshes(world: Any) -> None:
    first = report(title="Jalan berlubang di Sukasari")
    second = report(title="Lampu jalan mati")
    assert set(PendingFact.objects.values_list("report_id", flat=True)) == {first.pk, second.pk}
    assert not ReportFact.objects.exists()
    transition(
        first, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=world.bandung)
    )
    assert PendingFact.objects.count() == 2  # one mark per report, however many events
    assert rollups.drain() == 2
    assert not PendingFact.objects.exists()
    assert ReportFact.objects.get(report_id=first.pk).dispatched
    assert rollups.drain() == 0
    assert rollups.check().total == 0


@pytest.mark.usefixtures("deferred")
def test_marking_is_one_statement_and_check_drains_first(world: Any) -> None:
    r = report(title="Sampah menumpuk")
    rollups.drain()
    event = transition(r, "reject", actor=Actor.staff(world.desk), change=Change(reason="spam"))
    with CaptureQueriesContext(connection) as queries:
        rollups.on_events_recorded([event])
    assert len(queries) == 1
    assert ReportFact.objects.get(report_id=r.pk).status != "rejected"
    assert rollups.check().total == 0  # the due refresh is done, not reported as drift
    assert ReportFact.objects.get(report_id=r.pk).status == "rejected"


@pytest.mark.usefixtures("deferred")
def test_worker_drains_between_sweeps(world: Any, monkeypatch: Any) -> None:
    from aduan.sla.management.commands import worker

    monkeypatch.setattr(worker.connection, "close", lambda: None)  # the test's transaction
    report(title="Air PDAM keruh")
    stop = threading.Event()
    Worker._drain_until_next_sweep(stop, 0.05)
    assert not PendingFact.objects.exists()
    assert ReportFact.objects.count() == 1


def test_without_deferral_facts_follow_in_the_transaction(world: Any) -> None:
    r = report(title="Jembatan rusak")
    assert not PendingFact.objects.exists()
    assert ReportFact.objects.filter(report_id=r.pk).exists()
