"""Notifications are queued with the change that caused them and sent by the worker."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from aduan.reports import lifecycle
from aduan.reports.lifecycle import Actor, Change
from tests.factories import report


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


@pytest.mark.django_db(transaction=True)
def test_receipt_and_dispatch_notice_are_sent_by_the_worker(world, db_tasks):
    r = report(reporter_email="warga@example.id", title="Lampu jalan mati")
    assert DBTaskResult.objects.count() == 1
    assert mail.outbox == []
    lifecycle.transition(
        r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=world.bandung)
    )
    assert DBTaskResult.objects.count() == 2
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
    before = DBTaskResult.objects.count()
    with pytest.raises(lifecycle.MissingInput):
        lifecycle.transition(r, "dispatch", actor=Actor.staff(world.desk), change=Change())
    assert DBTaskResult.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_no_contact_means_no_message(world, db_tasks):
    report()
    assert DBTaskResult.objects.count() == 0
