"""Number formatting of the statistics pages: rates as percentages, counts with the
language's digit grouping, durations in working days; None (not measured) as a dash."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from aduan.stats.charts import format_value

register = template.Library()


@register.filter
def pct(value: float | None, decimals: int = 1) -> str:
    """A fraction in [0, 1] as a percentage: 0.705 → "70,5%" (id) / "70.5%" (en)."""
    if value is None:
        return "—"
    return format_value(100 * float(value), "%", decimals)


@register.filter
def num(value: float | int | None, decimals: int = 0) -> str:
    return format_value(value, "", decimals)


@register.filter
def workdays(value: float | None) -> str:
    if value is None:
        return "—"
    return _("%(days)s hari kerja") % {"days": format_value(value, "", 1 if value % 1 else 0)}


@register.simple_tag(takes_context=True)
def scope_url(context: template.Context, scope: Any, kind: str = "", namespace: str = "") -> str:
    """Link to a scope's dashboard (a Scope, a Crumb, or an agency code with
    ``kind="agency"``), public or staff like the current page (or as ``namespace``
    says), keeping the period."""
    namespace = namespace or str(context.get("stats_ns") or "stats")
    if kind:
        scope_kind, code = kind, str(scope)
    else:
        scope_kind, code = scope.kind, scope.code
    if scope_kind == "national" or not code:
        url = reverse(f"{namespace}:national")
    elif scope_kind == "region":
        url = reverse(f"{namespace}:region", kwargs={"code": code})
    else:
        url = reverse(f"{namespace}:agency", kwargs={"code": code})
    query = context.get("period_qs", "")
    return f"{url}?{query}" if query else url
