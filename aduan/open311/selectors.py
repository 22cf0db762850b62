"""Read-side queries of the Open311 endpoints. What a caller may read at all comes from
:func:`aduan.reports.access.open311_reports`; everything here narrows that down."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery

from aduan.integrations.models import ApiKey
from aduan.regions.models import District, Region
from aduan.reports import access
from aduan.reports.models import OPEN_STATUSES, Category, Report, ReportEvent, Status

Visibility = ReportEvent.Visibility

CLOSED_STATUSES = (Status.CLOSED, Status.REJECTED, Status.ARCHIVED)
# The unredacted text and the reporter's identity: never shown through Open311, so
# never loaded by its queries.
_PRIVATE_FIELDS = ("title", "body", "reporter_name", "reporter_email", "reporter_phone")
_DIGITS_ONLY = re.compile(r"^\d{2}(\d{2}){0,2}$")


# ---- services --------------------------------------------------------------------------


def active_services() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("name", "code")


def service_by_code(code: str) -> Category | None:
    """The active category behind a service code; inactive ones are unknown services."""
    if not code or len(code) > 60 or "\x00" in code:
        return None
    return Category.objects.filter(code=code, is_active=True).first()


# ---- places (address_id) --------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    region: Region
    district: District | None = None


def place_by_code(raw: str) -> Place | None:
    """A Kemendagri code: province ``32``, regency/city ``32.73`` or district
    ``32.73.01``; the undotted forms ``3273`` and ``327301`` are accepted too."""
    code = raw.strip()
    if _DIGITS_ONLY.match(code):
        code = ".".join(code[i : i + 2] for i in range(0, len(code), 2))
    if len(code) > 8:
        return None
    if code.count(".") == 2:
        district = District.objects.select_related("regency").filter(code=code).first()
        return Place(region=district.regency, district=district) if district else None
    region = Region.objects.filter(code=code).first()
    return Place(region=region) if region else None


# ---- service requests -----------------------------------------------------------------


def _latest_public_message() -> Subquery:
    latest = (
        ReportEvent.objects.filter(report=OuterRef("pk"), visibility=Visibility.PUBLIC)
        .exclude(public_message="")
        .order_by("-created_at", "-id")
        .values("public_message")[:1]
    )
    return Subquery(latest)


def _with_details(qs: QuerySet[Report]) -> QuerySet[Report]:
    """Everything one list item shows, in one query; the unredacted text and the
    reporter's identity stay in the database."""
    return (
        qs.select_related("category", "agency", "region", "district")
        .defer(*_PRIVATE_FIELDS)
        .annotate(status_notes=_latest_public_message())
    )


@dataclass(frozen=True)
class RequestFilter:
    ids: Sequence[str] = ()
    service_codes: Sequence[str] = ()
    statuses: Sequence[str] = ()  # "open", "closed"
    start: datetime | None = None
    end: datetime | None = None


def request_list(*, key: ApiKey | None, filters: RequestFilter) -> QuerySet[Report]:
    """Newest first. IDs, when given, override every other filter (the spec's rule)."""
    qs = access.open311_reports(key)
    if filters.ids:
        qs = qs.filter(tracking_id__in=list(filters.ids))
    else:
        if filters.service_codes:
            qs = qs.filter(category__code__in=list(filters.service_codes))
        statuses = _statuses(filters.statuses)
        if statuses is not None:
            qs = qs.filter(status__in=statuses)
        if filters.start is not None:
            qs = qs.filter(submitted_at__gte=filters.start)
        if filters.end is not None:
            qs = qs.filter(submitted_at__lte=filters.end)
    return _with_details(qs).order_by("-submitted_at", "-id")


def _statuses(wanted: Sequence[str]) -> list[str] | None:
    if not wanted or set(wanted) >= {"open", "closed"}:
        return None
    return [str(s) for s in (OPEN_STATUSES if "open" in wanted else CLOSED_STATUSES)]


def request_get(*, key: ApiKey | None, tracking_id: str) -> Report | None:
    """One request the caller may read, or None alike for unknown and hidden ones: a
    confidential report is never confirmed to exist."""
    if not tracking_id:
        return None
    return _with_details(access.open311_reports(key)).filter(tracking_id=tracking_id).first()


# ---- service request updates ------------------------------------------------------------


def update_list(
    *,
    key: ApiKey | None,
    ids: Sequence[str] = (),
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[ReportEvent]:
    """Public events of readable reports, oldest first (the order a client replays them
    in); the handling agency's system also gets the conversation with the reporter. The
    submission itself is the request, not an update."""
    readable = access.open311_reports(key).values("pk")
    visible = Q(visibility=Visibility.PUBLIC) | (
        Q(visibility=Visibility.PARTIES) & access.open311_handled_events_q(key)
    )
    qs = ReportEvent.objects.filter(visible, report__in=readable).exclude(action="submit")
    if ids:
        qs = qs.filter(report__tracking_id__in=list(ids))
    if start is not None:
        qs = qs.filter(created_at__gte=start)
    if end is not None:
        qs = qs.filter(created_at__lte=end)
    return (
        qs.select_related("report")
        .defer(*(f"report__{name}" for name in _PRIVATE_FIELDS))
        .order_by("created_at", "id")
    )


def event_of_update(*, agency_id: int, update_id: str) -> ReportEvent | None:
    from aduan.open311.models import Open311Update

    row = (
        Open311Update.objects.select_related("event__report")
        .filter(agency_id=agency_id, update_id=update_id)
        .first()
    )
    return row.event if row else None
