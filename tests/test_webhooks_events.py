"""Which report events become webhook deliveries, for which endpoints, carrying what; and
that deliveries exist exactly when the change that caused them committed."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from aduan.agencies.models import Role
from aduan.reports import hooks, intake, lifecycle
from aduan.reports.lifecycle import Actor
from aduan.reports.models import Channel, ReportEvent
from aduan.webhooks import events
from aduan.webhooks.models import EventType, WebhookDelivery
from tests.factories import UserFactory, report, staff, submit
from tests.webhooks_support import act, deliveries, dispatched, endpoint

WIB = ZoneInfo("Asia/Jakarta")
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=WIB)  # Monday


def types_for(ep) -> list[str]:
    return [d.event_type for d in deliveries(endpoint=ep)]


# ---- event types -------------------------------------------------------------------------


def test_a_report_worked_by_the_agency_yields_each_event_type_once(world):
    ep, _secret = endpoint(world.bandung)
    officer = Actor.staff(world.bandung_officer)
    r = dispatched(world, now=T0)
    act(r, "accept", officer)
    act(r, "update", officer, message="Petugas sudah meninjau lokasi.")
    act(r, "respond", officer, message="Jalan sudah ditambal.")
    act(r, "reporter_reply", Actor.reporter(), message="Masih ada lubang di ujung jalan.")
    act(r, "respond", officer, message="Ujung jalan juga sudah ditambal.")
    act(r, "close", Actor.reporter())
    act(r, "rate", Actor.reporter(), rating=5, resolved=True)  # not a webhook event

    assert types_for(ep) == [
        EventType.DISPATCHED,
        EventType.UPDATED,  # accept
        EventType.UPDATED,  # update
        EventType.UPDATED,  # respond
        EventType.REPORTER_REPLIED,
        EventType.UPDATED,
        EventType.CLOSED,
    ]
    rows = deliveries(endpoint=ep)
    assert len({d.event_id for d in rows}) == len(rows)
    assert all(d.status == WebhookDelivery.Status.PENDING for d in rows)
    assert all(d.payload["id"] == d.event_id for d in rows)


def test_only_chosen_event_types_are_delivered(world):
    ep, _ = endpoint(world.bandung, events=[EventType.CLOSED])
    officer = Actor.staff(world.bandung_officer)
    r = dispatched(world)
    act(r, "respond", officer, message="Selesai ditangani.")
    act(r, "close", Actor.reporter())

    assert types_for(ep) == [EventType.CLOSED]
    assert deliveries()[0].payload["event"]["action"] == "close"


def test_auto_close_and_return_to_desk(world):
    ep, _ = endpoint(world.bandung)
    officer = Actor.staff(world.bandung_officer)
    r = dispatched(world, agency=world.bandung_dinkes)
    act(r, "respond", officer, message="Sudah ditindaklanjuti.")
    act(r, "auto_close", Actor.system(), now=r.auto_at)
    other = dispatched(world, agency=world.bandung_dinkes)
    act(other, "return_to_desk", officer, reason="bukan_wewenang")

    returned = deliveries(endpoint=ep, event_type=EventType.RETURNED)
    assert len(returned) == 1
    assert returned[0].report == other
    # Nobody handles it afterwards; the event says who returned it and why.
    assert returned[0].payload["report"]["agency"] is None
    assert returned[0].payload["event"]["reason"] == "bukan_wewenang"
    assert deliveries(endpoint=ep, event_type=EventType.CLOSED)[0].payload["event"]["action"] == (
        "auto_close"
    )


def test_sla_reminders_become_deadline_reminder_events(world):
    """The SLA sweep writes staff-only events with action sla_reminder/sla_escalation and
    passes them to the hooks like every other event."""
    ep, _ = endpoint(world.bandung, events=[EventType.DEADLINE_REMINDER])
    r = dispatched(world, agency=world.bandung_pupr)
    for action in ("sla_reminder", "sla_escalation", "sla_ombudsman_offer"):
        with transaction.atomic():
            event = ReportEvent.objects.create(
                report=r,
                action=action,
                from_status=r.status,
                to_status=r.status,
                actor_kind=ReportEvent.ActorKind.SYSTEM,
                agency=r.agency,
                reason="due_soon",
                message="Pengingat: batas tanggapan pertama besok.",
                visibility=ReportEvent.Visibility.STAFF,
                created_at=T0 + timedelta(days=3),
            )
            hooks.event_recorded(event)

    rows = deliveries(endpoint=ep)
    assert [d.payload["event"]["action"] for d in rows] == ["sla_reminder", "sla_escalation"]
    assert rows[0].payload["event"]["message"] == "Pengingat: batas tanggapan pertama besok."
    assert rows[0].payload["report"]["deadlines"]["first_response_due_at"] is not None


def test_reports_filed_through_an_agency_app_are_announced_to_that_agency(world):
    kemenkes, _ = endpoint(world.kemenkes, events=[EventType.SUBMITTED_VIA_AGENCY])
    bandung, _ = endpoint(world.bandung)
    receipt = submit(
        channel=Channel.AGENCY_APP, source_agency=world.kemenkes, external_id="SEHAT-0042"
    )
    submit(channel=Channel.WEB)  # an ordinary report: nobody is told

    rows = deliveries(endpoint=kemenkes)
    assert [d.event_type for d in rows] == [EventType.SUBMITTED_VIA_AGENCY]
    assert rows[0].payload["report"]["external_id"] == "SEHAT-0042"
    assert rows[0].payload["report"]["tracking_id"] == receipt.tracking_id
    assert deliveries(endpoint=bandung) == []


def test_another_agencys_external_id_is_not_sent(world):
    ep, _ = endpoint(world.bandung)
    r = report(channel=Channel.AGENCY_APP, source_agency=world.kemenkes, external_id="K-1")
    act(r, "dispatch", Actor.staff(world.desk), agency=world.bandung)

    payload = deliveries(endpoint=ep)[0].payload["report"]
    assert payload["source_agency"] == "KEMENKES"
    assert payload["external_id"] is None


# ---- who receives what: the agency tree -----------------------------------------------------


def test_endpoints_hear_only_their_own_subtree(world):
    bandung, _ = endpoint(world.bandung)
    dinkes, _ = endpoint(world.bandung_dinkes)
    surabaya, _ = endpoint(world.surabaya)
    kemenkes, _ = endpoint(world.kemenkes)

    r = dispatched(world, agency=world.bandung)
    act(r, "forward", Actor.staff(world.bandung_admin), agency=world.bandung_dinkes)
    act(r, "update", Actor.staff(world.dinkes_officer), message="Sedang ditinjau.")
    s = dispatched(world, agency=world.surabaya)
    act(s, "accept", Actor.staff(world.surabaya_officer))

    # The city hears of the report entering its subtree, not of the move inside it.
    assert types_for(bandung) == [EventType.DISPATCHED, EventType.UPDATED]
    # The unit hears of the report entering its subtree (forwarded to it).
    assert types_for(dinkes) == [EventType.DISPATCHED, EventType.UPDATED]
    assert deliveries(endpoint=dinkes)[0].payload["event"]["action"] == "forward"
    assert {d.report for d in deliveries(endpoint=surabaya)} == {s}
    assert types_for(surabaya) == [EventType.DISPATCHED, EventType.UPDATED]
    assert deliveries(endpoint=kemenkes) == []


def test_escalation_to_the_ombudsman_is_a_dispatch_for_the_ombudsman(world):
    bandung, _ = endpoint(world.bandung)
    ombudsman, _ = endpoint(world.ombudsman)
    r = dispatched(world, now=T0)
    act(r, "escalate", Actor.reporter(), now=T0 + timedelta(days=90))

    assert types_for(ombudsman) == [EventType.DISPATCHED]
    assert deliveries(endpoint=ombudsman)[0].payload["event"]["action"] == "escalate"
    assert types_for(bandung) == [EventType.DISPATCHED]  # only its own dispatch


def test_inactive_deleted_and_paused_endpoints(world):
    from aduan.webhooks import services

    deleted, _ = endpoint(world.bandung)
    services.endpoint_delete(endpoint=deleted)
    paused, _ = endpoint(world.bandung)
    services.endpoint_pause(endpoint=paused, reason="uji")
    dispatched(world)

    assert deliveries(endpoint=deleted) == []
    # A paused endpoint's events wait for it.
    assert types_for(paused) == [EventType.DISPATCHED]


def test_no_endpoint_no_rows_and_one_query(world, django_assert_max_num_queries):
    r = dispatched(world)
    event = ReportEvent.objects.select_related("report", "agency").filter(report=r).last()
    with django_assert_max_num_queries(1):
        assert events.endpoints_for(events.match(event)) == []
    assert WebhookDelivery.objects.count() == 0


# ---- privacy -----------------------------------------------------------------------------


def test_the_reporter_is_never_in_any_payload(world):
    ep, _ = endpoint(world.bandung)
    kemenkes, _ = endpoint(world.kemenkes)
    account = UserFactory(username="siti.rahayu@example.id", email="siti.rahayu@example.id")
    officer = Actor.staff(world.bandung_officer)
    identities = ["Siti Rahayu", "siti.rahayu@example.id", "081234567890", "6281234567890"]
    r = intake.report_submit(
        submission=intake.Submission(
            title="Pungutan liar di kantor kelurahan",
            body="Petugas meminta uang tambahan untuk surat pengantar.",
            channel=Channel.AGENCY_APP,
            source_agency=world.kemenkes,
            external_id="X-9",
            is_anonymous=True,
            reporter_name="Siti Rahayu",
            reporter_email="siti.rahayu@example.id",
            reporter_phone="081234567890",
        ),
        reporter=account,
    ).report
    act(r, "dispatch", Actor.staff(world.desk), agency=world.bandung)
    act(r, "respond", officer, message="Sudah ditindak; petugas diberi sanksi.")
    act(r, "reporter_reply", Actor.reporter(account), message="Terima kasih, tapi masih terjadi.")
    act(r, "respond", officer, message="Kami awasi langsung.")
    act(r, "close", Actor.reporter(account))

    rows = deliveries()
    assert {d.endpoint for d in rows} == {ep, kemenkes}
    for row in rows:
        text = json.dumps(row.payload, ensure_ascii=False)
        for identity in identities:
            assert identity not in text
        assert "reporter_name" not in text and "reporter_email" not in text
    assert rows[-1].payload["report"]["is_anonymous"] is True


def test_public_events_carry_the_redacted_text(world):
    ep, _ = endpoint(world.bandung)
    r = dispatched(world)
    act(
        r,
        "respond",
        Actor.staff(world.bandung_officer),
        message="Silakan hubungi petugas di 081299998888.",
    )
    event = deliveries(endpoint=ep)[-1].payload["event"]
    assert "081299998888" not in event["message"]


# ---- atomicity: rows exist iff the change committed --------------------------------------


def test_a_failed_transition_creates_no_delivery(world):
    endpoint(world.bandung)
    r = dispatched(world)
    before = WebhookDelivery.objects.count()
    with pytest.raises(lifecycle.MissingInput):
        act(r, "respond", Actor.staff(world.bandung_officer), message="  ")
    with pytest.raises(lifecycle.NotPermitted):
        act(r, "accept", Actor.staff(world.surabaya_officer))
    assert WebhookDelivery.objects.count() == before


def test_a_rolled_back_transition_leaves_no_delivery(world):
    endpoint(world.bandung)
    r = report()
    with pytest.raises(RuntimeError), transaction.atomic():
        act(r, "dispatch", Actor.staff(world.desk), agency=world.bandung)
        assert WebhookDelivery.objects.count() == 1  # written inside the transaction
        raise RuntimeError("crash before commit")
    assert WebhookDelivery.objects.count() == 0


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "aduan.core.tasks.DatabaseBackend", "QUEUES": ["default"]}
    }


@pytest.mark.django_db(transaction=True)
def test_the_delivery_task_is_queued_in_the_same_transaction(world, db_tasks):
    ep, _ = endpoint(world.bandung)
    r = report()
    tasks_before = DBTaskResult.objects.filter(task_path__endswith="deliver_webhooks").count()

    with pytest.raises(RuntimeError), transaction.atomic():
        act(r, "dispatch", Actor.staff(world.desk), agency=world.bandung)
        raise RuntimeError("crash before commit")
    assert WebhookDelivery.objects.count() == 0
    assert (
        DBTaskResult.objects.filter(task_path__endswith="deliver_webhooks").count() == tasks_before
    )

    r.refresh_from_db()
    act(r, "dispatch", Actor.staff(world.desk), agency=world.bandung)
    row = WebhookDelivery.objects.get(endpoint=ep)
    task = DBTaskResult.objects.filter(task_path__endswith="deliver_webhooks").get()
    assert task.args_kwargs["args"] == [[row.pk]]


def test_staff_of_other_roles_do_not_change_the_audience(world):
    """An admin of a unit registering an endpoint hears only that unit."""
    staff(world.bandung_pupr, Role.AGENCY_ADMIN)
    pupr, _ = endpoint(world.bandung_pupr)
    dispatched(world, agency=world.bandung_dinkes)
    assert deliveries(endpoint=pupr) == []
