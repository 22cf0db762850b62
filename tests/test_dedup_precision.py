"""Duplicate detection quality on a labelled fixture (issue 6, item 7).

tests/fixtures/dedup_pairs.json holds re-filings of the same problem across channels and
in other words, and hard negatives: other problems at the same place, the same problem on
another street or in another city. Every report goes through intake, which indexes it.
"""

from __future__ import annotations

import itertools
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from aduan.dedup.models import Candidate
from aduan.reports import tracking
from tests.factories import submit

FIXTURE = Path(__file__).parent / "fixtures" / "dedup_pairs.json"


def load_fixture(world: Any) -> tuple[dict[int, str], dict[str, int]]:
    regions = {"bdg": world.region_bandung, "sby": world.region_surabaya}
    rows = json.loads(FIXTURE.read_text())["reports"]
    start = timezone.now() - timedelta(days=40)
    group_of: dict[int, str] = {}
    first_of: dict[str, int] = {}
    tracking_of: dict[str, str] = {}
    for row in sorted(rows, key=lambda r: r["days"]):
        body = row["body"]
        if "{ref:" in body:
            group = body.split("{ref:")[1].split("}")[0]
            body = body.replace(f"{{ref:{group}}}", tracking.display(tracking_of[group]))
        report = submit(
            title=row["title"],
            body=body,
            channel=row["channel"],
            region=regions[row["region"]],
            now=start + timedelta(days=row["days"], minutes=len(group_of)),
        ).report
        group_of[report.pk] = row["group"]
        first_of.setdefault(row["group"], report.pk)
        tracking_of.setdefault(row["group"], report.tracking_id)
    return group_of, first_of


def scores(group_of: dict[int, str]) -> tuple[float, float, int, int, int]:
    predicted = {frozenset((c.report_id, c.similar_id)) for c in Candidate.objects.all()}
    truth = {
        frozenset((a, b))
        for a, b in itertools.combinations(group_of, 2)
        if group_of[a] == group_of[b]
    }
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(truth) if truth else 0.0
    return precision, recall, hits, len(predicted), len(truth)


@pytest.mark.django_db
def test_duplicate_precision_and_recall_on_labelled_fixture(world, capsys):
    group_of, first_of = load_fixture(world)
    precision, recall, hits, predicted, truth = scores(group_of)
    with capsys.disabled():
        print(
            f"\ndedup fixture: {len(group_of)} reports, {truth} true pairs, "
            f"{predicted} predicted, {hits} correct: precision {precision:.3f}, "
            f"recall {recall:.3f}"
        )
    assert precision >= 0.9
    assert recall >= 0.7

    # A re-filing citing the earlier tracking ID is a direct candidate, whatever its words.
    cited = first_of["cited"]
    citing = next(pk for pk, g in group_of.items() if g == "cited" and pk != cited)
    pair = Candidate.objects.get(report_id=citing, similar_id=cited)
    assert pair.reason == Candidate.Reason.CITED and pair.score == 1.0

    # The same words in another city are another problem.
    n3 = first_of["n3"]
    assert not Candidate.objects.filter(report_id=n3).exists()
    assert not Candidate.objects.filter(similar_id=n3).exists()
