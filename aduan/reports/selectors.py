"""Read-side queries for the citizen pages: choice lists, the public list, timelines.

Everything public starts from :func:`aduan.reports.access.public_reports`, so the rule
"never confidential, only verified" lives in one place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency
from aduan.core.prepared import PreparedQuery, PreparedRows
from aduan.regions.models import District, Region
from aduan.reports import access
from aduan.reports.models import Attachment, Category, Report, ReportEvent, Status

Visibility = ReportEvent.Visibility


# ---- choice lists for forms ------------------------------------------------------------


@dataclass(frozen=True)
class ProvinceGroup:
    province: Region
    regencies: list[Region]


def regions_by_province() -> list[ProvinceGroup]:
    """All provinces with their regencies/cities, in code order (one query)."""
    provinces: dict[str, ProvinceGroup] = {}
    orphans: list[Region] = []
    for region in Region.objects.order_by("code"):
        if region.level == Region.Level.PROVINCE:
            provinces[region.code] = ProvinceGroup(province=region, regencies=[])
        else:
            orphans.append(region)
    for region in orphans:
        group = provinces.get(region.parent_id or region.province_code)
        if group is not None:
            group.regencies.append(region)
    return list(provinces.values())


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code).first() if code else None


def districts_of(regency_code: str) -> QuerySet[District]:
    return District.objects.filter(regency_id=regency_code).order_by("name")


def district_in(regency_code: str, district_code: str) -> District | None:
    if not regency_code or not district_code:
        return None
    return District.objects.filter(regency_id=regency_code, code=district_code).first()


def selectable_agencies() -> QuerySet[Agency]:
    """Agencies a citizen may address directly: active, top level, not the desk itself."""
    return (
        Agency.objects.filter(parent__isnull=True, is_active=True)
        .exclude(kind=Agency.Kind.DESK)
        .order_by("name")
    )


def agency_by_code(code: str) -> Agency | None:
    if not code:
        return None
    return Agency.objects.filter(code=code).exclude(kind=Agency.Kind.DESK).first()


def active_categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("name")


def category_by_code(code: str) -> Category | None:
    return Category.objects.filter(code=code).first() if code else None


# ---- the public list ------------------------------------------------------------------


@dataclass(frozen=True)
class PublicListFilter:
    q: str = ""
    agency: Agency | None = None
    region: Region | None = None
    category: Category | None = None
    status: str = ""

    def cache_key(self) -> str:
        """Names the filtered query (the agency by its path: it includes its units)."""
        parts = (
            self.q,
            self.agency.path if self.agency else "",
            self.region.code if self.region else "",
            self.category.code if self.category else "",
            self.status,
        )
        return "public-list:" + json.dumps(parts)  # unambiguous, whatever the query holds


def public_report_list(*, filters: PublicListFilter) -> QuerySet[Report]:
    """Public reports matching ``filters``, newest first, ready for a paginated page."""
    # The originals (unredacted) are never needed here; leave them in the database.
    return (
        _public_matching(filters)
        .select_related("agency", "region", "category")
        .defer("title", "body", "reporter_name", "reporter_email", "reporter_phone")
        .order_by("-submitted_at", "-id")
    )


# What the public list page shows of each report, in this order: narrow rows (the other
# columns and the category would be read for nothing; at 20 rows that was half of the
# rows' time), as tuples (building three model instances per row was a tenth of the page).
LIST_ROW = (
    "tracking_id",
    "public_title",
    "status",
    "submitted_at",
    "agency__name",
    "region__name",
    "merged_count",
)


def public_list_page_rows(*, filters: PublicListFilter) -> QuerySet[Any]:
    """:func:`public_report_list` as ``LIST_ROW`` tuples: only what the list page shows."""
    return public_list_shown(public_list_matching(filters=filters))


def public_list_matching(*, filters: PublicListFilter) -> QuerySet[Report]:
    """The public reports ``filters`` match, in the list's order: what it counts and
    pages over."""
    return _public_matching(filters).order_by("-submitted_at", "-id")


def public_list_shown(reports: QuerySet[Report]) -> QuerySet[Any]:
    """``LIST_ROW`` tuples of ``reports``. The last value counts the reports merged into
    the row (the list says how many people reported a problem). It is counted by the row
    query itself, on the ``merged_into`` index, for the page's rows only."""
    merged = (
        Report.objects.filter(merged_into=OuterRef("pk"))
        .order_by()
        .values("merged_into")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return reports.annotate(
        merged_count=Coalesce(Subquery(merged, output_field=IntegerField()), 0)
    ).values_list(*LIST_ROW)


# The first page is the list's front door, and most of its views are unfiltered or
# filtered the same few ways: its SQL is compiled once per filter and prepared on the
# server. Only the SQL is kept; every view reads the rows anew, so a report made
# confidential or withdrawn leaves the page at once.
_FIRST_PAGES = PreparedRows(Report, size=64)


def public_list_first_page(*, filters: PublicListFilter, size: int) -> list[tuple[Any, ...]]:
    """``list(public_list_page_rows(filters=filters)[:size])``, without compiling it."""
    if filters.q:  # a text search scans; compiling is noise there, and each is one of a kind
        return list(public_list_page_rows(filters=filters)[:size])
    return _FIRST_PAGES(
        (size, *_matching_key(filters)),
        lambda: public_list_page_rows(filters=filters)[:size],
    )


def _matching_key(filters: PublicListFilter) -> tuple[Any, ...]:
    """Every value :func:`_public_matching` reads from ``filters``: what its SQL depends
    on. Change the two together."""
    region = filters.region
    return (
        filters.q,
        filters.agency.path if filters.agency is not None else None,
        (region.code, region.level) if region is not None else None,
        filters.category.pk if filters.category is not None else None,
        filters.status,
    )


def _public_matching(filters: PublicListFilter) -> QuerySet[Report]:
    qs = access.public_reports()
    if filters.q:
        qs = qs.filter(Q(public_title__icontains=filters.q) | Q(public_body__icontains=filters.q))
    if filters.agency is not None:
        # An agency includes its work units: one indexed prefix match on the path.
        qs = qs.filter(agency__path__startswith=filters.agency.path)
    if filters.region is not None:
        if filters.region.level == Region.Level.PROVINCE:
            # A province includes its regencies, whose codes extend the province code.
            code = filters.region.code
            qs = qs.filter(Q(region_id=code) | Q(region__code__startswith=f"{code}."))
        else:
            qs = qs.filter(region_id=filters.region.code)
    if filters.category is not None:
        qs = qs.filter(category=filters.category)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs


# ---- one report's tracking page -------------------------------------------------------


def timeline_events(report: Report, *, include_parties: bool) -> list[ReportEvent]:
    """Events the viewer may see: public ones, plus the reporter's own conversation
    (``parties``) for the secret holder. Staff-only events never leave the back office."""
    query = _TIMELINE_WITH_PARTIES if include_parties else _TIMELINE_PUBLIC
    events = query(report.pk)
    for event in events:
        event.report = report
    return events


def _timeline_query(visible: list[str]) -> PreparedQuery[ReportEvent]:
    return PreparedQuery(
        ReportEvent,
        lambda report_id: (
            ReportEvent.objects.filter(report_id=report_id, visibility__in=visible)
            .select_related("agency")
            .order_by("created_at", "id")
        ),
        (int,),
    )


# Every tracking lookup reads one of these: compiled once (see aduan.core.prepared).
_TIMELINE_PUBLIC = _timeline_query([Visibility.PUBLIC])
_TIMELINE_WITH_PARTIES = _timeline_query([Visibility.PUBLIC, Visibility.PARTIES])


def reporter_attachments(report: Report) -> QuerySet[Attachment]:
    """Files the reporter sent (at submission or later replies)."""
    return report.attachments.filter(event__actor_kind=ReportEvent.ActorKind.REPORTER).order_by(
        "id"
    )


# ---- deadlines that matter now -------------------------------------------------------------


def pending_deadlines(report: Report) -> list[tuple[Any, datetime]]:
    """(label, moment) of every deadline that still matters in the report's current state;
    shared by the citizen's tracking page and the staff pages so they never disagree."""
    wanted: list[tuple[Any, datetime | None]] = []
    if report.status == Status.SUBMITTED:
        wanted.append((_("Batas verifikasi oleh admin nasional"), report.due_at))
    elif report.status == Status.NEEDS_INFO:
        wanted.append((_("Batas pelapor melengkapi laporan"), report.auto_at))
    elif report.status in (Status.DISPATCHED, Status.IN_PROGRESS, Status.ESCALATED):
        if report.first_response_at is None:
            wanted.append((_("Batas tanggapan pertama"), report.first_response_due_at))
        wanted.append((_("Batas penyelesaian"), report.completion_due_at))
    elif report.status == Status.RESPONDED:
        wanted.append((_("Selesai otomatis jika pelapor tidak menanggapi"), report.auto_at))
    return [(label, moment) for label, moment in wanted if moment is not None]
