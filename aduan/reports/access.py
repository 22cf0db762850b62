"""The one place where access to reports is decided.

Staff see only reports handled by their own agency subtree; coordinators see, read-only,
the agencies they mentor; the desk sees everything. Anonymous reporters are hidden from
everyone but the desk. Every object fetch of a report for a person goes through here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from aduan.agencies.models import Agency, Membership, Role
from aduan.reports import tracking
from aduan.reports.models import Report, Status

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

PUBLIC_LIST_STATUSES = (
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.RESPONDED,
    Status.CLOSED,
    Status.ESCALATED,
)
WORKING_ROLES = frozenset({Role.AGENCY_ADMIN, Role.OFFICER, Role.OMBUDSMAN})


@dataclass
class StaffScope:
    """What one signed-in user may see and do, from their memberships."""

    user_id: int | None
    memberships: list[Membership] = field(default_factory=list)

    @classmethod
    def for_user(cls, user: AbstractBaseUser | AnonymousUser | None) -> StaffScope:
        if user is None or not user.is_authenticated:
            return cls(user_id=None)
        members = list(Membership.objects.filter(user_id=user.pk).select_related("agency"))
        return cls(user_id=user.pk, memberships=members)

    @cached_property
    def is_desk(self) -> bool:
        return any(m.role == Role.DESK for m in self.memberships)

    @cached_property
    def working_agencies(self) -> list[Agency]:
        return [m.agency for m in self.memberships if m.role in WORKING_ROLES]

    @cached_property
    def mentored_agencies(self) -> list[Agency]:
        return [m.agency for m in self.memberships if m.role == Role.COORDINATOR]

    @property
    def is_staff(self) -> bool:
        return bool(self.memberships)

    def _subtree_q(self, agencies: list[Agency]) -> Q:
        q = Q(pk__in=[])
        for agency in agencies:
            q |= Q(agency__path__startswith=agency.path)
        return q

    def visible_reports(self) -> QuerySet[Report]:
        qs = Report.objects.all()
        if self.is_desk:
            return qs
        return qs.filter(self._subtree_q(self.working_agencies + self.mentored_agencies))

    def working_agency_for(self, report: Report) -> Agency | None:
        """The membership agency through which this user may work on the report."""
        if report.agency is None:
            return None
        for agency in self.working_agencies:
            if report.agency.is_within(agency):
                return agency
        return None

    def can_view(self, report: Report) -> bool:
        if self.is_desk:
            return True
        if report.agency is None:
            return False
        return any(report.agency.is_within(a) for a in self.working_agencies) or any(
            report.agency.is_within(a) for a in self.mentored_agencies
        )

    def can_see_reporter(self, report: Report) -> bool:
        """Anonymous reporters are visible to the national desk only."""
        if self.is_desk:
            return True
        return not report.is_anonymous and self.can_view(report)


def public_reports() -> QuerySet[Report]:
    """Reports anyone may list: never confidential, and only once the desk has verified
    them (unverified, rejected and archived text is not vetted for publication)."""
    return Report.objects.filter(is_confidential=False, status__in=PUBLIC_LIST_STATUSES)


def is_public(report: Report) -> bool:
    """The in-memory twin of :func:`public_reports` for one loaded report."""
    return not report.is_confidential and report.status in PUBLIC_LIST_STATUSES


@dataclass(frozen=True)
class CitizenView:
    """What a person outside the back office may see of one report (web and API)."""

    is_reporter: bool  # holds the private link's secret or owns the report's account
    show_text: bool  # title, body and public messages
    show_details: bool  # agency, location and deadlines


def citizen_view(
    report: Report, *, secret: str | None, user: AbstractBaseUser | AnonymousUser | None = None
) -> CitizenView:
    """Confidential reports show their status only; text the desk has not verified yet is
    not published; the reporter sees everything of their own report."""
    reporter = holds_reporter_secret(report, secret) or is_reporter(report, user)
    return CitizenView(
        is_reporter=reporter,
        show_text=reporter or is_public(report),
        show_details=reporter or not report.is_confidential,
    )


def report_by_tracking_id(raw: str) -> Report | None:
    tracking_id = tracking.normalize(raw)
    if tracking_id is None:
        return None
    return (
        Report.objects.select_related("agency", "category", "region", "district")
        .filter(tracking_id=tracking_id)
        .first()
    )


def holds_reporter_secret(report: Report, secret: str | None) -> bool:
    return tracking.secret_matches(secret, report.secret_hash)


def is_reporter(report: Report, user: AbstractBaseUser | AnonymousUser | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and report.reporter_id is not None
        and report.reporter_id == user.pk
    )
