"""The sweep's automatic transitions in chunks (lifecycle.transition_many): the same
checks and guards as one transition, one chain append and one call of each subscriber
per chunk, so ten thousand due reports do not cost ten thousand transactions."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext

from aduan.audit import chain
from aduan.notifications.messages import Message
from aduan.notifications.models import Notification
from aduan.notifications.services import Draft, notification_queue
from aduan.reports import lifecycle
from aduan.reports.errors import Conflict
from aduan.reports.lifecycle import Actor, Change
from aduan.reports.models import Report, ReportEvent, Status
from aduan.sla import sweep as sweep_module
from aduan.webhooks.models import WebhookDelivery
from tests.factories import report
from tests.webhooks_support import endpoint

WIB = ZoneInfo("Asia/Jakarta")
AT = datetime(2026, 11, 2, 10, tzinfo=WIB)
LATER = datetime(2026, 12, 1, 10, tzinfo=WIB)  # every auto-close of these is due


def responded(world: Any, n: int, start: int = 0) -> list[Report]:
    made = []
    for i in range(start, start + n):
        r = report(now=AT, reporter_email=f"warga{i}@contoh.id")
        lifecycle.transition(
            r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=world.bandung)
        )
        lifecycle.transition(
            r,
            "respond",
            actor=Actor.staff(world.bandung_officer),
            change=Change(message="Sudah ditindaklanjuti."),
            now=AT,
        )
        made.append(r)
    return made


# Written once per report, whatever the batching: (with live statistics) its fact row.
PER_REPORT = ('UPDATE "stats_reportfact"',)


def run_transitions(now: datetime) -> tuple[sweep_module.SweepResult, dict[str, int]]:
    result = sweep_module.SweepResult()
    with CaptureQueriesContext(connection) as queries:
        assert sweep_module._transitions(now, None, result)
    counts = {"per report": 0, "per chunk": 0}
    for query in queries:
        counts["per report" if query["sql"].startswith(PER_REPORT) else "per chunk"] += 1
    return result, counts


def test_a_chunk_costs_the_same_queries_whatever_its_size(world: Any) -> None:
    endpoint(world.bandung)
    small = responded(world, 2)
    result, few = run_transitions(LATER)
    assert result.acted == {"auto_close": 2}
    large = responded(world, 7, start=2)
    result, many = run_transitions(LATER + timedelta(days=1))
    assert result.acted == {"auto_close": 7}
    assert few["per report"] == 2 and many["per report"] == 7
    assert many["per chunk"] == few["per chunk"]
    # Each report: closed, one event, its reporter told once, one webhook delivery.
    for r in [*small, *large]:
        r.refresh_from_db()
        assert r.status == Status.CLOSED and r.auto_at is None
        assert r.events.filter(action="auto_close").count() == 1
        event = r.events.get(action="auto_close")
        notices = Notification.objects.filter(event=event, audience="reporter")
        assert [n.recipient for n in notices] == [r.reporter_email]
        assert WebhookDelivery.objects.filter(report=r, event_type="report.closed").count() == 1
    assert all(result.ok for result in chain.verify_all())


def test_reports_someone_else_moved_are_left_alone(world: Any) -> None:
    reports = responded(world, 3)
    # The reporter closes one between the sweep's read and its write.
    stale = Report.objects.get(pk=reports[1].pk)
    lifecycle.transition(stale, "close", actor=Actor.reporter(), now=LATER)
    events, failed = lifecycle.transition_many(
        reports, "auto_close", actor=Actor.system(), now=LATER
    )
    assert [e.report_id for e in events] == [reports[0].pk, reports[2].pk]
    assert [(r.pk, type(error)) for r, error in failed] == [(reports[1].pk, Conflict)]
    assert ReportEvent.objects.filter(report=reports[1], action="auto_close").count() == 0
    assert ReportEvent.objects.filter(report=reports[1], action="close").count() == 1
    # Events numbered in order, chain intact, each with its own id.
    assert [e.seq for e in events] == [events[0].seq, events[0].seq + 1]
    assert all(e.pk for e in events)
    assert all(result.ok for result in chain.verify_all())


def test_many_notices_in_one_insert_skip_keys_already_queued(world: Any) -> None:
    def draft(key: str) -> Draft:
        return Draft(
            dedupe_key=key,
            kind="event",
            audience=Notification.Audience.REPORTER,
            channel=Notification.Channel.EMAIL,
            recipient="warga@contoh.id",
            message=Message(subject="s", body="b"),
        )

    assert len(notification_queue(drafts=[draft("k:b")], now=AT)) == 1
    with CaptureQueriesContext(connection) as queries:
        created = notification_queue(
            drafts=[draft("k:a"), draft("k:a"), draft("k:b"), draft("k:c")], now=AT
        )
    assert sorted(n.dedupe_key for n in created) == ["k:a", "k:c"]
    assert all(n.pk for n in created)
    assert Notification.objects.filter(dedupe_key__startswith="k:").count() == 3
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "notifications_')]
    assert len(inserts) == 1


def test_reminders_in_a_batch_cost_the_same_queries_whatever_its_size(world: Any) -> None:
    from aduan.sla import reminders

    endpoint(world.bandung)

    def overdue(n: int, when: datetime) -> tuple[int, int]:
        made = [report(now=when) for _ in range(n)]
        for r in made:
            lifecycle.transition(
                r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=world.bandung)
            )
        due = max(Report.objects.get(pk=r.pk).due_at for r in made)
        with CaptureQueriesContext(connection) as queries:
            done = reminders.remind_overdue(now=due + timedelta(hours=1))
        return done["overdue"], len(queries)

    assert overdue(2, AT)[0] == 2
    acted, few = overdue(2, AT + timedelta(days=20))
    acted_many, many = overdue(6, AT + timedelta(days=40))
    assert (acted, acted_many) == (2, 6)
    assert many == few
    assert all(result.ok for result in chain.verify_all())
    # Each claim written once.
    assert Report.objects.filter(sla_actions__kind="overdue").count() == 10


def test_reports_waiting_for_their_next_escalation_step_are_not_loaded(world: Any) -> None:
    """Mid-chain reports are in the escalation window every minute for days: a quiet
    sweep reads their keys and steps taken, never their whole rows."""
    from aduan.sla.escalation import escalate_first_responses

    r = report(now=AT)
    lifecycle.transition(
        r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=world.bandung_dinkes)
    )
    r.refresh_from_db()
    assert r.first_response_due_at is not None
    after_first = r.first_response_due_at + timedelta(hours=1)
    assert escalate_first_responses(now=after_first)["escalate_agency"] == 1
    with CaptureQueriesContext(connection) as queries:
        assert not escalate_first_responses(now=after_first + timedelta(hours=1))
    whole_rows = [q for q in queries if '"reports_report"."tracking_id"' in q["sql"]]
    assert whole_rows == [] and len(queries) <= 2


def test_a_refusal_other_than_a_race_is_logged(world: Any, monkeypatch: Any, caplog: Any) -> None:
    from aduan.reports.errors import MissingInput

    (r,) = responded(world, 1)

    def refuse(reports: list[Report], action: str, **_kw: Any) -> Any:
        return [], [(reports[0], MissingInput("no", field="x"))]

    monkeypatch.setattr(sweep_module, "transition_many", refuse)
    with caplog.at_level("WARNING", logger="aduan.sla.sweep"):
        result, _counts = run_transitions(LATER)
    assert result.skipped == 1 and not result.acted
    assert f"auto_close refused on report {r.pk}" in caplog.text
