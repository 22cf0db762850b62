"""Agencies: the national catalogue plus every regional government and its work units.

Rows are written level by level (top-level agencies, then their units, ...) because a
unit needs its parent's primary key. ``Agency.save()`` is bypassed by the bulk writes,
so the materialised ``path`` is computed here the same way: parent path + code + "/".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from aduan.agencies import refdata
from aduan.agencies.management.loaders import Counts, upsert
from aduan.agencies.models import Agency
from aduan.regions.models import WIB, Region

AGENCY_FIELDS = ("name", "abbreviation", "kind", "parent_id", "region_id", "time_zone", "path")
ABBREVIATION_MAX = Agency._meta.get_field("abbreviation").max_length or 40

_PROVINCE_SHORT = {"31": "DKI Jakarta", "34": "DIY"}


@dataclass(frozen=True)
class Planned:
    """One agency as the catalogue wants it, before primary keys are known."""

    code: str
    name: str
    abbreviation: str
    kind: str
    parent_code: str | None
    region: Region | None
    time_zone: str


def _government_name(region: Region) -> tuple[str, str, str]:
    """(name, abbreviation, kind) of a region's government."""
    if region.level == Region.Level.PROVINCE:
        if region.code == "11":
            # Aceh's government styles itself without "Provinsi" (UU 11/2006).
            return "Pemerintah Aceh", "Pemerintah Aceh", Agency.Kind.PROVINCE
        short = _PROVINCE_SHORT.get(region.code, region.name)
        return f"Pemerintah Provinsi {region.name}", f"Pemprov {short}", Agency.Kind.PROVINCE
    if region.name.startswith("Kota "):
        return f"Pemerintah {region.name}", f"Pemkot {_short_area(region)}", Agency.Kind.CITY
    return f"Pemerintah {region.name}", f"Pemkab {_short_area(region)}", Agency.Kind.REGENCY


def _short_area(region: Region) -> str:
    name = region.name
    for prefix in ("Kabupaten Administrasi ", "Kota Administrasi "):
        if name.startswith(prefix):
            return "Adm. " + name.removeprefix(prefix)
    return name.removeprefix("Kabupaten ").removeprefix("Kota ")


def _area_label(region: Region) -> str:
    """How unit names end: "Provinsi Jawa Barat", "Aceh", "Kota Bandung"."""
    if region.level == Region.Level.PROVINCE:
        return "Aceh" if region.code == "11" else f"Provinsi {region.name}"
    return region.name


def _unit_area_short(region: Region) -> str:
    if region.level == Region.Level.PROVINCE:
        return _PROVINCE_SHORT.get(region.code, region.name)
    if region.name.startswith("Kabupaten "):
        return "Kab. " + _short_area(region)
    return region.name.replace("Kota Administrasi ", "Kota Adm. ")


def _fit(abbreviation: str, fallback: str) -> str:
    return abbreviation if len(abbreviation) <= ABBREVIATION_MAX else fallback


def plan_regional(regions: list[Region]) -> list[Planned]:
    planned: list[Planned] = []
    for region in regions:
        name, abbreviation, kind = _government_name(region)
        province = region.code.split(".", 1)[0]
        parent = (
            province
            if region.level == Region.Level.REGENCY and province in refdata.NON_AUTONOMOUS_PROVINCES
            else None
        )
        planned.append(
            Planned(
                region.code,
                name,
                abbreviation[:ABBREVIATION_MAX],
                kind,
                parent,
                region,
                region.time_zone,
            )
        )
        suku = "Suku " if parent else ""  # Jakarta's city offices are "suku dinas"
        for unit in refdata.REGIONAL_UNITS:
            planned.append(
                Planned(
                    code=f"{region.code}.{unit.abbr}",
                    name=f"{suku}{unit.name} {_area_label(region)}",
                    abbreviation=_fit(
                        f"{unit.abbreviation} {_unit_area_short(region)}", unit.abbreviation
                    ),
                    kind=Agency.Kind.UNIT,
                    parent_code=region.code,
                    region=region,
                    time_zone=region.time_zone,
                )
            )
    return planned


def plan_national(regions: dict[str, Region]) -> list[Planned]:
    planned = []
    for entry in refdata.NATIONAL_AGENCIES:
        region = None
        if entry.region_code is not None:
            region = regions.get(entry.region_code)
            if region is None:
                raise CommandError(
                    _("Katalog instansi: wilayah %(region)s untuk %(code)s belum dimuat.")
                    % {"region": entry.region_code, "code": entry.code}
                )
        planned.append(
            Planned(
                entry.code,
                entry.name,
                entry.abbreviation,
                entry.kind,
                entry.parent_code,
                region,
                region.time_zone if region else WIB,
            )
        )
    return planned


def _paths(planned: list[Planned]) -> dict[str, str]:
    by_code = {p.code: p for p in planned}
    if len(by_code) != len(planned):
        raise CommandError(_("Katalog instansi berisi kode ganda."))
    paths: dict[str, str] = {}

    def path_of(code: str, seen: tuple[str, ...] = ()) -> str:
        if code in paths:
            return paths[code]
        if code in seen:
            raise CommandError(_("Katalog instansi: induk melingkar pada %s.") % code)
        item = by_code.get(code)
        if item is None:
            raise CommandError(_("Katalog instansi: induk %s tidak ada di katalog.") % code)
        parent = path_of(item.parent_code, (*seen, code)) if item.parent_code else "/"
        paths[code] = f"{parent}{code}/"
        return paths[code]

    for item in planned:
        path_of(item.code)
    return paths


def _inherit_from_parents(planned: list[Planned], paths: dict[str, str]) -> list[Planned]:
    """Units without a region of their own take their parent's region and time zone.

    Walked from the top of the tree down, so a unit of a unit inherits what its
    parent has just inherited.
    """
    by_code: dict[str, Planned] = {}
    for item in sorted(planned, key=lambda p: paths[p.code].count("/")):
        if item.kind == Agency.Kind.UNIT and item.region is None and item.parent_code:
            parent = by_code[item.parent_code]
            item = replace(item, region=parent.region, time_zone=parent.time_zone)
        by_code[item.code] = item
    return list(by_code.values())


def load_agencies() -> Counts:
    regions = list(Region.objects.order_by("code"))
    planned = plan_national({r.code: r for r in regions}) + plan_regional(regions)
    paths = _paths(planned)  # validates the tree before anything is derived from it
    planned = _inherit_from_parents(planned, paths)
    levels: dict[int, list[Planned]] = defaultdict(list)
    for item in planned:
        levels[paths[item.code].count("/") - 2].append(item)

    existing = {a.code: a for a in Agency.objects.all()}
    counts = Counts()
    for depth in sorted(levels):
        ids = {code: agency.pk for code, agency in existing.items()}
        rows = [
            Agency(
                code=item.code,
                name=item.name,
                abbreviation=item.abbreviation,
                kind=item.kind,
                parent_id=ids[item.parent_code] if item.parent_code else None,
                region=item.region,
                time_zone=item.time_zone,
                path=paths[item.code],
            )
            for item in levels[depth]
        ]
        counts += upsert(Agency, rows, key="code", fields=AGENCY_FIELDS, existing=existing)
        # The next level needs the keys of the rows just created.
        created = [r.code for r in rows if r.code not in existing]
        existing.update({a.code: a for a in Agency.objects.filter(code__in=created)})
    return counts
