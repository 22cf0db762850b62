"""Template helpers of the staff pages, including the staff menu shown in base.html."""

from __future__ import annotations

from typing import Any

from django import template

from aduan.agencies.models import Role
from aduan.reports import access, tracking
from aduan.reports.access import StaffScope

register = template.Library()


@register.inclusion_tag("backoffice/includes/staff_nav.html", takes_context=True)
def staff_nav(context: template.Context) -> dict[str, Any]:
    """The staff menu for signed-in staff; nothing (and no query) for anonymous visitors.

    Staff views already hold the user's scope; other pages read the memberships once."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {"show": False}
    scope = getattr(request, "staff_scope", None)
    if not isinstance(scope, StaffScope):
        scope = StaffScope.for_user(user)
    if not scope.is_staff:
        return {"show": False}
    roles = {m.role for m in scope.memberships}
    match = getattr(request, "resolver_match", None)
    return {
        "show": True,
        "current": match.view_name if match else "",
        "is_desk": scope.is_desk,
        "works": bool(scope.working_agencies) or scope.is_desk,
        "mentors": bool(scope.mentored_agencies) or scope.is_desk,
        "manages_staff": scope.is_desk or Role.AGENCY_ADMIN in roles,
        "manages_templates": Role.AGENCY_ADMIN in roles,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def tracking_display(tracking_id: str) -> str:
    """``7KQ2MXH4PT`` → ``7KQ2M-XH4PT``."""
    return tracking.display(tracking_id) if tracking_id else ""


@register.simple_tag(takes_context=True)
def staff_title(context: template.Context, report: Any) -> str:
    """The report's title as this staff member may read it (see access.staff_text)."""
    return _staff_text(context, report, "title")


@register.simple_tag(takes_context=True)
def staff_body(context: template.Context, report: Any) -> str:
    return _staff_text(context, report, "body")


def _staff_text(context: template.Context, report: Any, field: str) -> str:
    request = context.get("request")
    scope = getattr(request, "staff_scope", None)
    can_see = isinstance(scope, StaffScope) and scope.can_see_reporter(report)
    return access.staff_text(report, field, can_see_reporter=can_see)
