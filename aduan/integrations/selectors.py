"""Read-side queries of the agency API and the key management page.

Which reports a key may see is decided in :mod:`aduan.reports.access`; these functions
only shape querysets already scoped there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from aduan.agencies.models import Agency
from aduan.integrations.models import ApiKey
from aduan.reports import access
from aduan.reports.access import StaffScope
from aduan.reports.models import OPEN_STATUSES, Attachment, Category, Report, ReportEvent

# Never loaded for lists: identities are only for the one-report view, when allowed.
IDENTITY_FIELDS = ("reporter_name", "reporter_email", "reporter_phone")


@dataclass(frozen=True)
class AgencyReportFilter:
    statuses: list[str] = field(default_factory=list)
    unit: Agency | None = None
    category: Category | None = None
    report_type: str = ""
    overdue: bool | None = None
    updated_since: datetime | None = None


def agency_report_list(
    *, key: ApiKey, filters: AgencyReportFilter, now: datetime
) -> QuerySet[Report]:
    """The key's reports matching ``filters``; the caller orders them (cursor pagination
    by ``updated_at``, ``id``)."""
    qs = access.api_key_reports(key)
    if filters.statuses:
        qs = qs.filter(status__in=filters.statuses)
    if filters.unit is not None:
        qs = qs.filter(agency__path__startswith=filters.unit.path)
    if filters.category is not None:
        qs = qs.filter(category=filters.category)
    if filters.report_type:
        qs = qs.filter(type=filters.report_type)
    if filters.overdue is True:
        qs = qs.filter(status__in=OPEN_STATUSES, due_at__lt=now)
    elif filters.overdue is False:
        qs = qs.exclude(status__in=OPEN_STATUSES, due_at__lt=now)
    if filters.updated_since is not None:
        qs = qs.filter(updated_at__gte=filters.updated_since)
    return qs.select_related("agency", "category", "region", "source_agency").defer(
        *IDENTITY_FIELDS
    )


def report_for_api(key: ApiKey, raw_tracking_id: str) -> Report | None:
    """One report of the key's subtree with what its full view reads, or None."""
    report = access.api_key_report(key, raw_tracking_id)
    if report is None:
        return None
    return (
        Report.objects.select_related(
            "agency",
            "category",
            "region",
            "district",
            "requested_agency",
            "source_agency",
        )
        .prefetch_related(
            Prefetch(
                "events",
                queryset=ReportEvent.objects.select_related("actor", "actor_agency", "agency")
                .prefetch_related("attachments")
                .order_by("created_at", "id"),
            ),
            "attachments",
        )
        .get(pk=report.pk)
    )


def attachment_for_api(report: Report, token: str) -> Attachment | None:
    return report.attachments.select_related("event").filter(token=token).first()


# ---- key management ---------------------------------------------------------------------


def api_keys_for(scope: StaffScope) -> QuerySet[ApiKey]:
    return access.managed_api_keys(scope).select_related("agency", "created_by")


def api_key_by_prefix(scope: StaffScope, prefix: str) -> ApiKey | None:
    return api_keys_for(scope).filter(prefix=prefix).first()
