"""Suggestions for reports, the desk's final choice, and optional auto-dispatch.

Suggestions are computed after the report's intake committed, by the worker
(:mod:`aduan.triage.tasks`): a broken or missing model
can never block or roll back intake (errors are logged and the report simply waits in
the queue without a suggestion, as it would without triage).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from aduan.agencies.models import Agency
from aduan.reports.lifecycle import Actor, Change, TransitionError, transition
from aduan.reports.models import Category, Report, ReportEvent, Status
from aduan.triage import store
from aduan.triage.classifier import TOP_K, threshold_for
from aduan.triage.models import Suggestion, Target, TrainedModel, TriageSettings
from aduan.triage.routing import resolve
from aduan.triage.training import report_text

logger = logging.getLogger(__name__)
# More keys than shown are ranked: a key may not resolve in the report's region.
RANKED_KEYS = 8
CATEGORY_MIN_CONFIDENCE = 0.5


def suggest(report: Report, *, now: datetime | None = None) -> Suggestion | None:
    """Compute and store the top agencies (and categories) for ``report``."""
    loaded = store.current(Target.AGENCY)
    if loaded is None:
        return None
    row, classifier = loaded
    text = report_text(report)
    agencies: list[dict[str, Any]] = []
    top_agency: Agency | None = None
    for key, confidence in classifier.top([text], k=RANKED_KEYS)[0]:
        agency = resolve(key, report.region)
        if agency is None or any(a["agency"] == agency.pk for a in agencies):
            continue
        top_agency = top_agency or agency
        agencies.append({"agency": agency.pk, "confidence": round(confidence, 4)})
        if len(agencies) == TOP_K:
            break
    categories: list[dict[str, Any]] = []
    category_model = store.current(Target.CATEGORY)
    if category_model is not None:
        ranked = category_model[1].top([text], k=TOP_K)[0]
        ids = dict(
            Category.objects.filter(code__in=[c for c, _ in ranked]).values_list("code", "pk")
        )
        categories = [
            {"category": ids[code], "confidence": round(conf, 4)}
            for code, conf in ranked
            if code in ids
        ]
    suggestion, _ = Suggestion.objects.update_or_create(
        report=report,
        defaults={
            "model": row,
            "created_at": now or timezone.now(),
            "agencies": agencies,
            "categories": categories,
            "top_agency": top_agency,
            "confidence": agencies[0]["confidence"] if agencies else 0.0,
        },
    )
    return suggestion


def auto_dispatch_threshold(model: TrainedModel | None, target_precision: float) -> float | None:
    if model is None:
        return None
    return threshold_for(model.precision_curve, target_precision)


def maybe_auto_dispatch(report: Report, suggestion: Suggestion) -> bool:
    """Dispatch as the system when enabled and the suggestion clears the threshold."""
    config = TriageSettings.current()
    if not config.auto_dispatch or suggestion.top_agency is None:
        return False
    threshold = auto_dispatch_threshold(suggestion.model, config.target_precision)
    if threshold is None or suggestion.confidence < threshold:
        return False
    category = None
    if suggestion.categories and suggestion.categories[0]["confidence"] >= CATEGORY_MIN_CONFIDENCE:
        category = Category.objects.filter(pk=suggestion.categories[0]["category"]).first()
    reason = f"triase otomatis {suggestion.confidence:.0%}"
    try:
        with transaction.atomic():
            transition(
                report,
                "dispatch",
                actor=Actor.system(),
                change=Change(agency=suggestion.top_agency, category=category, reason=reason),
            )
            Suggestion.objects.filter(pk=suggestion.pk).update(auto_dispatched=True)
    except TransitionError as exc:  # acted on meanwhile, or not permitted: the desk decides
        logger.warning("auto-dispatch of report %s not done: %s", report.pk, exc)
        return False
    return True


def suggest_new_report(report_id: int) -> None:
    """After intake committed: suggest, then auto-dispatch if the desk enabled it."""
    try:
        report = Report.objects.select_related("region").get(pk=report_id)
        if report.status != Status.SUBMITTED:
            return
        suggestion = suggest(report)
        if suggestion is not None:
            maybe_auto_dispatch(report, suggestion)
    except Exception:  # triage is advice: never let it break intake
        logger.exception("triage suggestion failed for report %s", report_id)


def record_events(events: list[ReportEvent]) -> None:
    """Hook subscriber (inside the events' transaction)."""
    for event in events:
        record_event(event)


def record_event(event: ReportEvent) -> None:
    # New reports: aduan.triage.tasks.suggest_new_reports (after-submit, in the worker).
    if event.action == "dispatch":
        record_choice(event)
    elif event.action == "return_to_desk":
        Suggestion.objects.filter(report_id=event.report_id).update(returned=True)


def record_choice(event: ReportEvent) -> None:
    """Store what the desk finally chose next to what was suggested.

    A suggestion counts as followed when the desk chose that agency or one of its parents
    (a regional government that hands the report to the suggested unit).
    """
    suggestion = Suggestion.objects.filter(report_id=event.report_id).first()
    if suggestion is None or event.agency_id is None:
        return
    suggested = [a["agency"] for a in suggestion.agencies][:TOP_K]
    paths = dict(
        Agency.objects.filter(pk__in=[*suggested, event.agency_id]).values_list("pk", "path")
    )
    chosen_path = paths.get(event.agency_id, "\0")
    hits = [paths.get(pk, "").startswith(chosen_path) for pk in suggested]
    suggestion.chosen_agency_id = event.agency_id
    suggestion.chosen_at = event.created_at
    suggestion.top1_hit = bool(hits) and hits[0]
    suggestion.top3_hit = any(hits)
    suggestion.save(update_fields=["chosen_agency", "chosen_at", "top1_hit", "top3_hit"])


def backfill(limit: int = 2000) -> int:
    """Suggest for waiting reports that have none (after the first training)."""
    waiting = (
        Report.objects.filter(status=Status.SUBMITTED, triage_suggestion__isnull=True)
        .select_related("region")
        .order_by("submitted_at")[:limit]
    )
    done = 0
    for report in waiting:
        if suggest(report) is not None:
            done += 1
    return done
