"""Importing rows: intake, then the lifecycle's own transitions back-dated to the legacy
state, one transaction per row (rolled back in a dry run)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency, Membership, Role
from aduan.integrations.importing.mapping import ImportRow, Lookups, RowError, parse_row
from aduan.integrations.importing.reading import RawRow
from aduan.reports import hooks, intake, lifecycle
from aduan.reports.access import StaffScope
from aduan.reports.lifecycle import Actor, Change
from aduan.reports.models import Channel, Report, ReportEvent, Status


@dataclass(frozen=True)
class RowProblem:
    row: int
    external_id: str
    field: str
    message: str


@dataclass
class ImportResult:
    total: int = 0
    imported: int = 0
    skipped: int = 0  # imported before (same external_id), or repeated in the file
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.imported + self.skipped + len(self.problems)


Progress = Callable[[ImportResult], None]


class _DryRun(Exception):
    """Raised inside a row's transaction to roll it back after it fully succeeded."""


def importer_actor(agency: Agency, desk: Agency) -> Actor:
    """Who the imported history says acted. The lifecycle lets only the desk dispatch and
    reject, and only the agency accept and respond: the importer holds both roles, for
    this agency only, and every event it writes says ``import:<code>``."""
    memberships = [
        Membership(agency=desk, role=Role.DESK),
        Membership(agency=agency, role=Role.OFFICER),
    ]
    return Actor(
        kind=ReportEvent.ActorKind.STAFF,
        scope=StaffScope(user_id=None, memberships=memberships),
        label=f"import:{agency.code}"[:60],
    )


def _submission(row: ImportRow, agency: Agency) -> intake.Submission:
    return intake.Submission(
        title=row.title,
        body=row.body,
        channel=Channel.IMPORT,
        type=row.type,
        region=row.region,
        district=row.district,
        requested_agency=agency,
        category=row.category,
        is_anonymous=row.is_anonymous,
        is_confidential=row.is_confidential,
        reporter_name=row.reporter_name,
        reporter_email=row.reporter_email,
        reporter_phone=row.reporter_phone,
        source_agency=agency,
        external_id=row.external_id,
    )


def _replay_history(report: Report, row: ImportRow, actor: Actor, agency: Agency) -> None:
    """Move a new report to its legacy state through real, back-dated transitions."""
    if row.status == Status.SUBMITTED:
        return
    if row.status == Status.REJECTED:
        change = Change(reason=row.rejection_reason, message=row.response)
        lifecycle.transition(report, "reject", actor=actor, change=change, now=row.submitted_at)
        return
    target = Change(agency=row.unit or agency, category=row.category)
    lifecycle.transition(report, "dispatch", actor=actor, change=target, now=row.submitted_at)
    lifecycle.transition(report, "accept", actor=actor, now=row.submitted_at)
    if row.status == Status.IN_PROGRESS:
        if row.response:
            update = Change(message=row.response)
            lifecycle.transition(report, "update", actor=actor, change=update, now=row.responded_at)
        return
    message = row.response or _("Tindak lanjut tercatat di sistem lama (teksnya tidak diimpor).")
    lifecycle.transition(
        report, "respond", actor=actor, change=Change(message=message), now=row.responded_at
    )
    if row.status == Status.CLOSED:
        lifecycle.transition(report, "auto_close", actor=Actor.system(), now=row.closed_at)


def _import_one(row: ImportRow, *, agency: Agency, actor: Actor, now: datetime) -> Report:
    receipt = intake.report_submit(submission=_submission(row, agency), now=row.submitted_at)
    report = receipt.report
    _replay_history(report, row, actor, agency)
    # Events keep their legacy times; updated_at says when Aduan's copy changed, so the
    # agency API's updated_since sync sees imported reports as new.
    Report.objects.filter(pk=report.pk).update(updated_at=now)
    return report


def _problem(raw: RawRow, exc: RowError | lifecycle.TransitionError) -> RowProblem:
    field_name = exc.field or ""
    return RowProblem(raw.number, raw.values.get("external_id", "")[:100], field_name, exc.message)


def import_rows(
    rows: list[RawRow],
    *,
    agency: Agency,
    dry_run: bool = False,
    progress: Progress | None = None,
    every: int = 100,
) -> ImportResult:
    """Import every row; bad rows become problems and the rest carry on."""
    desk = Agency.objects.filter(kind=Agency.Kind.DESK).order_by("pk").first()
    if desk is None:
        raise RuntimeError("No national desk agency exists; run `aduan loadrefdata` first.")
    lookups = Lookups.load(agency)
    actor = importer_actor(agency, desk)
    result = ImportResult(total=len(rows))
    seen: set[str] = set()
    now = timezone.now()
    # Imported history is not news: no notices to reporters, no webhooks to agencies.
    with hooks.suppressed():
        for raw in rows:
            _one(
                raw,
                result,
                seen,
                lookups=lookups,
                agency=agency,
                actor=actor,
                now=now,
                dry_run=dry_run,
            )
            if progress is not None and (result.done % every == 0 or result.done == result.total):
                progress(result)
    return result


def _one(
    raw: RawRow,
    result: ImportResult,
    seen: set[str],
    *,
    lookups: Lookups,
    agency: Agency,
    actor: Actor,
    now: datetime,
    dry_run: bool,
) -> None:
    try:
        row = parse_row(raw, lookups)
    except RowError as exc:
        result.problems.append(_problem(raw, exc))
        return
    if row.external_id in seen:
        result.skipped += 1  # repeated in the file: the first occurrence wins
        return
    seen.add(row.external_id)
    try:
        with transaction.atomic():
            _import_one(row, agency=agency, actor=actor, now=now)
            if dry_run:
                raise _DryRun
    except _DryRun:
        result.imported += 1
    except intake.ExternalIdTaken:
        result.skipped += 1
    except lifecycle.TransitionError as exc:
        result.problems.append(_problem(raw, exc))
    else:
        result.imported += 1
