"""Showing routing suggestions in the desk's queue and on the report page."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django import template

from aduan.agencies.models import Agency
from aduan.reports.models import Category, Report, Status
from aduan.triage import services
from aduan.triage.models import Suggestion

register = template.Library()
logger = logging.getLogger(__name__)


def _entries(suggestions: Iterable[Suggestion]) -> dict[int, list[dict[str, Any]]]:
    """report id -> [{"agency": Agency, "percent": 93}, ...] with one agency query."""
    suggestions = list(suggestions)
    ids = {a["agency"] for s in suggestions for a in s.agencies}
    agencies = Agency.objects.in_bulk(ids)
    result: dict[int, list[dict[str, Any]]] = {}
    for s in suggestions:
        result[s.report_id] = [
            {"agency": agencies[a["agency"]], "percent": round(a["confidence"] * 100)}
            for a in s.agencies
            if a["agency"] in agencies
        ]
    return result


@register.simple_tag
def triage_queue(rows: Iterable[Any]) -> dict[int, list[dict[str, Any]]]:
    """Suggestions for a page of queue rows (two queries for the whole page)."""
    report_ids = [row.report.pk for row in rows]
    return _entries(Suggestion.objects.filter(report_id__in=report_ids))


@register.inclusion_tag("triage/queue_cell.html")
def triage_cell(suggestions: dict[int, list[dict[str, Any]]], report_id: int) -> dict[str, Any]:
    return {"entries": suggestions.get(report_id, [])}


@register.inclusion_tag("triage/report_panel.html")
def triage_panel(report: Report, agency_search_param: str = "") -> dict[str, Any]:
    """The desk's "Saran instansi" block; computed on first view if intake had no model."""
    suggestion = Suggestion.objects.filter(report=report).select_related("model").first()
    if suggestion is None and report.status == Status.SUBMITTED:
        try:
            suggestion = services.suggest(report)
        except Exception:  # advice only: the page must render without it
            logger.exception("triage suggestion failed for report %s", report.pk)
    entries = _entries([suggestion]).get(report.pk, []) if suggestion else []
    categories: list[dict[str, Any]] = []
    if suggestion is not None and suggestion.categories:
        found = Category.objects.in_bulk([c["category"] for c in suggestion.categories])
        categories = [
            {"category": found[c["category"]], "percent": round(c["confidence"] * 100)}
            for c in suggestion.categories
            if c["category"] in found
        ]
    return {
        "report": report,
        "suggestion": suggestion,
        "entries": entries,
        "categories": categories,
        "search_param": agency_search_param,
        "waiting": report.status == Status.SUBMITTED,
    }
