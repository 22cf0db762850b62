"""Per-action effects of lifecycle transitions and the deadlines of each state.

Handlers validate their inputs, fill ``updates`` and return the handling agency after the
event. They never write: :func:`aduan.reports.lifecycle.transition` does, under its guard.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency
from aduan.reports.errors import InvalidState, MissingInput
from aduan.reports.models import Report, ReportType, Status
from aduan.reports.redaction import public_text
from aduan.sla import deadlines
from aduan.sla.models import SlaLimit

if TYPE_CHECKING:
    from aduan.reports.lifecycle import Actor, Change

S = Status
ESCALATION_SOURCES = frozenset({S.DISPATCHED, S.IN_PROGRESS, S.RESPONDED})


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


def offer_time(
    *, status: str, dispatched_at: datetime | None, completion_due_at: datetime | None, tz: str
) -> datetime | None:
    """When the Ombudsman may be offered: the completion limit, or the configured time
    since dispatch (60 days) if that comes first; None outside the states it applies to."""
    if status not in ESCALATION_SOURCES or dispatched_at is None:
        return None
    by_age = deadlines.due(SlaLimit.Key.OMBUDSMAN_AFTER_DISPATCH, dispatched_at, tz)
    return min(by_age, completion_due_at) if completion_due_at is not None else by_age


def report_offer_time(report: Report) -> datetime | None:
    """:func:`offer_time` of the report as it stands (its handling agency's zone)."""
    return offer_time(
        status=report.status,
        dispatched_at=report.dispatched_at,
        completion_due_at=report.completion_due_at,
        tz=report.agency.time_zone if report.agency else "Asia/Jakarta",
    )


def escalation_due(report: Report, now: datetime) -> bool:
    """The Ombudsman may be offered once the completion limit passed or the
    dispatch is older than the configured limit (60 days) without resolution."""
    moment = report_offer_time(report)
    return moment is not None and now > moment


def _dispatch(
    report: Report, actor: Actor, change: Change, now: datetime, updates: dict[str, Any]
) -> Agency | None:
    agency = change.agency
    if agency is None or not agency.is_active:
        raise MissingInput(str(_("Pilih instansi tujuan yang aktif.")), field="agency")
    if agency.kind == Agency.Kind.DESK:
        raise MissingInput(
            str(_("Laporan tidak dapat didisposisikan ke admin nasional.")), field="agency"
        )
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
    _desk_edits(report, change, updates)
    return agency


def _desk_edits(report: Report, change: Change, updates: dict[str, Any]) -> None:
    """The desk may rewrite the public title/summary and fix the privacy flags (admins
    forgetting the confidential flag is a known LAPOR! failure, so the desk sees them
    at every dispatch). Public text is redacted again whoever wrote it."""
    if change.public_title is not None:
        title = change.public_title.strip()
        if not title:
            raise MissingInput(str(_("Judul publik tidak boleh kosong.")), field="public_title")
        updates["public_title"] = public_text(title, report)[:200]
    if change.public_body is not None:
        updates["public_body"] = public_text(change.public_body.strip(), report)
    if change.is_anonymous is not None:
        updates["is_anonymous"] = change.is_anonymous
    if change.is_confidential is not None:
        updates["is_confidential"] = change.is_confidential


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
        if (
            target.pk == report.pk
            or target.merged_into_id is not None
            or target.status in (Status.ARCHIVED, Status.REJECTED)
        ):
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
        raise InvalidState(str(_("Instansi Ombudsman belum terdaftar; hubungi admin nasional.")))
    updates["agency"] = ombudsman
    updates["dispatched_at"] = now
    updates["first_response_at"] = None
    return ombudsman


HANDLERS = {
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


def deadline_fields(
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
            previous = report.completion_due_at
            due = max(reply_due, previous) if previous else reply_due
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


def offer_fields(report: Report, target: str, updates: dict[str, Any]) -> dict[str, Any]:
    """``offer_at`` for the state the report enters: set when it enters a state the
    Ombudsman may be offered from or its dispatch, completion limit or agency changes, cleared
    when it leaves them, else left alone (the sweep clears it once it has offered)."""
    if target not in ESCALATION_SOURCES:
        return {"offer_at": None}
    changed = {"dispatched_at", "completion_due_at", "agency"} & set(updates)
    if report.status in ESCALATION_SOURCES and not changed:
        return {}
    agency: Agency | None = updates.get("agency", report.agency)
    return {
        "offer_at": offer_time(
            status=target,
            dispatched_at=updates.get("dispatched_at", report.dispatched_at),
            completion_due_at=updates.get("completion_due_at", report.completion_due_at),
            tz=agency.time_zone if agency is not None else "Asia/Jakarta",
        )
    }


def submitted_deadlines(now: datetime) -> dict[str, Any]:
    """Deadlines of a newly received report (used by intake)."""
    return {"due_at": deadlines.due(deadlines.Key.VERIFY, now, "Asia/Jakarta"), "auto_at": None}
