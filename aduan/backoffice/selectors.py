"""Read-side queries of the staff pages: the desk queue, the agency inbox, one report's
staff view, choice lists and response templates.

Which reports a person may see is decided in :mod:`aduan.reports.access`; these
functions only shape querysets already scoped there (or scope them through it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce

from aduan.agencies.models import Agency
from aduan.backoffice.models import ResponseTemplate
from aduan.regions.models import Region
from aduan.reports import access, tracking
from aduan.reports.models import Attachment, Category, Report, ReportEvent, Status

S = Status
DESK_STATUSES = (S.SUBMITTED, S.NEEDS_INFO)
# "Open" for an agency: the report is in its hands or waits for the reporter's answer.
AGENCY_OPEN_STATUSES = (S.DISPATCHED, S.IN_PROGRESS, S.RESPONDED, S.ESCALATED)
# Never loaded for lists: the reporter's identity has no business in a list query.
# Lists load the reporter's identity (never shown there) because staff_text needs it to
# take the reporter's own name out of an anonymous report's title: deferred, it cost three
# queries per anonymous row (seen at 10M reports: 65 queries for one inbox page).


# ---- shared filters ---------------------------------------------------------------------


def _text_search(qs: QuerySet[Report], q: str) -> QuerySet[Report]:
    """A tracking ID finds its report; other text searches titles and bodies."""
    if not q:
        return qs
    tracking_id = tracking.normalize(q)
    if tracking_id is not None:
        return qs.filter(tracking_id=tracking_id)
    return qs.filter(Q(title__icontains=q) | Q(body__icontains=q))


def _in_province(qs: QuerySet[Report], province: Region | None) -> QuerySet[Report]:
    if province is None:
        return qs
    # Regency codes extend their province's code ("32" → "32.73").
    return qs.filter(Q(region_id=province.code) | Q(region__code__startswith=f"{province.code}."))


# ---- desk queue -------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilter:
    status: str = S.SUBMITTED
    channel: str = ""
    province: Region | None = None
    category: Category | None = None
    overdue: bool = False
    q: str = ""


def desk_queue(*, filters: QueueFilter, now: datetime) -> QuerySet[Report]:
    """Reports waiting for the desk, oldest deadline first (the legal 3 working days run
    from receipt, so the top of the list is what is most at risk)."""
    status = filters.status if filters.status in DESK_STATUSES else S.SUBMITTED
    qs = Report.objects.filter(status=status)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    qs = _in_province(qs, filters.province)
    if filters.category is not None:
        qs = qs.filter(category=filters.category)
    if filters.overdue:
        qs = qs.filter(due_at__lt=now)
    qs = _text_search(qs, filters.q)
    return (
        qs.select_related("region", "category")
        .defer("body", "public_body")
        .order_by(
            Coalesce("due_at", "auto_at").asc(nulls_last=True),
            "submitted_at",
            "id",
        )
    )


def reports_by_tracking_ids(ids: list[str]) -> list[Report]:
    """Reports for a desk bulk action (the desk sees every report)."""
    wanted = [t for t in (tracking.normalize(raw) for raw in ids) if t is not None]
    return list(
        Report.objects.filter(tracking_id__in=wanted)
        .select_related("agency")
        .order_by("due_at", "id")
    )


# ---- agency inbox -----------------------------------------------------------------------

OPEN = "open"
ALL = "all"


@dataclass(frozen=True)
class InboxFilter:
    status: str = OPEN
    unit: Agency | None = None
    overdue: bool = False
    category: Category | None = None
    q: str = ""


def inbox_list(*, base: QuerySet[Report], filters: InboxFilter, now: datetime) -> QuerySet[Report]:
    qs = base
    if filters.status == OPEN:
        qs = qs.filter(status__in=AGENCY_OPEN_STATUSES)
    elif filters.status != ALL:
        qs = qs.filter(status=filters.status)
    if filters.unit is not None:
        qs = qs.filter(agency__path__startswith=filters.unit.path)
    if filters.overdue:
        qs = qs.filter(status__in=AGENCY_OPEN_STATUSES, due_at__lt=now)
    if filters.category is not None:
        qs = qs.filter(category=filters.category)
    qs = _text_search(qs, filters.q)
    return (
        qs.select_related("agency", "category", "region")
        .defer("body", "public_body")
        .order_by(Coalesce("due_at", "auto_at").asc(nulls_last=True), "submitted_at", "id")
    )


@dataclass(frozen=True)
class InboxCounts:
    waiting: int  # dispatched (or escalated), not yet accepted
    in_progress: int
    overdue: int


def inbox_counts(*, base: QuerySet[Report], now: datetime) -> InboxCounts:
    """The three numbers at the top of the inbox, in one query."""
    row = base.aggregate(
        waiting=Count("pk", filter=Q(status__in=(S.DISPATCHED, S.ESCALATED))),
        in_progress=Count("pk", filter=Q(status=S.IN_PROGRESS)),
        overdue=Count("pk", filter=Q(status__in=AGENCY_OPEN_STATUSES, due_at__lt=now)),
    )
    return InboxCounts(**row)


def units_within(agencies: list[Agency]) -> list[Agency]:
    """Active agencies in these subtrees, for the inbox's unit filter."""
    return list(
        Agency.objects.filter(access.subtree_q(agencies, prefix=""), is_active=True).order_by(
            "path"
        )
    )


