"""The report lifecycle: every state change goes through :func:`transition`.

One explicit table says which action moves a report from which states to which state
and who may take it. :func:`transition` checks the actor and the current state, updates
the row with ``WHERE status = <old>`` (zero rows means someone else acted first: a
conflict, never a silent overwrite), appends the event, recomputes deadlines and queues
notifications in the same transaction. Nothing else writes ``Report.status``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency, Role
from aduan.reports.access import StaffScope
from aduan.reports.models import Category, Report, ReportEvent, ReportType, Status
from aduan.reports.redaction import redact
from aduan.sla import deadlines
from aduan.sla.models import SlaLimit

Visibility = ReportEvent.Visibility
ActorKind = ReportEvent.ActorKind


class TransitionError(Exception):
    """Base of lifecycle errors; ``code`` is stable for API clients."""

    code = "transition_error"
    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotPermitted(TransitionError):
    code = "not_permitted"
    status_code = 403


class InvalidState(TransitionError):
    code = "invalid_state"
    status_code = 409


class Conflict(TransitionError):
    code = "conflict"
    status_code = 409


class MissingInput(TransitionError):
    code = "invalid"
    status_code = 400


class RejectionReason:
    INCOMPLETE = "incomplete"
    OUT_OF_SCOPE = "out_of_scope"
    ABUSIVE = "abusive"
    SPAM = "spam"
    CHOICES = [
        (INCOMPLETE, _("Laporan tidak lengkap")),
        (OUT_OF_SCOPE, _("Di luar lingkup layanan pengaduan")),
        (ABUSIVE, _("Berisi kata kasar, ancaman, atau SARA")),
        (SPAM, _("Spam atau bukan laporan")),
    ]
    VALUES = frozenset(code for code, _label in CHOICES)


@dataclass(frozen=True)
class Actor:
    """Who acts: the system, the reporter (proved by secret link or account), or staff."""

    kind: str
    user: Any = None
    scope: StaffScope | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls(kind=ActorKind.SYSTEM)

    @classmethod
    def reporter(cls, user: Any = None) -> Actor:
        return cls(kind=ActorKind.REPORTER, user=user)

    @classmethod
    def staff(cls, user: Any) -> Actor:
        return cls(kind=ActorKind.STAFF, user=user, scope=StaffScope.for_user(user))


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
    label: Any = ""


S = Status
WORKING = frozenset({S.DISPATCHED, S.IN_PROGRESS, S.ESCALATED})

TRANSITIONS: dict[str, Rule] = {
    "dispatch": Rule(
        frozenset({S.SUBMITTED}), S.DISPATCHED, frozenset({DESK}),
        label=_("Diverifikasi dan didisposisikan"),
    ),
    "request_info": Rule(
        frozenset({S.SUBMITTED}), S.NEEDS_INFO, frozenset({DESK}),
        visibility=Visibility.PARTIES, needs_message=True,
        label=_("Admin meminta kelengkapan laporan"),
    ),
    "provide_info": Rule(
        frozenset({S.NEEDS_INFO}), S.SUBMITTED, frozenset({REPORTER}),
        visibility=Visibility.PARTIES, needs_message=True,
        label=_("Pelapor melengkapi laporan"),
    ),
    "reject": Rule(
        frozenset({S.SUBMITTED, S.NEEDS_INFO}), S.REJECTED, frozenset({DESK}),
        needs_reason=True, label=_("Laporan tidak dapat diproses"),
    ),
    "expire": Rule(
        frozenset({S.NEEDS_INFO}), S.REJECTED, frozenset({SYSTEM}),
        label=_("Kelengkapan tidak diterima dalam batas waktu"),
    ),
    "archive": Rule(
        frozenset({S.SUBMITTED, S.NEEDS_INFO, S.DISPATCHED}), S.ARCHIVED, frozenset({DESK}),
        needs_reason=True, label=_("Diarsipkan"),
    ),
    "accept": Rule(
        WORKING, S.IN_PROGRESS, frozenset({AGENCY}), label=_("Diterima dan diproses instansi"),
    ),
    "forward": Rule(
        WORKING, S.IN_PROGRESS, frozenset({AGENCY}), label=_("Diteruskan ke unit kerja"),
    ),
    "update": Rule(
        WORKING, S.IN_PROGRESS, frozenset({AGENCY}), message_public=True, needs_message=True,
        label=_("Perkembangan penanganan"),
    ),
    "respond": Rule(
        WORKING, S.RESPONDED, frozenset({AGENCY}), message_public=True, needs_message=True,
        label=_("Ditindaklanjuti oleh instansi"),
    ),
    "return_to_desk": Rule(
        frozenset({S.DISPATCHED, S.IN_PROGRESS}), S.SUBMITTED, frozenset({AGENCY}),
        needs_reason=True, label=_("Dikembalikan ke admin nasional: bukan wewenang"),
    ),
    "reporter_reply": Rule(
        frozenset({S.RESPONDED}), S.IN_PROGRESS, frozenset({REPORTER}),
        visibility=Visibility.PARTIES, needs_message=True, label=_("Ditanggapi oleh pelapor"),
    ),
    "close": Rule(
        frozenset({S.RESPONDED}), S.CLOSED, frozenset({REPORTER}),
        label=_("Pelapor menyatakan selesai"),
    ),
    "auto_close": Rule(
        frozenset({S.RESPONDED}), S.CLOSED, frozenset({SYSTEM}),
        label=_("Selesai otomatis: tidak ada tanggapan dalam batas waktu"),
    ),
    "rate": Rule(
        frozenset({S.CLOSED}), None, frozenset({REPORTER}), visibility=Visibility.PARTIES,
        label=_("Pelapor memberi penilaian"),
    ),
    "escalate": Rule(
        frozenset({S.DISPATCHED, S.IN_PROGRESS, S.RESPONDED}), S.ESCALATED,
        frozenset({REPORTER}), label=_("Dilimpahkan ke Ombudsman atas persetujuan pelapor"),
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
    extra: dict[str, Any] = field(default_factory=dict)


def action_label(action: str) -> Any:
    rule = TRANSITIONS.get(action)
    return rule.label if rule else action


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


def escalation_due(report: Report, now: datetime) -> bool:
    """The Ombudsman may be offered once the completion limit passed or the
    dispatch is older than the configured limit (60 days) without resolution."""
    if report.status not in TRANSITIONS["escalate"].sources or report.dispatched_at is None:
        return False
    if report.completion_due_at is not None and now > report.completion_due_at:
        return True
    tz = report.agency.time_zone if report.agency else "Asia/Jakarta"
    return now > deadlines.due(SlaLimit.Key.OMBUDSMAN_AFTER_DISPATCH, report.dispatched_at, tz)


def transition(
    report: Report, action: str, *, actor: Actor, change: Change | None = None,
    now: datetime | None = None,
) -> ReportEvent:
    """Take ``action`` on ``report`` as ``actor``; returns the appended event.

    Raises NotPermitted, InvalidState, Conflict or MissingInput; on any error nothing
    is written.
    """
    change = change or Change()
    now = now or timezone.now()
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

    old_status, old_agency_id = report.status, report.agency_id
    updates: dict[str, Any] = {}
    event_agency = report.agency
    handler = _HANDLERS.get(action)
    if handler is not None:
        event_agency = handler(report, actor, change, now, updates)
    target = rule.target or old_status
    updates["status"] = target
    updates.update(_deadline_fields(report, target, action, now, updates))
    updates["updated_at"] = now

    with transaction.atomic():
        guard = {"pk": report.pk, "status": old_status, "agency_id": old_agency_id}
        if action == "rate":
            guard["rating__isnull"] = True
        if Report.objects.filter(**guard).update(**updates) != 1:
            raise Conflict(
                str(_("Laporan ini baru saja diubah oleh orang lain. Muat ulang dan coba lagi."))
            )
        for name, value in updates.items():
            setattr(report, name, value)
        event = ReportEvent.objects.create(
            report=report,
            action=action,
            from_status=old_status,
            to_status=target,
            actor=actor.user if actor.user is not None and actor.user.is_authenticated else None,
            actor_kind=actor.kind,
            actor_agency=_actor_agency(report, actor),
            agency=event_agency,
            reason=change.reason.strip(),
            message=message,
            public_message=redact(message) if rule.message_public else "",
            visibility=rule.visibility,
            created_at=now,
        )
        from aduan.reports import notifications

        notifications.event_recorded(event)
    return event


def _actor_agency(report: Report, actor: Actor) -> Agency | None:
    if actor.scope is None:
        return None
    agency = actor.scope.working_agency_for(report)
    if agency is None and actor.scope.is_desk:
        desk = [m.agency for m in actor.scope.memberships if m.role == Role.DESK]
        return desk[0] if desk else None
    return agency


# ---- per-action effects -------------------------------------------------------------
# Each handler validates its inputs, fills ``updates`` and returns the handling agency
# after the event. They never write: transition() does, under its guard.


def _dispatch(
    report: Report, actor: Actor, change: Change, now: datetime, updates: dict[str, Any]
) -> Agency | None:
    agency = change.agency
    if agency is None or not agency.is_active:
        raise MissingInput(str(_("Pilih instansi tujuan yang aktif.")), field="agency")
    if agency.kind == Agency.Kind.DESK:
        raise MissingInput(str(_("Laporan tidak dapat didisposisikan ke admin nasional.")),
                           field="agency")
    updates["agency"] = agency
    updates["dispatched_at"] = now
    updates["verified_at"] = report.verified_at or now
    updates["first_response_at"] = None
    if change.category is not None:
        updates["category"] = change.category
    if change.report_type is not None:
        if change.report_type not in ReportType.values:
            raise MissingInput(str(_("Jenis laporan tidak dikenal.")), field="type")
        updates["type"] = change.report_type
    if change.needs_inspection is not None:
        updates["needs_inspection"] = change.needs_inspection
    return agency


def _reject(
    report: Report, actor: Actor, change: Change, now: datetime, updates: dict[str, Any]
) -> Agency | None:
    if change.reason not in RejectionReason.VALUES:
        raise MissingInput(str(_("Pilih alasan penolakan yang tersedia.")), field="reason")
    updates["rejection_reason"] = change.reason
    updates["closed_at"] = now
    return None


def _expire(
    report: Report, actor: Actor, change: Change, now: datetime, updates: dict[str, Any]
) -> Agency | None:
    change.reason = RejectionReason.INCOMPLETE
    updates["rejection_reason"] = RejectionReason.INCOMPLETE
    updates["closed_at"] = now
    return None


def _archive(
    report: Report, actor: Actor, change: Change, now: datetime, updates: dict[str, Any]
) -> Agency | None:
    target = change.merged_into
    if target is not None:
        if target.pk == report.pk or target.merged_into_id is not None:
            raise MissingInput(str(_("Laporan induk tidak valid.")), field="merged_into")
        updates["merged_into"] = target
    updates["closed_at"] = now
    return report.agency


def _accept(
    report: Report, actor: Actor, change: Change, now: datetime, updates: dict[str, Any]
) -> Agency | None:
    return report.agency


def _forward(
    report: Report, actor: Actor, change: Change, now: datetime, updates: dict[str, Any]
) -> Agency | None:
    target = change.agency
    home = actor.scope.working_agency_for(report) if actor.scope else None
    # Agencies forward only inside their own subtree; sideways moves go through the desk.
    if target is None or home is None or not target.is_within(home) or not target.is_active:
        raise MissingInput(
            str(_("Laporan hanya dapat diteruskan ke unit kerja di bawah instansi Anda.")),
            field="agency",
        )
    if target.pk == report.agency_id:
        raise MissingInput(str(_("Laporan sudah berada di unit tersebut.")), field="agency")
    updates["agency"] = target
    return target


def _update(
    report: Report, actor: Actor, change: Change, now: datetime, updates: dict[str, Any]
) -> Agency | None:
    # A non-empty update is a first response (DESIGN.md §3).
    if report.first_response_at is None:
        updates["first_response_at"] = now
    return report.agency


def _respond(
    report: Report, actor: Actor, change: Change, now: datetime, updates: dict[str, Any]
) -> Agency | None:
    if report.first_response_at is None:
        updates["first_response_at"] = now
    updates["responded_at"] = now
    return report.agency


def _return_to_desk(
    report: Report, actor: Actor, change: Change, now: datetime, updates: dict[str, Any]
) -> Agency | None:
    updates["agency"] = None
    updates["bounce_count"] = report.bounce_count + 1
    updates["first_response_due_at"] = None
    updates["completion_due_at"] = None
    return None


def _close(
    report: Report, actor: Actor, change: Change, now: datetime, updates: dict[str, Any]
) -> Agency | None:
    updates["closed_at"] = now
    return report.agency


def _rate(
    report: Report, actor: Actor, change: Change, now: datetime, updates: dict[str, Any]
) -> Agency | None:
    if change.rating is None or not 1 <= change.rating <= 5:
        raise MissingInput(str(_("Beri nilai antara 1 dan 5.")), field="rating")
    updates["rating"] = change.rating
    updates["resolved"] = change.resolved
    return report.agency


def _escalate(
    report: Report, actor: Actor, change: Change, now: datetime, updates: dict[str, Any]
) -> Agency | None:
    if not escalation_due(report, now):
        raise InvalidState(
            str(_("Pelimpahan ke Ombudsman baru dapat dilakukan setelah batas waktu lewat."))
        )
    ombudsman = Agency.objects.filter(kind=Agency.Kind.OMBUDSMAN, parent=None).first()
    if ombudsman is None:
        raise InvalidState("No Ombudsman agency is configured.")
    updates["agency"] = ombudsman
    updates["dispatched_at"] = now
    updates["first_response_at"] = None
    return ombudsman


_HANDLERS = {
    "dispatch": _dispatch,
    "reject": _reject,
    "expire": _expire,
    "archive": _archive,
    "accept": _accept,
    "forward": _forward,
    "update": _update,
    "respond": _respond,
    "return_to_desk": _return_to_desk,
    "close": _close,
    "auto_close": _close,
    "rate": _rate,
    "escalate": _escalate,
}


def _deadline_fields(
    report: Report, target: str, action: str, now: datetime, updates: dict[str, Any]
) -> dict[str, Any]:
    """Deadlines for the state the report enters (DESIGN.md §3, limits from data)."""
    agency: Agency | None = updates.get("agency", report.agency)
    tz = agency.time_zone if agency is not None else "Asia/Jakarta"
    key = deadlines.Key
    if target == S.SUBMITTED:
        return {"due_at": deadlines.due(key.VERIFY, now, "Asia/Jakarta"), "auto_at": None}
    if target == S.NEEDS_INFO:
        return {"due_at": None, "auto_at": deadlines.due(key.NEEDS_INFO_EXPIRY, now, tz)}
    if target in (S.DISPATCHED, S.ESCALATED):
        first = deadlines.due(key.FIRST_RESPONSE, now, tz)
        completion = deadlines.due(
            deadlines.completion_key(
                report_type=updates.get("type", report.type),
                needs_inspection=updates.get("needs_inspection", report.needs_inspection),
            ),
            now,
            tz,
        )
        return {
            "first_response_due_at": first,
            "completion_due_at": completion,
            "due_at": first,
            "auto_at": None,
        }
    if target == S.IN_PROGRESS:
        if action == "reporter_reply":
            # The reporter answered the follow-up: the agency owes a new response, within
            # the first-response limit or the original completion limit if that is later.
            reply_due = deadlines.due(key.FIRST_RESPONSE, now, tz)
            completion = report.completion_due_at
            due = max(reply_due, completion) if completion else reply_due
            return {"due_at": due, "auto_at": None}
        responded = updates.get("first_response_at", report.first_response_at)
        return {
            "due_at": report.completion_due_at if responded else report.first_response_due_at,
            "auto_at": None,
        }
    if target == S.RESPONDED:
        return {"due_at": None, "auto_at": deadlines.due(key.AUTO_CLOSE, now, tz)}
    if target in (S.CLOSED, S.REJECTED, S.ARCHIVED):
        return {"due_at": None, "auto_at": None}
    return {}


def submitted_deadlines(now: datetime) -> dict[str, Any]:
    """Deadlines of a newly received report (used by intake)."""
    return {"due_at": deadlines.due(deadlines.Key.VERIFY, now, "Asia/Jakarta"), "auto_at": None}


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
    "allowed_actions",
    "escalation_due",
    "submitted_deadlines",
    "transition",
]
