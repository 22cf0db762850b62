"""Working days: Monday–Friday minus national holidays minus cuti bersama.

National holidays (Islamic dates included) come from the ``holidays`` package;
cuti bersama dates are data (:class:`aduan.sla.models.CollectiveLeave`), editable
by the desk when the yearly decree appears. A deadline ends at 23:59:59 of its
last working day in the handling agency's time zone.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

_LEAVE_TTL_SECONDS = 300
_leave_cache: tuple[float, frozenset[date]] | None = None


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("ID", years=year, categories=("public",)).keys())


def collective_leave_dates() -> frozenset[date]:
    """All cuti bersama dates, cached per process for a few minutes."""
    global _leave_cache
    now = time.monotonic()
    if _leave_cache is None or now - _leave_cache[0] > _LEAVE_TTL_SECONDS:
        from aduan.sla.models import CollectiveLeave

        dates = frozenset(CollectiveLeave.objects.values_list("date", flat=True))
        _leave_cache = (now, dates)
    return _leave_cache[1]


def clear_cache() -> None:
    global _leave_cache
    _leave_cache = None


def is_working_day(day: date) -> bool:
    if day.weekday() >= 5:
        return False
    if day in _national_holidays(day.year):
        return False
    return day not in collective_leave_dates()


def local_date(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()


def end_of_day(day: date, tz: str) -> datetime:
    return datetime.combine(day, dtime(23, 59, 59), tzinfo=ZoneInfo(tz))


def add_working_days(start: datetime, days: int, tz: str) -> datetime:
    """Deadline ``days`` working days after ``start``, at 23:59:59 local time.

    The day of receipt is not counted (it is usually partly over): a report received on
    Friday with 3 working days is due on Wednesday night.
    """
    if days < 1:
        raise ValueError("days must be positive")
    day = local_date(start, tz)
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return end_of_day(day, tz)


def add_calendar_days(start: datetime, days: int, tz: str) -> datetime:
    return end_of_day(local_date(start, tz) + timedelta(days=days), tz)


def working_days_between(start: datetime, end: datetime, tz: str) -> int:
    """Working days from the day after ``start`` up to and including ``end``'s day."""
    first, last = local_date(start, tz), local_date(end, tz)
    count = 0
    day = first
    while day < last:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
