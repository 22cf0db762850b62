"""What the reporter may do with their own report, shared by the web page and the API.

The reporter proves who they are with the private link's secret or their account; the
caller checks that through :mod:`aduan.reports.access` before calling in here. Every
change still goes through :func:`aduan.reports.lifecycle.transition`, which re-checks the
state under its ``WHERE status = <old>`` guard.

Actions are named by URL slugs (``provide-info``, ``reply``, ...), the same on the web
(``/lacak/<id>/aksi/<slug>/``) and in the API (``/api/v1/reports/<id>/actions/<slug>``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.reports import access, lifecycle
from aduan.reports.errors import InvalidState
from aduan.reports.lifecycle import Actor, Change
from aduan.reports.models import Report, ReportEvent
from aduan.reports.uploads import CleanFile

PROVIDE_INFO = "provide-info"
REPLY = "reply"
CLOSE = "close"
RATE = "rate"
ESCALATE = "escalate"

# Slug → lifecycle action, in the order the page offers them.
ACTIONS: dict[str, str] = {
    PROVIDE_INFO: "provide_info",
    REPLY: "reporter_reply",
    CLOSE: "close",
    RATE: "rate",
    ESCALATE: "escalate",
}
# Only messages may carry files: a rating or a consent has nothing to attach.
WITH_ATTACHMENTS = frozenset({PROVIDE_INFO, REPLY})


def check_offered(report: Report, slug: str, *, now: datetime) -> None:
    """Raise InvalidState, with a message for the reporter, unless ``slug`` makes sense now.

    ``allowed_actions`` knows the state table; on top of it the Ombudsman is offered only
    once it is due, and a report is rated once.
    """
    if ACTIONS[slug] not in lifecycle.allowed_actions(report, Actor.reporter()):
        raise InvalidState(
            _("Tindakan ini tidak dapat dilakukan pada laporan berstatus “%(status)s”.")
            % {"status": report.get_status_display()}
        )
    if slug == ESCALATE and not lifecycle.escalation_due(report, now):
        raise InvalidState(
            _("Pelimpahan ke Ombudsman baru dapat dilakukan setelah batas waktu lewat.")
        )
    if slug == RATE and report.rating is not None:
        # The guard in transition() would call this a conflict; say what it really is.
        raise InvalidState(_("Anda sudah memberi penilaian untuk laporan ini."))


def offered_actions(report: Report, *, now: datetime | None = None) -> list[str]:
    """Slugs of the actions the reporter may take now, for rendering forms."""
    now = now or timezone.now()
    offered = []
    for slug in ACTIONS:
        try:
            check_offered(report, slug, now=now)
        except InvalidState:
            continue
        offered.append(slug)
    return offered


def reporter_act(
    *,
    report: Report,
    slug: str,
    user: Any = None,
    message: str = "",
    rating: int | None = None,
    resolved: bool | None = None,
    attachments: Sequence[CleanFile] = (),
    now: datetime | None = None,
) -> ReportEvent:
    """Take the reporter action ``slug`` on ``report``; returns the appended event.

    ``user`` is the signed-in reporter, if any (recorded as the event's actor). Raises the
    lifecycle errors (InvalidState, Conflict, MissingInput, NotPermitted); nothing is
    written on error. Raises KeyError for an unknown slug.
    """
    now = now or timezone.now()
    check_offered(report, slug, now=now)
    # A signed-in stranger holding the link is not recorded as the reporter.
    actor_user = user if access.is_reporter(report, user) else None
    change = Change(
        message=message,
        rating=rating,
        resolved=resolved,
        attachments=list(attachments) if slug in WITH_ATTACHMENTS else [],
    )
    return lifecycle.transition(
        report, ACTIONS[slug], actor=Actor.reporter(actor_user), change=change, now=now
    )
