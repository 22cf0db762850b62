"""Training on the deployment's own history of dispatches.

A report's label is the agency its *last* dispatch went to, unless that dispatch came back
as "bukan wewenang" (then the desk's routing was wrong and it is not a label to learn).
A report sent to a regional government and forwarded by it to one of its units is
labelled with that unit.
Text is the title and body with the reporter's identity and personal numbers redacted,
so the model file holds no reporter's name, phone or NIK n-grams.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aduan.agencies.models import Agency
from aduan.reports.models import Report, ReportEvent
from aduan.reports.redaction import public_text
from aduan.triage import store
from aduan.triage.classifier import (
    MIN_EXAMPLES,
    TextClassifier,
    TrainingError,
    precision_curve,
    reliability,
    train,
)
from aduan.triage.models import Target, TrainedModel
from aduan.triage.routing import agency_key

logger = logging.getLogger(__name__)
# Below this many labelled reports no model is trained (suggestions would be noise).
MIN_HISTORY = 30
OOF_FOLDS = 3
REGIONAL_GOVERNMENT = (Agency.Kind.PROVINCE, Agency.Kind.REGENCY, Agency.Kind.CITY)


def report_text(report: Report) -> str:
    return public_text(f"{report.title}\n{report.body}", report)


@dataclass
class History:
    texts: list[str]
    agency_keys: list[str]
    category_texts: list[str]
    categories: list[str]


def history(limit: int | None = None) -> History:
    """Labelled examples from dispatches that were not bounced, newest first."""
    # report -> (time of last dispatch, its agency, first forward after it or None)
    last_dispatch: dict[int, tuple[datetime, int, int | None]] = {}
    events = ReportEvent.objects.filter(
        action__in=("dispatch", "return_to_desk", "forward")
    ).order_by("created_at", "id")
    for report_id, action, agency_id, created in events.values_list(
        "report_id", "action", "agency_id", "created_at"
    ).iterator(chunk_size=5000):
        if action == "dispatch" and agency_id is not None:
            last_dispatch[report_id] = (created, agency_id, None)
        elif action == "forward":
            found = last_dispatch.get(report_id)
            if found is not None and found[2] is None and agency_id is not None:
                last_dispatch[report_id] = (found[0], found[1], agency_id)
        else:
            last_dispatch.pop(report_id, None)
    ids = sorted(last_dispatch, key=lambda rid: last_dispatch[rid][0], reverse=True)
    if limit is not None:
        ids = ids[:limit]
    result = History([], [], [], [])
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        reports = Report.objects.filter(pk__in=chunk).select_related("category", "region")
        wanted = {last_dispatch[rid][1] for rid in chunk}
        wanted |= {f for rid in chunk if (f := last_dispatch[rid][2]) is not None}
        agencies = Agency.objects.select_related("parent").in_bulk(wanted)
        for report in reports:
            _when, dispatched_id, forwarded_id = last_dispatch[report.pk]
            agency = agencies.get(dispatched_id)
            if agency is None:
                continue
            if agency.kind in REGIONAL_GOVERNMENT and forwarded_id in agencies:
                # Sent to the regional government, which handed it to its own unit: the
                # unit is where such a report belongs (the desk may route there directly).
                agency = agencies[forwarded_id]
            text = report_text(report)
            result.texts.append(text)
            result.agency_keys.append(agency_key(agency))
            if report.category is not None:
                result.category_texts.append(text)
                result.categories.append(report.category.code)
    return result


def _out_of_fold(texts: list[str], labels: list[str]) -> tuple[list[float], list[bool], list[bool]]:
    """Confidence, top-1 and top-3 correctness of held-out predictions."""
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    keep = [i for i, label in enumerate(labels) if counts[label] >= OOF_FOLDS]
    y = np.asarray([labels[i] for i in keep])
    if len(set(y.tolist())) < 2:
        return [], [], []
    conf: list[float] = []
    top1: list[bool] = []
    top3: list[bool] = []
    from sklearn.model_selection import StratifiedKFold

    folds = StratifiedKFold(n_splits=OOF_FOLDS, shuffle=True, random_state=0)
    for train_idx, test_idx in folds.split(np.zeros(len(y)), y):
        model = train([texts[keep[i]] for i in train_idx], [str(y[i]) for i in train_idx])
        for i, ranked in zip(test_idx, model.top([texts[keep[i]] for i in test_idx]), strict=True):
            conf.append(ranked[0][1])
            top1.append(ranked[0][0] == y[i])
            top3.append(any(label == y[i] for label, _ in ranked))
    return conf, top1, top3


def _fit(target: str, texts: list[str], labels: list[str]) -> TrainedModel:
    started = time.perf_counter()
    classifier: TextClassifier = train(texts, labels)
    seconds = time.perf_counter() - started
    conf, top1, top3 = _out_of_fold(texts, labels)
    name, digest = store.save(classifier, target)
    with transaction.atomic():
        return TrainedModel.objects.create(
            target=target,
            created_at=timezone.now(),
            file_name=name,
            sha256=digest,
            samples=len(texts),
            labels=classifier.classes,
            dropped_labels=classifier.dropped,
            train_seconds=round(seconds, 3),
            cv_accuracy=round(float(np.mean(top1)), 4) if top1 else None,
            cv_top3_accuracy=round(float(np.mean(top3)), 4) if top3 else None,
            precision_curve=precision_curve(conf, top1) if conf else [],
            reliability=reliability(conf, top1) if conf else [],
        )


def train_from_history(limit: int | None = None) -> list[TrainedModel]:
    """Train the agency and the category model; raises TrainingError if history is thin."""
    data = history(limit)
    if len(data.texts) < MIN_HISTORY:
        raise TrainingError(
            f"only {len(data.texts)} dispatched reports to learn from; need {MIN_HISTORY}"
        )
    trained = [_fit(Target.AGENCY, data.texts, data.agency_keys)]
    if len(set(data.categories)) >= 2 and len(data.categories) >= MIN_HISTORY:
        try:
            trained.append(_fit(Target.CATEGORY, data.category_texts, data.categories))
        except TrainingError as exc:
            logger.warning("category model not trained: %s", exc)
    store.prune()
    return trained


def retrain_interval() -> timedelta:
    return timedelta(hours=float(getattr(settings, "ADUAN_TRIAGE_RETRAIN_HOURS", 24)))


_last_attempt: list[float] = []


def retrain_if_due() -> TrainedModel | None:
    """For the worker: retrain when the newest agency model is older than the interval.

    Two workers retraining at the same moment only produce two models (the newest is
    used); a failed attempt (history too thin) is not repeated for an hour by a process.
    """
    latest = store.latest_row(Target.AGENCY)
    if latest is not None and timezone.now() - latest.created_at < retrain_interval():
        return None
    if _last_attempt and time.monotonic() - _last_attempt[-1] < 3600:
        return None
    _last_attempt[:] = [time.monotonic()]
    try:
        trained = train_from_history()
    except TrainingError as exc:
        logger.info("triage retrain skipped: %s", exc)
        return None
    return trained[0]


__all__ = ["MIN_EXAMPLES", "MIN_HISTORY", "history", "retrain_if_due", "train_from_history"]
