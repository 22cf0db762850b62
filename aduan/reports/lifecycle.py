"""The report lifecycle: every state change goes through :func:`transition`.

One explicit table says which action moves a report from which states to which state
and who may take it. :func:`transition` checks the actor and the current state, updates
the row with ``WHERE status = <old>`` (zero rows means someone else acted first: a
conflict, never a silent overwrite), appends the event, recomputes deadlines and lets
subscribers (notices, webhooks) queue their work in the same transaction. Nothing else
writes ``Report.status``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency, Membership, Role
from aduan.reports import hooks
from aduan.reports.access import StaffScope
from aduan.reports.effects import (
    HANDLERS,
    RejectionReason,
    deadline_fields,
    escalation_due,
    offer_fields,
    submitted_deadlines,
)
from aduan.reports.errors import (
    Conflict,
    InvalidState,
    MissingInput,
    NotPermitted,
    TransitionError,
)
from aduan.reports.models import Category, Report, ReportEvent, Status
from aduan.reports.redaction import redact
from aduan.reports.uploads import CleanFile, save_attachments

if TYPE_CHECKING:
    from aduan.integrations.models import ApiKey

Visibility = ReportEvent.Visibility
ActorKind = ReportEvent.ActorKind


@dataclass(frozen=True)
class Actor:
    """Who acts: the system, the reporter (proved by secret link or account), or staff."""

    kind: str
    user: Any = None
    scope: StaffScope | None = None
    label: str = ""  # who acted when there is no user: an API key, a gateway

    @classmethod
    def system(cls) -> Actor:
        return cls(kind=ActorKind.SYSTEM)

    @classmethod
    def reporter(cls, user: Any = None) -> Actor:
        return cls(kind=ActorKind.REPORTER, user=user)

    @classmethod
    def staff(cls, user: Any) -> Actor:
        return cls(kind=ActorKind.STAFF, user=user, scope=StaffScope.for_user(user))

    @classmethod
    def api_key(cls, key: ApiKey) -> Actor:
        """An agency's own system acting through its key: an officer of that agency."""
        membership = Membership(agency=key.agency, role=Role.OFFICER)
        scope = StaffScope(user_id=None, memberships=[membership])
        return cls(kind=ActorKind.STAFF, scope=scope, label=f"api-key:{key.prefix}")


# Who may take an action, in addition to the state check.
DESK = "desk"  # staff with a DESK membership
AGENCY = "agency"  # staff working in the handling agency's subtree (officer, admin, ombudsman)
REPORTER = "reporter"
SYSTEM = "system"


@dataclass(frozen=True)
class Rule:
    sources: frozenset[str]
    target: str | None  # None: the state does not change
    actors: frozenset[str]
    visibility: str = Visibility.PUBLIC
    message_public: bool = False  # show the (redacted) message on the public timeline
    needs_message: bool = False
    needs_reason: bool = False
    writes_report: bool = True  # False: only an event is appended (internal notes)
    label: Any = ""


CONFLICT_MESSAGE = _("Laporan ini baru saja diubah oleh orang lain. Muat ulang dan coba lagi.")

S = Status
WORKING = frozenset({S.DISPATCHED, S.IN_PROGRESS, S.ESCALATED})

