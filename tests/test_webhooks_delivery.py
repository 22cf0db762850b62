"""Sending deliveries: retry schedule, a receiver that is down then up, never twice after
success, pausing a failing endpoint (and telling its admins), resuming, redelivering."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from aduan.agencies.models import Role
from aduan.reports.lifecycle import Actor
from aduan.webhooks import delivery, services
from aduan.webhooks.models import EventType, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tests.factories import staff
from tests.webhooks_support import (
    Receiver,
    act,
    deliveries,
    dispatched,
    endpoint,
    fake_sender,
    run_until_settled,
    verification_example,
)


@pytest.fixture
def loopback(settings):
    """The receiver runs on 127.0.0.1 over plain HTTP, allowed only by this setting."""
    settings.ADUAN_WEBHOOKS_ALLOW_HTTP_LOOPBACK = True


@pytest.fixture
def receiver(loopback):
    r = Receiver()
    yield r
    r.close()


WIB = ZoneInfo("Asia/Jakarta")
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=WIB)  # Monday
Status = WebhookDelivery.Status


def one_delivery(world, agency=None, now=T0) -> WebhookDelivery:
    dispatched(world, agency=agency, now=now)
    return WebhookDelivery.objects.latest("pk")


# ---- retry schedule ------------------------------------------------------------------------


def test_failed_tries_follow_the_backoff_for_more_than_a_day_then_abandon(world, monkeypatch):
    endpoint(world.bandung)
    sender = fake_sender(monkeypatch, [500])
    row = one_delivery(world)
    now = T0
    tried_at = []
    while True:
        # Not a second early...
        assert delivery.attempt_delivery(row.pk, now=now - timedelta(seconds=1)) is None
        status = delivery.attempt_delivery(row.pk, now=now)
        tried_at.append(now)
        row.refresh_from_db()
        if status == Status.ABANDONED:
            break
        assert status == Status.FAILED
        now = row.next_attempt_at

    gaps = [b - a for a, b in itertools.pairwise(tried_at)]
    assert gaps == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=6),
        timedelta(hours=12),
        timedelta(hours=24),
    ]
    assert tried_at[-1] - tried_at[0] >= timedelta(hours=24)
    assert len(sender.calls) == delivery.MAX_ATTEMPTS == row.attempts
    assert row.next_attempt_at is None
    assert row.last_status_code == 500
    assert WebhookAttempt.objects.filter(delivery=row).count() == delivery.MAX_ATTEMPTS
    # Abandoned means done: nothing more is sent until someone redelivers.
    assert delivery.run_due(now=now + timedelta(days=10)) == 0


def test_network_errors_and_redirects_are_failures(world, monkeypatch):
    endpoint(world.bandung)
    fake_sender(monkeypatch, [None, 302, 204])
    row = one_delivery(world)
    assert delivery.attempt_delivery(row.pk, now=T0) == Status.FAILED
    row.refresh_from_db()
    assert row.last_status_code is None and "refused" in row.last_error
    assert delivery.attempt_delivery(row.pk, now=row.next_attempt_at) == Status.FAILED
    row.refresh_from_db()
    assert delivery.attempt_delivery(row.pk, now=row.next_attempt_at) == Status.SUCCEEDED
    row.refresh_from_db()
    assert (row.status, row.last_status_code, row.attempts) == (Status.SUCCEEDED, 204, 3)
    assert [a.status_code for a in WebhookAttempt.objects.filter(delivery=row)] == [204, 302, None]


def test_real_http_redirects_are_not_followed(world, receiver):
    from aduan.webhooks.delivery import http_post

    result = http_post(receiver.url, b"{}", {"Content-Type": "application/json"})
    assert result.ok and result.excerpt == "ok"
    redirected = http_post(receiver.url + "/redirect", b"{}", {})
    assert redirected.status_code == 302 and not redirected.ok
    assert [r.answered for r in receiver.requests] == [200, 302]  # not followed
    refused = http_post("http://127.0.0.1:9/closed", b"{}", {})
    assert refused.status_code is None and refused.error


def test_private_addresses_are_refused_at_send_time(world, monkeypatch, settings):
    from aduan.webhooks.delivery import http_post

    settings.ADUAN_WEBHOOKS_ALLOW_HTTP_LOOPBACK = False
    result = http_post("https://127.0.0.1/hook", b"{}", {})
    assert result.status_code is None and result.error.startswith("Refused")
    result = http_post("https://169.254.169.254/latest/meta-data", b"{}", {})
    assert result.error.startswith("Refused")


# ---- down, then up: every event arrives, exactly once after de-duplication --------------


def test_a_receiver_down_then_up_gets_every_event_exactly_once(world, loopback):
    down = Receiver(fail_first=5)
    try:
        ep, secret = endpoint(world.bandung, url=down.url)
        endpoint(world.surabaya, url=down.url)  # must never receive Bandung's events
        officer = Actor.staff(world.bandung_officer)
        reports = [dispatched(world) for _ in range(3)]
        for r in reports:
            act(r, "accept", officer)
            act(r, "respond", officer, message="Sudah diperbaiki.")
        expected = {d.event_id for d in deliveries(endpoint=ep)}
        assert len(expected) == 9

        run_until_settled(timezone.now())
        # An operator also redelivers one by hand: a duplicate, with the same id.
        services.delivery_redeliver(delivery_row=deliveries(endpoint=ep)[0])
        delivery.run_due()

        verify = verification_example()["verify_webhook"]
        processed: dict[str, dict] = {}
        for received in down.requests:
            # The test's clock jumps ahead by days: the receiver's "now" is the send time.
            sent_at = float(received.headers["Aduan-Webhook-Timestamp"])
            event = verify(received.body, received.headers, secret, now=sent_at)
            assert event["id"] == received.headers["Aduan-Webhook-Id"]
            if received.answered == 200 and event["id"] not in processed:
                processed[event["id"]] = event
        assert set(processed) == expected
        assert sum(r.answered == 500 for r in down.requests) == 5
        # Duplicates exist (the redelivery) but only ever under the same id.
        ok_ids = down.ids(answered=200)
        assert len(ok_ids) == len(expected) + 1
        assert set(ok_ids) == expected
        assert all(d.status == Status.SUCCEEDED for d in deliveries(endpoint=ep))
        assert {e["report"]["agency"] for e in processed.values()} == {"32.73"}
    finally:
        down.close()


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_queued_events(world, loopback, settings):
    settings.TASKS = {
        "default": {"BACKEND": "aduan.core.tasks.DatabaseBackend", "QUEUES": ["default"]}
    }
    up = Receiver()
    try:
        endpoint(world.bandung, url=up.url, events=[EventType.DISPATCHED])
        dispatched(world)
        assert up.requests == []  # queued, not sent inside the transaction
        call_command("worker", "--once", stdout=StringIO())
        assert len(up.requests) == 1
        assert deliveries()[0].status == Status.SUCCEEDED
        call_command("worker", "--once", stdout=StringIO())
        assert len(up.requests) == 1
    finally:
        up.close()


# ---- never twice after success; claims -----------------------------------------------------


def test_a_succeeded_delivery_is_never_sent_again(world, monkeypatch):
    endpoint(world.bandung)
    sender = fake_sender(monkeypatch, [200])
    row = one_delivery(world)
    assert delivery.attempt_delivery(row.pk, now=T0) == Status.SUCCEEDED
    # Duplicate tasks, a sweep, a later run: nothing more goes out.
    assert delivery.attempt_delivery(row.pk, now=T0) is None
    assert delivery.attempt_delivery(row.pk, now=T0 + timedelta(days=3)) is None
    assert delivery.run_due(now=T0 + timedelta(days=3)) == 0
    assert delivery.requeue_due(now=T0 + timedelta(days=3)) == 0
    assert len(sender.calls) == 1


def test_a_delivery_in_flight_cannot_be_claimed_twice(world, monkeypatch):
    endpoint(world.bandung)
    row = one_delivery(world)
    second: list[object] = []
    sender = fake_sender(monkeypatch, [200])
    # While the first worker is sending, a second one (or a duplicate task) tries.
    sender.during = lambda: second.append(delivery.attempt_delivery(row.pk, now=T0))
    assert delivery.attempt_delivery(row.pk, now=T0) == Status.SUCCEEDED
    assert second == [None]
    assert len(sender.calls) == 1


def test_a_worker_that_died_mid_send_frees_the_row_after_the_lease(world, monkeypatch):
    endpoint(world.bandung)
    row = one_delivery(world)
    # Claim as a worker would, then "crash" before recording anything.
    WebhookDelivery.objects.filter(pk=row.pk).update(
        claim_token="dead", next_attempt_at=T0 + delivery.LEASE, attempts=1
    )
    sender = fake_sender(monkeypatch, [200])
    assert delivery.run_due(now=T0 + timedelta(minutes=1)) == 0
    assert delivery.run_due(now=T0 + delivery.LEASE) == 1
    assert len(sender.calls) == 1
    row.refresh_from_db()
    assert row.status == Status.SUCCEEDED and row.attempts == 2


def test_a_redelivery_during_a_try_starts_a_new_cycle(world, monkeypatch):
    endpoint(world.bandung)
    row = one_delivery(world)
    sender = fake_sender(monkeypatch, [500, 200])
    sender.during = lambda: services.delivery_redeliver(delivery_row=row, now=T0)
    assert delivery.attempt_delivery(row.pk, now=T0) == Status.PENDING  # the new cycle owns it
    row.refresh_from_db()
    assert row.status == Status.PENDING and row.attempts == 0
    sender.during = None
    assert delivery.attempt_delivery(row.pk, now=T0) == Status.SUCCEEDED


def test_the_safety_net_requeues_lost_tasks(world, monkeypatch, django_capture_on_commit_callbacks):
    endpoint(world.bandung)
    row = one_delivery(world)
    sender = fake_sender(monkeypatch, [200])
    assert delivery.requeue_due(now=T0 + timedelta(minutes=1)) == 0  # its task may still run
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.requeue_due(now=T0 + delivery.STALE_AFTER + timedelta(seconds=1)) == 1
    # The immediate task backend ran the task: the delivery went out.
    row.refresh_from_db()
    assert row.status == Status.SUCCEEDED
    assert len(sender.calls) == 1


def test_deliver_webhooks_command(world, monkeypatch):
    endpoint(world.bandung)
    one_delivery(world, now=timezone.now() - timedelta(minutes=1))
    fake_sender(monkeypatch, [200])
    out = StringIO()
    call_command("deliver_webhooks", stdout=out)
    assert "tried 1" in out.getvalue()
    assert deliveries()[0].status == Status.SUCCEEDED


# ---- pausing, telling admins, resuming -----------------------------------------------------


def test_an_endpoint_that_keeps_failing_is_paused_and_its_admins_told(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    ep, _ = endpoint(world.bandung, events=[EventType.DISPATCHED])
    # A neighbour that has nothing to receive is not paused along with it.
    endpoint(world.bandung, url="https://other.example.id/hook", events=[EventType.CLOSED])
    second_admin = staff(world.bandung, Role.AGENCY_ADMIN)
    fake_sender(monkeypatch, [500])
    for _ in range(6):
        dispatched(world, now=T0)

    with django_capture_on_commit_callbacks(execute=True):
        delivery.run_due(now=T0)  # 6 failures in a row, but only just now: a blip
        ep.refresh_from_db()
        assert ep.consecutive_failures >= 6 and ep.paused_at is None
        later = T0 + delivery.PAUSE_MIN_FAILING + timedelta(minutes=1)
        delivery.run_due(now=later)

    ep.refresh_from_db()
    assert ep.paused_at == later
    assert "lebih dari satu jam" in ep.paused_reason
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([world.bandung_admin.email, second_admin.email])
    assert ep.url in message.subject
    assert f"/petugas/webhook/{ep.uuid}/" in message.body
    assert WebhookEndpoint.objects.filter(paused_at__isnull=False).count() == 1

    # While paused nothing is tried, and new events wait.
    waiting = WebhookDelivery.objects.filter(endpoint=ep, status__in=delivery.OPEN).count()
    dispatched(world, now=later)
    assert delivery.attempt_delivery(deliveries(endpoint=ep)[-1].pk, now=later) is None
    assert WebhookDelivery.objects.filter(endpoint=ep, status__in=delivery.OPEN).count() == (
        waiting + 1
    )

    # Resuming sends everything that waited; no second e-mail.
    fake_sender(monkeypatch, [200])
    resumed_at = later + timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = services.endpoint_resume(endpoint=ep, now=resumed_at)
    assert queued == waiting + 1
    assert callbacks  # the tasks are queued with the resume
    delivery.run_due(now=resumed_at)
    assert all(d.status == Status.SUCCEEDED for d in deliveries(endpoint=ep))
    ep.refresh_from_db()
    assert ep.paused_at is None and ep.consecutive_failures == 0
    assert len(mail.outbox) == 1


def test_an_abandoned_delivery_pauses_the_endpoint(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    ep, _ = endpoint(world.bandung)
    fake_sender(monkeypatch, [500])
    row = one_delivery(world)
    now = T0
    with django_capture_on_commit_callbacks(execute=True):
        while delivery.attempt_delivery(row.pk, now=now) == Status.FAILED:
            row.refresh_from_db()
            now = row.next_attempt_at
            # Fewer than ten tries in all: only the abandonment pauses it.
            ep.refresh_from_db()
            assert ep.paused_at is None
    ep.refresh_from_db()
    assert ep.paused_at == now
    assert "24 jam" in ep.paused_reason
    assert [m.to for m in mail.outbox] == [[world.bandung_admin.email]]


def test_a_ping_goes_out_while_paused_and_does_not_count(world, monkeypatch):
    ep, _ = endpoint(world.bandung)
    services.endpoint_pause(endpoint=ep, reason="uji", now=T0)
    sender = fake_sender(monkeypatch, [500])
    ping = services.endpoint_ping(endpoint=ep, now=T0)
    assert delivery.attempt_delivery(ping.pk, now=T0) == Status.ABANDONED  # tried once
    ep.refresh_from_db()
    assert ep.consecutive_failures == 0
    assert sender.calls[0][2]["Aduan-Webhook-Event"] == "ping"


def test_admins_of_the_endpoint_agency_only(world):
    ep, _ = endpoint(world.bandung_dinkes)
    dinkes_admin = staff(world.bandung_dinkes, Role.AGENCY_ADMIN)
    assert services.admin_recipients(ep) == [dinkes_admin.email]
    lonely, _ = services.endpoint_create(
        agency=world.jayapura,
        url="https://jayapura.example.id/hook",
        events=[EventType.CLOSED],
        by=world.desk,
    )
    assert services.admin_recipients(lonely) == [world.desk.email]


# ---- redelivery ----------------------------------------------------------------------------


def test_redelivery_keeps_the_event_id(world, monkeypatch):
    endpoint(world.bandung)
    sender = fake_sender(monkeypatch, [200])
    row = one_delivery(world)
    assert delivery.attempt_delivery(row.pk, now=T0) == Status.SUCCEEDED
    later = T0 + timedelta(days=2)
    with transaction.atomic():
        assert services.delivery_redeliver(delivery_row=row, now=later)
    assert delivery.attempt_delivery(row.pk, now=later) == Status.SUCCEEDED

    first, second = sender.calls
    assert first[2]["Aduan-Webhook-Id"] == second[2]["Aduan-Webhook-Id"] == row.event_id
    assert first[1] == second[1]  # the same body, byte for byte
    assert first[2]["Aduan-Webhook-Timestamp"] != second[2]["Aduan-Webhook-Timestamp"]
    assert WebhookAttempt.objects.filter(delivery=row).count() == 2


def test_redelivering_for_a_deleted_endpoint_does_nothing(world):
    ep, _ = endpoint(world.bandung)
    row = one_delivery(world)
    services.endpoint_delete(endpoint=ep)
    row.refresh_from_db()
    assert row.status == Status.ABANDONED
    assert services.delivery_redeliver(delivery_row=row) is False
    row.refresh_from_db()
    assert row.status == Status.ABANDONED


@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_the_same_deliveries_send_each_once(world, monkeypatch, settings):
    """Real threads, real database connections: every claim is one UPDATE, so however the
    workers interleave, each delivery goes out exactly once."""
    import threading

    from django.db import connection

    # Queue tasks as rows (the default backend) instead of running them at commit.
    settings.TASKS = {
        "default": {"BACKEND": "aduan.core.tasks.DatabaseBackend", "QUEUES": ["default"]}
    }
    sender = fake_sender(monkeypatch, [200])
    endpoint(world.bandung)
    for _ in range(4):
        dispatched(world, now=T0)
    lock = threading.Lock()
    original = sender.__call__

    def locked(url, body, headers):
        with lock:  # the fake's list is shared by the threads
            return original(url, body, headers)

    monkeypatch.setattr(delivery, "http_post", locked)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=10)
            for pk in [d.pk for d in deliveries()]:
                delivery.attempt_delivery(pk, now=T0 + timedelta(minutes=1))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    sent_ids = [headers["Aduan-Webhook-Id"] for _url, _body, headers in sender.calls]
    assert sorted(sent_ids) == sorted(d.event_id for d in deliveries())
    assert all(d.status == Status.SUCCEEDED and d.attempts == 1 for d in deliveries())


def test_finished_deliveries_are_forgotten_after_the_retention(world, monkeypatch, settings):
    settings.ADUAN_WEBHOOKS_LOG_DAYS = 30
    endpoint(world.bandung)
    fake_sender(monkeypatch, [200])
    done = one_delivery(world)
    delivery.attempt_delivery(done.pk, now=T0)
    waiting = one_delivery(world)  # still open: never forgotten
    assert delivery.purge_old(now=T0 + timedelta(days=29)) == 0
    assert delivery.purge_old(now=T0 + timedelta(days=31)) == 1
    assert deliveries() == [waiting]
    assert WebhookAttempt.objects.count() == 0
