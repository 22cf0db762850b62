"""Reminders before and at the staff deadline: one working day ahead (weekends, national
holidays and cuti bersama skipped) in the handling agency's time zone, once each."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from aduan.agencies.models import Role
from aduan.notifications.models import Notification
from aduan.reports import lifecycle
from aduan.reports.lifecycle import Actor, Change
from aduan.reports.models import ReportEvent
from aduan.sla import duties
from aduan.sla.models import CollectiveLeave, SlaAction
from aduan.sla.sweep import sweep
from tests.factories import report, staff

WIB = ZoneInfo("Asia/Jakarta")
WIT = ZoneInfo("Asia/Jayapura")


def at(y, m, d, hh=0, mm=0, ss=0, tz=WIB):
    return datetime(y, m, d, hh, mm, ss, tzinfo=tz)


def dispatched(world, agency, when, **fields):
    r = report(now=when, **fields)
    lifecycle.transition(
        r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=agency), now=when
    )
    r.refresh_from_db()
    return r


def told(kind, r=None):
    """User ids told about ``kind`` (about report ``r`` when given)."""
    qs = Notification.objects.filter(kind=kind)
    if r is not None:
        qs = qs.filter(body__contains=r.tracking_id)
    return sorted(qs.values_list("user_id", flat=True))


def kinds(r):
    return sorted(r.sla_actions.values_list("kind", flat=True))


def test_due_soon_on_the_friday_before_a_monday_deadline(world):
    r = dispatched(world, world.bandung, at(2026, 11, 2, 10))  # Monday
    assert r.due_at == at(2026, 11, 9, 23, 59, 59)  # five working days: next Monday
    assert duties.due_soon_at(r.due_at, "Asia/Jakarta") == at(2026, 11, 6, 8)
    assert sweep(now=at(2026, 11, 6, 7, 59, 59)).sla == {}
    assert sweep(now=at(2026, 11, 6, 8)).sla == {"due_soon": 1}
    staff_ids = sorted([world.bandung_admin.pk, world.bandung_officer.pk])
    assert told("due_soon", r) == staff_ids
    # Once: the weekend and the deadline day itself add nothing.
    assert sweep(now=at(2026, 11, 7, 12)).sla == {}
    assert sweep(now=at(2026, 11, 9, 23, 59, 59)).sla == {}
    assert kinds(r) == ["due_soon"]
    # The system's act is on the report's staff history, status unchanged.
    event = r.events.get(action="sla_reminder")
    assert event.actor_kind == "system" and event.actor is None
    assert event.visibility == ReportEvent.Visibility.STAFF
    assert event.from_status == event.to_status == "dispatched"
    assert event.reason == "due_soon"


def test_overdue_once_the_deadline_has_passed(world):
    r = dispatched(world, world.bandung, at(2026, 11, 2, 10))
    sweep(now=at(2026, 11, 6, 8))
    result = sweep(now=at(2026, 11, 10, 0, 0))
    assert result.sla["overdue"] == 1
    assert told("overdue", r) == sorted([world.bandung_admin.pk, world.bandung_officer.pk])
    assert sweep(now=at(2026, 11, 10, 9)).sla == {}
    assert SlaAction.objects.filter(report=r, kind="overdue").count() == 1
    notice = Notification.objects.filter(kind="overdue").first()
    assert "terlewati" in notice.subject
    assert "9 November 2026 23.59 WIB" in notice.body
    assert f"/petugas/laporan/{r.tracking_id}/" in notice.body


def test_a_national_holiday_moves_the_reminder_earlier(world):
    # Deadline Monday 28 Dec 2026; Friday 25 Dec is Christmas: remind on Thursday.
    r = dispatched(world, world.bandung, at(2026, 12, 18, 10))
    assert r.due_at == at(2026, 12, 28, 23, 59, 59)
    assert sweep(now=at(2026, 12, 24, 7, 59)).sla == {}
    assert sweep(now=at(2026, 12, 24, 8)).sla == {"due_soon": 1}


def test_cuti_bersama_moves_the_reminder_earlier(world):
    CollectiveLeave.objects.create(date=date(2026, 12, 24), description="Cuti bersama Natal")
    # 18, 21, 22, 23, (24 leave, 25 Christmas) 28: deadline Monday 28, reminder Wed 23.
    r = dispatched(world, world.bandung, at(2026, 12, 17, 10))
    assert r.due_at == at(2026, 12, 28, 23, 59, 59)
    assert sweep(now=at(2026, 12, 23, 7, 59)).sla == {}
    assert sweep(now=at(2026, 12, 23, 8)).sla == {"due_soon": 1}
    assert sweep(now=at(2026, 12, 24, 8)).sla == {}


def test_reminders_follow_the_agency_time_zone(world):
    officer = staff(world.jayapura, Role.OFFICER)
    start = at(2026, 11, 2, 10)
    jpr = dispatched(world, world.jayapura, start)
    bdg = dispatched(world, world.bandung, start)
    assert jpr.due_at == at(2026, 11, 9, 23, 59, 59, tz=WIT)
    # 08:00 WIT is 06:00 WIB: Jayapura is reminded two hours before Bandung.
    assert sweep(now=at(2026, 11, 6, 5, 59, 59)).sla == {}
    assert sweep(now=at(2026, 11, 6, 6)).sla == {"due_soon": 1}
    assert told("due_soon", jpr) == [officer.pk]
    assert kinds(bdg) == []
    assert sweep(now=at(2026, 11, 6, 8)).sla == {"due_soon": 1}
    assert kinds(bdg) == ["due_soon"]
    # Overdue at midnight local time: 22:00 WIB for Jayapura.
    assert sweep(now=at(2026, 11, 9, 21, 59, 59)).sla == {}
    late = sweep(now=at(2026, 11, 9, 22)).sla
    assert late["overdue"] == 1
    assert "overdue" in kinds(jpr) and "overdue" not in kinds(bdg)
    assert sweep(now=at(2026, 11, 10, 0)).sla["overdue"] == 1
    assert "overdue" in kinds(bdg)
    notice = Notification.objects.get(kind="overdue", user=officer)
    assert "WIT" in notice.body


def test_the_desk_is_reminded_of_verification(world):
    r = report(now=at(2026, 11, 6, 10))  # Friday
    assert r.due_at == at(2026, 11, 11, 23, 59, 59)  # Mon, Tue, Wed
    assert sweep(now=at(2026, 11, 10, 7)).sla == {}
    assert sweep(now=at(2026, 11, 10, 8)).sla == {"due_soon": 1}
    assert told("due_soon") == [world.desk.pk]
    assert sweep(now=at(2026, 11, 12, 0)).sla == {"overdue": 1}
    assert told("overdue") == [world.desk.pk]
    body = Notification.objects.get(kind="overdue").body
    assert "batas verifikasi" in body


def test_a_new_deadline_gets_its_own_reminders(world):
    r = dispatched(world, world.bandung, at(2026, 11, 2, 10))
    sweep(now=at(2026, 11, 6, 8))
    lifecycle.transition(
        r,
        "return_to_desk",
        actor=Actor.staff(world.bandung_officer),
        change=Change(reason="Bukan wewenang Pemkot Bandung."),
        now=at(2026, 11, 6, 9),
    )
    lifecycle.transition(
        r,
        "dispatch",
        actor=Actor.staff(world.desk),
        change=Change(agency=world.surabaya),
        now=at(2026, 11, 9, 10),
    )
    r.refresh_from_db()
    assert r.due_at == at(2026, 11, 16, 23, 59, 59)
    assert sweep(now=at(2026, 11, 13, 8)).sla == {"due_soon": 1}
    deadlines = sorted(r.sla_actions.filter(kind="due_soon").values_list("deadline_at", flat=True))
    assert deadlines == [at(2026, 11, 9, 23, 59, 59), at(2026, 11, 16, 23, 59, 59)]
    assert told("due_soon", r) == sorted(
        [world.bandung_admin.pk, world.bandung_officer.pk, world.surabaya_officer.pk]
    )


def test_a_first_response_moves_the_deadline_to_completion(world):
    r = dispatched(world, world.bandung, at(2026, 11, 2, 10))
    lifecycle.transition(
        r,
        "update",
        actor=Actor.staff(world.bandung_officer),
        change=Change(message="Sedang kami periksa."),
        now=at(2026, 11, 3, 10),
    )
    r.refresh_from_db()
    assert r.due_at == r.completion_due_at
    assert sweep(now=at(2026, 11, 10, 0)).sla == {}
    before = r.completion_due_at - timedelta(hours=1)
    assert sweep(now=before).sla == {"due_soon": 1}
    notice = Notification.objects.get(kind="due_soon", user=world.bandung_officer)
    assert "batas penyelesaian" in notice.body


def test_long_past_deadlines_are_left_to_the_digest(world):
    old = report(now=at(2026, 10, 1, 10))
    recent = report(now=at(2026, 10, 26, 10))
    result = sweep(now=at(2026, 11, 2, 10))
    assert result.sla == {"overdue": 1}
    assert kinds(old) == [] and kinds(recent) == ["overdue"]


def test_one_mail_per_person_lists_all_their_reports(world, django_capture_on_commit_callbacks):
    reports = [dispatched(world, world.bandung, at(2026, 11, 2, 10 + i)) for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(now=at(2026, 11, 6, 8)).sla == {"due_soon": 3}
    to_officer = [m for m in mail.outbox if m.to == [world.bandung_officer.email]]
    assert len(to_officer) == 1
    assert "3 laporan" in to_officer[0].subject
    for r in reports:
        assert r.tracking_id in to_officer[0].body


@pytest.mark.parametrize("status_change", ["respond", "reject"])
def test_no_reminder_when_nothing_is_owed(world, status_change):
    if status_change == "respond":
        r = dispatched(world, world.bandung, at(2026, 11, 2, 10))
        lifecycle.transition(
            r,
            "respond",
            actor=Actor.staff(world.bandung_officer),
            change=Change(message="Selesai."),
            now=at(2026, 11, 3, 10),
        )
    else:
        r = report(now=at(2026, 11, 2, 10))
        lifecycle.transition(
            r,
            "reject",
            actor=Actor.staff(world.desk),
            change=Change(reason="spam"),
            now=at(2026, 11, 2, 11),
        )
    assert sweep(now=at(2026, 11, 12)).sla == {}
