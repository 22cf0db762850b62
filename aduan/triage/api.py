"""The stored routing suggestions of one report, for the national desk's own systems.

``GET /api/v1/agency/reports/{tracking_id}/triage`` (agency API, ``read`` scope). The
suggestions are the desk's working advice, so only a key of the national desk's agency
(``Agency.kind == "desk"``) reads them; any other key gets ``403 desk_only`` before any
report is looked up, so an agency learns nothing about reports outside its subtree (nor
whether a suggestion exists). The answer is what the desk's queue and report page show:
the top 3 agencies and categories with their calibrated confidence, best first.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.agencies.models import Agency
from aduan.core.api import ErrorSerializer, error_body, error_responses
from aduan.integrations.api.docs import AUTH_ERRORS, TAG, TRACKING_ID_PARAM
from aduan.integrations.auth import AgencyApiView
from aduan.reports import access, tracking
from aduan.reports.models import Category, Report
from aduan.triage.models import Suggestion

DESK_ONLY_CODE = "desk_only"


class DeskOnly(exceptions.PermissionDenied):
    default_code = DESK_ONLY_CODE


class SuggestedAgencySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    confidence = serializers.FloatField(
        help_text="Calibrated probability (0–1) that this is the right agency."
    )


class SuggestedCategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    confidence = serializers.FloatField(
        help_text="Calibrated probability (0–1) that this is the right category."
    )


class ChosenAgencySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class TriageSerializer(serializers.Serializer):
    tracking_id = serializers.CharField(help_text="Display form, `ABCDE-FGHJK`.")
    tracking_id_raw = serializers.CharField()
    suggested_at = serializers.DateTimeField(
        allow_null=True, help_text="When the suggestion was computed; null if none was."
    )
    model_trained_at = serializers.DateTimeField(
        allow_null=True, help_text="When the model that made it was trained."
    )
    agencies = SuggestedAgencySerializer(
        many=True, help_text="Up to 3 agencies, likeliest first; empty without a suggestion."
    )
    categories = SuggestedCategorySerializer(
        many=True, help_text="Up to 3 categories, likeliest first (when a model exists)."
    )
    chosen_agency = ChosenAgencySerializer(
        allow_null=True, help_text="The agency the report was dispatched to, once it was."
    )
    auto_dispatched = serializers.BooleanField(
        help_text="Dispatched automatically on this suggestion (the desk's switch)."
    )


DESK_ONLY_RESPONSE = OpenApiResponse(
    ErrorSerializer,
    description="The key is not the national desk's (`desk_only`; suggestions are the "
    "desk's internal advice), or it lacks the `read` scope (`insufficient_scope`).",
    examples=[
        OpenApiExample(
            DESK_ONLY_CODE,
            value=error_body(
                DESK_ONLY_CODE, "Saran triase hanya dapat dibaca dengan kunci API admin nasional."
            ),
            response_only=True,
            status_codes=["403"],
        )
    ],
)

DOC = """The stored routing suggestions of a report, as the desk's queue and report page show
them: up to three agencies and up to three categories, each with a calibrated confidence
(0.9 means right about nine times in ten), and what was finally chosen.

Only for a key of the national desk: any other key answers `403 desk_only`. A report
without a suggestion (no model trained yet, or routed before triage) has empty lists and
`suggested_at: null`. Reading never computes a new suggestion."""


def _ref(agency: Agency | None) -> dict[str, str] | None:
    return {"code": agency.code, "name": agency.name} if agency is not None else None


def triage_data(report: Report, suggestion: Suggestion | None) -> dict[str, Any]:
    """The answer's body; two queries at most (the agencies and categories named)."""
    agencies: list[dict[str, Any]] = []
    categories: list[dict[str, Any]] = []
    if suggestion is not None:
        found = Agency.objects.only("code", "name").in_bulk(
            [a["agency"] for a in suggestion.agencies]
        )
        agencies = [
            {
                "code": found[a["agency"]].code,
                "name": found[a["agency"]].name,
                "confidence": a["confidence"],
            }
            for a in suggestion.agencies
            if a["agency"] in found
        ]
        if suggestion.categories:
            kinds = Category.objects.only("code", "name").in_bulk(
                [c["category"] for c in suggestion.categories]
            )
            categories = [
                {
                    "code": kinds[c["category"]].code,
                    "name": kinds[c["category"]].name,
                    "confidence": c["confidence"],
                }
                for c in suggestion.categories
                if c["category"] in kinds
            ]
    return {
        "tracking_id": tracking.display(report.tracking_id),
        "tracking_id_raw": report.tracking_id,
        "suggested_at": suggestion.created_at if suggestion else None,
        "model_trained_at": suggestion.model.created_at
        if suggestion is not None and suggestion.model is not None
        else None,
        "agencies": agencies,
        "categories": categories,
        "chosen_agency": _ref(suggestion.chosen_agency) if suggestion else None,
        "auto_dispatched": bool(suggestion and suggestion.auto_dispatched),
    }


class ReportTriageView(AgencyApiView):
    @extend_schema(
        tags=[TAG],
        summary="Read a report's routing suggestions (national desk only)",
        description=DOC,
        operation_id="agency_reports_triage_retrieve",
        parameters=[TRACKING_ID_PARAM],
        responses={
            200: TriageSerializer,
            **AUTH_ERRORS,
            403: DESK_ONLY_RESPONSE,
            **error_responses(404),
        },
    )
    def get(self, request: Request, tracking_id: str) -> Response:
        if self.api_key.agency.kind != Agency.Kind.DESK:
            raise DeskOnly(_("Saran triase hanya dapat dibaca dengan kunci API admin nasional."))
        # The desk sees every report (access.py: the desk's scope is everything).
        report = access.report_by_tracking_id(tracking_id)
        if report is None:
            raise exceptions.NotFound()
        suggestion = (
            Suggestion.objects.select_related("model", "chosen_agency")
            .filter(report=report)
            .first()
        )
        data = TriageSerializer(triage_data(report, suggestion)).data
        return Response(data)
