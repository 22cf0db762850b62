"""Staff duties on the clock: which deadline a report is waiting on, in which time zone,
and when "due soon" starts. Shared by the sweep's reminders and the daily digest."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from aduan.reports.models import Report, Status
from aduan.sla import calendar

# States in which staff owe something by ``Report.due_at``: the desk's verification, the
# agency's first response, completion, or its answer to the reporter's reply.
STAFF_STATUSES = (Status.SUBMITTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.ESCALATED)
AGENCY_STATUSES = (Status.DISPATCHED, Status.IN_PROGRESS, Status.ESCALATED)
# "Due soon" starts at the beginning of the office day before the deadline's day.
OFFICE_HOUR = 8
DESK_TZ = "Asia/Jakarta"
# Every Indonesian time zone: the sweep's coarse query must cover the latest of them.
ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")


def report_tz(report: Report) -> str:
    """Deadlines are computed in the handling agency's zone; the desk works in WIB."""
    if report.agency_id is None or report.agency is None:
        return DESK_TZ
    return report.agency.time_zone


def next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def previous_working_day(day: date) -> date:
    day -= timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def due_soon_at(deadline: datetime, tz: str) -> datetime:
    """08:00 local time on the last working day before the deadline's day: one working
    day of warning, whatever weekend, holiday or cuti bersama lies in between."""
    day = previous_working_day(calendar.local_date(deadline, tz))
    return datetime.combine(day, time(OFFICE_HOUR), tzinfo=ZoneInfo(tz))


def due_soon_horizon(now: datetime, tz: str) -> datetime:
    """Every deadline up to this moment has its "due soon" time at or before ``now``.

    ``due_soon_at(d) <= now`` exactly when d's day is no later than the first working day
    after T, where T is today once the office day has begun, else yesterday.
    """
    today = calendar.local_date(now - timedelta(hours=OFFICE_HOUR), tz)
    return calendar.end_of_day(next_working_day(today), tz)


def widest_horizon(now: datetime) -> datetime:
    return max(due_soon_horizon(now, tz) for tz in ZONES)


def deadline_label(report: Report) -> str:
    """Which deadline ``due_at`` is, in words for a notice."""
    if report.status == Status.SUBMITTED:
        return _("verifikasi")
    if report.first_response_at is None and report.due_at == report.first_response_due_at:
        return _("tanggapan pertama")
    if report.due_at == report.completion_due_at:
        return _("penyelesaian")
    return _("tanggapan atas balasan pelapor")


def first_response_label() -> str:
    return _("tanggapan pertama")
