"""Two people acting on the same report at the same moment: one wins, the other gets a
clear conflict, and exactly one event is written."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from aduan.reports import lifecycle
from aduan.reports.lifecycle import Actor, Change
from aduan.reports.models import Report, ReportEvent, Status
from aduan.sla.sweep import sweep
from tests.factories import report

WIB = ZoneInfo("Asia/Jakarta")
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=WIB)


def race(*jobs):
    """Run jobs in threads released together; return their results or exceptions."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait(timeout=10)
            results[i] = job()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, j)) for i, j in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_desk_staff_dispatching_at_once(world):
    r = report(now=T0)

    def dispatch_to(agency):
        # Both read the report before either writes: the race is on the write.
        fresh = Report.objects.get(pk=r.pk)

        def job():
            return lifecycle.transition(
                fresh,
                "dispatch",
                actor=Actor.staff(world.desk),
                change=Change(agency=agency),
                now=T0 + timedelta(hours=1),
            )

        return job

    results = race(dispatch_to(world.bandung), dispatch_to(world.surabaya))
    wins = [x for x in results if isinstance(x, ReportEvent)]
    conflicts = [x for x in results if isinstance(x, lifecycle.Conflict)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    r.refresh_from_db()
    assert r.status == Status.DISPATCHED
    assert r.agency_id == wins[0].agency_id
    assert r.events.filter(action="dispatch").count() == 1


@pytest.mark.django_db(transaction=True)
def test_officer_respond_races_reporter_escalation(world):
    r = report(now=T0)
    lifecycle.transition(
        r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=world.bandung), now=T0
    )
    late = r.completion_due_at + timedelta(days=1)

    seen_by_officer = Report.objects.select_related("agency").get(pk=r.pk)
    seen_by_reporter = Report.objects.select_related("agency").get(pk=r.pk)

    def respond():
        return lifecycle.transition(
            seen_by_officer,
            "respond",
            actor=Actor.staff(world.bandung_officer),
            change=Change(message="Sudah selesai."),
            now=late,
        )

    def escalate():
        return lifecycle.transition(seen_by_reporter, "escalate", actor=Actor.reporter(), now=late)

    results = race(respond, escalate)
    assert sum(isinstance(x, ReportEvent) for x in results) == 1, results
    assert sum(isinstance(x, lifecycle.Conflict) for x in results) == 1, results
    assert ReportEvent.objects.filter(report=r).count() == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_act_once_per_report(world):
    reports = []
    for _ in range(6):
        r = report(now=T0)
        lifecycle.transition(
            r,
            "request_info",
            actor=Actor.staff(world.desk),
            change=Change(message="Lengkapi alamat."),
            now=T0,
        )
        reports.append(r)
    when = T0 + timedelta(days=30)
    results = race(lambda: sweep(now=when), lambda: sweep(now=when), lambda: sweep(now=when))
    assert not [x for x in results if isinstance(x, Exception)], results
    assert sum(x.total for x in results) == 6
    for r in reports:
        r.refresh_from_db()
        assert r.status == Status.REJECTED and r.rejection_reason == "incomplete"
        assert r.events.filter(action="expire").count() == 1
