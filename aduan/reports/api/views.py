"""Endpoints of the public report API: parse → access check → selector → render."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.cache import patch_cache_control, patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import exceptions, generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.core.api import API_PARSERS, StrictCursorPagination, error_responses
from aduan.reports import access, selectors
from aduan.reports.api.representations import (
    VIEW_PUBLIC,
    VIEW_REPORTER,
    VIEW_STATUS,
    ReportPublicViewSerializer,
    ReportReporterViewSerializer,
    ReportStatusViewSerializer,
    render_report,
)
from aduan.reports.api.submit import submit_report
from aduan.reports.models import Category, Report
from aduan.reports.serializers import (
    CategorySerializer,
    ReportCreateMultipartSerializer,
    ReportCreateSerializer,
    ReportListItemSerializer,
    ReportListQuerySerializer,
    ReportReceiptSerializer,
)


class ReportCursorPagination(StrictCursorPagination):
    # Newest first; the id breaks ties between reports received in the same instant.
    ordering = ("-submitted_at", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def filter_public_reports(params: dict[str, Any]) -> QuerySet[Report]:
    """Public reports matching the validated list filters; the web list shares the
    selector, so both answer the same question the same way."""
    qs = selectors.public_report_list(
        filters=selectors.PublicListFilter(
            q=(params.get("q") or "").strip(),
            agency=params.get("agency"),
            region=params.get("region"),
            category=params.get("category"),
            status=params.get("status") or "",
        )
    )
    if params.get("type"):
        qs = qs.filter(type=params["type"])
    if params.get("updated_since") is not None:
        qs = qs.filter(updated_at__gte=params["updated_since"])
    return qs


class ReportCollectionView(generics.ListAPIView):
    """``GET`` lists public reports; ``POST`` files a new report."""

    parser_classes = API_PARSERS
    serializer_class = ReportListItemSerializer
    pagination_class = ReportCursorPagination

    def get_queryset(self) -> QuerySet[Report]:
        if getattr(self, "swagger_fake_view", False):
            return access.public_reports()
        query = ReportListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return filter_public_reports(query.validated_data)

    @extend_schema(
        tags=["reports"],
        summary="List public reports",
        description="Verified, non-confidential reports, newest first, with cursor "
        "pagination. Use `updated_since` to sync changes.",
        parameters=[ReportListQuerySerializer],
        responses={200: ReportListItemSerializer(many=True), **error_responses(400)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["reports"],
        summary="File a report",
        description="Creates a report. Send JSON, or multipart/form-data with files in "
        "`attachments` (nested fields dotted: `reporter.name`). Send an `Idempotency-Key` "
        "so retries never create a second report; a replay answers `Idempotent-Replayed: "
        "true`. The response carries the reporter's secret, shown only here.",
        request={
            "application/json": ReportCreateSerializer,
            "multipart/form-data": ReportCreateMultipartSerializer,
        },
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Up to 200 printable ASCII characters, e.g. a UUID.",
            ),
            OpenApiParameter(
                "X-Aduan-Client",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="`mobile` when sent by a mobile app (recorded as the channel).",
            ),
        ],
        responses={
            201: OpenApiResponse(
                ReportReceiptSerializer,
                description="Report received (or replayed for a repeated Idempotency-Key).",
                examples=[
                    OpenApiExample(
                        "Receipt",
                        value={
                            "tracking_id": "7KQ2M-X9D4B",
                            "tracking_id_raw": "7KQ2MX9D4B",
                            "status": "submitted",
                            "status_label": "Menunggu verifikasi",
                            "private_url": "https://aduan.example.id/lacak/7KQ2MX9D4B/?k=…",
                            "secret": "…",
                            "submitted_at": "2025-03-03T09:15:00+07:00",
                        },
                        response_only=True,
                        status_codes=["201"],
                    )
                ],
            ),
            **error_responses(400, 413, 422),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return submit_report(request)


def _view_name(view: access.CitizenView) -> str:
    if view.is_reporter:
        return VIEW_REPORTER
    return VIEW_PUBLIC if view.show_details else VIEW_STATUS


class ReportDetailView(APIView):
    @extend_schema(
        tags=["reports"],
        summary="Follow one report",
        description="The public view of a report; its text only once the national desk "
        "has verified it. A confidential report shows its status only. With the "
        "reporter's secret (`X-Report-Secret` header or `k` query parameter) the "
        "reporter's view adds the text as written and the conversation. The `view` field "
        "says which view was returned.",
        parameters=[
            OpenApiParameter(
                "tracking_id",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="Tracking ID; hyphens, spaces and case are ignored.",
            ),
            OpenApiParameter("X-Report-Secret", OpenApiTypes.STR, OpenApiParameter.HEADER),
            OpenApiParameter(
                "k", OpenApiTypes.STR, OpenApiParameter.QUERY, description="Reporter's secret."
            ),
        ],
        responses={
            200: PolymorphicProxySerializer(
                component_name="ReportView",
                serializers={
                    VIEW_STATUS: ReportStatusViewSerializer,
                    VIEW_PUBLIC: ReportPublicViewSerializer,
                    VIEW_REPORTER: ReportReporterViewSerializer,
                },
                resource_type_field_name="view",
            ),
            **error_responses(404),
        },
    )
    def get(self, request: Request, tracking_id: str) -> Response:
        report = access.report_by_tracking_id(tracking_id)
        if report is None:
            raise exceptions.NotFound()
        secret = request.headers.get("X-Report-Secret") or request.query_params.get("k")
        view = access.citizen_view(report, secret=secret)
        events = selectors.timeline_events(report, include_parties=view.is_reporter)
        response = Response(
            render_report(report, view=_view_name(view), events=events, show_text=view.show_text)
        )
        patch_vary_headers(response, ["X-Report-Secret"])
        if secret:
            patch_cache_control(response, private=True, no_store=True)
        return response


class CategoryListView(generics.ListAPIView):
    serializer_class = CategorySerializer
    pagination_class = None
    queryset = Category.objects.filter(is_active=True).order_by("name")

    @extend_schema(tags=["catalog"], summary="Report categories")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)
