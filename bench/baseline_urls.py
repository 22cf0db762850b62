"""The project's URLs plus two bare views: insert one report row, read one report row.

``ADUAN_BENCH_WITHOUT_ROLLUPS=1`` (``http_bench.py --without-rollups``) unhooks the
statistics rollup update from intake in the server processes: a diagnostic that shows
what the rollup costs, never a production figure (the rollups of that database are then
stale until ``aduan stats rebuild``).
"""

from __future__ import annotations

import json
import os

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from aduan.reports.models import Report
from aduan.reports.tracking import new_tracking_id


@csrf_exempt
def bare_insert(request: HttpRequest) -> HttpResponse:
    """One comparable row, nothing else: no validation, event, deadline or notice."""
    data = json.loads(request.body)
    report = Report.objects.create(
        tracking_id=new_tracking_id(),
        secret_hash="0" * 64,
        title=data["title"],
        body=data["body"],
        channel="api",
        submitted_at=timezone.now(),
    )
    return JsonResponse({"tracking_id": report.tracking_id}, status=201)


def bare_lookup(request: HttpRequest, tracking_id: str) -> HttpResponse:
    row = (
        Report.objects.filter(tracking_id=tracking_id)
        .values("tracking_id", "status", "title", "submitted_at")
        .first()
    )
    if row is None:
        return JsonResponse({}, status=404)
    return JsonResponse(row)


if os.environ.get("ADUAN_BENCH_WITHOUT_ROLLUPS") == "1":
    from aduan.reports import hooks
    from aduan.stats import rollups

    hooks._subscribers.remove(rollups.on_events_recorded)

urlpatterns = [
    path("bench/insert", bare_insert),
    path("bench/lookup/<str:tracking_id>", bare_lookup),
    path("", include("aduan.urls")),
]
