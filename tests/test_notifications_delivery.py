"""Sending in the background: failures are recorded and retried with back-off, never
raised into the transition; the SMS gateways; the sweep's safety net."""

import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django_tasks_db.models import DBTaskResult

from aduan.notifications import sms, tasks
from aduan.notifications.models import Notification
from aduan.notifications.tasks import backoff, deliver_one, requeue_stale
from aduan.reports import lifecycle
from aduan.reports.lifecycle import Actor, Change
from aduan.reports.models import Status
from tests.factories import submit

WIB = ZoneInfo("Asia/Jakarta")
T0 = datetime(2026, 11, 2, 10, 0, tzinfo=WIB)


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server down")


class FailingGateway:
    def send(self, *, to, message):
        raise sms.SmsError("gateway answered HTTP 503")


@pytest.fixture
def failing_mail(settings):
    settings.EMAIL_BACKEND = "tests.test_notifications_delivery.FailingBackend"


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "aduan.core.tasks.DatabaseBackend", "QUEUES": ["default"]}
    }


def notice(**fields):
    defaults = dict(
        dedupe_key=f"test:{Notification.objects.count()}",
        kind="event",
        audience="staff",
        channel="email",
        recipient="petugas@contoh.id",
        subject="Uji",
        body="Isi uji",
        next_attempt_at=T0,
        created_at=T0,
    )
    defaults.update(fields)
    return Notification.objects.create(**defaults)


