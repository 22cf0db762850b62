"""Which report events become webhook events, for whom, and what they carry.

Endpoints are matched by the agency tree: an endpoint of an agency receives the events of
reports handled anywhere in that agency's subtree (a city's endpoint hears about its
departments' reports; Surabaya never hears about Bandung's).

Payloads never carry the reporter's identity (name, e-mail, phone, account), whether or
not the report is anonymous: agencies talk to reporters through the platform.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from aduan.agencies.models import Agency
from aduan.reports.models import Report, ReportEvent
from aduan.webhooks.models import EventType, WebhookEndpoint

# Report actions (lifecycle transitions and SLA acts) → webhook event types.
ACTION_TYPES: dict[str, str] = {
    "dispatch": EventType.DISPATCHED,
    "escalate": EventType.DISPATCHED,
    "forward": EventType.DISPATCHED,
    "reporter_reply": EventType.REPORTER_REPLIED,
    "provide_info": EventType.REPORTER_REPLIED,
    "accept": EventType.UPDATED,
    "update": EventType.UPDATED,
    "respond": EventType.UPDATED,
    "return_to_desk": EventType.RETURNED,
    "close": EventType.CLOSED,
    "auto_close": EventType.CLOSED,
    # Written by the SLA sweep (aduan.sla.actions) as staff-only events.
    "sla_reminder": EventType.DEADLINE_REMINDER,
    "sla_escalation": EventType.DEADLINE_REMINDER,
}
# Actions that move a report into a subtree: only endpoints it was not already in hear.
_MOVES = frozenset({"dispatch", "escalate", "forward"})
# Fixed namespace: the same report event always has the same webhook event id.
_EVENT_NAMESPACE = uuid.UUID("6f0b7d1e-3c1a-4d3e-9a55-0c1d2e3f4a5b")


@dataclass(frozen=True)
class Match:
    event_type: str
    agency: Agency  # endpoints of this agency or its ancestors receive the event
    # For moves: endpoints whose subtree already held the report are not told again.
    moved_by: ReportEvent | None = None


def event_id_for(event: ReportEvent) -> str:
    return str(uuid.uuid5(_EVENT_NAMESPACE, f"report-event:{event.pk}"))


def _previous_agency(event: ReportEvent) -> Agency | None:
    """The handling agency before this event (every event records the one after it)."""
    prior = (
        ReportEvent.objects.filter(report_id=event.report_id, pk__lt=event.pk)
        .select_related("agency")
        .order_by("-pk")
        .first()
    )
    return prior.agency if prior is not None else None


def match(event: ReportEvent) -> Match | None:
    """The webhook event type and audience of a report event, or None (not sent)."""
    if event.action == "submit":
        source = event.report.source_agency
        return Match(EventType.SUBMITTED_VIA_AGENCY, source) if source is not None else None
    event_type = ACTION_TYPES.get(event.action)
    if event_type is None:
        return None
    if event.action == "return_to_desk":
        # Afterwards nobody handles it; those who did are told.
        previous = _previous_agency(event)
        return Match(event_type, previous) if previous is not None else None
    if event.agency is None:
        return None
    if event.action in _MOVES:
        return Match(event_type, event.agency, moved_by=event)
    return Match(event_type, event.agency)


def _codes(m: Match) -> list[str]:
    return [code for code in m.agency.path.split("/") if code]


def endpoints_for(m: Match) -> list[WebhookEndpoint]:
    """Active endpoints of the agency or its ancestors that subscribe to the type."""
    return endpoints_for_many([m])[0]


def endpoints_for_many(matches: list[Match]) -> list[list[WebhookEndpoint]]:
    """:func:`endpoints_for` of each match, with one query for all of them."""
    codes = {code for m in matches for code in _codes(m)}
    rows = list(
        WebhookEndpoint.objects.filter(
            is_active=True, agency__is_active=True, agency__code__in=codes
        ).select_related("agency")
    )
    chosen = []
    for m in matches:
        own = set(_codes(m))
        chosen.append(_choose(m, [e for e in rows if e.agency.code in own]))
    return chosen


def _choose(m: Match, candidates: list[WebhookEndpoint]) -> list[WebhookEndpoint]:
    # Subscriptions are a short JSON list; filtering here works on every database.
    chosen = [e for e in candidates if e.subscribes_to(m.event_type)]
    if chosen and m.moved_by is not None:
        previous = _previous_agency(m.moved_by)
        if previous is not None:
            chosen = [e for e in chosen if not previous.is_within(e.agency)]
    return chosen


# ---- payloads ----------------------------------------------------------------------------


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def absolute_url(name: str, *args: Any) -> str | None:
    try:
        return f"{settings.SITE_URL}{reverse(name, args=args)}"
    except NoReverseMatch:
        return None


def _report_links(report: Report) -> dict[str, str | None]:
    tracking_id = report.tracking_id
    return {
        "agency_api": absolute_url("agency-api:report", tracking_id),
        "public_api": absolute_url("api-report-detail", tracking_id),
        "staff_page": absolute_url("backoffice:report", tracking_id),
    }


def report_payload(report: Report, *, endpoint: WebhookEndpoint) -> dict[str, Any]:
    source = report.source_agency
    own_app = source is not None and source.is_within(endpoint.agency)
    return {
        "tracking_id": report.tracking_id,
        "status": report.status,
        "type": report.type,
        "needs_inspection": report.needs_inspection,
        "agency": report.agency.code if report.agency else None,
        "category": report.category.code if report.category else None,
        "public_title": report.public_title,
        "is_anonymous": report.is_anonymous,
        "is_confidential": report.is_confidential,
        "channel": report.channel,
        "source_agency": source.code if source else None,
        # Another agency's own ID is of no use to this one; only its own app's is sent.
        "external_id": (report.external_id or None) if own_app else None,
        "submitted_at": iso(report.submitted_at),
        "updated_at": iso(report.updated_at),
        "deadlines": {
            "due_at": iso(report.due_at),
            "first_response_due_at": iso(report.first_response_due_at),
            "completion_due_at": iso(report.completion_due_at),
        },
        "links": _report_links(report),
    }


def event_payload(event: ReportEvent) -> dict[str, Any]:
    # Public events carry their redacted public text. Messages meant for the parties or
    # staff (a reporter's reply, an SLA reminder) go as written: the receiver is the
    # handling agency's own system, which sees them in Aduan anyway.
    if event.visibility == ReportEvent.Visibility.PUBLIC:
        message = event.public_message
    else:
        message = event.message
    return {
        "action": event.action,
        "from_status": event.from_status or None,
        "to_status": event.to_status,
        "at": iso(event.created_at),
        "agency": event.agency.code if event.agency else None,
        "actor_kind": event.actor_kind,
        "reason": event.reason or None,
        "message": message or None,
    }


def payload(
    *, event: ReportEvent, event_type: str, event_id: str, endpoint: WebhookEndpoint
) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": event_type,
        "created_at": iso(event.created_at),
        "report": report_payload(event.report, endpoint=endpoint),
        "event": event_payload(event),
    }


def ping_payload(*, endpoint: WebhookEndpoint, event_id: str, now: datetime) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "ping",
        "created_at": iso(now),
        "endpoint": {"id": str(endpoint.uuid), "agency": endpoint.agency.code},
        "message": "Tes webhook dari Aduan. Balas dengan status 2xx.",
    }
