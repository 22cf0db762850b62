"""Notifications are queued with the change that caused them and sent by the worker."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from aduan.reports import lifecycle
from aduan.reports.lifecycle import Actor, Change
from tests.factories import report

# Intake also queues its deferred work (aduan.reports.hooks.run_after_submit): count the
# notice deliveries only.
NOTICE_TASKS = DBTaskResult.objects.filter(
    task_path="aduan.notifications.tasks.deliver_notifications"
)


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "aduan.core.tasks.DatabaseBackend", "QUEUES": ["default"]}
    }


@pytest.mark.django_db(transaction=True)
def test_receipt_and_dispatch_notice_are_sent_by_the_worker(world, db_tasks):
    r = report(reporter_email="warga@example.id", title="Lampu jalan mati")
    assert NOTICE_TASKS.count() == 1
    assert mail.outbox == []
    # Kemenkes has no staff in the world fixture: only the reporter is told here (staff
    # notices on dispatch are covered in tests/test_notifications_events.py).
    lifecycle.transition(
        r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=world.kemenkes)
    )
    assert NOTICE_TASKS.count() == 2
    call_command("worker", "--once", stdout=StringIO())
    assert len(mail.outbox) == 2
    assert all(m.to == ["warga@example.id"] for m in mail.outbox)
    assert r.tracking_id[:5] in mail.outbox[0].subject
    assert f"/lacak/{r.tracking_id}/" in mail.outbox[1].body
    # Nothing is sent twice.
    call_command("worker", "--once", stdout=StringIO())
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_failed_transition_queues_nothing(world, db_tasks):
    r = report()
    before = NOTICE_TASKS.count()
    with pytest.raises(lifecycle.MissingInput):
        lifecycle.transition(r, "dispatch", actor=Actor.staff(world.desk), change=Change())
    assert NOTICE_TASKS.count() == before


@pytest.mark.django_db(transaction=True)
def test_no_contact_means_no_message(world, db_tasks):
    report()
    assert NOTICE_TASKS.count() == 0


@pytest.mark.django_db(transaction=True)
def test_one_task_per_event_whatever_the_number_of_recipients(world, db_tasks):
    r = report(reporter_email="warga@example.id")
    lifecycle.transition(
        r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=world.bandung)
    )
    # Receipt, then the dispatch: the reporter plus Bandung's admin and officer.
    assert NOTICE_TASKS.count() == 2
    call_command("worker", "--once", stdout=StringIO())
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(
        [
            "warga@example.id",
            "warga@example.id",
            world.bandung_admin.email,
            world.bandung_officer.email,
        ]
    )
    call_command("worker", "--once", stdout=StringIO())
    assert len(mail.outbox) == 4


@pytest.mark.django_db(transaction=True)
def test_worker_sends_the_daily_digest_once(world, db_tasks, monkeypatch):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    wib = ZoneInfo("Asia/Jakarta")
    r = report(now=datetime(2026, 10, 26, 10, tzinfo=wib))
    lifecycle.transition(
        r,
        "dispatch",
        actor=Actor.staff(world.desk),
        change=Change(agency=world.bandung),
        now=datetime(2026, 10, 26, 10, tzinfo=wib),
    )
    # The worker reads the clock itself: pin it to a Wednesday morning.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 11, 4, 6, 30, tzinfo=wib))
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "digest queued: 2" in out.getvalue()
    digests = [m for m in mail.outbox if "Ringkasan" in m.subject]
    assert sorted(m.to[0] for m in digests) == sorted(
        [world.bandung_admin.email, world.bandung_officer.email]
    )
    call_command("worker", "--once", stdout=StringIO())
    assert len([m for m in mail.outbox if "Ringkasan" in m.subject]) == 2


@pytest.mark.django_db
def test_the_project_backend_writes_the_library_row(settings, monkeypatch):
    """aduan.core.tasks.DatabaseBackend writes its task rows by a prepared insert: the
    same row as django_tasks_db's own backend, which its worker then runs."""
    from django_tasks import task_backends

    from aduan.reports.hooks import run_after_submit

    rows = {}
    for name, backend in (
        ("library", "django_tasks_db.DatabaseBackend"),  # the library's own, for comparison
        ("project", "aduan.core.tasks.DatabaseBackend"),
    ):
        settings.TASKS = {"default": {"BACKEND": backend, "QUEUES": ["default"]}}
        assert type(task_backends["default"]).__module__.startswith(backend.rsplit(".", 1)[0])
        if name == "project":  # by its prepared insert, not Django's save path
            monkeypatch.setattr(DBTaskResult, "save_base", None)
        result = run_after_submit.enqueue([7, 8])
        rows[name] = DBTaskResult.objects.values().get(pk=result.id)
        assert result.status == "READY" and result.args == [[7, 8]]
    library, project = rows["library"], rows["project"]
    assert project.pop("id") != library.pop("id")
    assert project.pop("enqueued_at") >= library.pop("enqueued_at")
    assert project == library
