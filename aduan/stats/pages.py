"""What the statistics pages show, built from the engine's figures (:mod:`aduan.stats.kpis`).

Views stay short: they parse the period, check access, call :func:`dashboard` (or the
index/coordinator builders) and render. Charts are made here so the page and its printable
version draw the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from aduan.stats import charts, compliance_pages, kpis
from aduan.stats.charts import Chart, Series
from aduan.stats.kpis import Kpis, Period, Scope, StatsInputError

# The national and region pages list the agencies with the most reports received; the
# whole table (hundreds of rows) is one link away (``?instansi=semua``).
AGENCY_ROWS = 20
ALL_AGENCIES_PARAM = "instansi"
ALL_AGENCIES_VALUE = "semua"
FIRST_YEAR = 2018  # SP4N-LAPOR! data in this system starts here; earlier years are refused
MAX_CHILD_BARS = 40  # more rows than this stay a table only (a 500-bar chart helps nobody)


# ---- period form --------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodForm:
    """The year/month GET form at the top of every dashboard (works without JS)."""

    year: int
    month: int | None
    years: list[int]
    months: list[tuple[int, str]]
    error: str = ""
    error_field: str = ""


def _years(today: date) -> list[int]:
    return list(range(today.year, FIRST_YEAR - 1, -1))


def period_from_query(query: QueryDict, *, today: date) -> tuple[Period, PeriodForm]:
    """``tahun`` (YYYY) and optional ``bulan`` (1–12) → the engine's period. Nothing
    given → the current year. Raises StatsInputError with the field named."""
    raw_year = query.get("tahun", "").strip()
    raw_month = query.get("bulan", "").strip()
    year = today.year
    if raw_year:
        if not (raw_year.isdigit() and len(raw_year) == 4):
            raise StatsInputError(
                _("Tahun harus berupa empat angka, misalnya %(year)s.") % {"year": today.year},
                field="tahun",
            )
        year = int(raw_year)
        if not FIRST_YEAR <= year <= today.year:
            raise StatsInputError(
                _("Tahun harus antara %(first)s dan %(last)s.")
                % {"first": FIRST_YEAR, "last": today.year},
                field="tahun",
            )
    month: int | None = None
    if raw_month:
        if not (raw_month.isdigit() and 1 <= int(raw_month) <= 12):
            raise StatsInputError(
                _("Bulan harus angka 1 sampai 12, atau kosong untuk sepanjang tahun."),
                field="bulan",
            )
        month = int(raw_month)
        if date(year, month, 1) > today:
            raise StatsInputError(
                _("Bulan yang dipilih belum dimulai; pilih bulan sampai bulan ini."),
                field="bulan",
            )
    period = kpis.parse_period(f"{year}-{month:02d}" if month else f"{year}", today=today)
    return period, period_form(year, month, today=today)


def period_form(
    year: int, month: int | None, *, today: date, error: str = "", error_field: str = ""
) -> PeriodForm:
    return PeriodForm(
        year=year,
        month=month,
        years=_years(today),
        months=[(number, str(name)) for number, name in MONTHS.items()],
        error=error,
        error_field=error_field,
    )


def wants_all_agencies(query: QueryDict) -> bool:
    """``?instansi=semua``: the whole agency table instead of the busiest agencies."""
    return query.get(ALL_AGENCIES_PARAM, "") == ALL_AGENCIES_VALUE


def period_query(period: Period) -> str:
    """The query string that reproduces the period in links between dashboards."""
    params = {"tahun": f"{period.start:%Y}"}
    if period.kind == "month":
        params["bulan"] = str(period.start.month)
    return urlencode(params)


def month_from_param(raw: str, *, today: date) -> Period:
    """``YYYY-MM`` (printable monthly report); empty → the previous full month."""
    raw = raw.strip()
    if not raw:
        first = today.replace(day=1)
        previous = (
            date(first.year - 1, 12, 1)
            if first.month == 1
            else first.replace(month=first.month - 1)
        )
        raw = f"{previous:%Y-%m}"
    parts = raw.split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        raise StatsInputError(
            _("Bulan harus ditulis TTTT-BB, misalnya %(example)s.") % {"example": f"{today:%Y-%m}"},
            field="bulan",
        )
    year, month = int(parts[0]), int(parts[1])
    if (
        not (1 <= month <= 12)
        or not FIRST_YEAR <= year <= today.year
        or date(year, month, 1) > today
    ):
        raise StatsInputError(
            _(
                "Bulan %(value)s tidak dapat dipakai; pilih bulan antara Januari "
                "%(first)s dan bulan ini."
            )
            % {"value": raw[:7], "first": FIRST_YEAR},
            field="bulan",
        )
    return kpis.parse_period(f"{year}-{month:02d}", today=today)


def trend_period(period: Period, *, today: date) -> Period:
    """The months a trend chart covers: the chosen year (up to today), or for one month
    the twelve months ending with it."""
    if period.kind != "month":
        if period.end <= today:
            return period
        # The current year: months that have begun, not empty future ones.
        return kpis.parse_period(None, period.start.isoformat(), today.isoformat(), today=today)
    start_year = period.start.year - 1 if period.start.month < 12 else period.start.year
    start_month = period.start.month % 12 + 1
    start = date(start_year, start_month, 1)
    end = min(period.end, today)
    return kpis.parse_period(None, start.isoformat(), end.isoformat(), today=today)


# ---- charts ------------------------------------------------------------------------------


def month_label(day: date) -> str:
    return date_format(day, "M Y")


def trend_charts(prefix: str, trend: list[kpis.TrendPoint]) -> list[Chart]:
    labels = [month_label(p.month) for p in trend]
    counts = charts.line_chart(
        chart_id=f"{prefix}-trend-count",
        title=_("Laporan per bulan"),
        description=_(
            "Garis: laporan diterima, didisposisikan, dan ditindaklanjuti per bulan "
            "(menurut bulan laporan diterima). Angka lengkap ada di tabel di bawahnya."
        ),
        categories=labels,
        series=[
            Series(_("Diterima"), [p.received for p in trend]),
            Series(_("Didisposisikan"), [p.dispatched for p in trend]),
            Series(_("Ditindaklanjuti"), [p.followed_up for p in trend]),
        ],
        category_header=_("Bulan"),
    )
    rates = charts.line_chart(
        chart_id=f"{prefix}-trend-rate",
        title=_("Tingkat tindak lanjut dan ketepatan waktu per bulan"),
        description=_(
            "Garis: persentase laporan terdisposisi yang ditindaklanjuti, dan persentase "
            "tanggapan pertama yang tepat waktu, per bulan. Skala 0–100 persen."
        ),
        categories=labels,
        series=[
            Series(_("Tingkat tindak lanjut"), [_percent(p.follow_up_rate) for p in trend]),
            Series(
                _("Tanggapan pertama tepat waktu"),
                [_percent(p.on_time_first_response_rate) for p in trend],
            ),
        ],
        category_header=_("Bulan"),
        unit="%",
        decimals=1,
        max_value=100,
    )
    return [counts, rates]


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(100 * rate, 1)


def category_chart(prefix: str, rows: list[kpis.Count]) -> Chart:
    return charts.bar_chart(
        chart_id=f"{prefix}-categories",
        title=_("Kategori terbanyak"),
        description=_("Batang: jumlah laporan diterima per kategori, dari yang terbanyak."),
        categories=[r.label for r in rows],
        series=[Series(_("Laporan diterima"), [r.count for r in rows])],
        category_header=_("Kategori"),
    )


def status_chart(prefix: str, rows: tuple[kpis.Count, ...]) -> Chart:
    return charts.bar_chart(
        chart_id=f"{prefix}-status",
        title=_("Status laporan saat ini"),
        description=_(
            "Batang: laporan yang diterima dalam periode ini menurut statusnya sekarang."
        ),
        categories=[r.label for r in rows],
        series=[Series(_("Laporan"), [r.count for r in rows])],
        category_header=_("Status"),
    )


def children_chart(prefix: str, title: str, rows: list[kpis.ChildRow]) -> Chart | None:
    measured = [r for r in rows if r.dispatched]
    if not measured or len(measured) > MAX_CHILD_BARS:
        return None
    return charts.bar_chart(
        chart_id=f"{prefix}-children",
        title=title,
        description=_(
            "Batang: tingkat tindak lanjut (persen laporan terdisposisi yang sudah "
            "ditindaklanjuti) untuk setiap bagian yang menerima disposisi."
        ),
        categories=[r.scope.name for r in measured],
        series=[Series(_("Tingkat tindak lanjut"), [_percent(r.follow_up_rate) for r in measured])],
        category_header=_("Nama"),
        unit="%",
        decimals=1,
        max_value=100,
    )


# ---- one dashboard ----------------------------------------------------------------------


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    figures: Kpis
    trend_period: Period
    trend: list[kpis.TrendPoint]
    categories: list[kpis.Count]
    children: list[kpis.ChildRow]
    children_title: str
    agencies: list[kpis.ChildRow] = field(default_factory=list)
    charts: dict[str, Any] = field(default_factory=dict)
    agencies_total: int = 0  # agencies with reports; ``agencies`` may list fewer
    agencies_all: bool = True  # False: only the AGENCY_ROWS busiest are listed


def children_title(scope: Scope) -> str:
    if scope.kind == "national":
        return _("Provinsi")
    if scope.kind == "region":
        return _("Kabupaten/kota") if scope.level == "province" else ""
    return _("Unit kerja")


def dashboard(
    scope: Scope, period: Period, *, today: date, now: datetime, all_agencies: bool = True
) -> Dashboard:
    """``all_agencies=False``: the agency table lists the :data:`AGENCY_ROWS` agencies
    with the most reports received (then by name) instead of all of them by name."""
    figures = kpis.compute_kpis(scope, period, now=now)
    span = trend_period(period, today=today)
    trend = kpis.monthly_trend(scope, span)
    # by_category is every category, largest first: its head is top_categories(limit=10).
    categories = [
        c if c.label else kpis.Count(code=c.code, label=_("Tanpa kategori"), count=c.count)
        for c in figures.by_category[:10]
    ]
    rows = kpis.children(scope, period, now=now)
    agencies: list[kpis.ChildRow] = []
    if scope.kind == "national":
        agencies = kpis.top_agencies(period)
    elif scope.kind == "region":
        agencies = kpis.top_agencies(period, region=scope)
    # Hundreds of agencies received nothing in a short period; list those that did.
    agencies = [row for row in agencies if row.received]
    agencies_total = len(agencies)
    if not all_agencies and agencies_total > AGENCY_ROWS:
        agencies = sorted(agencies, key=lambda r: (-r.received, r.scope.name))[:AGENCY_ROWS]
    else:
        all_agencies = True
    prefix = f"{scope.kind}-{scope.code or 'id'}"
    title = children_title(scope)
    board = Dashboard(
        scope=scope,
        period=period,
        figures=figures,
        trend_period=span,
        trend=trend,
        categories=categories,
        children=rows,
        children_title=title,
        agencies=agencies,
        agencies_total=agencies_total,
        agencies_all=all_agencies,
    )
    board.charts = {
        "trend": trend_charts(prefix, trend),
        "categories": category_chart(prefix, categories),
        "status": status_chart(prefix, figures.by_status),
        "children": children_chart(
            prefix,
            _("Tingkat tindak lanjut per %(level)s") % {"level": title.lower()},
            rows,
        )
        if title
        else None,
    }
    return board


# ---- national page extras -------------------------------------------------------------------


def national_extras(period: Period, *, today: date, now: datetime) -> dict[str, Any]:
    """Target progress (with a meter) and the compliance summary of the national page."""
    target = kpis.target_progress(period.start.year, today=today)
    meter = None
    if target is not None:
        share = charts.format_value(100 * target.received_share, "%", 1)
        meter = charts.progress_bar(
            chart_id="target-meter",
            title=_("Kemajuan menuju target laporan %(year)s") % {"year": target.year},
            description=_("%(received)s dari target %(target)s laporan (%(share)s).")
            % {
                "received": charts.format_value(target.received),
                "target": charts.format_value(target.reports_target),
                "share": share,
            },
            value=target.received,
            target=target.reports_target,
            label=share,
        )
    return {
        "target": target,
        "target_meter": meter,
        "compliance": compliance_pages.compliance_summary(kpis.compliance_ranking(period, now=now)),
    }
