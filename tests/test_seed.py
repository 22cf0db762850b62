"""`aduan seed --demo`: demo accounts and back-dated reports through the real lifecycle."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_tasks_db.models import DBTaskResult

from aduan.agencies.models import Membership, Role
from aduan.demo import accounts
from aduan.demo.models import DemoReport
from aduan.demo.plans import Catalogue, make_plan
from aduan.demo.seeding import seed_demo
from aduan.reports.models import Category, Report, ReportEvent, Status
from tests.test_refdata import clear_reference_data

NOW = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        call_command("loadrefdata", stdout=StringIO())
        yield
        clear_reference_data()


pytestmark = [pytest.mark.usefixtures("loaded"), pytest.mark.django_db]


def seed(n: int) -> str:
    out = StringIO()
    call_command("seed", "--demo", "--reports", str(n), stdout=out)
    return out.getvalue()


def test_demo_accounts_with_known_password_and_roles() -> None:
    seed(0)
    users = get_user_model().objects
    roles = {
        (m.user.username, m.agency.code, m.role)
        for m in Membership.objects.select_related("user", "agency")
    }
    expected = {
        ("desk@demo.aduan.id", "LAPOR", Role.DESK),
        ("admin.bandung@demo.aduan.id", "32.73", Role.AGENCY_ADMIN),
        ("petugas.bandung@demo.aduan.id", "32.73", Role.OFFICER),
        ("petugas.dinkes.bandung@demo.aduan.id", "32.73.DINKES", Role.OFFICER),
        ("petugas.kemenkes@demo.aduan.id", "KEMENKES", Role.OFFICER),
        ("koordinator.jabar@demo.aduan.id", "32", Role.COORDINATOR),
        ("koordinator.jabar@demo.aduan.id", "32.73", Role.COORDINATOR),
        ("ombudsman@demo.aduan.id", "ORI", Role.OMBUDSMAN),
    }
    assert expected <= roles
    citizen = users.get(username="warga@demo.aduan.id")
    assert citizen.email == "warga@demo.aduan.id"
    assert not Membership.objects.filter(user=citizen).exists()
    assert users.get(username="petugas.bandung@demo.aduan.id").check_password("aduan-demo-2026")
    assert Report.objects.count() == 0


def test_reports_move_through_real_states_with_consistent_events(settings: Any) -> None:
    # The embedded default: tasks are rows written in the caller's transaction.
    settings.TASKS = {"default": {"BACKEND": "aduan.core.tasks.DatabaseBackend"}}
    result = seed_demo(reports=60, now=NOW)
    assert (result.reports_created, result.reports_total) == (60, 60)
    reports = list(Report.objects.select_related("agency"))
    assert len(reports) == DemoReport.objects.count() == 60

    statuses = Counter(r.status for r in reports)
    assert len(statuses) >= 4, statuses
    assert statuses[Status.CLOSED] > 0
    assert {Status.REJECTED, Status.NEEDS_INFO} & set(statuses)
    assert {Status.DISPATCHED, Status.IN_PROGRESS, Status.RESPONDED} & set(statuses)

    for report in reports:
        events = list(report.events.order_by("created_at", "id"))
        assert events[0].action == "submit"
        assert events[-1].to_status == report.status, report.tracking_id
        times = [e.created_at for e in events]
        assert times == sorted(times)
        assert NOW - timedelta(days=366) <= report.submitted_at <= times[-1] <= NOW
        if report.status in (Status.DISPATCHED, Status.IN_PROGRESS, Status.RESPONDED):
            assert report.agency is not None
        if report.status in (Status.DISPATCHED, Status.IN_PROGRESS):
            assert report.due_at is not None
        if report.status == Status.RESPONDED:
            assert report.auto_at is not None and report.auto_at > NOW
        if report.status == Status.CLOSED:
            assert report.closed_at is not None
    # Kota Bandung and its units get a good share, so the demo officer has work.
    bandung = [r for r in reports if r.agency and r.agency.path.startswith("/32.73/")]
    assert len(bandung) >= 6
    assert ReportEvent.objects.filter(action="dispatch", actor__username="desk@demo.aduan.id")
    # Seeding queues no notifications about events that "happened" months ago.
    assert not DBTaskResult.objects.exists()


def test_reports_are_varied_and_show_redaction() -> None:
    seed_demo(reports=80, now=NOW)
    reports = Report.objects.all()
    assert reports.filter(is_anonymous=True).exists()
    assert reports.filter(is_confidential=True).exists()
    assert reports.filter(demographics_consent=True).exclude(gender="").exists()
    assert len(set(reports.values_list("channel", flat=True))) >= 4
    assert len(set(reports.values_list("type", flat=True))) >= 2
    assert len(set(reports.values_list("title", flat=True))) >= 60
    assert reports.filter(reporter__username="warga@demo.aduan.id").exists()
    redacted = reports.filter(public_body__contains="disamarkan")
    assert redacted.exists()
    assert all(r.public_body != r.body for r in redacted)
    assert all(r.reporter_email.endswith("@demo.aduan.id") for r in reports if r.reporter_email)


def test_second_run_adds_nothing_and_a_larger_run_tops_up() -> None:
    seed(12)
    users = get_user_model().objects.count()
    events = ReportEvent.objects.count()
    out = seed(12)
    assert "sudah ada" in out
    assert Report.objects.count() == 12
    assert ReportEvent.objects.count() == events
    assert get_user_model().objects.count() == users
    seed(15)
    assert Report.objects.count() == 15
    assert sorted(DemoReport.objects.values_list("seq", flat=True)) == list(range(15))


def test_same_sequence_number_writes_the_same_report() -> None:
    seed(0)
    book = Catalogue()
    citizen = get_user_model().objects.get(username=accounts.REPORTER_EMAIL)
    first = make_plan(7, book=book, now=NOW, citizen=citizen)
    again = make_plan(7, book=book, now=NOW, citizen=citizen)
    assert first.submission == again.submission
    assert first.dispatch_to == again.dispatch_to


def test_requires_the_demo_flag() -> None:
    with pytest.raises(CommandError, match="--demo"):
        call_command("seed", stdout=StringIO())


def test_refuses_to_run_without_reference_data() -> None:
    Category.objects.all().delete()  # rolled back with the test
    with pytest.raises(CommandError, match="loadrefdata"):
        seed(5)
    assert not Report.objects.exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL: autovacuum's job")
def test_seeding_leaves_sqlite_planner_statistics() -> None:
    from tests.test_dbstats import forget_stats, stat_tables

    forget_stats()
    seed(3)
    assert "reports_report" in stat_tables()
