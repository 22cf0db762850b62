"""Parsing the scope and period of a statistics request (see :mod:`aduan.stats.kpis`)."""

from __future__ import annotations

import re
from datetime import date

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency
from aduan.regions.models import Region
from aduan.stats.kpis import Crumb, Period, Scope, ScopeNotFound, StatsInputError

SCOPE_KINDS = ("national", "region", "agency")
MIN_YEAR = 2000
MAX_YEAR = 2100
_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def national_scope() -> Scope:
    name = _("Nasional")
    return Scope(
        kind="national", code="", name=name, level="national", crumbs=(Crumb("national", "", name),)
    )


def resolve_scope(kind: str | None, code: str | None) -> Scope:
    kind = (kind or "").strip() or "national"
    code = (code or "").strip()
    if kind not in SCOPE_KINDS:
        raise StatsInputError(
            _("Cakupan “%(kind)s” tidak dikenal. Gunakan national, region, atau agency.")
            % {"kind": kind},
            field="scope",
        )
    national = national_scope()
    if kind == "national":
        if code:
            raise StatsInputError(
                _("Cakupan nasional tidak memakai kode. Hapus parameter code."), field="code"
            )
        return national
    if not code:
        raise StatsInputError(
            _("Cakupan ini memerlukan kode wilayah atau instansi (parameter code)."),
            field="code",
        )
    if kind == "region":
        return _region_scope(code, national)
    return _agency_scope(code, national)


def _region_scope(code: str, national: Scope) -> Scope:
    region = Region.objects.select_related("parent").filter(code=code).first()
    if region is None:
        raise ScopeNotFound(_("Wilayah dengan kode “%(code)s” tidak ditemukan.") % {"code": code})
    crumbs = [national.crumbs[0]]
    if region.parent is not None:
        crumbs.append(Crumb("region", region.parent.code, region.parent.name))
    crumbs.append(Crumb("region", region.code, region.name))
    return Scope(
        kind="region",
        code=region.code,
        name=region.name,
        level=region.level,
        crumbs=tuple(crumbs),
    )


def _agency_scope(code: str, national: Scope) -> Scope:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise ScopeNotFound(_("Instansi dengan kode “%(code)s” tidak ditemukan.") % {"code": code})
    codes = [c for c in agency.path.strip("/").split("/") if c]
    names = dict(Agency.objects.filter(code__in=codes).values_list("code", "name"))
    crumbs = [national.crumbs[0]] + [Crumb("agency", c, names.get(c, c)) for c in codes]
    return Scope(
        kind="agency",
        code=agency.code,
        name=agency.name,
        level=agency.kind,
        crumbs=tuple(crumbs),
        agency_id=agency.pk,
        agency_path=agency.path,
    )


def agency_scope_of(agency: Agency, national: Scope | None = None) -> Scope:
    """A scope for an already loaded agency, without queries (breadcrumb: itself only)."""
    national = national or national_scope()
    return Scope(
        kind="agency",
        code=agency.code,
        name=agency.name,
        level=agency.kind,
        crumbs=(national.crumbs[0], Crumb("agency", agency.code, agency.name)),
        agency_id=agency.pk,
        agency_path=agency.path,
    )


def region_scope_of(region: Region, national: Scope | None = None) -> Scope:
    national = national or national_scope()
    return Scope(
        kind="region",
        code=region.code,
        name=region.name,
        level=region.level,
        crumbs=(national.crumbs[0], Crumb("region", region.code, region.name)),
    )


def _year(text: str, field: str) -> int:
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise StatsInputError(
            _("Tahun harus antara %(min)s dan %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            field=field,
        )
    return year


def _date(text: str, field: str) -> date:
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise StatsInputError(
            _("Tanggal “%(value)s” tidak valid. Gunakan format TTTT-BB-HH, misalnya 2026-03-31.")
            % {"value": text},
            field=field,
        ) from None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise StatsInputError(
            _("Tahun harus antara %(min)s dan %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            field=field,
        )
    return value


def month_label(day: date) -> str:
    return date_format(day, "F Y")


def parse_period(
    period: str | None,
    date_from: str | None = None,
    date_to: str | None = None,
    *,
    today: date | None = None,
) -> Period:
    today = today or timezone.localdate()
    period = (period or "").strip()
    date_from = (date_from or "").strip()
    date_to = (date_to or "").strip()
    if period and (date_from or date_to):
        raise StatsInputError(
            _("Pilih salah satu: parameter period, atau from/to, jangan keduanya."),
            field="period",
        )
    if date_from or date_to:
        end = _date(date_to, "to") if date_to else today
        start = _date(date_from, "from") if date_from else end.replace(month=1, day=1)
        if start > end:
            raise StatsInputError(
                _("Tanggal awal (from) harus sama dengan atau sebelum tanggal akhir (to)."),
                field="from",
            )
        label = f"{date_format(start, 'j M Y')} – {date_format(end, 'j M Y')}"
        return Period(kind="range", start=start, end=end, label=label)
    if not period:
        return Period(
            kind="year",
            start=date(today.year, 1, 1),
            end=date(today.year, 12, 31),
            label=str(today.year),
        )
    if match := _YEAR.match(period):
        year = _year(match.group(1), "period")
        return Period(kind="year", start=date(year, 1, 1), end=date(year, 12, 31), label=str(year))
    if match := _MONTH.match(period):
        year, month = _year(match.group(1), "period"), int(match.group(2))
        if not 1 <= month <= 12:
            raise StatsInputError(
                _("Bulan harus antara 01 dan 12, misalnya 2026-03."), field="period"
            )
        start = date(year, month, 1)
        end = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)).fromordinal(
            (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)).toordinal() - 1
        )
        return Period(kind="month", start=start, end=end, label=month_label(start))
    raise StatsInputError(
        _(
            "Periode “%(value)s” tidak valid. Gunakan TTTT (misalnya 2026) atau TTTT-BB "
            "(misalnya 2026-03)."
        )
        % {"value": period},
        field="period",
    )
