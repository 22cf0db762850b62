"""The audit trail as pages: one report's history, one person's actions.

Two sources are merged: :class:`ReportEvent` (every transition and note) and
:class:`AuditRecord` (identity views, permission changes). A page is read in a fixed
number of queries whatever its length: a UNION of (kind, id, time) rows is counted and
sliced in the database, then the page's rows are loaded with their relations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import CharField, Q, QuerySet, Value
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency
from aduan.audit.models import AuditRecord
from aduan.reports.access import StaffScope, admin_agencies, subtree_q
from aduan.reports.lifecycle import action_label
from aduan.reports.models import STATUS_LABELS, Report, ReportEvent

EVENT = "event"
RECORD = "record"
PAGE_SIZE = 50
IDENTITY_ACTIONS = (AuditRecord.Action.VIEW_IDENTITY, AuditRecord.Action.EXPORT_IDENTITY)


@dataclass(frozen=True)
class TrailEntry:
    kind: str  # EVENT or RECORD
    at: datetime
    actor: str
    actor_agency: Agency | None
    label: Any
    from_status: str = ""
    to_status: str = ""
    reason: str = ""
    report: Report | None = None
    agency: Agency | None = None
    target: str = ""
    detail: tuple[tuple[str, str], ...] = ()
    visibility: str = ""


def _keys(qs: QuerySet[Any], kind: str) -> QuerySet[Any]:
    return (
        qs.order_by()
        .annotate(kind=Value(kind, output_field=CharField()))
        .values_list("kind", "id", "created_at")
    )


def _page(events: QuerySet[ReportEvent], records: QuerySet[AuditRecord], number: Any) -> Page:
    merged = _keys(events, EVENT).union(_keys(records, RECORD), all=True)
    return Paginator(merged.order_by("-created_at", "-id"), PAGE_SIZE).get_page(number)


def _person(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email or user.get_username()


def _event_entry(event: ReportEvent, *, with_report: bool) -> TrailEntry:
    if event.actor_kind == ReportEvent.ActorKind.STAFF:
        actor = _person(event.actor)
    else:
        # Never the reporter's account on an audit page: anonymous reporters stay hidden
        # from agencies, and "who acted as reporter" is identity too.
        actor = str(event.get_actor_kind_display())
    return TrailEntry(
        kind=EVENT,
        at=event.created_at,
        actor=actor,
        actor_agency=event.actor_agency,
        label=action_label(event.action),
        from_status=str(STATUS_LABELS.get(event.from_status, event.from_status)),
        to_status=str(STATUS_LABELS.get(event.to_status, event.to_status)),
        reason=event.reason,
        report=event.report if with_report else None,
        agency=event.agency,
        visibility=str(event.get_visibility_display()),
    )


def _record_entry(record: AuditRecord, *, show_detail: bool) -> TrailEntry:
    detail: tuple[tuple[str, str], ...] = ()
    if show_detail:
        detail = tuple((str(k), str(v)) for k, v in sorted(record.detail.items()))
    return TrailEntry(
        kind=RECORD,
        at=record.created_at,
        actor=_person(record.actor) or str(_("Sistem")),
        actor_agency=None,
        label=record.get_action_display(),
        report=record.report,
        agency=record.agency,
        target=_person(record.target_user),
        detail=detail,
    )


def _load(
    page: Page,
    events: QuerySet[ReportEvent],
    records: QuerySet[AuditRecord],
    *,
    desk: bool,
    with_report: bool,
) -> list[TrailEntry]:
    keys = list(page.object_list)
    event_ids = [pk for kind, pk, _at in keys if kind == EVENT]
    record_ids = [pk for kind, pk, _at in keys if kind == RECORD]
    loaded_events = (
        {
            e.pk: e
            for e in events.filter(pk__in=event_ids).select_related(
                "actor", "actor_agency", "agency", "report"
            )
        }
        if event_ids
        else {}
    )
    loaded_records = (
        {
            r.pk: r
            for r in records.filter(pk__in=record_ids).select_related(
                "actor", "target_user", "agency", "report"
            )
        }
        if record_ids
        else {}
    )
    entries = []
    for kind, pk, _at in keys:
        if kind == EVENT and pk in loaded_events:
            entries.append(_event_entry(loaded_events[pk], with_report=with_report))
        elif kind == RECORD and pk in loaded_records:
            record = loaded_records[pk]
            show = desk or record.action not in IDENTITY_ACTIONS
            entries.append(_record_entry(record, show_detail=show))
    return entries


def report_trail(report: Report, *, scope: StaffScope, page: Any) -> tuple[Page, list[TrailEntry]]:
    """Every event of the report (all visibilities) and every audit record about it."""
    events = ReportEvent.objects.filter(report=report)
    records = AuditRecord.objects.filter(report=report)
    result = _page(events, records, page)
    return result, _load(result, events, records, desk=scope.is_desk, with_report=False)


def user_trail(user: Any, *, scope: StaffScope, page: Any) -> tuple[Page, list[TrailEntry]]:
    """What one person did as staff, and what was done to their account.

    An admin sees only what happened inside their own subtree; the desk and the person
    themself see everything. Acts as a *reporter* are never listed (they would tie a
    staff account to a possibly anonymous report), nor identity views that merely name
    the person as target."""
    events = ReportEvent.objects.filter(actor=user, actor_kind=ReportEvent.ActorKind.STAFF)
    records = AuditRecord.objects.filter(
        Q(actor=user) | (Q(target_user=user) & ~Q(action__in=IDENTITY_ACTIONS))
    )
    if not (scope.is_desk or scope.user_id == user.pk):
        agencies = admin_agencies(scope)
        events = events.filter(subtree_q(agencies, prefix="actor_agency__"))
        records = records.filter(
            subtree_q(agencies)
            | subtree_q(agencies, prefix="report__agency__")
            | Q(agency__isnull=True, report__isnull=True)
        )
    result = _page(events, records, page)
    return result, _load(result, events, records, desk=scope.is_desk, with_report=True)
