"""Writes of the staff pages that are not single transitions: bulk actions (each report
through the lifecycle on its own), reporter-identity reveals (always audited) and
response templates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from aduan.agencies.models import Agency
from aduan.audit.models import AuditRecord
from aduan.audit.services import audit_record
from aduan.backoffice.models import ResponseTemplate
from aduan.reports import lifecycle, tracking
from aduan.reports.access import StaffScope
from aduan.reports.errors import TransitionError
from aduan.reports.lifecycle import Actor, Change
from aduan.reports.models import Report

# ---- bulk actions -----------------------------------------------------------------------


@dataclass(frozen=True)
class BulkOutcome:
    tracking_display: str
    ok: bool
    message: str = ""


def reports_bulk_transition(
    *,
    reports: list[Report],
    action: str,
    actor: Actor,
    change_for: Callable[[Report], Change],
    now: datetime | None = None,
) -> list[BulkOutcome]:
    """Apply one action to many reports, each in its own transaction: a report someone
    else changed meanwhile (conflict, wrong state) is reported, never fatal to the rest."""
    now = now or timezone.now()
    outcomes = []
    for report in reports:
        shown = tracking.display(report.tracking_id)
        try:
            lifecycle.transition(report, action, actor=actor, change=change_for(report), now=now)
        except TransitionError as exc:
            outcomes.append(BulkOutcome(tracking_display=shown, ok=False, message=exc.message))
        else:
            outcomes.append(BulkOutcome(tracking_display=shown, ok=True))
    return outcomes


# ---- reporter identity ------------------------------------------------------------------


@dataclass(frozen=True)
class ReporterIdentity:
    name: str
    email: str
    phone: str
    account_email: str
    has_account: bool


def reporter_identity_reveal(
    *, report: Report, scope: StaffScope, user: Any, request: HttpRequest | None
) -> ReporterIdentity | None:
    """The reporter's identity for a staff member allowed to see it, with an audit
    record written for every reveal (UU 27/2022; anonymous reporters: desk only)."""
    if not scope.can_see_reporter(report):
        return None
    reporter = report.reporter
    identity = ReporterIdentity(
        name=report.reporter_name,
        email=report.reporter_email,
        phone=report.reporter_phone,
        account_email=reporter.email if reporter is not None else "",
        has_account=reporter is not None,
    )
    audit_record(
        actor=user,
        action=AuditRecord.Action.VIEW_IDENTITY,
        request=request,
        report=report,
        agency=scope.working_agency_for(report),
        detail={"tracking_id": report.tracking_id, "anonymous": report.is_anonymous},
    )
    return identity


# ---- response templates -----------------------------------------------------------------


def response_template_create(
    *, agency: Agency, title: str, body: str, created_by: Any
) -> ResponseTemplate:
    return ResponseTemplate.objects.create(
        agency=agency, title=title.strip(), body=body.strip(), created_by=created_by
    )


def response_template_update(
    *, template: ResponseTemplate, agency: Agency, title: str, body: str, is_active: bool
) -> ResponseTemplate:
    template.agency = agency
    template.title = title.strip()
    template.body = body.strip()
    template.is_active = is_active
    template.save(update_fields=["agency", "title", "body", "is_active", "updated_at"])
    return template


def response_template_deactivate(*, template: ResponseTemplate) -> ResponseTemplate:
    template.is_active = False
    template.save(update_fields=["is_active", "updated_at"])
    return template
