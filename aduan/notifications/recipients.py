"""Who is told: the reporter's contact channel, and the staff responsible for a report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aduan.agencies.models import Agency, Membership, Role
from aduan.notifications.models import Notification
from aduan.reports.models import Channel, Report

WORKING_ROLES = frozenset({Role.AGENCY_ADMIN, Role.OFFICER, Role.OMBUDSMAN})
# The Ombudsman's own staff run their office: they are its admins for escalations.
ADMIN_ROLES = frozenset({Role.AGENCY_ADMIN, Role.OMBUDSMAN})


@dataclass(frozen=True)
class Contact:
    channel: str
    address: str


def reporter_contact(report: Report) -> Contact | None:
    """The channel the reporter used: SMS for SMS reports and phone-only reporters,
    otherwise e-mail (given with the report, or the account's); None without contact."""
    phone = report.reporter_phone.strip()
    email = report.reporter_email.strip() or _account_email(report)
    if phone and (report.channel == Channel.SMS or not email):
        return Contact(Notification.Channel.SMS, phone)
    if email:
        return Contact(Notification.Channel.EMAIL, email)
    return None


def _account_email(report: Report) -> str:
    user = report.reporter if report.reporter_id else None
    return (getattr(user, "email", "") or "").strip() if user is not None else ""


def _ancestor_codes(agency: Agency) -> list[str]:
    """The agency's code and its ancestors', nearest first (from the materialised path)."""
    return [code for code in reversed(agency.path.strip("/").split("/")) if code]


def agency_staff(agency: Agency | None, roles: frozenset[str] = WORKING_ROLES) -> list[Any]:
    """Users holding one of ``roles`` on the agency itself; when it has none, on its
    nearest ancestor that has some (a unit without its own officers is served by its
    parent). One query; users without an e-mail address or inactive are left out."""
    if agency is None:
        return []
    codes = _ancestor_codes(agency)
    members = (
        Membership.objects.filter(agency__code__in=codes, role__in=roles, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "agency")
        .order_by("user_id")
    )
    by_agency: dict[str, list[Any]] = {}
    for membership in members:
        users = by_agency.setdefault(membership.agency.code, [])
        if all(u.pk != membership.user_id for u in users):
            users.append(membership.user)
    for code in codes:
        if by_agency.get(code):
            return by_agency[code]
    return []


def agency_admins(agency: Agency | None) -> list[Any]:
    return agency_staff(agency, ADMIN_ROLES)


def desk_staff() -> list[Any]:
    members = (
        Membership.objects.filter(role=Role.DESK, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    users: dict[int, Any] = {}
    for membership in members:
        users.setdefault(membership.user_id, membership.user)
    return list(users.values())


def responsible_staff(report: Report) -> list[Any]:
    """Who owes the report's current staff deadline: the desk before dispatch, the
    handling agency's staff after."""
    if report.agency_id is None:
        return desk_staff()
    return agency_staff(report.agency)