def agency_by_code(code: str) -> Agency | None:
    return Agency.objects.filter(code=code).first() if code else None


# ---- one report -------------------------------------------------------------------------


def staff_timeline(report: Report) -> list[ReportEvent]:
    """Every event, staff-only notes included, with the files each one brought."""
    return list(
        report.events.select_related("actor", "actor_agency", "agency")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def report_attachments(report: Report) -> list[Attachment]:
    return list(report.attachments.select_related("event").order_by("id"))


def attachment_of(report: Report, token: str) -> Attachment | None:
    return report.attachments.select_related("event").filter(token=token).first()


def agency_lineage(agency: Agency | None) -> list[Agency]:
    """The agency and its ancestors, top first (from the materialised path)."""
    if agency is None:
        return []
    codes = [code for code in agency.path.split("/") if code]
    found = {a.code: a for a in Agency.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def merge_target(raw_tracking_id: str) -> Report | None:
    """The main report of a duplicate (the desk sees every report)."""
    return access.report_by_tracking_id(raw_tracking_id)


# ---- choice lists -----------------------------------------------------------------------


def dispatch_targets() -> QuerySet[Agency]:
    """Every agency the desk may route to: active, not the desk itself."""
    return Agency.objects.filter(is_active=True).exclude(kind=Agency.Kind.DESK)


def top_level_agencies() -> QuerySet[Agency]:
    return dispatch_targets().filter(parent__isnull=True).order_by("name")


def agency_search(text: str, limit: int = 50) -> list[Agency]:
    if not text:
        return []
    q = Q(name__icontains=text) | Q(code__iexact=text) | Q(abbreviation__icontains=text)
    return list(dispatch_targets().filter(q).order_by("path")[:limit])


def regional_agencies(report: Report) -> list[Agency]:
    """Agencies of the report's region (and its province), units included: the usual
    right answer for a local complaint."""
    if report.region is None:
        return []
    codes = [report.region.code]
    if report.region.parent_id:
        codes.append(report.region.parent_id)
    return list(dispatch_targets().filter(region_id__in=codes).order_by("path"))


def requested_subtree(report: Report) -> list[Agency]:
    agency = report.requested_agency
    if agency is None:
        return []
    return list(dispatch_targets().filter(path__startswith=agency.path).order_by("path"))


def forward_targets(home: Agency, current: Agency | None) -> QuerySet[Agency]:
    """Units the report may be forwarded to: inside the actor's own subtree only."""
    qs = Agency.objects.filter(path__startswith=home.path, is_active=True)
    if current is not None:
        qs = qs.exclude(pk=current.pk)
    return qs.order_by("path")


def provinces() -> QuerySet[Region]:
    return Region.objects.filter(level=Region.Level.PROVINCE).order_by("name")


def active_categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("name")


# ---- response templates -----------------------------------------------------------------


def usable_templates(report: Report) -> list[ResponseTemplate]:
    """Active templates of the handling agency and its ancestors."""
    return list(
        ResponseTemplate.objects.filter(access.template_source_agencies_q(report), is_active=True)
        .select_related("agency")
        .order_by("agency__path", "title")
    )


def managed_templates(agencies: list[Agency]) -> QuerySet[ResponseTemplate]:
    return (
        ResponseTemplate.objects.filter(access.subtree_q(agencies))
        .select_related("agency", "created_by")
        .order_by("-is_active", "agency__path", "title")
    )


def template_agencies(agencies: list[Agency]) -> QuerySet[Agency]:
    """Agencies an admin may write templates for: their own and its units."""
    return Agency.objects.filter(access.subtree_q(agencies, prefix=""), is_active=True).order_by(
        "path"
    )
