"""Figures of the coordinator view: open, overdue and follow-up rate per agency.

Each agency's figures cover its whole subtree (its units included). All rows are
computed together with conditional aggregates: one query for the open/overdue counts and
one for the follow-up rate, whatever the number of agencies shown (chunked only to stay
far below databases' column limits).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q

from aduan.agencies.models import Agency
from aduan.backoffice.selectors import AGENCY_OPEN_STATUSES
from aduan.reports import access
from aduan.reports.models import Report, ReportEvent

FOLLOW_UP_WINDOW = timedelta(days=365)
# Events that put a report in an agency's hands.
ENTERING_ACTIONS = ("dispatch", "forward", "escalate")
MAX_ROWS_PER_QUERY = 100


@dataclass
class AgencyFigures:
    agency: Agency
    is_unit_row: bool
    open: int = 0
    overdue: int = 0
    received: int = 0  # reports dispatched in the window that entered the subtree
    followed_up: int = 0  # of those, how many got a follow-up from the subtree

    @property
    def follow_up_percent(self) -> int | None:
        if not self.received:
            return None
        return round(100 * self.followed_up / self.received)


@dataclass
class AgencyGroup:
    root: AgencyFigures
    units: list[AgencyFigures] = field(default_factory=list)


def coordinator_overview(roots: list[Agency], *, now: datetime) -> list[AgencyGroup]:
    """Each root agency with its direct units, figures filled in."""
    units = list(
        Agency.objects.filter(parent__in=roots, is_active=True).order_by("parent_id", "name")
    )
    groups = {a.pk: AgencyGroup(root=AgencyFigures(agency=a, is_unit_row=False)) for a in roots}
    for unit in units:
        if unit.parent_id in groups:
            groups[unit.parent_id].units.append(AgencyFigures(agency=unit, is_unit_row=True))
    rows = [g.root for g in groups.values()] + [u for g in groups.values() for u in g.units]
    for start in range(0, len(rows), MAX_ROWS_PER_QUERY):
        chunk = rows[start : start + MAX_ROWS_PER_QUERY]
        _fill_open_counts(chunk, now)
        _fill_follow_up(chunk, now)
    return list(groups.values())


def _fill_open_counts(rows: list[AgencyFigures], now: datetime) -> None:
    aggregates: dict[str, Any] = {}
    for i, row in enumerate(rows):
        inside = Q(agency__path__startswith=row.agency.path)
        aggregates[f"open_{i}"] = Count("pk", filter=inside)
        aggregates[f"late_{i}"] = Count("pk", filter=inside & Q(due_at__lt=now))
    result = Report.objects.filter(
        access.subtree_q([r.agency for r in rows]), status__in=AGENCY_OPEN_STATUSES
    ).aggregate(**aggregates)
    for i, row in enumerate(rows):
        row.open, row.overdue = result[f"open_{i}"], result[f"late_{i}"]


def _fill_follow_up(rows: list[AgencyFigures], now: datetime) -> None:
    """Follow-up rate over the reports dispatched in the last 12 months: of those that
    entered the subtree (dispatch, forward or escalation into it), the share with a
    follow-up (``respond``) written from inside it. A report can only be followed up by
    the agency holding it, so the numerator is always part of the denominator."""
    aggregates: dict[str, Any] = {}
    for i, row in enumerate(rows):
        inside = Q(agency__path__startswith=row.agency.path)
        aggregates[f"in_{i}"] = Count(
            "report_id", distinct=True, filter=inside & Q(action__in=ENTERING_ACTIONS)
        )
        aggregates[f"done_{i}"] = Count(
            "report_id", distinct=True, filter=inside & Q(action="respond")
        )
    result = ReportEvent.objects.filter(
        access.subtree_q([r.agency for r in rows]),
        action__in=(*ENTERING_ACTIONS, "respond"),
        report__dispatched_at__gte=now - FOLLOW_UP_WINDOW,
    ).aggregate(**aggregates)
    for i, row in enumerate(rows):
        row.received, row.followed_up = result[f"in_{i}"], result[f"done_{i}"]