def test_failed_send_is_recorded_and_the_transition_still_committed(
    world, failing_mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        r = submit(now=T0, reporter_email="warga@contoh.id").report
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition(
            r,
            "dispatch",
            actor=Actor.staff(world.desk),
            change=Change(agency=world.kemenkes),
            now=T0,
        )
    r.refresh_from_db()
    assert r.status == Status.DISPATCHED
    assert r.events.filter(action="dispatch").count() == 1
    failed = Notification.objects.filter(report=r).order_by("id")
    assert [n.status for n in failed] == ["queued", "queued"]
    for n in failed:
        assert n.attempts == 1
        assert "SMTP server down" in n.last_error
        assert n.next_attempt_at > n.created_at  # a retry is scheduled
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_retry_is_scheduled_with_run_after_on_the_database_backend(world, failing_mail, db_tasks):
    r = submit(now=T0, reporter_email="warga@contoh.id").report
    (n,) = Notification.objects.filter(report=r)
    # Intake queues its deferred work too (aduan.reports.hooks.run_after_submit).
    queued = DBTaskResult.objects.filter(task_path=tasks.deliver_notifications.module_path)
    first = queued.get()
    now = datetime(2026, 11, 2, 10, 5, tzinfo=WIB)
    assert deliver_one(n.pk, now=now) is False
    n.refresh_from_db()
    assert n.status == "queued" and n.attempts == 1
    assert n.next_attempt_at == now + timedelta(minutes=1)
    retry = queued.exclude(pk=first.pk).get()
    assert retry.run_after == now + timedelta(minutes=1) < first.run_after  # 9999: "now"
    assert retry.args_kwargs["args"] == [[n.pk]]


def test_back_off_grows_and_gives_up_after_six_attempts(db, failing_mail):
    n = notice()
    now = T0
    delays = []
    for _attempt in range(5):
        deliver_one(n.pk, now=now)
        n.refresh_from_db()
        assert n.status == "queued"
        delays.append(n.next_attempt_at - now)
        now = n.next_attempt_at
    assert delays == [timedelta(minutes=m) for m in (1, 5, 25, 125, 625)]
    assert [backoff(a) for a in range(1, 6)] == delays
    deliver_one(n.pk, now=now)
    n.refresh_from_db()
    assert n.status == "failed" and n.attempts == tasks.MAX_ATTEMPTS
    assert n.next_attempt_at is None and "SMTP server down" in n.last_error
    # A failed notice is not picked up again by a stray task.
    assert deliver_one(n.pk, now=now) is False
    n.refresh_from_db()
    assert n.attempts == tasks.MAX_ATTEMPTS


def test_a_later_attempt_succeeds(db, settings):
    settings.EMAIL_BACKEND = "tests.test_notifications_delivery.FailingBackend"
    n = notice()
    deliver_one(n.pk, now=T0)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_one(n.pk, now=T0 + timedelta(minutes=1)) is True
    n.refresh_from_db()
    assert n.status == "sent" and n.attempts == 2 and n.last_error == ""
    assert len(mail.outbox) == 1


def test_sms_failure_is_retried_too(world, settings, django_capture_on_commit_callbacks):
    settings.ADUAN_SMS_GATEWAY = "tests.test_notifications_delivery.FailingGateway"
    with django_capture_on_commit_callbacks(execute=True):
        r = submit(now=T0, reporter_phone="081311112222").report  # phone only: SMS
    (n,) = Notification.objects.filter(report=r)
    assert n.channel == "sms" and n.status == "queued" and "HTTP 503" in n.last_error


def test_safety_net_requeues_lost_and_stuck_notices(db, django_capture_on_commit_callbacks):
    lost = notice(next_attempt_at=T0)
    fresh = notice(next_attempt_at=T0 + timedelta(minutes=55))
    stuck = notice(status="sending", claimed_at=T0, attempts=1)
    stale = notice(next_attempt_at=T0 - timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stale(now=T0 + timedelta(hours=1)) == 2
    for n in (lost, fresh, stuck, stale):
        n.refresh_from_db()
    assert lost.status == "sent" and stuck.status == "sent"
    assert fresh.status == "queued"  # its time has barely come: its own task will run
    assert stale.status == "failed" and stale.last_error == tasks.GAVE_UP
    assert len(mail.outbox) == 2


# ---- SMS gateways --------------------------------------------------------------------


def test_logging_gateway_is_the_default(settings):
    sms.LoggingSmsGateway.outbox.clear()
    sms.gateway().send(to="0813", message="halo")
    assert sms.LoggingSmsGateway.outbox == [sms.SmsMessage(to="0813", message="halo")]
    sms.LoggingSmsGateway.outbox.clear()


class _Recorder(BaseHTTPRequestHandler):
    status = 202
    seen: list = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        _Recorder.seen.append(
            (self.path, self.headers["Authorization"], json.loads(self.rfile.read(length)))
        )
        self.send_response(_Recorder.status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway_server():
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.seen = []
    _Recorder.status = 202
    yield f"http://127.0.0.1:{server.server_port}/kirim"
    server.shutdown()
    server.server_close()


def test_http_gateway_posts_json_with_bearer_token(settings, gateway_server):
    settings.ADUAN_SMS_GATEWAY = "aduan.notifications.sms.HttpSmsGateway"
    settings.ADUAN_SMS_GATEWAY_URL = gateway_server
    settings.ADUAN_SMS_GATEWAY_TOKEN = "rahasia-gateway"
    sms.gateway().send(to="081311112222", message="Aduan X: Selesai.")
    assert _Recorder.seen == [
        ("/kirim", "Bearer rahasia-gateway", {"to": "081311112222", "message": "Aduan X: Selesai."})
    ]


def test_http_gateway_error_status_is_an_error(gateway_server):
    _Recorder.status = 500
    with pytest.raises(sms.SmsError, match="HTTP 500"):
        sms.HttpSmsGateway(url=gateway_server, token="t").send(to="0813", message="x")


def test_http_gateway_unreachable_or_misconfigured_is_an_error():
    with pytest.raises(sms.SmsError, match="unreachable"):
        # Port 9 (discard) on loopback: nothing listens there in the test environment.
        sms.HttpSmsGateway(url="http://127.0.0.1:9/", token="t", timeout=2).send(
            to="0813", message="x"
        )
    with pytest.raises(sms.SmsError, match="not an http"):
        sms.HttpSmsGateway(url="file:///etc/passwd", token="t").send(to="0813", message="x")


@pytest.mark.django_db(transaction=True)
def test_failed_sms_through_http_gateway_is_recorded(world, settings, gateway_server):
    settings.ADUAN_SMS_GATEWAY = "aduan.notifications.sms.HttpSmsGateway"
    settings.ADUAN_SMS_GATEWAY_URL = gateway_server
    _Recorder.status = 503
    r = submit(now=T0, reporter_phone="081311112222").report  # phone only: SMS
    (n,) = Notification.objects.filter(report=r)
    assert n.status == "queued" and n.attempts == 1 and "HTTP 503" in n.last_error
    assert len(_Recorder.seen) == 1
