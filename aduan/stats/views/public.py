"""Public dashboards: aggregate figures only, never a report's text or a confidential
report (confidential reports are counted, never listed)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from aduan.stats import cache as stats_cache
from aduan.stats import compliance, compliance_pages, kpis, pages
from aduan.stats.kpis import ScopeNotFound, StatsInputError
from aduan.stats.views.common import base_context, clock, input_error, not_found, period_or_error


def _dashboard(request: HttpRequest, kind: str | None, code: str | None) -> HttpResponse:
    today, now = clock()
    try:
        period, form = period_or_error(request, today)
        scope = kpis.resolve_scope(kind, code)
    except StatsInputError as error:
        return input_error(request, error, today=today, staff=False)
    except ScopeNotFound as error:
        return not_found(request, error, staff=False)
    context = base_context(staff=False, period=period, form=form)
    context["board"] = pages.dashboard(
        scope, period, today=today, now=now, all_agencies=pages.wants_all_agencies(request.GET)
    )
    if scope.is_national:
        context.update(pages.national_extras(period, today=today, now=now))
    return render(request, "stats/dashboard.html", context)


@require_GET
def national(request: HttpRequest) -> HttpResponse:
    return _dashboard(request, None, None)


@require_GET
def region(request: HttpRequest, code: str) -> HttpResponse:
    return _dashboard(request, "region", code)


@require_GET
def agency(request: HttpRequest, code: str) -> HttpResponse:
    return _dashboard(request, "agency", code)


@require_GET
def compliance_index(request: HttpRequest) -> HttpResponse:
    today, now = clock()
    try:
        period, form = period_or_error(request, today)
    except StatsInputError as error:
        return input_error(request, error, today=today, staff=False)
    result, valid_until = compliance.ranking_until(period, now)
    group = request.GET.get("kelompok", "")[:20]
    known = {g.code for g in result.peer_groups} | {r.peer_group for r in result.rows}
    chosen = group if group in known else ""
    context = base_context(staff=False, period=period, form=form)

    def tables() -> tuple[str, datetime | None]:
        # Hundreds of rows: rendered once per version of the figures (aduan.stats.cache).
        groups = compliance_pages.compliance_groups(result, only=chosen)
        for group in groups:
            group.rows_html = compliance_pages.ranking_rows_html(
                group, namespace=context["stats_ns"], period_qs=context["period_qs"]
            )
        html = render_to_string("stats/includes/index_groups.html", {**context, "groups": groups})
        return html, valid_until

    context.update(
        result=result,
        summary=compliance_pages.compliance_summary(result),
        weights=compliance_pages.weight_rows(result),
        thresholds=result.thresholds,
        groups_html=mark_safe(
            stats_cache.cached("index_html", (period.start, period.end, chosen), tables, now=now)
        ),
        chosen_group=chosen,
        unknown_group=bool(group) and group not in known,
    )
    return render(request, "stats/index.html", context)
