"""Provinces, regencies/cities and districts from the Kemendagri code tables."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from aduan.agencies.management.loaders import Counts, read_csv, upsert
from aduan.regions.models import District, Region, time_zone_for_code

REGION_FIELDS = ("parent_id", "level", "name", "time_zone", "population", "area_km2")


def normalize_region_name(name: str) -> str:
    # Two rows of the source abbreviate "Kabupaten" as "Kab"; everything built on the
    # name (agency names, search) expects the full word.
    if name.startswith("Kab "):
        return "Kabupaten " + name[4:]
    return name


def _number(row: dict[str, str], column: str, line: int) -> Decimal:
    try:
        return Decimal(row[column] or "0")
    except (InvalidOperation, KeyError):
        raise CommandError(
            _("regions.csv baris %(line)d: kolom %(column)s bukan angka: %(value)r")
            % {"line": line, "column": column, "value": row.get(column)}
        ) from None


def _region(row: dict[str, str], line: int) -> Region:
    level = row["level"]
    if level not in Region.Level.values:
        raise CommandError(
            _("regions.csv baris %(line)d: tingkat tidak dikenal: %(level)r")
            % {"line": line, "level": level}
        )
    code = row["code"]
    return Region(
        code=code,
        parent_id=row["parent_code"] or None,
        level=level,
        name=normalize_region_name(row["name"]),
        time_zone=time_zone_for_code(code),
        population=int(_number(row, "population_total", line)),
        area_km2=_number(row, "area_km2", line).quantize(Decimal("0.001")),
    )


def load_regions() -> Counts:
    rows = [_region(row, line) for line, row in enumerate(read_csv("regions.csv"), start=2)]
    # Provinces first so that no regency ever points at a row that is not there yet.
    rows.sort(key=lambda r: (r.level != Region.Level.PROVINCE, r.code))
    return upsert(Region, rows, key="code", fields=REGION_FIELDS)


def load_districts() -> Counts:
    regencies = set(
        Region.objects.filter(level=Region.Level.REGENCY).values_list("code", flat=True)
    )
    rows = []
    for line, row in enumerate(read_csv("districts.csv"), start=2):
        if row["regency_code"] not in regencies:
            raise CommandError(
                _("districts.csv baris %(line)d: kabupaten/kota %(code)r tidak ada di regions.csv")
                % {"line": line, "code": row["regency_code"]}
            )
        rows.append(District(code=row["code"], regency_id=row["regency_code"], name=row["name"]))
    return upsert(District, rows, key="code", fields=("regency_id", "name"))
