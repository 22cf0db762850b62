"""`aduan sweep`: automatic transitions at the right moment, once."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command

from aduan.reports import lifecycle
from aduan.reports.lifecycle import Actor, Change
from aduan.reports.models import Status
from aduan.sla.models import CollectiveLeave
from aduan.sla.sweep import sweep
from tests.factories import report

WIB = ZoneInfo("Asia/Jakarta")
WIT = ZoneInfo("Asia/Jayapura")


def responded(world, agency, at):
    r = report(now=at)
    officer = world.bandung_officer if agency == world.bandung else None
    lifecycle.transition(
        r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=agency), now=at
    )
    if officer is None:
        from aduan.agencies.models import Role
        from tests.factories import staff

        officer = staff(agency, Role.OFFICER)
    lifecycle.transition(
        r,
        "respond",
        actor=Actor.staff(officer),
        change=Change(message="Sudah ditindaklanjuti."),
        now=at,
    )
    return r


def test_needs_info_expires_after_ten_working_days(world):
    at = datetime(2026, 12, 21, 10, tzinfo=WIB)  # Monday before Christmas
    CollectiveLeave.objects.create(
        date=datetime(2026, 12, 24).date(), description="Cuti bersama Natal"
    )
    r = report(now=at)
    lifecycle.transition(
        r,
        "request_info",
        actor=Actor.staff(world.desk),
        change=Change(message="Sebutkan nama jalan."),
        now=at,
    )
    r.refresh_from_db()
    # 22, 23, (24 leave, 25 Christmas), 28, 29, 30, 31, (1 Jan New Year), 4,
    # (5 Isra Mi'raj), 6, 7, 8 → Friday 8 Jan 2027.
    assert r.auto_at == datetime(2027, 1, 8, 23, 59, 59, tzinfo=WIB)
    assert sweep(now=r.auto_at - timedelta(seconds=1)).total == 0
    r.refresh_from_db()
    assert r.status == Status.NEEDS_INFO
    result = sweep(now=r.auto_at)
    assert result.acted == {"expire": 1}
    r.refresh_from_db()
    assert r.status == Status.REJECTED and r.rejection_reason == "incomplete"
    assert r.auto_at is None
    last = r.events.last()
    assert last.action == "expire" and last.actor_kind == "system" and last.actor is None
    assert sweep(now=r.auto_at or datetime(2027, 2, 1, tzinfo=WIB)).total == 0


def test_reporter_answer_stops_the_expiry(world):
    at = datetime(2026, 11, 2, 10, tzinfo=WIB)
    r = report(now=at)
    lifecycle.transition(
        r, "request_info", actor=Actor.staff(world.desk), change=Change(message="Lengkapi."), now=at
    )
    lifecycle.transition(
        r,
        "provide_info",
        actor=Actor.reporter(),
        change=Change(message="Jalan Merdeka no. 1"),
        now=at + timedelta(days=1),
    )
    r.refresh_from_db()
    assert r.status == Status.SUBMITTED and r.auto_at is None and r.due_at is not None
    assert sweep(now=at + timedelta(days=60)).total == 0


def test_auto_close_uses_the_agency_time_zone(world):
    at = datetime(2026, 11, 2, 10, tzinfo=WIB)
    bdg = responded(world, world.bandung, at)
    jpr = responded(world, world.jayapura, at)
    # Both due on Mon 16 Nov at 23:59:59 local time: Jayapura (WIT) two hours earlier.
    assert jpr.auto_at == datetime(2026, 11, 16, 23, 59, 59, tzinfo=WIT)
    assert bdg.auto_at == datetime(2026, 11, 16, 23, 59, 59, tzinfo=WIB)
    result = sweep(now=datetime(2026, 11, 16, 23, 0, tzinfo=WIB))
    assert result.acted == {"auto_close": 1}
    jpr.refresh_from_db()
    bdg.refresh_from_db()
    assert jpr.status == Status.CLOSED and bdg.status == Status.RESPONDED
    assert sweep(now=datetime(2026, 11, 17, 0, 0, tzinfo=WIB)).acted == {"auto_close": 1}
    bdg.refresh_from_db()
    assert bdg.status == Status.CLOSED and bdg.closed_at is not None


def test_reporter_reply_cancels_auto_close(world):
    at = datetime(2026, 11, 2, 10, tzinfo=WIB)
    r = responded(world, world.bandung, at)
    lifecycle.transition(
        r,
        "reporter_reply",
        actor=Actor.reporter(),
        change=Change(message="Masih rusak."),
        now=at + timedelta(days=2),
    )
    assert sweep(now=at + timedelta(days=60)).total == 0
    r.refresh_from_db()
    assert r.status == Status.IN_PROGRESS


def test_sweep_command_is_idempotent(world):
    at = datetime(2020, 1, 6, 10, tzinfo=WIB)
    responded(world, world.bandung, at)
    out = StringIO()
    call_command("sweep", stdout=out)
    assert "acted: 1" in out.getvalue()
    out = StringIO()
    call_command("sweep", stdout=out)
    assert "acted: 0" in out.getvalue()


def test_sweep_purges_day_old_idempotency_records(db):
    from aduan.core.models import IdempotencyRecord

    old = IdempotencyRecord.objects.create(scope="public-api", key="old", request_hash="x")
    IdempotencyRecord.objects.create(scope="public-api", key="fresh", request_hash="y")
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=datetime(2026, 1, 1, tzinfo=WIB))
    result = sweep(now=datetime(2026, 1, 2, 1, tzinfo=WIB))
    assert result.purged == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh"]