TRANSITIONS: dict[str, Rule] = {
    "note": Rule(
        frozenset(Status.values),
        None,
        frozenset({DESK, AGENCY}),
        visibility=Visibility.STAFF,
        needs_message=True,
        writes_report=False,
        label=_("Catatan internal"),
    ),
    "dispatch": Rule(
        frozenset({S.SUBMITTED}),
        S.DISPATCHED,
        # The system dispatches when the desk has enabled triage auto-dispatch.
        frozenset({DESK, SYSTEM}),
        label=_("Diverifikasi dan didisposisikan"),
    ),
    "request_info": Rule(
        frozenset({S.SUBMITTED}),
        S.NEEDS_INFO,
        frozenset({DESK}),
        visibility=Visibility.PARTIES,
        needs_message=True,
        label=_("Admin meminta kelengkapan laporan"),
    ),
    "provide_info": Rule(
        frozenset({S.NEEDS_INFO}),
        S.SUBMITTED,
        frozenset({REPORTER}),
        visibility=Visibility.PARTIES,
        needs_message=True,
        label=_("Pelapor melengkapi laporan"),
    ),
    "reject": Rule(
        frozenset({S.SUBMITTED, S.NEEDS_INFO}),
        S.REJECTED,
        frozenset({DESK}),
        needs_reason=True,
        label=_("Laporan tidak dapat diproses"),
    ),
    "expire": Rule(
        frozenset({S.NEEDS_INFO}),
        S.REJECTED,
        frozenset({SYSTEM}),
        label=_("Kelengkapan tidak diterima dalam batas waktu"),
    ),
    "archive": Rule(
        frozenset({S.SUBMITTED, S.NEEDS_INFO, S.DISPATCHED}),
        S.ARCHIVED,
        frozenset({DESK}),
        needs_reason=True,
        label=_("Diarsipkan"),
    ),
    "accept": Rule(
        WORKING,
        S.IN_PROGRESS,
        frozenset({AGENCY}),
        label=_("Diterima dan diproses instansi"),
    ),
    "forward": Rule(
        WORKING,
        S.IN_PROGRESS,
        frozenset({AGENCY}),
        label=_("Diteruskan ke unit kerja"),
    ),
    "update": Rule(
        WORKING,
        S.IN_PROGRESS,
        frozenset({AGENCY}),
        message_public=True,
        needs_message=True,
        label=_("Perkembangan penanganan"),
    ),
    "respond": Rule(
        WORKING,
        S.RESPONDED,
        frozenset({AGENCY}),
        message_public=True,
        needs_message=True,
        label=_("Ditindaklanjuti oleh instansi"),
    ),
    "return_to_desk": Rule(
        frozenset({S.DISPATCHED, S.IN_PROGRESS}),
        S.SUBMITTED,
        frozenset({AGENCY}),
        needs_reason=True,
        label=_("Dikembalikan ke admin nasional: bukan wewenang"),
    ),
    "reporter_reply": Rule(
        frozenset({S.RESPONDED}),
        S.IN_PROGRESS,
        frozenset({REPORTER}),
        visibility=Visibility.PARTIES,
        needs_message=True,
        label=_("Ditanggapi oleh pelapor"),
    ),
    "close": Rule(
        frozenset({S.RESPONDED}),
        S.CLOSED,
        frozenset({REPORTER}),
        label=_("Pelapor menyatakan selesai"),
    ),
    "auto_close": Rule(
        frozenset({S.RESPONDED}),
        S.CLOSED,
        frozenset({SYSTEM}),
        label=_("Selesai otomatis: tidak ada tanggapan dalam batas waktu"),
    ),
    "rate": Rule(
        frozenset({S.CLOSED}),
        None,
        frozenset({REPORTER}),
        visibility=Visibility.PARTIES,
        label=_("Pelapor memberi penilaian"),
    ),
    "escalate": Rule(
        frozenset({S.DISPATCHED, S.IN_PROGRESS, S.RESPONDED}),
        S.ESCALATED,
        frozenset({REPORTER}),
        label=_("Dilimpahkan ke Ombudsman atas persetujuan pelapor"),
    ),
}


@dataclass
class Change:
    """Inputs to one transition; only what the action needs is read."""

    message: str = ""
    reason: str = ""
    agency: Agency | None = None
    category: Category | None = None
    report_type: str | None = None
    needs_inspection: bool | None = None
    merged_into: Report | None = None
    rating: int | None = None
    resolved: bool | None = None
    # Set by the desk when dispatching (None keeps what the report has).
    public_title: str | None = None
    public_body: str | None = None
    is_anonymous: bool | None = None
    is_confidential: bool | None = None
    # Files that come with the event (a follow-up's documents); already cleaned.
    attachments: list[CleanFile] = field(default_factory=list)
    attachments_public: bool = False


# Events that are not transitions: the submission itself and the SLA engine's staff-only
# reminders (aduan.sla.actions), which record history without changing the state.
EVENT_LABELS: dict[str, Any] = {
    "submit": _("Laporan diterima"),
    "sla_reminder": _("Pengingat batas waktu"),
    "sla_escalation": _("Eskalasi: tanggapan pertama terlambat"),
    "sla_ombudsman_offer": _("Pelapor ditawari pelimpahan ke Ombudsman"),
}


