"""Working days: weekends, national holidays, cuti bersama (data) and time zones."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from aduan.sla import calendar, deadlines
from aduan.sla.models import CollectiveLeave, SlaLimit

WIB = ZoneInfo("Asia/Jakarta")
WIT = ZoneInfo("Asia/Jayapura")
UTC = ZoneInfo("UTC")


def at(y, m, d, h=10, tz=WIB):
    return datetime(y, m, d, h, 0, tzinfo=tz)


@pytest.mark.django_db
def test_weekend_is_skipped_and_deadline_ends_at_local_midnight():
    # Friday 27 Nov 2026 → Mon, Tue, Wed.
    due = calendar.add_working_days(at(2026, 11, 27), 3, "Asia/Jakarta")
    assert due == datetime(2026, 12, 2, 23, 59, 59, tzinfo=WIB)


@pytest.mark.django_db
def test_national_holidays_from_holidays_package_are_skipped():
    # 25 Dec 2026 (Friday) is Christmas; without cuti bersama data 24 Dec is a working day.
    due = calendar.add_working_days(at(2026, 12, 23), 3, "Asia/Jakarta")
    assert due.date() == date(2026, 12, 29)


@pytest.mark.django_db
def test_collective_leave_is_data_and_changes_deadlines():
    CollectiveLeave.objects.create(date=date(2026, 12, 24), description="Cuti bersama Natal")
    due = calendar.add_working_days(at(2026, 12, 23), 3, "Asia/Jakarta")
    assert due.date() == date(2026, 12, 30)
    CollectiveLeave.objects.filter(date=date(2026, 12, 24)).delete()
    due = calendar.add_working_days(at(2026, 12, 23), 3, "Asia/Jakarta")
    assert due.date() == date(2026, 12, 29)


@pytest.mark.django_db
def test_idul_fitri_2026_block():
    for day in (date(2026, 3, 18), date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 24)):
        CollectiveLeave.objects.create(date=day, description="Cuti bersama")
    # Nyepi 19 Mar and Idulfitri 21–22 Mar are national holidays (Islamic dates included).
    assert not calendar.is_working_day(date(2026, 3, 19))
    due = calendar.add_working_days(at(2026, 3, 17), 3, "Asia/Jakarta")
    assert due.date() == date(2026, 3, 27)


@pytest.mark.django_db
def test_time_zone_of_handling_agency_decides_the_local_day():
    moment = datetime(2026, 11, 30, 15, 30, tzinfo=UTC)  # Mon 22:30 WIB, Tue 00:30 WIT
    in_wit = calendar.add_working_days(moment, 5, "Asia/Jayapura")
    in_wib = calendar.add_working_days(moment, 5, "Asia/Jakarta")
    assert in_wit == datetime(2026, 12, 8, 23, 59, 59, tzinfo=WIT)
    assert in_wib == datetime(2026, 12, 7, 23, 59, 59, tzinfo=WIB)
    assert in_wit.astimezone(UTC) == datetime(2026, 12, 8, 14, 59, 59, tzinfo=UTC)


@pytest.mark.django_db
def test_working_days_between_counts_only_working_days():
    assert calendar.working_days_between(at(2026, 11, 27), at(2026, 12, 2), "Asia/Jakarta") == 3
    assert calendar.working_days_between(at(2026, 11, 27), at(2026, 11, 29), "Asia/Jakarta") == 0


@pytest.mark.django_db
def test_limits_live_in_data():
    # Transactional tests elsewhere flush the migration-created rows; recreate them.
    deadlines.ensure_default_limits()
    start = at(2026, 11, 27)
    assert deadlines.due("verify", start, "Asia/Jakarta").date() == date(2026, 12, 2)
    SlaLimit.objects.filter(key="verify").update(days=5)
    deadlines.clear_cache()
    assert deadlines.due("verify", start, "Asia/Jakarta").date() == date(2026, 12, 4)


@pytest.mark.django_db
def test_calendar_day_limits():
    due = deadlines.due("ombudsman_after_dispatch", at(2026, 1, 1), "Asia/Jakarta")
    assert due.date() == date(2026, 3, 2)


@pytest.mark.django_db
def test_completion_limits_by_report_class():
    start = at(2026, 11, 2)  # Monday
    key = deadlines.completion_key
    asp = deadlines.due(
        key(report_type="aspiration", needs_inspection=False), start, "Asia/Jakarta"
    )
    comp = deadlines.due(
        key(report_type="complaint", needs_inspection=False), start, "Asia/Jakarta"
    )
    insp = deadlines.due(key(report_type="complaint", needs_inspection=True), start, "Asia/Jakarta")
    info = deadlines.due(
        key(report_type="info_request", needs_inspection=True), start, "Asia/Jakarta"
    )
    assert asp.date() == date(2026, 11, 9)
    assert info.date() == date(2026, 11, 9)
    assert comp.date() == date(2026, 11, 20)
    assert calendar.working_days_between(start, insp, "Asia/Jakarta") == 60


def test_zero_days_is_an_error():
    with pytest.raises(ValueError):
        calendar.add_working_days(at(2026, 1, 5), 0, "Asia/Jakarta")
