"""``Report.offer_at``: when the Ombudsman offer falls due, kept by every transition and
cleared by the sweep once offered, so the sweep's offer scan reads only offers still owed
(an idle sweep at ten million reports must not re-read the offered ones every minute)."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aduan.reports import lifecycle
from aduan.reports.effects import offer_time
from aduan.reports.lifecycle import Actor, Change
from aduan.reports.models import Report, ReportType
from aduan.sla import deadlines
from aduan.sla.escalation import offer_ombudsman
from aduan.sla.models import SlaAction, SlaLimit
from aduan.sla.sweep import sweep
from tests.factories import report

WIB = ZoneInfo("Asia/Jakarta")


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=WIB)


def dispatched(world: Any, when: datetime, **fields: Any) -> Report:
    change = Change(agency=world.bandung, needs_inspection=fields.pop("inspection", None))
    r = report(now=when, **fields)
    lifecycle.transition(r, "dispatch", actor=Actor.staff(world.desk), change=change, now=when)
    r.refresh_from_db()
    return r


def offers(r: Report) -> int:
    return SlaAction.objects.filter(report=r, kind="ombudsman_offer").count()


def test_offer_at_is_set_on_dispatch_kept_while_open_and_cleared_on_close(world: Any) -> None:
    r = dispatched(world, at(2026, 11, 2, 10), type=ReportType.ASPIRATION)
    # An aspiration's completion limit (5 working days) comes before the 60 days.
    assert r.completion_due_at == at(2026, 11, 9, 23, 59, 59)
    assert r.offer_at == r.completion_due_at
    officer = Actor.staff(world.bandung_officer)
    lifecycle.transition(
        r, "respond", actor=officer, change=Change(message="Sudah."), now=at(2026, 11, 3)
    )
    r.refresh_from_db()
    assert r.offer_at == at(2026, 11, 9, 23, 59, 59)  # responded: still owed
    lifecycle.transition(r, "close", actor=Actor.reporter(), now=at(2026, 11, 4))
    r.refresh_from_db()
    assert r.offer_at is None
    assert not Report.objects.filter(offer_at__isnull=False).exists()


def test_offer_at_is_sixty_days_after_dispatch_when_that_comes_first(world: Any) -> None:
    r = dispatched(world, at(2026, 11, 2, 10), inspection=True)
    assert r.completion_due_at is not None and r.completion_due_at > at(2027, 1, 2)
    assert r.offer_at == at(2027, 1, 1, 23, 59, 59)
    assert r.offer_at == offer_time(
        status=r.status,
        dispatched_at=r.dispatched_at,
        completion_due_at=r.completion_due_at,
        tz="Asia/Jakarta",
    )


def test_escalating_to_the_ombudsman_clears_it(world: Any) -> None:
    r = dispatched(world, at(2026, 11, 2, 10), type=ReportType.ASPIRATION)
    lifecycle.transition(r, "escalate", actor=Actor.reporter(), now=at(2026, 11, 12, 9))
    r.refresh_from_db()
    assert r.status == "escalated" and r.offer_at is None


def test_the_offer_clears_offer_at_so_a_quiet_sweep_reads_nothing(world: Any) -> None:
    r = dispatched(world, at(2026, 11, 2, 10), type=ReportType.ASPIRATION)
    assert sweep(now=at(2026, 11, 10, 0, 0, 1)).sla["ombudsman_offer"] == 1
    r.refresh_from_db()
    assert r.offer_at is None and offers(r) == 1
    with CaptureQueriesContext(connection) as queries:
        assert offer_ombudsman(now=at(2026, 11, 10, 0, 1)) == 0
    assert len(queries) == 1  # the index read, empty


def test_an_offer_at_set_again_after_the_offer_is_cleared_without_a_second_offer(
    world: Any,
) -> None:
    r = dispatched(world, at(2026, 11, 2, 10), type=ReportType.ASPIRATION)
    sweep(now=at(2026, 11, 10, 0, 0, 1))
    # E.g. two sweeps raced, or a transition within the open states set it again.
    Report.objects.filter(pk=r.pk).update(offer_at=at(2026, 11, 9, 23, 59, 59))
    assert offer_ombudsman(now=at(2026, 11, 10, 0, 2)) == 0
    r.refresh_from_db()
    assert r.offer_at is None and offers(r) == 1


def test_a_longer_limit_moves_the_offer_instead_of_making_it(world: Any) -> None:
    r = dispatched(world, at(2026, 11, 2, 10), inspection=True)
    SlaLimit.objects.filter(key=SlaLimit.Key.OMBUDSMAN_AFTER_DISPATCH).update(days=90)
    deadlines.clear_cache()
    assert offer_ombudsman(now=at(2027, 1, 2, 0, 0, 1)) == 0
    r.refresh_from_db()
    # Now the completion limit (60 working days) comes first.
    assert r.offer_at == r.completion_due_at == at(2027, 1, 28, 23, 59, 59)
    assert offers(r) == 0
    assert offer_ombudsman(now=at(2027, 1, 29)) == 1


def test_offers_older_than_the_catch_up_reach_are_left_alone(world: Any) -> None:
    r = dispatched(world, at(2026, 1, 5, 10), type=ReportType.ASPIRATION)
    # 60 days × 2 + 14 + 30 = 164 days after the offer time: the sweep was down too long.
    assert offer_ombudsman(now=at(2026, 7, 1)) == 0
    r.refresh_from_db()
    assert r.offer_at is not None and offers(r) == 0


@pytest.mark.django_db(transaction=True)
def test_data_migration_sets_offer_at_of_offers_still_owed(world: Any) -> None:
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    now = timezone.now()
    owed = dispatched(world, now, type=ReportType.ASPIRATION)
    done = dispatched(world, now, type=ReportType.ASPIRATION)
    SlaAction.objects.create(
        report=done, kind="ombudsman_offer", deadline_at=done.submitted_at, created_at=now
    )
    closed = dispatched(world, now)
    officer = Actor.staff(world.bandung_officer)
    lifecycle.transition(closed, "respond", actor=officer, change=Change(message="Ok."), now=now)
    lifecycle.transition(closed, "close", actor=Actor.reporter(), now=now)
    expected = owed.offer_at
    assert expected is not None
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([("reports", "0008_public_list_index")])
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    values = dict(Report.objects.values_list("pk", "offer_at"))
    assert values == {owed.pk: expected, done.pk: None, closed.pk: None}
