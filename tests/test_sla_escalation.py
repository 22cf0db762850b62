"""Escalation of an overdue first response (agency admins → parent admins → desk, each
step once and in order) and the Ombudsman offer to the reporter (once per report)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from aduan.agencies.models import Role
from aduan.notifications import sms
from aduan.notifications.models import Notification
from aduan.reports import lifecycle
from aduan.reports.lifecycle import Actor, Change
from aduan.reports.models import Channel, ReportType, Status
from aduan.sla.escalation import escalation_steps
from aduan.sla.models import SlaAction
from aduan.sla.sweep import sweep
from tests.factories import report, staff

WIB = ZoneInfo("Asia/Jakarta")
WIT = ZoneInfo("Asia/Jayapura")
CHAIN = ("escalate_agency", "escalate_parent", "escalate_desk")


def at(y, m, d, hh=0, mm=0, ss=0, tz=WIB):
    return datetime(y, m, d, hh, mm, ss, tzinfo=tz)


def dispatched(world, agency, when, needs_inspection=None, **fields):
    r = report(now=when, **fields)
    change = Change(agency=agency, needs_inspection=needs_inspection)
    lifecycle.transition(r, "dispatch", actor=Actor.staff(world.desk), change=change, now=when)
    r.refresh_from_db()
    return r


def steps_done(r):
    return list(
        SlaAction.objects.filter(report=r, kind__in=CHAIN)
        .order_by("id")
        .values_list("kind", flat=True)
    )


def told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))


@pytest.fixture
def dinkes_admin(world):
    return staff(world.bandung_dinkes, Role.AGENCY_ADMIN)


def test_chain_for_a_unit_goes_up_to_the_parent_then_the_desk(world, dinkes_admin):
    r = dispatched(world, world.bandung_dinkes, at(2026, 11, 2, 10))
    deadline = at(2026, 11, 9, 23, 59, 59)
    assert r.first_response_due_at == deadline
    assert [(s.kind, s.at) for s in escalation_steps(r)] == [
        ("escalate_agency", deadline),
        ("escalate_parent", at(2026, 11, 11, 23, 59, 59)),  # two working days later
        ("escalate_desk", at(2026, 11, 13, 23, 59, 59)),  # two more
    ]
    assert sweep(now=deadline).sla.get("escalate_agency") is None
    assert sweep(now=at(2026, 11, 10, 0)).sla["escalate_agency"] == 1
    assert told("escalate_agency") == [dinkes_admin.pk]
    assert steps_done(r) == ["escalate_agency"]
    # Nothing more until the next step's time, however often the sweep runs.
    for moment in (at(2026, 11, 10, 9), at(2026, 11, 11, 23, 59, 59)):
        assert "escalate_parent" not in sweep(now=moment).sla
    assert sweep(now=at(2026, 11, 12, 0)).sla == {"escalate_parent": 1}
    assert told("escalate_parent") == [world.bandung_admin.pk]
    assert sweep(now=at(2026, 11, 13, 12)).sla == {}
    assert sweep(now=at(2026, 11, 14, 0)).sla == {"escalate_desk": 1}
    assert told("escalate_desk") == [world.desk.pk]
    assert steps_done(r) == list(CHAIN)
    assert sweep(now=at(2026, 11, 20)).sla == {}
    events = list(r.events.filter(action="sla_escalation").values_list("reason", flat=True))
    assert events == list(CHAIN)


def test_top_level_agency_goes_straight_to_the_desk(world):
    r = dispatched(world, world.bandung, at(2026, 11, 2, 10))
    assert [s.kind for s in escalation_steps(r)] == ["escalate_agency", "escalate_desk"]
    sweep(now=at(2026, 11, 10, 0))
    assert told("escalate_agency") == [world.bandung_admin.pk]
    assert sweep(now=at(2026, 11, 11, 23)).sla == {}
    assert sweep(now=at(2026, 11, 12, 0)).sla == {"escalate_desk": 1}
    assert steps_done(r) == ["escalate_agency", "escalate_desk"]


def test_a_late_sweep_takes_every_due_step_in_order(world, dinkes_admin):
    r = dispatched(world, world.bandung_dinkes, at(2026, 11, 2, 10))
    result = sweep(now=at(2026, 11, 16, 9))
    assert {k: result.sla[k] for k in CHAIN} == {k: 1 for k in CHAIN}
    assert steps_done(r) == list(CHAIN)
    assert sweep(now=at(2026, 11, 16, 10)).sla == {}


def test_a_first_response_stops_the_chain(world, dinkes_admin):
    r = dispatched(world, world.bandung_dinkes, at(2026, 11, 2, 10))
    sweep(now=at(2026, 11, 10, 0))
    lifecycle.transition(
        r,
        "update",
        actor=Actor.staff(world.dinkes_officer),
        change=Change(message="Sedang kami tangani."),
        now=at(2026, 11, 10, 9),
    )
    assert sweep(now=at(2026, 11, 20)).sla.get("escalate_parent") is None
    assert steps_done(r) == ["escalate_agency"]


def test_escalation_steps_count_working_days_in_wit(world):
    admin = staff(world.jayapura, Role.AGENCY_ADMIN)
    r = dispatched(world, world.jayapura, at(2026, 12, 17, 10, tz=WIT))
    # Fri 18, Mon 21, Tue 22, Wed 23, Thu 24 (Fri 25 Christmas).
    assert r.first_response_due_at == at(2026, 12, 24, 23, 59, 59, tz=WIT)
    # Midnight WIT is 22:00 WIB on the 24th.
    assert sweep(now=at(2026, 12, 24, 22, 0, 1)).sla["escalate_agency"] == 1
    assert told("escalate_agency") == [admin.pk]
    desk_step = escalation_steps(r)[-1]
    assert desk_step.at == at(2026, 12, 29, 23, 59, 59, tz=WIT)  # Mon 28, Tue 29
    assert sweep(now=at(2026, 12, 29, 21, 59, 59)).sla == {}
    assert sweep(now=at(2026, 12, 29, 22, 0, 1)).sla == {"escalate_desk": 1}


def test_escalation_mail_reaches_the_right_people(
    world, dinkes_admin, django_capture_on_commit_callbacks
):
    dispatched(world, world.bandung_dinkes, at(2026, 11, 2, 10))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=at(2026, 11, 10, 0))
    escalations = [m for m in mail.outbox if "Eskalasi" in m.subject]
    assert [m.to for m in escalations] == [[dinkes_admin.email]]
    assert "tanggapan pertama" in escalations[0].body
    assert "9 November 2026 23.59 WIB" in escalations[0].body


# ---- the Ombudsman offer -------------------------------------------------------------


def test_ombudsman_is_offered_once_after_the_completion_limit(
    world, django_capture_on_commit_callbacks
):
    r = dispatched(
        world,
        world.bandung,
        at(2026, 11, 2, 10),
        reporter_email="warga@contoh.id",
        type=ReportType.ASPIRATION,
    )
    lifecycle.transition(
        r,
        "update",
        actor=Actor.staff(world.bandung_officer),
        change=Change(message="Kami pelajari."),
        now=at(2026, 11, 3, 10),
    )
    r.refresh_from_db()
    assert r.completion_due_at == at(2026, 11, 9, 23, 59, 59)
    assert not lifecycle.escalation_due(r, r.completion_due_at)
    assert sweep(now=r.completion_due_at).sla == {}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep(now=at(2026, 11, 10, 0, 0, 1))
    assert result.sla["ombudsman_offer"] == 1
    offers = [m for m in mail.outbox if "Ombudsman" in m.subject]
    assert [m.to for m in offers] == [["warga@contoh.id"]]
    assert f"/lacak/{r.tracking_id}/" in offers[0].body
    for later in (at(2026, 11, 11), at(2026, 11, 30), at(2027, 1, 5)):
        assert "ombudsman_offer" not in sweep(now=later).sla
    assert SlaAction.objects.filter(report=r, kind="ombudsman_offer").count() == 1
    event = r.events.get(action="sla_ombudsman_offer")
    assert event.actor_kind == "system" and event.visibility == "staff"
    # The reporter may now take up the offer.
    lifecycle.transition(r, "escalate", actor=Actor.reporter(), now=at(2026, 11, 12, 9))
    r.refresh_from_db()
    assert r.status == Status.ESCALATED


def test_ombudsman_offer_sixty_days_after_dispatch_by_sms(
    world, django_capture_on_commit_callbacks
):
    sms.LoggingSmsGateway.outbox.clear()
    # A complaint needing inspection has 60 working days: the 60 calendar days come first.
    r = dispatched(
        world,
        world.bandung,
        at(2026, 11, 2, 10),
        channel=Channel.SMS,
        reporter_phone="081399990000",
        needs_inspection=True,
    )
    lifecycle.transition(
        r,
        "update",
        actor=Actor.staff(world.bandung_officer),
        change=Change(message="Tim akan ke lapangan."),
        now=at(2026, 11, 3, 10),
    )
    r.refresh_from_db()
    assert r.completion_due_at > at(2027, 1, 2)
    # Sixty calendar days end on 1 January 2027 at 23:59:59.
    assert "ombudsman_offer" not in sweep(now=at(2027, 1, 1, 23, 59, 59)).sla
    sms.LoggingSmsGateway.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(now=at(2027, 1, 2, 0, 0, 1)).sla["ombudsman_offer"] == 1
    (text,) = [m.message for m in sms.LoggingSmsGateway.outbox if "Ombudsman" in m.message]
    assert len(text) <= 160 and f"/lacak/{r.tracking_id}/" in text
    assert "ombudsman_offer" not in sweep(now=at(2027, 1, 3)).sla
    sms.LoggingSmsGateway.outbox.clear()


def test_no_offer_once_resolved_or_without_contact(world):
    closed = dispatched(world, world.bandung, at(2026, 11, 2, 10), reporter_email="a@contoh.id")
    officer = Actor.staff(world.bandung_officer)
    lifecycle.transition(
        closed, "respond", actor=officer, change=Change(message="Beres."), now=at(2026, 11, 3)
    )
    lifecycle.transition(closed, "close", actor=Actor.reporter(), now=at(2026, 11, 4))
    silent = dispatched(world, world.bandung, at(2026, 11, 2, 10))
    result = sweep(now=at(2026, 12, 1))
    assert result.sla.get("ombudsman_offer") == 1  # the silent one: recorded, nobody to tell
    assert SlaAction.objects.filter(kind="ombudsman_offer").get().report_id == silent.pk
    assert not Notification.objects.filter(kind="ombudsman_offer").exists()


def test_catch_up_window_leaves_old_first_responses_alone(world):
    r = dispatched(world, world.bandung, at(2026, 9, 1, 10))
    result = sweep(now=at(2026, 11, 2, 10))
    # Two months late: no escalation mail and no "overdue" mail any more (the digest
    # lists it), but the reporter's right to the Ombudsman stands.
    assert steps_done(r) == []
    assert result.sla == {"ombudsman_offer": 1}


def test_late_report_timeline_is_unchanged_for_the_public(world, client):
    r = dispatched(world, world.bandung, at(2026, 11, 2, 10))
    sweep(now=at(2026, 11, 14))
    assert r.events.filter(visibility="staff").count() >= 3
    page = client.get(f"/lacak/{r.tracking_id}/")
    assert page.status_code == 200
    assert "sla_" not in page.content.decode()
