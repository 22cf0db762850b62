"""Read-side queries for the staff and unit management pages.

Everything starts from :mod:`aduan.reports.access` (``managed_*``), so an admin never
sees a person, a role or a unit outside their subtree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.accounts import twofactor
from aduan.accounts.models import AgencySecurityPolicy
from aduan.agencies.models import Agency, Membership
from aduan.reports import access
from aduan.reports.access import StaffScope

QUERY_MAX = 100


def _search_q(q: str) -> Q:
    result = Q()
    for word in q.split()[:5]:
        result &= (
            Q(email__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
    return result


def staff_queryset(
    scope: StaffScope, *, q: str = "", agency: Agency | None = None
) -> QuerySet[Any]:
    """People this user manages, optionally matching a search and working inside one
    agency's subtree; with in-scope memberships prefetched as ``scoped_memberships`` and
    ``has_device`` annotated."""
    memberships = access.managed_memberships(scope)
    users = access.managed_users(scope)
    if agency is not None:
        users = users.filter(
            Exists(memberships.filter(user_id=OuterRef("pk"), agency__path__startswith=agency.path))
        )
    if q:
        users = users.filter(_search_q(q[:QUERY_MAX]))
    confirmed = TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)
    return (
        users.annotate(has_device=Exists(confirmed))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=memberships.select_related("agency").order_by("agency__code", "role"),
                to_attr="scoped_memberships",
            )
        )
        .order_by("email", "pk")
    )


@dataclass
class StaffRow:
    user: Any
    memberships: list[Membership]
    has_device: bool
    two_factor_required: bool


def staff_rows(users: list[Any]) -> list[StaffRow]:
    paths = twofactor.requiring_paths()
    return [
        StaffRow(
            user=u,
            memberships=u.scoped_memberships,
            has_device=u.has_device,
            two_factor_required=twofactor.required_by_paths(
                [m.agency for m in u.scoped_memberships], paths
            ),
        )
        for u in users
    ]


def managed_user(scope: StaffScope, user_id: int) -> Any | None:
    """One person this user manages, or None (the page answers 404)."""
    return staff_queryset(scope).filter(pk=user_id).first()


def user_has_outside_memberships(scope: StaffScope, user: Any) -> bool:
    if scope.is_desk:
        return False
    in_scope = access.managed_memberships(scope).values("pk")
    return Membership.objects.filter(user=user).exclude(pk__in=in_scope).exists()


def managed_membership(scope: StaffScope, user: Any, membership_id: int) -> Membership | None:
    return (
        access.managed_memberships(scope)
        .select_related("agency", "user")
        .filter(pk=membership_id, user=user)
        .first()
    )


# ---- units ---------------------------------------------------------------------------------


def unit_queryset(scope: StaffScope, *, q: str = "") -> QuerySet[Agency]:
    """Agencies this user manages, in tree order, with their staff and unit counts."""
    agencies = access.managed_agencies(scope)
    if q:
        q = q[:QUERY_MAX].strip()
        agencies = agencies.filter(
            Q(code__icontains=q) | Q(name__icontains=q) | Q(abbreviation__icontains=q)
        )
    return (
        agencies.select_related("parent")
        .annotate(
            staff_count=Count("memberships__user", distinct=True),
            unit_count=Count("children", distinct=True),
            requires_two_factor=Exists(
                AgencySecurityPolicy.objects.filter(
                    agency_id=OuterRef("pk"), require_two_factor=True
                )
            ),
        )
        .order_by("path")
    )


def managed_agency(scope: StaffScope, code: str) -> Agency | None:
    return (
        access.managed_agencies(scope).select_related("parent", "region").filter(code=code).first()
    )


@dataclass
class UnitPage:
    agency: Agency
    children: list[Agency]
    require_two_factor: bool
    inherited_from: Agency | None  # an ancestor whose policy already requires it
    staff_count: int
    policy: AgencySecurityPolicy | None = None


def unit_page(agency: Agency) -> UnitPage:
    policy = AgencySecurityPolicy.objects.filter(agency=agency).select_related("updated_by").first()
    ancestor_paths = twofactor.ancestor_paths(agency.path)[:-1]
    inherited = (
        AgencySecurityPolicy.objects.filter(
            require_two_factor=True, agency__path__in=ancestor_paths
        )
        .select_related("agency")
        .order_by("agency__path")
        .first()
    )
    return UnitPage(
        agency=agency,
        children=list(agency.children.order_by("code")),
        require_two_factor=bool(policy and policy.require_two_factor),
        inherited_from=inherited.agency if inherited else None,
        staff_count=get_user_model()
        .objects.filter(memberships__agency__path__startswith=agency.path)
        .distinct()
        .count(),
        policy=policy,
    )
