"""Writing the near-duplicate index and finding candidates (DESIGN.md §7).

``index_report`` runs for each new report in the worker seconds after intake (see
:mod:`aduan.dedup.tasks`; one signature row, ``BANDS`` band rows and a few candidate
rows) and from ``aduan dedup reindex``. Lookups read only rows sharing a band key with
the new report in the same place and time window, through one composite index, so their
cost depends on how many similar reports exist there, not on how many reports exist.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from aduan.dedup import text
from aduan.dedup.models import BandKey, Candidate, IndexedReport
from aduan.reports.models import Report

logger = logging.getLogger(__name__)

WINDOW = timedelta(days=120)
# Exact Jaccard of the shingle sets from which a pair is shown to the desk. Chosen on the
# labelled fixture in tests/fixtures/dedup_pairs.json (precision ≥ 0.9 there).
THRESHOLD = 0.40
# Reports without a region (SMS often has none) must be closer still.
THRESHOLD_NO_PLACE = 0.55
MAX_BAND_HITS = 60  # reports verified per lookup, the ones sharing most bands first
MIN_BAND_HITS = 1


@dataclass(frozen=True)
class Match:
    report_id: int
    score: float
    reason: str
    # The other report came in after this one (found by a deferred indexing that ran
    # after the other's): the pair is then recorded the other way round.
    newer: bool = False


def _place(report: Report) -> tuple[str, str]:
    return (report.region_id or "", report.district_id or "")


def index_entry(report: Report, now: datetime) -> tuple[IndexedReport, list[BandKey]]:
    sig = text.signature(text.shingles(text.report_text(report.title, report.body)))
    region, district = _place(report)
    entry = IndexedReport(
        report_id=report.pk,
        region_code=region,
        district_code=district,
        submitted_at=report.submitted_at,
        signature=text.signature_bytes(sig),
        indexed_at=now,
    )
    bands = [
        BandKey(entry_id=report.pk, key=key, region_code=region, submitted_at=report.submitted_at)
        for key in text.band_keys(sig)
    ]
    return entry, bands


def index_report(
    report: Report, *, now: datetime | None = None, newer: bool = False
) -> list[Candidate]:
    """(Re)index one report and record its candidates among earlier reports.

    ``newer``: also among reports submitted after it that are already indexed. The
    deferred indexing (:mod:`aduan.dedup.tasks`) needs it: workers may index two
    reports out of order, and the later one's lookup did not see the earlier one yet.
    """
    now = now or timezone.now()
    with transaction.atomic():
        IndexedReport.objects.filter(report_id=report.pk).delete()
        entry, bands = index_entry(report, now)
        entry.save(force_insert=True)
        BandKey.objects.bulk_create(bands)
        return record_candidates(
            report, find_matches(report, band_keys=[b.key for b in bands], newer=newer), now
        )


def find_matches(
    report: Report, *, band_keys: list[int] | None = None, newer: bool = False
) -> list[Match]:
    """Earlier reports (within the window) that likely describe the same problem in the
    same place, best first, plus every report whose tracking ID the text cites; with
    ``newer``, indexed reports submitted after it within the window too."""
    if band_keys is None:
        sig = text.signature(text.shingles(text.report_text(report.title, report.body)))
        band_keys = text.band_keys(sig)
    matches: dict[int, Match] = {}
    for cited in _cited(report):
        matches[cited] = Match(cited, 1.0, Candidate.Reason.CITED)
    for match in _similar(report, band_keys, newer=newer):
        matches.setdefault(match.report_id, match)
    return sorted(matches.values(), key=lambda m: (-m.score, m.report_id))


def _cited(report: Report) -> list[int]:
    ids = text.cited_tracking_ids(f"{report.title}\n{report.body}")
    if not ids:
        return []
    return list(
        Report.objects.filter(tracking_id__in=ids)
        .exclude(pk=report.pk)
        .values_list("pk", flat=True)
    )


def _similar(report: Report, band_keys: list[int], *, newer: bool = False) -> list[Match]:
    region, district = _place(report)
    at = report.submitted_at
    rows = BandKey.objects.filter(
        key__in=band_keys,
        submitted_at__gte=at - WINDOW,
        submitted_at__lte=at + WINDOW if newer else at,
    ).exclude(entry_id=report.pk)
    if region:
        # Same regency/city, or reports that did not say where (they may be the same).
        rows = rows.filter(region_code__in=[region, ""])
    hits = list(
        rows.values("entry_id")
        .annotate(n=Count("id"))
        .filter(n__gte=MIN_BAND_HITS)
        .order_by("-n", "-entry_id")
        .values_list("entry_id", flat=True)[:MAX_BAND_HITS]
    )
    if not hits:
        return []
    mine_text = text.report_text(report.title, report.body)
    mine = text.shingles(mine_text)
    others = Report.objects.filter(pk__in=hits, merged_into__isnull=True).only(
        "pk", "title", "body", "region_id", "district_id", "submitted_at"
    )
    matches = []
    for other in others:
        o_region, o_district = _place(other)
        if district and o_district and district != o_district:
            continue  # same city, another district: another place
        other_text = text.report_text(other.title, other.body)
        if text.places_conflict(mine_text, other_text):
            continue
        score = text.jaccard(mine, text.shingles(other_text))
        limit = THRESHOLD if region and o_region else THRESHOLD_NO_PLACE
        if score >= limit:
            later = other.submitted_at > at or (other.submitted_at == at and other.pk > report.pk)
            matches.append(
                Match(other.pk, round(score, 3), Candidate.Reason.SIMILAR, newer=newer and later)
            )
    return matches


def record_candidates(report: Report, matches: list[Match], now: datetime) -> list[Candidate]:
    rows = [
        Candidate(
            report_id=m.report_id if m.newer else report.pk,
            similar_id=report.pk if m.newer else m.report_id,
            score=m.score,
            reason=m.reason,
            created_at=now,
        )
        for m in matches
    ]
    Candidate.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def index_report_safely(report: Report) -> None:
    """Intake must never fail because of the index: a savepoint keeps a failed write
    from spoiling the intake transaction, and ``aduan dedup reindex`` repairs gaps."""
    try:
        with transaction.atomic():
            index_report(report)
    except Exception:
        logger.exception("dedup: could not index report %s", report.pk)


def flatten_merges(report: Report) -> int:
    """``report`` was just merged into another: reports merged into it follow the new
    main report directly, so every merged report points at an unmerged one (the archive
    action refuses merges into merged reports; chains would hide followers)."""
    if report.merged_into_id is None:
        return 0
    return Report.objects.filter(merged_into=report).update(merged_into=report.merged_into_id)


def candidate_q(report: Report) -> Q:
    return Q(report=report) | Q(similar=report)
