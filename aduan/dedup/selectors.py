"""Reading duplicate candidates for the desk (the desk sees every report; callers check
that the viewer is desk staff — see :func:`can_review`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from aduan.dedup.models import Candidate
from aduan.reports.access import StaffScope
from aduan.reports.lifecycle import TRANSITIONS
from aduan.reports.models import Report, Status

MERGEABLE = TRANSITIONS["archive"].sources  # states the archive action accepts
INVALID_MAIN = (Status.ARCHIVED, Status.REJECTED)
PAGE_LIMIT = 10
OPEN_FOR_DESK = (Status.SUBMITTED, Status.NEEDS_INFO, Status.DISPATCHED)  # archivable


def can_review(scope: StaffScope | None) -> bool:
    """Candidates compare reports across agencies, channels and reporters: desk only."""
    return scope is not None and scope.is_desk


@dataclass(frozen=True)
class Row:
    pair_id: int
    other: Report
    score: float
    reason: str
    reason_label: str
    # Merge directions the archive action would accept now.
    can_merge_here_into_other: bool
    can_merge_other_into_here: bool

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def can_merge(source: Report, target: Report) -> bool:
    return (
        source.pk != target.pk
        and source.status in MERGEABLE
        and source.merged_into_id is None
        and target.merged_into_id is None
        and target.status not in INVALID_MAIN
    )


def candidates_for(report: Report, *, limit: int = PAGE_LIMIT) -> list[Row]:
    """Both directions: reports this one resembles, and later ones resembling it."""
    pairs = list(
        Candidate.objects.filter(Q(report=report) | Q(similar=report), dismissed=False)
        .select_related("report__agency", "similar__agency", "report__region", "similar__region")
        .order_by("-score", "-id")[: limit * 2]
    )
    rows: list[Row] = []
    seen: set[int] = set()
    labels = dict(Candidate.Reason.choices)
    for pair in pairs:
        other = pair.similar if pair.report_id == report.pk else pair.report
        if other.pk in seen or other.merged_into_id == report.pk:
            continue
        seen.add(other.pk)
        rows.append(
            Row(
                pair_id=pair.pk,
                other=other,
                score=pair.score,
                reason=pair.reason,
                reason_label=str(labels.get(pair.reason, pair.reason)),
                can_merge_here_into_other=can_merge(report, other),
                can_merge_other_into_here=can_merge(other, report),
            )
        )
    return rows[:limit]


def open_groups() -> QuerySet[Report]:
    """Reports awaiting the desk that have undismissed candidates, newest first; each
    comes with ``candidate_count``."""
    live = Q(
        duplicate_candidates__dismissed=False,
        duplicate_candidates__similar__merged_into__isnull=True,
    )
    return (
        Report.objects.filter(status__in=OPEN_FOR_DESK, merged_into__isnull=True)
        .filter(live)
        .annotate(candidate_count=Count("duplicate_candidates", filter=live, distinct=True))
        .select_related("region")
        .order_by("-submitted_at", "-pk")
    )


def reporter_count(report: Report) -> int:
    """People who reported this problem: the report itself and those merged into it."""
    return 1 + Report.objects.filter(merged_into=report).count()
