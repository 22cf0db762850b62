"""Intake defers the near-duplicate index and the routing suggestion to the worker.

With the database task backend (production's default) intake writes one task row in its
own transaction and does neither; the worker then does both. A task lost with a dead
worker is queued again by the SLA sweep. The number of queries of one API intake is
bounded.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from aduan.dedup.models import BandKey, Candidate, IndexedReport
from aduan.dedup.text import BANDS
from aduan.reports import hooks, intake, tracking
from aduan.reports.models import Report, ReportEvent
from aduan.sla.sweep import sweep
from aduan.triage import store
from aduan.triage.models import Suggestion
from tests.factories import submit
from tests.test_dedup_flow import POTHOLE, POTHOLE_SMS
from tests.test_triage_app import HEALTH, _fake_model

pytestmark = pytest.mark.django_db

TASK_PATH = "aduan.reports.hooks.run_after_submit"


@pytest.fixture
def db_tasks(settings: Any, tmp_path: Any, monkeypatch: Any) -> None:
    """The production task backend: tasks are rows, run by the worker (here in the
    test's own transaction, which the worker's connection check would close)."""
    settings.TASKS = {"default": {"BACKEND": "aduan.core.tasks.DatabaseBackend"}}
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    settings.ADUAN_TRIAGE_DIR = str(tmp_path / "triage")
    store._cache.clear()


def run_worker() -> None:
    db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def file(world: Any, words: tuple[str, str], **fields: Any) -> Report:
    fields.setdefault("region", world.region_bandung)
    return submit(title=words[0], body=words[1], **fields).report


def test_intake_queues_one_task_and_the_worker_indexes_and_suggests(
    world: Any, db_tasks: None
) -> None:
    _fake_model(world, curve=[])
    first = file(world, POTHOLE)
    second = file(world, POTHOLE_SMS, channel="sms")
    health = file(world, ("Obat kosong", HEALTH))
    # Acknowledged and committed with the request; the slow parts are only queued.
    assert ReportEvent.objects.filter(action="submit").count() == 3
    assert not IndexedReport.objects.exists() and not Suggestion.objects.exists()
    tasks = DBTaskResult.objects.filter(task_path=TASK_PATH)
    assert sorted(t.args_kwargs["args"][0][0] for t in tasks) == [
        first.pk,
        second.pk,
        health.pk,
    ]

    run_worker()

    assert set(IndexedReport.objects.values_list("report_id", flat=True)) == {
        first.pk,
        second.pk,
        health.pk,
    }
    assert BandKey.objects.filter(entry_id=second.pk).count() == BANDS
    pair = Candidate.objects.get()
    assert (pair.report_id, pair.similar_id) == (second.pk, first.pk)
    assert Suggestion.objects.filter(report__in=[first, second, health]).count() == 3
    assert Suggestion.objects.get(report=health).top_agency == world.bandung_dinkes
    assert DBTaskResult.objects.filter(task_path=TASK_PATH, status="SUCCESSFUL").count() == 3


def test_out_of_order_indexing_still_pairs_the_newer_report(world: Any, db_tasks: None) -> None:
    first = file(world, POTHOLE)
    second = file(world, POTHOLE_SMS, channel="sms")
    # A second worker got to the newer report first: it could not see the older one.
    hooks.run_after_submit.call([second.pk])
    assert not Candidate.objects.exists()
    hooks.run_after_submit.call([first.pk])
    pair = Candidate.objects.get()
    assert (pair.report_id, pair.similar_id) == (second.pk, first.pk)
    # Running again (a duplicate task) changes nothing.
    hooks.run_after_submit.call([first.pk, second.pk])
    assert Candidate.objects.count() == 1 and IndexedReport.objects.count() == 2


def test_a_task_lost_with_its_worker_is_queued_again_by_the_sweep(
    world: Any, db_tasks: None
) -> None:
    _fake_model(world, curve=[])
    report = file(world, ("Obat kosong", HEALTH))
    # The worker claimed the task and was killed: the row stays RUNNING for ever.
    DBTaskResult.objects.filter(task_path=TASK_PATH).update(status="RUNNING")
    assert sweep(now=timezone.now()).requeued == 0  # too early: it may still be running

    later = sweep(now=timezone.now() + timedelta(minutes=15))
    assert later.requeued == 2  # once for the index, once for the suggestion
    run_worker()
    assert IndexedReport.objects.filter(report_id=report.pk).exists()
    assert Suggestion.objects.filter(report=report).exists()
    assert sweep(now=timezone.now() + timedelta(minutes=16)).requeued == 0


def test_no_model_no_suggestion_retries(world: Any, db_tasks: None) -> None:
    file(world, ("Obat kosong", HEALTH))
    run_worker()
    assert IndexedReport.objects.count() == 1 and not Suggestion.objects.exists()
    assert sweep(now=timezone.now() + timedelta(minutes=15)).requeued == 0


def test_replayed_history_queues_nothing(world: Any, db_tasks: None) -> None:
    with hooks.suppressed():
        file(world, POTHOLE)
    assert not DBTaskResult.objects.exists()


def test_api_intake_query_count_is_bounded(
    client: Any, world: Any, db_tasks: None, django_assert_max_num_queries: Any
) -> None:
    payload = {"title": POTHOLE[0], "body": POTHOLE[1], "region": world.region_bandung.code}
    client.post("/api/v1/reports", payload, content_type="application/json")  # warm caches
    payload["title"] += " lagi"
    # 28 on SQLite: validation 1, BEGIN/COMMIT 2, report 1, task 1, the chained event 5
    # (savepoint, head, insert, head update, release), the statistics rollups 18. It was
    # 42 with the index and the suggestion done inside the request.
    with django_assert_max_num_queries(30):
        response = client.post("/api/v1/reports", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert DBTaskResult.objects.filter(task_path=TASK_PATH).count() == 2
    assert not IndexedReport.objects.exists()
    body = json.loads(response.content)
    assert Report.objects.filter(tracking_id=body["tracking_id_raw"]).exists()


def test_immediate_backend_runs_the_deferred_work_inside_intake(world: Any) -> None:
    first = file(world, POTHOLE)
    second = file(world, POTHOLE_SMS, channel="sms")
    assert IndexedReport.objects.count() == 2
    pair = Candidate.objects.get()
    assert (pair.report_id, pair.similar_id) == (second.pk, first.pk)


@pytest.mark.django_db(transaction=True)
def test_a_tracking_id_clash_is_retried_in_a_fresh_transaction(
    world: Any, monkeypatch: Any
) -> None:
    taken = file(world, POTHOLE).tracking_id
    fresh = tracking.new_tracking_id()
    ids = iter([taken, fresh])
    monkeypatch.setattr(tracking, "new_tracking_id", lambda: next(ids))
    report = file(world, POTHOLE_SMS)
    assert report.tracking_id == fresh
    assert Report.objects.count() == 2
    assert ReportEvent.objects.filter(action="submit").count() == 2


def test_a_clash_inside_a_callers_transaction_fails_cleanly(world: Any, monkeypatch: Any) -> None:
    taken = file(world, POTHOLE).tracking_id
    monkeypatch.setattr(tracking, "new_tracking_id", lambda: taken)
    with pytest.raises(IntegrityError), transaction.atomic():
        file(world, POTHOLE_SMS)
    assert Report.objects.count() == 1


def test_a_concurrent_resend_of_an_external_id_is_answered_with_the_first_report(
    world: Any, monkeypatch: Any
) -> None:
    first = file(world, POTHOLE, source_agency=world.bandung, external_id="APP-1")
    real = intake._existing_external
    looks: list[int] = []

    def racing(fields: dict[str, Any]) -> Report | None:
        looks.append(1)  # the resend's first look misses the first report (a race)
        return None if len(looks) == 1 else real(fields)

    monkeypatch.setattr(intake, "_existing_external", racing)
    with pytest.raises(intake.ExternalIdTaken) as taken:
        file(world, POTHOLE, source_agency=world.bandung, external_id="APP-1")
    assert taken.value.report == first
    assert Report.objects.count() == 1
