"""Turning one row of text values into a validated :class:`ImportRow` (or a RowError)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from rest_framework import serializers

from aduan.agencies.models import Agency
from aduan.integrations.importing.reading import RawRow
from aduan.regions.models import District, Region
from aduan.reports.effects import RejectionReason
from aduan.reports.models import Category, ReportType, Status
from aduan.reports.serializers import validate_phone

COLUMNS = frozenset(
    {
        "external_id",
        "submitted_at",
        "title",
        "body",
        "type",
        "category",
        "region",
        "district",
        "status",
        "response",
        "responded_at",
        "closed_at",
        "rejection_reason",
        "unit",
        "reporter_name",
        "reporter_email",
        "reporter_phone",
        "is_anonymous",
        "is_confidential",
    }
)

STATUS_ALIASES = {
    Status.SUBMITTED: ("baru", "menunggu", "menunggu verifikasi", "submitted", "new"),
    Status.IN_PROGRESS: ("diproses", "proses", "dalam proses", "in_progress", "in progress"),
    Status.RESPONDED: ("ditindaklanjuti", "responded"),
    Status.CLOSED: ("selesai", "ditutup", "closed", "done"),
    Status.REJECTED: ("ditolak", "rejected"),
}
_STATUS = {alias: status for status, aliases in STATUS_ALIASES.items() for alias in aliases}

TYPE_ALIASES = {
    ReportType.COMPLAINT: ("complaint", "pengaduan"),
    ReportType.ASPIRATION: ("aspiration", "aspirasi"),
    ReportType.INFO_REQUEST: (
        "info_request",
        "permintaan informasi",
        "permintaan_informasi",
        "informasi",
    ),
}
_TYPE = {alias: kind for kind, aliases in TYPE_ALIASES.items() for alias in aliases}

_TRUE = frozenset({"1", "true", "ya", "yes", "y", "t"})
_FALSE = frozenset({"", "0", "false", "tidak", "no", "n", "f"})
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
# A clock a few minutes fast on the legacy server is no reason to refuse a row.
_FUTURE_SLACK = timedelta(minutes=10)


class RowError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class ImportRow:
    number: int
    external_id: str
    submitted_at: datetime
    title: str
    body: str
    type: str
    category: Category | None
    region: Region | None
    district: District | None
    status: str
    response: str
    responded_at: datetime
    closed_at: datetime
    rejection_reason: str
    unit: Agency | None
    reporter_name: str
    reporter_email: str
    reporter_phone: str
    is_anonymous: bool
    is_confidential: bool


@dataclass(frozen=True)
class Lookups:
    """Reference data read once per import, not once per row."""

    agency: Agency
    categories: dict[str, Category]  # by code and by lower-case name
    regions_by_code: dict[str, Region]
    regions_by_name: dict[str, list[Region]]

    @classmethod
    def load(cls, agency: Agency) -> Lookups:
        categories: dict[str, Category] = {}
        for c in Category.objects.all():
            categories.setdefault(c.name.strip().lower(), c)
            categories[c.code] = c
        by_code: dict[str, Region] = {}
        by_name: dict[str, list[Region]] = {}
        for r in Region.objects.all():
            by_code[r.code] = r
            by_name.setdefault(r.name.strip().lower(), []).append(r)
        return cls(agency, categories, by_code, by_name)


def _required(values: dict[str, str], name: str, max_length: int | None = None) -> str:
    value = values.get(name, "")
    if not value:
        raise RowError(name, f"{name} is required")
    if max_length and len(value) > max_length:
        raise RowError(name, f"{name} is longer than {max_length} characters")
    return value


def _optional(values: dict[str, str], name: str, max_length: int) -> str:
    value = values.get(name, "")
    if len(value) > max_length:
        raise RowError(name, f"{name} is longer than {max_length} characters")
    return value


def parse_datetime(raw: str, tz: str) -> datetime:
    """ISO 8601, ``YYYY-MM-DD HH:MM``, ``YYYY-MM-DD`` or ``DD/MM/YYYY [HH:MM[:SS]]``;
    naive values are in ``tz``. Raises ValueError."""
    text = raw.strip()
    match = _DMY.match(text)
    if match:
        day, month, year, hour, minute, second = match.groups()
        value = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    else:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value


def _when(values: dict[str, str], name: str, tz: str, default: datetime | None) -> datetime:
    raw = values.get(name, "")
    if not raw:
        if default is None:
            raise RowError(name, f"{name} is required")
        return default
    try:
        value = parse_datetime(raw, tz)
    except ValueError:
        raise RowError(
            name, f"{name} {raw!r} is not a date (use ISO 8601 or YYYY-MM-DD HH:MM)"
        ) from None
    if value > timezone.now() + _FUTURE_SLACK:
        raise RowError(name, f"{name} {raw!r} is in the future")
    return value


def _flag(values: dict[str, str], name: str) -> bool:
    raw = values.get(name, "").lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise RowError(name, f"{name} must be 1/0, true/false or ya/tidak, not {raw!r}")


def _choice(values: dict[str, str], name: str, table: Mapping[str, str], default: str) -> str:
    raw = " ".join(values.get(name, "").lower().split())
    if not raw:
        return default
    if raw not in table:
        raise RowError(name, f"unknown {name} {values[name]!r}")
    return str(table[raw])


def _category(values: dict[str, str], lookups: Lookups) -> Category | None:
    raw = values.get("category", "")
    if not raw:
        return None
    found = lookups.categories.get(raw) or lookups.categories.get(raw.lower())
    if found is None:
        raise RowError("category", f"unknown category {raw!r}")
    return found


def _region(values: dict[str, str], lookups: Lookups) -> Region | None:
    raw = values.get("region", "")
    if not raw:
        return None
    if raw in lookups.regions_by_code:
        return lookups.regions_by_code[raw]
    named = lookups.regions_by_name.get(" ".join(raw.lower().split()), [])
    if len(named) > 1:
        raise RowError("region", f"region name {raw!r} is ambiguous; use its code")
    if not named:
        raise RowError("region", f"unknown region {raw!r}")
    return named[0]


def _district(values: dict[str, str], region: Region | None) -> District | None:
    raw = values.get("district", "")
    if not raw:
        return None
    district = District.objects.select_related("regency").filter(code=raw).first()
    if district is None:
        raise RowError("district", f"unknown district {raw!r}")
    if region is not None and region.code not in (
        district.regency.code,
        district.regency.parent_id,
    ):
        raise RowError("district", f"district {raw!r} is not in region {region.code}")
    return district


def _unit(values: dict[str, str], agency: Agency) -> Agency | None:
    raw = values.get("unit", "")
    if not raw:
        return None
    unit = Agency.objects.filter(code=raw).first()
    if unit is None or not unit.is_within(agency) or not unit.is_active:
        raise RowError("unit", f"{raw!r} is not an active unit of {agency.code}")
    return unit


def _reporter(values: dict[str, str]) -> tuple[str, str, str]:
    name = _optional(values, "reporter_name", 120)
    email = _optional(values, "reporter_email", 254)
    phone = _optional(values, "reporter_phone", 20)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise RowError("reporter_email", f"{email!r} is not an e-mail address") from None
    if phone:
        try:
            validate_phone(phone)
        except serializers.ValidationError:
            raise RowError("reporter_phone", f"{phone!r} is not a phone number") from None
    return name, email, phone


def parse_row(raw: RawRow, lookups: Lookups) -> ImportRow:
    """A validated row, or RowError naming the first bad column."""
    if raw.problem:
        raise RowError("", raw.problem)
    if raw.bad_encoding:
        column = raw.bad_encoding[0]
        raise RowError(
            column, f"{column} has bytes that are not valid text here (try --encoding cp1252)"
        )
    v = raw.values
    external_id = _required(v, "external_id", 100)
    title = _required(v, "title", 200)
    body = _required(v, "body")
    tz = lookups.agency.time_zone
    submitted_at = _when(v, "submitted_at", tz, None)
    responded_at = _when(v, "responded_at", tz, submitted_at)
    if responded_at < submitted_at:
        raise RowError("responded_at", "responded_at is before submitted_at")
    closed_at = _when(v, "closed_at", tz, responded_at)
    if closed_at < responded_at:
        raise RowError("closed_at", "closed_at is before responded_at")
    region = _region(v, lookups)
    district = _district(v, region)
    name, email, phone = _reporter(v)
    reasons = {code: code for code in RejectionReason.VALUES}
    return ImportRow(
        number=raw.number,
        external_id=external_id,
        submitted_at=submitted_at,
        title=title,
        body=body,
        type=_choice(v, "type", _TYPE, ReportType.COMPLAINT),
        category=_category(v, lookups),
        region=region or (district.regency if district else None),
        district=district,
        status=_choice(v, "status", _STATUS, Status.SUBMITTED),
        response=v.get("response", ""),
        responded_at=responded_at,
        closed_at=closed_at,
        rejection_reason=_choice(v, "rejection_reason", reasons, RejectionReason.OUT_OF_SCOPE),
        unit=_unit(v, lookups.agency),
        reporter_name=name,
        reporter_email=email,
        reporter_phone=phone,
        is_anonymous=_flag(v, "is_anonymous"),
        is_confidential=_flag(v, "is_confidential"),
    )


def external_id_of(raw: RawRow) -> str:
    return raw.values.get("external_id", "")[:100]
