"""Reminders to the staff who owe a report's current deadline (``Report.due_at``):
"due soon" from 08:00 on the last working day before it, "overdue" once it has passed.

Both queries read the ``report_status_due`` index (status, due_at) within a narrow
window and skip, through an anti-join on the unique SlaAction key, every report already
reminded about that deadline; a quiet minute therefore reads almost nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from aduan.agencies.models import Agency
from aduan.notifications import recipients
from aduan.reports.models import Report
from aduan.sla import duties
from aduan.sla.actions import StaffAct, perform_staff_acts
from aduan.sla.models import SlaAction

Kind = SlaAction.Kind
BATCH = 200
# Deadlines that passed longer ago than this (the sweep was down, history was imported)
# get no late "overdue" mail; they are in every daily digest instead.
OVERDUE_CATCH_UP = timedelta(days=7)


def _not_yet(kind: str, deadline_field: str) -> Exists:
    return Exists(
        SlaAction.objects.filter(
            report=OuterRef("pk"), kind=kind, deadline_at=OuterRef(deadline_field)
        )
    )


def batches(qs: QuerySet[Report]) -> Iterator[list[Report]]:
    """The matching reports BATCH at a time, each read once per sweep. Their keys are read
    first, in one pass (paging the query itself would re-run its whole window and
    anti-join for every page: 41 passes over 8,000 reports mid-escalation at 10M); each
    page is then read through the same filter, so a report acted upon meanwhile is left
    out."""
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = list(qs.filter(pk__in=ids[start : start + BATCH]).order_by("pk"))
        if batch:
            yield batch


class StaffCache:
    """Recipients per agency for one sweep: a batch of reports shares few agencies."""

    def __init__(self) -> None:
        self._users: dict[tuple[str, int | None], list[Any]] = {}

    def _get(self, key: tuple[str, int | None], load: Callable[[], list[Any]]) -> list[Any]:
        if key not in self._users:
            self._users[key] = load()
        return self._users[key]

    def responsible(self, report: Report) -> list[Any]:
        return self._get(("staff", report.agency_id), lambda: recipients.responsible_staff(report))

    def admins(self, agency: Agency | None) -> list[Any]:
        key = ("admins", agency.pk if agency is not None else None)
        return self._get(key, lambda: recipients.agency_admins(agency))

    def desk(self) -> list[Any]:
        return self._get(("desk", None), recipients.desk_staff)


def _reminder(report: Report, kind: str, staff: StaffCache) -> StaffAct:
    assert report.due_at is not None
    return StaffAct(
        report=report,
        kind=kind,
        deadline_at=report.due_at,
        label=duties.deadline_label(report),
        recipients=lambda: staff.responsible(report),
    )


def remind_due_soon(*, now: datetime, staff: StaffCache | None = None) -> Counter[str]:
    staff = staff or StaffCache()
    done: Counter[str] = Counter()
    qs = (
        Report.objects.select_related("agency")
        .filter(
            status__in=duties.STAFF_STATUSES,
            due_at__gt=now,
            due_at__lte=duties.widest_horizon(now),
        )
        .exclude(_not_yet(Kind.DUE_SOON, "due_at"))
    )
    for batch in batches(qs):
        acts = [
            _reminder(r, Kind.DUE_SOON, staff)
            for r in batch
            if r.due_at is not None and now >= duties.due_soon_at(r.due_at, duties.report_tz(r))
        ]
        done += perform_staff_acts(acts, now=now)
    return done


def remind_overdue(*, now: datetime, staff: StaffCache | None = None) -> Counter[str]:
    staff = staff or StaffCache()
    done: Counter[str] = Counter()
    qs = (
        Report.objects.select_related("agency")
        .filter(
            status__in=duties.STAFF_STATUSES,
            due_at__lt=now,
            due_at__gte=now - OVERDUE_CATCH_UP,
        )
        .exclude(_not_yet(Kind.OVERDUE, "due_at"))
    )
    for batch in batches(qs):
        done += perform_staff_acts([_reminder(r, Kind.OVERDUE, staff) for r in batch], now=now)
    return done
