"""``{% duplicate_candidates report %}`` for the desk's report page, and the public
"N orang melaporkan masalah ini" piece of the tracking page (the public list counts its
rows' reporters in its own query: ``reports.selectors.public_list_shown``)."""

from __future__ import annotations

from typing import Any

from django import template

from aduan.dedup import selectors
from aduan.reports.access import StaffScope
from aduan.reports.tracking import display

register = template.Library()


@register.inclusion_tag("dedup/candidates.html", takes_context=True)
def duplicate_candidates(context: template.Context, report: Any) -> dict[str, Any]:
    request = context.get("request")
    scope = getattr(request, "staff_scope", None)
    allowed = isinstance(scope, StaffScope) and selectors.can_review(scope)
    return {
        "allowed": allowed,
        "report": report,
        "rows": selectors.candidates_for(report) if allowed else [],
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("dedup/merge_status.html")
def merge_status(report: Any, viewer: Any = None) -> dict[str, Any]:
    """On a merged report's tracking page: where handling continues. On a main report:
    how many people reported the problem. The main report is linked only where its page
    shows more than a status (not confidential) or to the merged report's own reporter."""
    main = report.merged_into if report.merged_into_id else None
    is_reporter = bool(getattr(viewer, "is_reporter", False))
    return {
        "main": main,
        "link_main": main is not None and (is_reporter or not main.is_confidential),
        "count": 0 if main is not None else selectors.reporter_count(report),
    }


@register.filter
def dedup_tracking(tracking_id: str) -> str:
    """``7KQ2MXH4PT`` → ``7KQ2M-XH4PT``."""
    return display(tracking_id) if tracking_id else ""
