"""Routing labels that generalise across regions.

"Dinas PUPR Kota Bandung" and "Dinas PUPR Kota Surabaya" are different agencies, but the
same kind of complaint goes to each in its own city. The classifier therefore learns a
*routing key* ("unit:local:PUPR", "gov:local", "agency:BPJS-KESEHATAN") and the key is
resolved to a concrete agency with the report's region. A deployment with one agency per
key simply gets keys that are agency codes.
"""

from __future__ import annotations

from aduan.agencies.models import Agency
from aduan.regions.models import Region

Kind = Agency.Kind
LOCAL = (Kind.REGENCY, Kind.CITY)


def _level(kind: str) -> str | None:
    if kind == Kind.PROVINCE:
        return "province"
    if kind in LOCAL:
        return "local"
    return None


def agency_key(agency: Agency) -> str:
    level = _level(agency.kind)
    if level is not None:
        return f"gov:{level}"
    parent = agency.parent
    if agency.kind == Kind.UNIT and parent is not None:
        parent_level = _level(parent.kind)
        if parent_level is not None and agency.code.startswith(parent.code + "."):
            return f"unit:{parent_level}:{agency.code[len(parent.code) + 1 :]}"
    return f"agency:{agency.code}"


def _government(level: str, region: Region | None) -> Agency | None:
    if region is None:
        return None
    if level == "province":
        province = region if region.parent_id is None else region.parent
        return Agency.objects.filter(kind=Kind.PROVINCE, region=province, is_active=True).first()
    return Agency.objects.filter(kind__in=LOCAL, region=region, is_active=True).first()


def resolve(key: str, region: Region | None) -> Agency | None:
    """The active agency a key means for a report in ``region`` (None: cannot say)."""
    kind, _, rest = key.partition(":")
    if kind == "agency":
        return Agency.objects.filter(code=rest, is_active=True).first()
    if kind == "gov":
        return _government(rest, region)
    if kind == "unit":
        level, _, suffix = rest.partition(":")
        government = _government(level, region)
        if government is None:
            return None
        return Agency.objects.filter(code=f"{government.code}.{suffix}", is_active=True).first()
    return None
