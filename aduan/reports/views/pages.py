"""The home page and the small helpers of the submission form."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from aduan.reports import selectors
from aduan.sla import deadlines
from aduan.sla.models import SlaLimit


@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    # The limits are data (they change by decree), so the page reads them, never hard-codes.
    limits = deadlines.limits()
    days = {key: limits[key].days for key in SlaLimit.Key.values if key in limits}
    return render(request, "reports/home.html", {"days": days})


@require_http_methods(["GET"])
def districts(request: HttpRequest) -> JsonResponse:
    """Districts of one regency, for the form's optional progressive enhancement."""
    code = request.GET.get("wilayah", "")[:10]
    rows = [{"code": d.code, "name": d.name} for d in selectors.districts_of(code)]
    response = JsonResponse({"districts": rows})
    response["Cache-Control"] = "public, max-age=86400"
    return response
