"""`aduan seed --demo --bulk`: the scale-test seeder writes what the lifecycle would.

Transactional tests: on PostgreSQL the seeder streams rows through its own connections
(COPY) and rebuilds indexes, which a test wrapped in one transaction could not see.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aduan.audit import chain
from aduan.reports.effects import report_offer_time
from aduan.reports.models import OPEN_STATUSES, Report, ReportEvent, Status
from aduan.sla import deadlines
from aduan.stats import rollups
from aduan.stats.models import MonthlyRollup, ReportFact

NOW = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)
N = 600

pytestmark = pytest.mark.django_db(transaction=True)


def bulk(n: int = N) -> str:
    from aduan.demo.bulk import bulk_seed

    out = StringIO()
    # Batches of 150 and two processes: on PostgreSQL the rows are made by forked workers
    # and chained here in order, as at scale.
    result = bulk_seed(
        reports=n, now=NOW, log=lambda line: print(line, file=out), progress=False,
        workers=2, batch=150,
    )  # fmt: skip
    return f"{out.getvalue()}\n{result}"


def schema() -> tuple[list[Any], list[Any]]:
    """The bulk tables' indexes and constraints as PostgreSQL describes them."""
    from django.db import connection

    from aduan.demo.bulk import BULK_TABLES

    tables = [m._meta.db_table for m in BULK_TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid), indisvalid"
            " FROM pg_index WHERE indrelid::regclass::text = ANY(%s) ORDER BY 1",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated"
            " FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) ORDER BY 1, 2",
            [tables],
        )
        return indexes, cursor.fetchall()


def test_bulk_seed_writes_what_the_lifecycle_would() -> None:
    from django.db import connection

    call_command("loadrefdata", stdout=StringIO())
    before = schema() if connection.vendor == "postgresql" else None
    log = bulk()
    if before is not None:
        # Rebuilt on two connections at once: the same indexes and constraints, each
        # foreign key validated (added NOT VALID, then validated), nothing invalid.
        indexes, constraints = schema()
        assert constraints == before[1]
        # A partial index's predicate prints differently once re-created from its printed
        # form (ARRAY[('a'::varchar)::text, …] for ('{a,…}'::varchar[])::text[]): the
        # same constant once the planner folds it. The rest is equal.
        assert [(n, d.split(" WHERE ")[0], v) for n, d, v in indexes] == [
            (n, d.split(" WHERE ")[0], v) for n, d, v in before[0]
        ]
        kinds = {definition.split(" (")[0] for _t, _n, definition, _v in constraints}
        assert {"FOREIGN KEY", "UNIQUE"} <= kinds  # both kinds went through the rebuild
        assert all(valid for *_rest, valid in indexes + constraints)
        assert "(unique)" in log
    # One seeding, several properties (each seeding costs seconds).
    chain_and_statistics_are_consistent()
    every_report_ends_in_the_state_its_last_transition_entered()
    deadlines_are_the_sla_engines()
    # A database with reports is refused, untouched.
    with pytest.raises(CommandError, match="tanpa laporan"):
        bulk(5)
    assert Report.objects.count() == N


def chain_and_statistics_are_consistent() -> None:
    assert Report.objects.count() == N
    # The event chain verifies end to end, and the head points at its last row.
    for result in chain.verify_all():
        assert result.ok, result
    events = ReportEvent.objects.count()
    assert events > 3 * N
    assert chain._head_model()._default_manager.get(name="events").seq == events  # type: ignore[attr-defined]
    # Statistics facts and rollups are exactly what a recompute from raw rows gives.
    assert ReportFact.objects.count() == N
    assert MonthlyRollup.objects.exists()
    drift = rollups.check()
    assert drift.total == 0, drift
    # New rows get fresh ids after the explicit ones (sequences were reset).
    report = Report.objects.order_by("pk").first()
    assert report is not None
    ReportEvent.objects.create(
        report=report, action="note", from_status=report.status, to_status=report.status,
        actor_kind="system", visibility="staff", message="x", created_at=NOW,
    )  # fmt: skip
    for result in chain.verify_all():
        assert result.ok, result


def every_report_ends_in_the_state_its_last_transition_entered() -> None:
    last: dict[int, str] = {}
    first: dict[int, str] = {}
    for report_id, action, to_status in ReportEvent.objects.order_by("seq").values_list(
        "report_id", "action", "to_status"
    ):
        first.setdefault(report_id, action)
        last[report_id] = to_status
    assert set(first.values()) == {"submit"}
    for report in Report.objects.only("pk", "status"):
        assert last[report.pk] == report.status, report.pk
    statuses = Counter(Report.objects.values_list("status", flat=True))
    assert statuses[Status.CLOSED] > statuses[Status.REJECTED] > 0
    open_share = sum(statuses[s] for s in OPEN_STATUSES) / N
    assert 0.03 < open_share < 0.25, statuses
    # Five years of history, growing towards the present.
    years = Counter(d.year for d in Report.objects.values_list("submitted_at", flat=True))
    assert min(years) == NOW.year - 5
    assert years[NOW.year - 1] > years[NOW.year - 4]