def action_label(action: str) -> Any:
    rule = TRANSITIONS.get(action)
    if rule is not None:
        return rule.label
    return EVENT_LABELS.get(action, action)


def allowed_actions(report: Report, actor: Actor) -> list[str]:
    """Actions this actor may take now (for rendering buttons; transition re-checks)."""
    result = []
    for name, rule in TRANSITIONS.items():
        if report.status in rule.sources and _actor_allowed(report, rule, actor):
            result.append(name)
    return result


def _actor_allowed(report: Report, rule: Rule, actor: Actor) -> bool:
    if actor.kind == ActorKind.SYSTEM:
        return SYSTEM in rule.actors
    if actor.kind == ActorKind.REPORTER:
        return REPORTER in rule.actors
    scope = actor.scope
    if scope is None:
        return False
    if DESK in rule.actors and scope.is_desk:
        return True
    return AGENCY in rule.actors and scope.working_agency_for(report) is not None


@dataclass
class _Planned:
    """A checked transition, not yet written."""

    report: Report
    action: str
    rule: Rule
    old_status: str
    old_agency_id: int | None
    target: str
    updates: dict[str, Any]
    event_agency: Agency | None
    message: str
    reason: str


def _plan(report: Report, action: str, actor: Actor, change: Change, now: datetime) -> _Planned:
    rule = TRANSITIONS.get(action)
    if rule is None:
        raise MissingInput(f"Unknown action: {action}", field="action")
    if report.status not in rule.sources:
        raise InvalidState(
            str(_("Tindakan ini tidak dapat dilakukan pada laporan berstatus “%(status)s”."))
            % {"status": report.get_status_display()}
        )
    if not _actor_allowed(report, rule, actor):
        raise NotPermitted(str(_("Anda tidak berwenang melakukan tindakan ini.")))
    message = change.message.strip()
    if rule.needs_message and not message:
        raise MissingInput(str(_("Pesan wajib diisi.")), field="message")
    if rule.needs_reason and not change.reason.strip():
        raise MissingInput(str(_("Alasan wajib diisi.")), field="reason")

    updates: dict[str, Any] = {}
    event_agency = report.agency
    handler = HANDLERS.get(action)
    if handler is not None:
        event_agency = handler(report, actor, change, now, updates)
    target = rule.target or report.status
    updates["status"] = target
    updates.update(deadline_fields(report, target, action, now, updates))
    updates.update(offer_fields(report, target, updates))
    updates["updated_at"] = now
    return _Planned(
        report=report,
        action=action,
        rule=rule,
        old_status=report.status,
        old_agency_id=report.agency_id,
        target=target,
        updates=updates,
        event_agency=event_agency,
        message=message,
        reason=change.reason.strip(),
    )


def _conflict() -> Conflict:
    return Conflict(
        str(_("Laporan ini baru saja diubah oleh orang lain. Muat ulang dan coba lagi."))
    )


def _write(planned: _Planned, actor: Actor, now: datetime) -> ReportEvent:
    """Update the report under its guard (Conflict when someone acted first) and return
    its event, not yet saved. Inside the caller's transaction."""
    report, rule, updates = planned.report, planned.rule, planned.updates
    if rule.writes_report:
        guard = {"pk": report.pk, "status": planned.old_status, "agency_id": planned.old_agency_id}
        if planned.action == "rate":
            guard["rating__isnull"] = True
        if Report.objects.filter(**guard).update(**updates) != 1:
            raise _conflict()
        for name, value in updates.items():
            setattr(report, name, value)
    return _event(planned, actor, now)


def _write_many(
    planned: list[_Planned], actor: Actor, now: datetime
) -> tuple[list[ReportEvent], list[tuple[Report, TransitionError]]]:
    """:func:`_write` for many reports with few queries: their rows are locked and their
    guard (status, agency) checked in one read, then reports with the same changes are
    updated by one UPDATE. Inside the caller's transaction."""
    failed: list[tuple[Report, TransitionError]] = []
    ids = [one.report.pk for one in planned]
    # Locked in key order, so two sweeps on overlapping chunks cannot deadlock.
    rows = Report.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    current = {
        pk: (status, agency) for pk, status, agency in rows.values_list("pk", "status", "agency_id")
    }
    same: dict[tuple[Any, ...], list[_Planned]] = {}
    for one in planned:
        if current.get(one.report.pk) != (one.old_status, one.old_agency_id):
            failed.append((one.report, _conflict()))
        else:
            same.setdefault(_same_key(one), []).append(one)
    for group in same.values():
        Report.objects.filter(pk__in=[one.report.pk for one in group]).update(**group[0].updates)
        for one in group:
            for name, value in one.updates.items():
                setattr(one.report, name, value)
    left = {report.pk for report, _error in failed}
    events = [_event(one, actor, now) for one in planned if one.report.pk not in left]
    return events, failed


