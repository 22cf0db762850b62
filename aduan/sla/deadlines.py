"""Deadline arithmetic for reports, from the limits stored as data."""

from __future__ import annotations

import time
from datetime import datetime

from aduan.sla import calendar
from aduan.sla.models import SlaLimit

Key = SlaLimit.Key

# Defaults written by the initial data migration and `aduan loadrefdata`;
# the rows, not these numbers, are what the system uses at run time.
DEFAULT_LIMITS: dict[str, tuple[int, str, str]] = {
    Key.VERIFY: (3, "working", "Perpres 76/2013; Permenpan RB 62/2018"),
    Key.NEEDS_INFO_EXPIRY: (10, "working", "Permenpan RB 62/2018"),
    Key.FIRST_RESPONSE: (5, "working", "Permenpan RB 62/2018"),
    Key.COMPLETION_ASPIRATION: (5, "working", "Permenpan RB 62/2018"),
    Key.COMPLETION_INFO_REQUEST: (5, "working", "Permenpan RB 62/2018"),
    Key.COMPLETION_COMPLAINT: (14, "working", "Permenpan RB 62/2018"),
    Key.COMPLETION_INSPECTION: (60, "working", "Permenpan RB 62/2018"),
    Key.AUTO_CLOSE: (10, "working", "Permenpan RB 62/2018"),
    Key.OMBUDSMAN_AFTER_DISPATCH: (60, "calendar", "UU 37/2008; Permenpan RB 62/2018"),
}

_TTL_SECONDS = 300
_cache: tuple[float, dict[str, SlaLimit]] | None = None


def clear_cache() -> None:
    global _cache
    _cache = None


def limits() -> dict[str, SlaLimit]:
    global _cache
    now = time.monotonic()
    if _cache is None or now - _cache[0] > _TTL_SECONDS:
        rows = {row.key: row for row in SlaLimit.objects.all()}
        for key, (days, unit, basis) in DEFAULT_LIMITS.items():
            # A deployment that deleted a row still gets the legal default rather than
            # a crash in the middle of a transition.
            rows.setdefault(key, SlaLimit(key=key, days=days, unit=unit, legal_basis=basis))
        _cache = (now, rows)
    return _cache[1]


def due(key: str, start: datetime, tz: str) -> datetime:
    limit = limits()[key]
    if limit.unit == SlaLimit.Unit.CALENDAR:
        return calendar.add_calendar_days(start, limit.days, tz)
    return calendar.add_working_days(start, limit.days, tz)


def completion_key(*, report_type: str, needs_inspection: bool) -> str:
    if report_type == "aspiration":
        return Key.COMPLETION_ASPIRATION
    if report_type == "info_request":
        return Key.COMPLETION_INFO_REQUEST
    return Key.COMPLETION_INSPECTION if needs_inspection else Key.COMPLETION_COMPLAINT


def ensure_default_limits() -> int:
    """Create missing limit rows with legal defaults; never overwrite edited ones."""
    created = 0
    for key, (days, unit, basis) in DEFAULT_LIMITS.items():
        _, was_created = SlaLimit.objects.get_or_create(
            key=key, defaults={"days": days, "unit": unit, "legal_basis": basis}
        )
        created += was_created
    clear_cache()
    return created
