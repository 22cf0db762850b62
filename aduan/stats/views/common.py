"""Shared by the public and staff statistics views: the clock, the period form and the
error pages (400 with the field named, 404 for unknown codes)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.stats import pages
from aduan.stats.kpis import Period, ScopeNotFound, StatsInputError

# The engine counts calendar dates in WIB; "today" is Jakarta's date.
STATS_TZ = ZoneInfo("Asia/Jakarta")


def clock() -> tuple[date, datetime]:
    now = timezone.now()
    return now.astimezone(STATS_TZ).date(), now


def period_or_error(request: HttpRequest, today: date) -> tuple[Period, pages.PeriodForm]:
    return pages.period_from_query(request.GET, today=today)


def input_error(
    request: HttpRequest, error: StatsInputError, *, today: date, staff: bool
) -> HttpResponse:
    """The period form again, with the message next to the field it is about (400)."""
    form = pages.period_form(
        today.year, None, today=today, error=error.message, error_field=error.field
    )
    context: dict[str, Any] = {
        "title": _("Periode tidak dapat dipakai"),
        "error": error,
        "form": form,
        "staff": staff,
        "action": request.path,
    }
    return render(request, "stats/error.html", context, status=400)


def not_found(request: HttpRequest, error: ScopeNotFound, *, staff: bool) -> HttpResponse:
    context = {"title": _("Tidak ditemukan"), "message": error.message, "staff": staff}
    return render(request, "stats/not_found.html", context, status=404)


def base_context(*, staff: bool, period: Period, form: pages.PeriodForm) -> dict[str, Any]:
    return {
        "staff": staff,
        "stats_ns": "stats-staff" if staff else "stats",
        "period": period,
        "period_qs": pages.period_query(period),
        "form": form,
    }
