"""Staff-only parts of the statistics pages: who may see an agency's internals, and the
worst overdue reports of a scope — only reports the staff member may see
(:mod:`aduan.reports.access`)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from aduan.agencies.models import Agency
from aduan.reports import access
from aduan.reports.access import StaffScope
from aduan.reports.models import Report
from aduan.sla.duties import STAFF_STATUSES
from aduan.stats.kpis import Scope

WORST_OVERDUE_LIMIT = 10


def may_see_agency(staff: StaffScope, agency: Agency) -> bool:
    """An agency's internals: the desk, staff working in its subtree (officers, admins,
    the Ombudsman within its own) and the coordinators who mentor it."""
    return staff.is_desk or access.works_in(staff, agency) or access.mentors(staff, agency)


def _scope_q(scope: Scope) -> Q:
    if scope.kind == "agency":
        return Q(agency__path__startswith=scope.agency_path)
    if scope.kind == "region":
        return Q(region__code=scope.code) | Q(region__code__startswith=f"{scope.code}.")
    return Q()


def worst_overdue(
    staff: StaffScope, scope: Scope, *, now: datetime, limit: int = WORST_OVERDUE_LIMIT
) -> list[Report]:
    """Open reports of the scope past their current deadline, longest overdue first, that
    this staff member may open. One query."""
    return list(
        staff.visible_reports()
        .filter(_scope_q(scope), status__in=STAFF_STATUSES, due_at__lt=now)
        .select_related("agency", "category", "region")
        .defer("body", "public_body")
        .order_by("due_at", "id")[:limit]
    )
