"""Inclusion statistics: who reports, by gender, age band, disability and channel, by
region — from the optional self-declaration reporters consented to (UU 27/2022).

Small-cell suppression, the rule the page states in plain words:

1. Every count from 1 to 9 is hidden. Zero is shown: it describes nobody, and since a
   hidden number is then known to be at least 1, it is never hidden to protect another.
2. No hidden number may be worked out from the other numbers on the same page. All the
   tables of one page are one system of sums (each row and column adds up to its total;
   tables on the same page share their totals: the women's column total of the region
   table is the women's total of the channel table). Hidden cells are added until:
   - no row, column or total line has exactly one hidden number (simple subtraction);
   - no line whose total is shown has k hidden numbers adding up to k (each is at least
     1, so they would all be 1);
   - no hidden number is fixed by any combination of the sums (linear algebra: it has a
     non-zero component in the null space of the hidden cells' equations).
   Extra cells are taken smallest first, inner cells before totals.
3. A province's page shows for its totals exactly what the national page shows in that
   province's row, so the two pages together reveal nothing either alone does not.

Counted: every report received in the year (Jakarta time) whose reporter consented to
the self-declaration, confidential reports included — they are counted, never listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django import forms
from django.core.cache import cache
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from aduan.regions.models import WIB, Region
from aduan.reports.models import AgeBand, Channel, Gender, Report

THRESHOLD = 10
FIRST_YEAR = 2000
CACHE_SECONDS = 600
UNKNOWN = "?"
Key = tuple[str, ...]


# ---- the suppression engine (pure: no database) -----------------------------------------


@dataclass(eq=False)
class Var:
    """One number on the page; shared between tables when it is the same number."""

    key: Key
    value: int
    is_total: bool = False
    hidden: bool = False
    locked: bool = False  # decided by another page: never changed here

    @property
    def shown(self) -> int | None:
        return None if self.hidden else self.value


@dataclass(eq=False)
class Equation:
    """``sum(parts) == total``."""

    parts: list[Var]
    total: Var

    @property
    def members(self) -> list[Var]:
        return [*self.parts, self.total]


def _cheapest(candidates: Iterable[Var]) -> Var | None:
    free = [v for v in candidates if not v.hidden and not v.locked and v.value > 0]
    return min(free, key=lambda v: (v.is_total, v.value, v.key), default=None)


def _hide_one_more(eq: Equation) -> bool:
    chosen = _cheapest(eq.members)
    if chosen is None:
        return False
    chosen.hidden = True
    return True


def _line_rules(equations: list[Equation]) -> bool:
    changed = False
    for eq in equations:
        hidden = [v for v in eq.members if v.hidden]
        alone = len(hidden) == 1
        # Each hidden number is at least 1 (zeros are shown): k of them adding up to k
        # under a shown total are all 1.
        all_ones = (
            bool(hidden) and not eq.total.hidden and sum(v.value for v in hidden) <= len(hidden)
        )
        if alone or all_ones:
            changed |= _hide_one_more(eq)
    return changed


def determined(variables: list[Var], equations: list[Equation]) -> list[Var]:
    """Hidden numbers that the shown numbers fix exactly through the sums."""
    unknown = [v for v in variables if v.hidden]
    if not unknown:
        return []
    index = {id(v): i for i, v in enumerate(unknown)}
    rows = []
    for eq in equations:
        row = np.zeros(len(unknown))
        for part in eq.parts:
            if part.hidden:
                row[index[id(part)]] += 1.0
        if eq.total.hidden:
            row[index[id(eq.total)]] -= 1.0
        if row.any():
            rows.append(row)
    if not rows:
        return []
    matrix = np.array(rows)
    # A hidden number is fixed exactly when its unit vector lies in the row space of the
    # equations: the squared norm of its column in an orthonormal row-space basis is 1.
    # Through the small Gram matrix (equations × equations): A = U S Vᵀ, and the row
    # space basis is Vᵣ = Aᵀ Uᵣ / sᵣ — much cheaper than an SVD of A itself.
    eigenvalues, u = np.linalg.eigh(matrix @ matrix.T)
    keep = eigenvalues > 1e-9 * max(1.0, float(eigenvalues.max(initial=0.0)))
    basis = (matrix.T @ u[:, keep]) / np.sqrt(eigenvalues[keep])
    weight = (basis**2).sum(axis=1)
    return [v for v, w in zip(unknown, weight, strict=True) if w > 1 - 1e-9]


def protect(variables: list[Var], equations: list[Equation]) -> None:
    """Hide small numbers, then enough others that none can be worked out (see module)."""
    for v in variables:
        if 0 < v.value < THRESHOLD and not v.locked:
            v.hidden = True
    while True:
        if _line_rules(equations):
            continue
        fixed = determined(variables, equations)
        if not fixed:
            return
        touched: set[int] = set()
        for target in fixed:
            lines = [eq for eq in equations if any(m is target for m in eq.members)]
            if any(id(eq) in touched for eq in lines):
                continue  # this round already widened one of its lines
            hid = False
            for eq in lines:
                if _hide_one_more(eq):
                    touched.add(id(eq))
                    hid = True
                    break
            if not hid:
                # Every neighbour is locked by another page: hide any free number.
                spare = _cheapest(variables)
                if spare is None:  # pragma: no cover - nothing left to hide
                    return
                spare.hidden = True


# ---- tables -----------------------------------------------------------------------------


@dataclass
class Table:
    slug: str
    caption: Any
    row_heading: Any
    rows: list[tuple[str, Any]]  # (key, label)
    columns: list[tuple[str, Any]]
    cells: dict[tuple[str, str], Var]
    row_totals: dict[str, Var]
    column_totals: dict[str, Var]
    grand: Var

    def equations(self) -> list[Equation]:
        eqs = [
            Equation([self.cells[r, c] for c, _ in self.columns], self.row_totals[r])
            for r, _ in self.rows
        ]
        eqs += [
            Equation([self.cells[r, c] for r, _ in self.rows], self.column_totals[c])
            for c, _ in self.columns
        ]
        eqs.append(Equation([self.row_totals[r] for r, _ in self.rows], self.grand))
        eqs.append(Equation([self.column_totals[c] for c, _ in self.columns], self.grand))
        return eqs

    def variables(self) -> list[Var]:
        return [
            *self.cells.values(),
            *self.row_totals.values(),
            *self.column_totals.values(),
            self.grand,
        ]

    def display_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "label": label,
                "cells": [self.cells[r, c].shown for c, _ in self.columns],
                "total": self.row_totals[r].shown,
            }
            for r, label in self.rows
        ]

    def display_totals(self) -> list[int | None]:
        return [self.column_totals[c].shown for c, _ in self.columns]


GENDER = "gender"
AGE = "age"
DISABILITY = "disability"
CHANNEL = "channel"
REGION = "region"
ALL = "all"


def dimension_labels(dimension: str) -> list[tuple[str, Any]]:
    if dimension == GENDER:
        return [
            (Gender.FEMALE.value, Gender.FEMALE.label),
            (Gender.MALE.value, Gender.MALE.label),
            (Gender.UNDISCLOSED.value, _("Tidak disebutkan")),
        ]
    if dimension == AGE:
        return [*((a.value, a.label) for a in AgeBand), (UNKNOWN, _("Tidak disebutkan"))]
    if dimension == DISABILITY:
        return [
            ("yes", _("Penyandang disabilitas")),
            ("no", _("Bukan penyandang disabilitas")),
            (UNKNOWN, _("Tidak disebutkan")),
        ]
    if dimension == CHANNEL:
        return [(c.value, c.label) for c in Channel]
    raise ValueError(dimension)


TABLE_SPECS: tuple[tuple[str, str, str, Any], ...] = (
    # (slug, row dimension, column dimension, caption)
    ("wilayah-gender", REGION, GENDER, _("Pelapor menurut wilayah dan jenis kelamin")),
    ("wilayah-usia", REGION, AGE, _("Pelapor menurut wilayah dan kelompok usia")),
    ("wilayah-disabilitas", REGION, DISABILITY, _("Pelapor menurut wilayah dan disabilitas")),
    ("kanal-gender", CHANNEL, GENDER, _("Pelapor menurut kanal dan jenis kelamin")),
    ("kanal-disabilitas", CHANNEL, DISABILITY, _("Pelapor menurut kanal dan disabilitas")),
)


@dataclass(frozen=True)
class Group:
    """One combination of answers and its count."""

    region: str
    gender: str
    age: str
    disability: str
    channel: str
    count: int

    def value(self, dimension: str) -> str:
        value: str = getattr(self, dimension)
        return value


def build_page(
    *,
    groups: list[Group],
    regions: list[tuple[str, Any]],
    row_heading: Any,
    locked: dict[Key, int | None] | None = None,
) -> tuple[list[Table], Var]:
    """The page's tables over one shared set of numbers, protected together.

    ``locked``: numbers another page already published (value) or hid (None)."""
    shared: dict[Key, Var] = {}

    def var(key: Key, *, is_total: bool) -> Var:
        if key not in shared:
            shared[key] = Var(key=key, value=0, is_total=is_total)
        return shared[key]

    tables: list[Table] = []
    grand = var((ALL,), is_total=True)
    grand.value = sum(g.count for g in groups)
    for slug, row_dim, col_dim, caption in TABLE_SPECS:
        rows = regions if row_dim == REGION else dimension_labels(row_dim)
        columns = dimension_labels(col_dim)
        cells = {(r, c): Var(key=(slug, r, c), value=0) for r, _l in rows for c, _k in columns}
        row_totals = {r: var((row_dim, r), is_total=True) for r, _l in rows}
        column_totals = {c: var((col_dim, c), is_total=True) for c, _l in columns}
        for g in groups:
            cells[g.value(row_dim), g.value(col_dim)].value += g.count
        for r, _l in rows:
            row_totals[r].value = sum(cells[r, c].value for c, _k in columns)
        for c, _k in columns:
            column_totals[c].value = sum(cells[r, c].value for r, _l in rows)
        heading = row_heading if row_dim == REGION else _("Kanal")
        tables.append(
            Table(slug, caption, heading, rows, columns, cells, row_totals, column_totals, grand)
        )
    variables = list({id(v): v for t in tables for v in t.variables()}.values())
    for key, published in (locked or {}).items():
        if key in shared:
            shared[key].locked = True
            shared[key].hidden = published is None
    equations = [eq for t in tables for eq in t.equations()]
    protect(variables, equations)
    return tables, grand


# ---- data -------------------------------------------------------------------------------


def year_bounds(year: int) -> tuple[datetime, datetime]:
    zone = ZoneInfo(WIB)
    return (
        datetime.combine(date(year, 1, 1), time.min, zone),
        datetime.combine(date(year + 1, 1, 1), time.min, zone),
    )


def consented_reports(year: int) -> QuerySet[Report]:
    start, end = year_bounds(year)
    return Report.objects.filter(
        demographics_consent=True, submitted_at__gte=start, submitted_at__lt=end
    )


def _groups(qs: QuerySet[Report], *, region_expr: Any, region_keys: set[str]) -> list[Group]:
    """One aggregate query: counts per combination of answers."""
    rows = (
        qs.annotate(area=region_expr)
        .values("area", "gender", "age_band", "has_disability", "channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    disability = {True: "yes", False: "no", None: UNKNOWN}
    groups = []
    for row in rows:
        area = row["area"] if row["area"] in region_keys else UNKNOWN
        gender = row["gender"] if row["gender"] in Gender.values else Gender.UNDISCLOSED.value
        groups.append(
            Group(
                region=area,
                gender=gender,
                age=row["age_band"] if row["age_band"] in AgeBand.values else UNKNOWN,
                disability=disability[row["has_disability"]],
                channel=row["channel"],
                count=row["n"],
            )
        )
    # Channels not in today's list (none expected) would break the channel tables.
    return [g for g in groups if g.channel in Channel.values]


def provinces() -> list[Region]:
    return list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("code"))


def national_tables(year: int) -> tuple[list[Table], Var]:
    cached = cache.get(f"inclusion:{year}:national")
    if cached is not None:
        result: tuple[list[Table], Var] = cached
        return result
    regions: list[tuple[str, Any]] = [(p.code, p.name) for p in provinces()]
    keys = {code for code, _l in regions}
    regions.append((UNKNOWN, _("Wilayah tidak diketahui")))
    groups = _groups(
        consented_reports(year), region_expr=Substr("region_id", 1, 2), region_keys=keys
    )
    result = build_page(groups=groups, regions=regions, row_heading=_("Provinsi"))
    cache.set(f"inclusion:{year}:national", result, CACHE_SECONDS)
    return result


def province_tables(year: int, province: Region) -> tuple[list[Table], Var]:
    key = f"inclusion:{year}:{province.code}"
    cached = cache.get(key)
    if cached is not None:
        found: tuple[list[Table], Var] = cached
        return found
    result = _province_tables(year, province)
    if result is None:
        # The cached national page is older than the data: refresh it, then build again.
        cache.delete(f"inclusion:{year}:national")
        result = _province_tables(year, province)
    if result is None:  # pragma: no cover - rows changed between the two queries
        raise RuntimeError("inclusion statistics changed while being computed; try again")
    cache.set(key, result, CACHE_SECONDS)
    return result


def _province_tables(year: int, province: Region) -> tuple[list[Table], Var] | None:
    national, _grand = national_tables(year)
    # What the national page shows in this province's row is what this page shows as
    # its totals (locked), so the two pages cannot be played against each other.
    locked: dict[Key, int | None] = {}
    for table in national[:3]:
        col_dim = table.slug.split("-", 1)[1]
        dim = {"gender": GENDER, "usia": AGE, "disabilitas": DISABILITY}[col_dim]
        for c, _l in table.columns:
            locked[dim, c] = table.cells[province.code, c].shown
        locked[(ALL,)] = table.row_totals[province.code].shown
    regencies = Region.objects.filter(parent=province).order_by("code")
    regions: list[tuple[str, Any]] = [(r.code, r.name) for r in regencies]
    regions.append((province.code, _("Tingkat provinsi, tanpa kabupaten/kota")))
    keys = {code for code, _l in regions}
    qs = consented_reports(year).filter(region_id__in=keys)
    groups = _groups(qs, region_expr=F("region_id"), region_keys=keys)
    tables, grand = build_page(
        groups=groups, regions=regions, row_heading=_("Kabupaten/kota"), locked=locked
    )
    published = {v.key: v for t in tables for v in t.variables()}
    for k, value in locked.items():
        if value is not None and published[k].value != value:
            return None
    return tables, grand


# ---- the public page --------------------------------------------------------------------


class InclusionFilterForm(forms.Form):
    tahun = forms.IntegerField(
        label=_("Tahun"), required=False, min_value=FIRST_YEAR, max_value=2100
    )
    provinsi = forms.ChoiceField(label=_("Provinsi"), required=False)

    def __init__(self, *args: Any, provinces: list[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._provinces = {p.code: p for p in provinces}
        field = self.fields["provinsi"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Seluruh Indonesia")), *((p.code, p.name) for p in provinces)]
        for f in self.fields.values():
            f.error_messages["invalid_choice"] = _(
                "Nilai “%(value)s” tidak dikenal; saringan ini diabaikan."
            )

    def chosen(self, default_year: int) -> tuple[int, Region | None]:
        if self.is_bound:
            self.is_valid()  # invalid filters are dropped and explained, never an error
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        return data.get("tahun") or default_year, self._provinces.get(data.get("provinsi") or "")

    def ignored_messages(self) -> list[str]:
        return [str(e) for errors in self.errors.values() for e in errors]


@require_GET
def inclusion_page(request: HttpRequest) -> HttpResponse:
    all_provinces = provinces()
    form = InclusionFilterForm(request.GET or None, provinces=all_provinces)
    this_year = timezone.localtime(timezone.now(), ZoneInfo(WIB)).year
    year, province = form.chosen(this_year)
    if province is None:
        tables, grand = national_tables(year)
    else:
        tables, grand = province_tables(year, province)
    hidden = sum(1 for t in tables for v in t.variables() if v.hidden)
    context = {
        "form": form,
        "year": year,
        "province": province,
        "tables": [
            {
                "slug": t.slug,
                "caption": t.caption,
                "row_heading": t.row_heading,
                "columns": [label for _k, label in t.columns],
                "rows": t.display_rows(),
                "totals": t.display_totals(),
                "grand": t.grand.shown,
            }
            for t in tables
        ],
        "grand": grand.shown,
        "any_hidden": hidden > 0,
        "threshold": THRESHOLD,
        "notes": form.ignored_messages() if form.is_bound else [],
    }
    return render(request, "stats/inclusion.html", context)
