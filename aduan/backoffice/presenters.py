"""How staff pages show deadlines and rows: local time of the handling agency, with the
zone's abbreviation, and overdue / due-today states spelled out in words (never by
colour alone)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import formats

from aduan.regions.models import TIME_ZONE_CHOICES, WIB
from aduan.reports import selectors
from aduan.reports.models import Report, Status

ZONE_ABBREVIATIONS: dict[str, str] = dict(TIME_ZONE_CHOICES)
# The desk works on Jakarta time; reports without a handling agency use it too.
DESK_TZ = WIB


def report_tz(report: Report) -> str:
    return report.agency.time_zone if report.agency_id and report.agency else DESK_TZ


def local_text(moment: datetime, tz: str, *, fmt: str = "j M Y, H.i") -> str:
    """``12 Nov 2026, 23.59 WITA``: the moment in ``tz`` with the zone's abbreviation."""
    local = moment.astimezone(ZoneInfo(tz))
    return f"{formats.date_format(local, fmt)} {ZONE_ABBREVIATIONS.get(tz, tz)}"


@dataclass(frozen=True)
class DeadlineView:
    label: Any
    moment: datetime
    text: str
    overdue: bool
    due_today: bool


def deadline_view(moment: datetime, tz: str, now: datetime, label: Any = "") -> DeadlineView:
    """Overdue once ``now`` is past the moment; "due today" when the deadline falls on
    today's date in the zone that governs it (a 23:59 WIT deadline is already tomorrow
    in Jakarta for two hours of the evening)."""
    zone = ZoneInfo(tz)
    overdue = now > moment
    due_today = not overdue and moment.astimezone(zone).date() == now.astimezone(zone).date()
    return DeadlineView(
        label=label,
        moment=moment,
        text=local_text(moment, tz),
        overdue=overdue,
        due_today=due_today,
    )


def optional_deadline(
    moment: datetime | None, tz: str, now: datetime, label: Any = ""
) -> DeadlineView | None:
    return deadline_view(moment, tz, now, label) if moment is not None else None


@dataclass(frozen=True)
class QueueRow:
    report: Report
    deadline: DeadlineView | None


def queue_rows(reports: list[Report], now: datetime) -> list[QueueRow]:
    """Desk rows: the verification deadline (submitted) or the reporter's deadline to
    complete the report (needs_info), in Jakarta time."""
    rows = []
    for r in reports:
        moment = r.due_at if r.status == Status.SUBMITTED else r.auto_at
        rows.append(QueueRow(report=r, deadline=optional_deadline(moment, DESK_TZ, now)))
    return rows


@dataclass(frozen=True)
class InboxRow:
    report: Report
    first_response: DeadlineView | None  # None once the agency has responded
    completion: DeadlineView | None  # None once the follow-up is posted


FOLLOWED_UP = frozenset({Status.RESPONDED, Status.CLOSED})


def inbox_rows(reports: list[Report], now: datetime) -> list[InboxRow]:
    rows = []
    for r in reports:
        tz = report_tz(r)
        first = None if r.first_response_at else r.first_response_due_at
        completion = None if r.status in FOLLOWED_UP else r.completion_due_at
        rows.append(
            InboxRow(
                report=r,
                first_response=optional_deadline(first, tz, now),
                completion=optional_deadline(completion, tz, now),
            )
        )
    return rows


def report_deadlines(report: Report, now: datetime) -> list[DeadlineView]:
    """Every deadline that still matters for the report's current state."""
    tz = report_tz(report)
    return [
        deadline_view(moment, tz, now, label)
        for label, moment in selectors.pending_deadlines(report)
    ]