def deadlines_are_the_sla_engines() -> None:
    dispatched = Report.objects.filter(status=Status.DISPATCHED).select_related("agency")[:20]
    assert dispatched
    for report in dispatched:
        assert report.agency is not None and report.dispatched_at is not None
        tz = report.agency.time_zone
        expected = deadlines.due(deadlines.Key.FIRST_RESPONSE, report.dispatched_at, tz)
        assert report.first_response_due_at == expected
        assert report.due_at == expected
    for report in Report.objects.filter(status=Status.RESPONDED).select_related("agency")[:20]:
        assert report.agency is not None and report.responded_at is not None
        expected = deadlines.due(
            deadlines.Key.AUTO_CLOSE, report.responded_at, report.agency.time_zone
        )
        assert report.auto_at == expected
    # The Ombudsman offer time, for offers still owed (those past count as made).
    owed = 0
    for report in Report.objects.select_related("agency"):
        expected = report_offer_time(report)
        if expected is not None and expected <= NOW:
            expected = None
        assert report.offer_at == expected, report.pk
        owed += expected is not None
    assert owed
    # Tracking IDs are valid (check symbol) and unique.
    from aduan.reports.tracking import normalize

    ids = list(Report.objects.values_list("tracking_id", flat=True))
    assert len(set(ids)) == len(ids)
    assert all(normalize(i) == i for i in ids)


def test_command_line() -> None:
    call_command("loadrefdata", stdout=StringIO())
    out = StringIO()
    call_command("seed", "--demo", "--bulk", "--reports", "50", stdout=out, stderr=StringIO())
    assert "50" in out.getvalue()
    assert Report.objects.count() == 50


def test_workers_must_be_positive() -> None:
    with pytest.raises(CommandError, match="--workers"):
        call_command("seed", "--demo", "--bulk", "--reports", "5", "--workers", "0")


def test_no_rebuild_step_starts_while_a_running_one_would_hold_it_up() -> None:
    from aduan.demo.bulk import SHARE, VALIDATE, Job, next_job

    events_a = Job("a", "a", table="events", mode=SHARE)
    events_b = Job("b", "b", table="events", mode=SHARE)
    events_fk1 = Job("v1", "v1", table="events", mode=VALIDATE)
    events_fk2 = Job("v2", "v2", table="events", mode=VALIDATE)
    reports_a = Job("r", "r", table="reports", mode=SHARE)
    reports_fk = Job("rv", "rv", table="reports", mode=VALIDATE)
    # Builds of one table share it; a validation is alone on its table.
    assert next_job([events_b], [events_a]) is events_b
    assert next_job([events_fk1], [events_a]) is None
    assert next_job([events_a], [events_fk1]) is None
    assert next_job([events_fk2], [events_fk1]) is None
    # The first pending job that fits is taken: another table's work goes beside.
    assert next_job([events_fk2, reports_a, reports_fk], [events_fk1]) is reports_a
    assert next_job([events_fk2, reports_fk], [events_fk1, reports_a]) is None
    assert next_job([events_fk1, reports_a], []) is events_fk1


def test_every_rebuild_step_runs_and_a_failure_is_raised_after() -> None:
    from django.db import connection

    from aduan.demo.bulk import SHARE, VALIDATE, Job, run_together

    if connection.vendor != "postgresql":
        pytest.skip("the rebuild runs on PostgreSQL only")
    lines: list[str] = []
    jobs = [
        Job("SELECT pg_sleep(0.05)", "build 1", table="t", mode=SHARE),
        Job("SELECT pg_sleep(0.05)", "build 2", table="t", mode=SHARE),
        Job("SELECT pg_sleep(0.05)", "check 1", table="t", mode=VALIDATE),
        Job("SELECT no_such_function()", "broken", table="u", mode=VALIDATE),
        Job("SELECT pg_sleep(0.05)", "build 3", table="u", mode=SHARE),
    ]
    with pytest.raises(Exception, match="no_such_function"):
        run_together(lines.append, 2, jobs)
    finished = sorted(line.rsplit(": ", 1)[1] for line in lines if "FAILED" not in line)
    assert finished == ["build 1", "build 2", "build 3", "check 1"]
    assert any("FAILED broken" in line for line in lines)


def test_a_rebuild_without_a_connection_fails_instead_of_ending_quietly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.db import OperationalError

    from aduan.demo import bulk

    class Down:
        def cursor(self) -> Any:
            raise OperationalError("the server closed the connection")

    monkeypatch.setattr(bulk, "connection", Down())
    lines: list[str] = []
    jobs = [bulk.Job("SELECT 1", "build", table="t", mode=bulk.SHARE)]
    with pytest.raises(OperationalError):
        bulk.run_together(lines.append, 2, jobs)
    assert any("FAILED to connect" in line for line in lines)


def test_table_made_tracking_ids_are_the_tracking_modules() -> None:
    """The seeder's table lookups give the symbols and check symbol that
    :mod:`aduan.reports.tracking` would, across the 45-bit range and at its edges."""
    import random

    from aduan.demo.bulk import TrackingIds
    from aduan.reports.tracking import ALPHABET, _check_symbol, normalize

    ids = TrackingIds()
    rng = random.Random(9)
    for x in [0, 1, (1 << 45) - 1, 1 << 30, (1 << 15) - 1] + [
        rng.getrandbits(45) for _ in range(5000)
    ]:
        payload = "".join(ALPHABET[(x >> shift) & 31] for shift in range(40, -1, -5))
        made = ids.text(x)
        assert made == payload + _check_symbol(payload), x
        assert normalize(made) == made