def _same_key(planned: _Planned) -> tuple[Any, ...]:
    """Reports whose changes are equal share one UPDATE."""
    key = tuple(
        sorted((k, v.pk if isinstance(v, Agency) else v) for k, v in planned.updates.items())
    )
    try:
        hash(key)
    except TypeError:  # a value that cannot be compared this way: its own UPDATE
        return (planned.report.pk,)
    return key


def _event(planned: _Planned, actor: Actor, now: datetime) -> ReportEvent:
    report, rule = planned.report, planned.rule
    message = planned.message
    return ReportEvent(
        report=report,
        action=planned.action,
        from_status=planned.old_status,
        to_status=planned.target,
        actor=actor.user if actor.user is not None and actor.user.is_authenticated else None,
        actor_kind=actor.kind,
        actor_label=actor.label,
        actor_agency=_actor_agency(report, actor),
        agency=planned.event_agency,
        reason=planned.reason,
        message=message,
        public_message=redact(message) if rule.message_public else "",
        visibility=rule.visibility,
        created_at=now,
    )


def transition(
    report: Report,
    action: str,
    *,
    actor: Actor,
    change: Change | None = None,
    now: datetime | None = None,
) -> ReportEvent:
    """Take ``action`` on ``report`` as ``actor``; returns the appended event.

    Raises NotPermitted, InvalidState, Conflict or MissingInput; on any error nothing
    is written.
    """
    change = change or Change()
    now = now or timezone.now()
    planned = _plan(report, action, actor, change, now)
    with transaction.atomic():
        event = _write(planned, actor, now)
        event.save()
        save_attachments(
            report=report,
            event=event,
            files=change.attachments,
            now=now,
            public=change.attachments_public,
        )
        hooks.event_recorded(event)
    return event


def transition_many(
    reports: list[Report], action: str, *, actor: Actor, now: datetime | None = None
) -> tuple[list[ReportEvent], list[tuple[Report, TransitionError]]]:
    """The same action (without message or files: the sweep's automatic ones) on many
    reports in one transaction: each report checked and guarded as by :func:`transition`,
    the events appended to the chain together and the subscribers called once with all
    of them. Returns the events and the reports left alone with why (someone acted
    first); any other error rolls the whole batch back."""
    rule = TRANSITIONS.get(action)
    if rule is not None and (not rule.writes_report or action == "rate"):
        raise ValueError(f"transition_many does not take {action!r}")
    now = now or timezone.now()
    change = Change()
    planned: list[_Planned] = []
    failed: list[tuple[Report, TransitionError]] = []
    for report in reports:
        try:
            planned.append(_plan(report, action, actor, change, now))
        except TransitionError as error:
            failed.append((report, error))
    with transaction.atomic():
        events, conflicts = _write_many(planned, actor, now) if planned else ([], [])
        failed += conflicts
        ReportEvent.objects.bulk_create(events)  # the chain's append, in order
        hooks.events_recorded(events)
    return events, failed


def _actor_agency(report: Report, actor: Actor) -> Agency | None:
    if actor.scope is None:
        return None
    agency = actor.scope.working_agency_for(report)
    if agency is None and actor.scope.is_desk:
        desk = [m.agency for m in actor.scope.memberships if m.role == Role.DESK]
        return desk[0] if desk else None
    return agency


__all__ = [
    "TRANSITIONS",
    "Actor",
    "Change",
    "Conflict",
    "InvalidState",
    "MissingInput",
    "NotPermitted",
    "RejectionReason",
    "TransitionError",
    "action_label",
    "allowed_actions",
    "escalation_due",
    "submitted_deadlines",
    "transition",
    "transition_many",
]
