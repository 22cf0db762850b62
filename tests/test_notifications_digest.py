"""The daily digest: each staff member's due and overdue reports, once a working day."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command

from aduan.notifications.digest import digest_if_due, digest_send
from aduan.notifications.models import DigestRun, Notification
from aduan.reports import lifecycle
from aduan.reports.lifecycle import Actor, Change
from tests.factories import report

WIB = ZoneInfo("Asia/Jakarta")


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=WIB)


def dispatched(world, agency, when, **fields):
    r = report(now=when, **fields)
    lifecycle.transition(
        r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=agency), now=when
    )
    return r


def digest_of(user):
    return Notification.objects.filter(kind="digest", user=user).first()


def test_each_member_gets_their_own_due_items(world):
    overdue = dispatched(world, world.bandung_dinkes, at(2026, 10, 26, 10))  # due Mon 2 Nov
    due_tomorrow = dispatched(world, world.bandung, at(2026, 10, 29, 10))  # due Thu 5 Nov
    later = dispatched(world, world.bandung, at(2026, 11, 3, 10))  # due Tue 10 Nov
    surabaya = dispatched(world, world.surabaya, at(2026, 10, 26, 10))
    waiting = report(now=at(2026, 10, 30, 10))  # verification due Wed 4 Nov
    queued = digest_send(day=date(2026, 11, 4), now=at(2026, 11, 4, 6))
    # Bandung admin and officer, the Dinkes officer, the Surabaya officer and the desk.
    assert queued == 5
    bandung = digest_of(world.bandung_officer).body
    assert overdue.tracking_id[:5] in bandung and due_tomorrow.tracking_id[:5] in bandung
    assert later.tracking_id[:5] not in bandung and surabaya.tracking_id[:5] not in bandung
    assert bandung.index("Melewati batas waktu") < bandung.index(overdue.tracking_id[:5])
    dinkes = digest_of(world.dinkes_officer).body
    assert overdue.tracking_id[:5] in dinkes and due_tomorrow.tracking_id[:5] not in dinkes
    desk = digest_of(world.desk).body
    assert waiting.tracking_id[:5] in desk and overdue.tracking_id[:5] not in desk
    assert "2 laporan" in digest_of(world.bandung_admin).subject
    assert digest_of(world.coordinator) is None  # read-only mentors get no to-do list


def test_nothing_due_no_mail(world):
    dispatched(world, world.bandung, at(2026, 11, 3, 10))
    assert digest_send(day=date(2026, 11, 4), now=at(2026, 11, 4, 6)) == 0


def test_the_worker_sends_it_once_on_working_days_from_six(world):
    dispatched(world, world.bandung, at(2026, 10, 26, 10))
    assert digest_if_due(now=at(2026, 11, 4, 5, 59)) is None
    assert digest_if_due(now=at(2026, 11, 4, 6)) == 2
    assert digest_if_due(now=at(2026, 11, 4, 6, 1)) is None
    assert DigestRun.objects.get().sent == 2
    # Saturday and a national holiday (Christmas): no digest.
    assert digest_if_due(now=at(2026, 11, 7, 9)) is None
    assert digest_if_due(now=at(2026, 12, 25, 9)) is None
    # Re-running a day sends nothing twice.
    assert digest_send(day=date(2026, 11, 4), now=at(2026, 11, 4, 9)) == 0


def test_digest_command(world):
    dispatched(world, world.bandung, at(2026, 10, 26, 10))
    out = StringIO()
    call_command("digest", "--date", "2026-11-04", stdout=out)
    assert "2026-11-04: 2 queued" in out.getvalue()
    call_command("digest", "--date", "2026-11-04", stdout=out)
    assert "2026-11-04: 0 queued" in out.getvalue()
