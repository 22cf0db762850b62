"""Staff dashboards: the public figures plus internals (worst overdue reports, only those
the staff member may open), the coordinator's comparison with peers, and the printable
monthly report of an agency. Access through :mod:`aduan.reports.access`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aduan.accounts.guards import staff_required
from aduan.agencies.models import Agency
from aduan.backoffice import presenters, selectors
from aduan.backoffice.views.common import refuse, scope_of
from aduan.reports import access
from aduan.stats import compliance_pages, internals, kpis, pages
from aduan.stats.kpis import Scope, ScopeNotFound, StatsInputError
from aduan.stats.views.common import base_context, clock, input_error, not_found, period_or_error


def _agency_of(scope: Scope) -> Agency | None:
    if scope.kind != "agency" or scope.agency_id is None:
        return None
    return Agency.objects.filter(pk=scope.agency_id).first()


def _refuse_agency(request: HttpRequest) -> HttpResponse:
    return refuse(
        request,
        _(
            "Angka internal instansi ini hanya untuk petugas instansi itu, koordinator "
            "pendampingnya, dan admin nasional. Angka publiknya ada di halaman Statistik."
        ),
    )


def _dashboard(request: HttpRequest, kind: str | None, code: str | None) -> HttpResponse:
    staff = scope_of(request)
    today, now = clock()
    try:
        period, form = period_or_error(request, today)
        scope = kpis.resolve_scope(kind, code)
    except StatsInputError as error:
        return input_error(request, error, today=today, staff=True)
    except ScopeNotFound as error:
        return not_found(request, error, staff=True)
    agency = _agency_of(scope)
    if scope.kind == "agency" and (agency is None or not internals.may_see_agency(staff, agency)):
        return _refuse_agency(request)
    context = base_context(staff=True, period=period, form=form)
    context["board"] = pages.dashboard(
        scope, period, today=today, now=now, all_agencies=pages.wants_all_agencies(request.GET)
    )
    overdue = internals.worst_overdue(staff, scope, now=now)
    context["overdue_rows"] = presenters.inbox_rows(overdue, now)
    if scope.is_national:
        context.update(pages.national_extras(period, today=today, now=now))
    return render(request, "stats/dashboard.html", context)


@require_GET
@staff_required
def staff_national(request: HttpRequest) -> HttpResponse:
    return _dashboard(request, None, None)


@require_GET
@staff_required
def staff_region(request: HttpRequest, code: str) -> HttpResponse:
    return _dashboard(request, "region", code)


@require_GET
@staff_required
def staff_agency(request: HttpRequest, code: str) -> HttpResponse:
    return _dashboard(request, "agency", code)


@require_GET
@staff_required
def coordinator(request: HttpRequest) -> HttpResponse:
    """Mentored agencies against their peer groups; the desk picks any agency."""
    staff = scope_of(request)
    if not (staff.mentored_agencies or staff.is_desk):
        return refuse(request, _("Halaman ini khusus untuk koordinator lokal."))
    today, now = clock()
    try:
        period, form = period_or_error(request, today)
    except StatsInputError as error:
        return input_error(request, error, today=today, staff=True)
    code = request.GET.get("instansi", "")[:60]
    requested = selectors.agency_by_code(code)
    if code and requested is None:
        return not_found(
            request, ScopeNotFound(_("Instansi %(code)s tidak ada.") % {"code": code}), staff=True
        )
    roots = access.coordinator_agencies(staff, requested)
    if roots is None:
        return _refuse_agency(request)
    result = kpis.compliance_ranking(period, now=now)
    mentored, chart = compliance_pages.coordinator_comparison(result, [a.code for a in roots])
    for item, agency in zip(mentored, roots, strict=True):
        item.name = item.name or agency.name
        if item.row is None:
            # Outside the index (a work unit): its own figures, without a peer comparison.
            item.figures = kpis.compute_kpis(
                kpis.resolve_scope("agency", agency.code), period, now=now
            )
    context: dict[str, Any] = base_context(staff=True, period=period, form=form)
    context.update(
        mentored=mentored,
        chart=chart,
        result=result,
        requested=requested,
        is_desk=staff.is_desk,
        agencies=selectors.top_level_agencies() if staff.is_desk else [],
    )
    return render(request, "stats/coordinator.html", context)


@require_GET
@staff_required
def print_report(request: HttpRequest, code: str) -> HttpResponse:
    """One agency's month on paper: figures, trend over twelve months, categories, units
    and the overdue reports, laid out for A4 by the print stylesheet."""
    staff = scope_of(request)
    today, now = clock()
    try:
        period = pages.month_from_param(request.GET.get("bulan", ""), today=today)
        scope = kpis.resolve_scope("agency", code)
    except StatsInputError as error:
        return input_error(request, error, today=today, staff=True)
    except ScopeNotFound as error:
        return not_found(request, error, staff=True)
    agency = _agency_of(scope)
    if agency is None or not internals.may_see_agency(staff, agency):
        return _refuse_agency(request)
    form = pages.period_form(period.start.year, period.start.month, today=today)
    context = base_context(staff=True, period=period, form=form)
    overdue = internals.worst_overdue(staff, scope, now=now)
    context.update(
        board=pages.dashboard(scope, period, today=today, now=now),
        overdue_rows=presenters.inbox_rows(overdue, now),
        month_param=f"{period.start:%Y-%m}",
        printed_at=now,
    )
    return render(request, "stats/print.html", context)
