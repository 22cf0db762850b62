"""Reading the agency's reports: the list (for sync) and one report in full."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.audit.models import AuditRecord
from aduan.audit.services import audit_record
from aduan.core.api import StrictCursorPagination, error_responses
from aduan.integrations import selectors
from aduan.integrations.api.docs import AUTH_ERRORS, TAG, TRACKING_ID_PARAM
from aduan.integrations.api.inputs import AgencyReportListQuerySerializer
from aduan.integrations.api.serializers import (
    AgencyReportListItemSerializer,
    AgencyReportSerializer,
    attachment_name,
    report_context,
)
from aduan.integrations.api.submit import submit_for_citizen, submit_schema
from aduan.integrations.auth import AgencyApiView
from aduan.reports import access
from aduan.reports.models import Report


class SyncCursorPagination(StrictCursorPagination):
    """Oldest change first, so a client that follows ``next`` to the end and remembers
    the last ``updated_at`` it saw misses nothing (a report changed meanwhile moves to
    the end and is seen again)."""

    ordering = ("updated_at", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


LIST_DOC = """The reports your agency and its units handle now, oldest change first, with
cursor pagination (`next` and `previous` links; `page_size` up to 200).

To keep your system in sync, call it with `updated_since` set to the latest `updated_at`
you stored, follow `next` until it is null, and store the newest `updated_at` you saw
(the bound is inclusive: de-duplicate by `tracking_id_raw`). A report returned to the
national desk or forwarded outside your subtree leaves the list."""


class AgencyReportCollectionView(AgencyApiView):
    """``GET`` lists the agency's reports; ``POST`` files one for a citizen."""

    pagination_class = SyncCursorPagination

    @extend_schema(
        tags=[TAG],
        summary="List your agency's reports",
        description=LIST_DOC,
        operation_id="agency_reports_list",
        parameters=[AgencyReportListQuerySerializer],
        responses={
            200: AgencyReportListItemSerializer(many=True),
            **AUTH_ERRORS,
            **error_responses(400),
        },
    )
    def get(self, request: Request) -> Response:
        query = AgencyReportListQuerySerializer(
            data=request.query_params, context={"key": self.api_key}
        )
        query.is_valid(raise_exception=True)
        now = timezone.now()
        qs = selectors.agency_report_list(
            key=self.api_key, filters=_filters(query.validated_data), now=now
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        context = {"key": self.api_key, "now": now}
        data = AgencyReportListItemSerializer(page, many=True, context=context).data
        return paginator.get_paginated_response(data)

    @submit_schema()
    def post(self, request: Request) -> Response:
        return submit_for_citizen(self, request)


def _filters(data: dict[str, Any]) -> selectors.AgencyReportFilter:
    return selectors.AgencyReportFilter(
        statuses=data.get("status") or [],
        unit=data.get("unit"),
        category=data.get("category"),
        report_type=data.get("type") or "",
        overdue=data.get("overdue"),
        updated_since=data.get("updated_since"),
    )


def report_or_404(view: AgencyApiView, tracking_id: str) -> Report:
    report = selectors.report_for_api(view.api_key, tracking_id)
    if report is None:
        raise exceptions.NotFound()
    return report


class AgencyReportDetailView(AgencyApiView):
    @extend_schema(
        tags=[TAG],
        summary="Read one report",
        description="Everything your officers see: the text as written and as published, "
        "deadlines, the whole timeline with internal notes, attachments and what you may "
        "do now. An anonymous reporter is never revealed (`reporter` is null). A report "
        "outside your agency's subtree answers `404`, like an unknown one.",
        operation_id="agency_reports_retrieve",
        parameters=[TRACKING_ID_PARAM],
        responses={200: AgencyReportSerializer, **AUTH_ERRORS, **error_responses(404)},
    )
    def get(self, request: Request, tracking_id: str) -> Response:
        report = report_or_404(self, tracking_id)
        context = report_context(self.api_key, report, request)
        data = AgencyReportSerializer(report, context=context).data
        if data.get("reporter"):
            # Every read of a reporter's identity is audited, by a person or a system.
            audit_record(
                actor=None,
                action=AuditRecord.Action.VIEW_IDENTITY,
                request=request,
                report=report,
                agency=self.api_key.agency,
                detail={"via": f"api-key:{self.api_key.prefix}"},
            )
        return Response(data)


class AgencyAttachmentView(AgencyApiView):
    @extend_schema(
        tags=[TAG],
        summary="Download an attachment",
        description="A file of one of your reports, by the `url` given in its entry.",
        operation_id="agency_reports_attachment_retrieve",
        parameters=[
            TRACKING_ID_PARAM,
            OpenApiParameter("token", OpenApiTypes.STR, OpenApiParameter.PATH),
        ],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file (JPG, PNG or PDF)."
            ),
            **AUTH_ERRORS,
            **error_responses(404),
        },
    )
    def get(self, request: Request, tracking_id: str, token: str) -> FileResponse:
        report = access.api_key_report(self.api_key, tracking_id)
        attachment = selectors.attachment_for_api(report, token) if report else None
        if report is None or attachment is None:
            raise exceptions.NotFound()
        try:
            handle = attachment.file.open("rb")
        except OSError as exc:
            raise exceptions.NotFound() from exc
        can_see = access.api_key_can_see_reporter(self.api_key, report)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=attachment_name(attachment, can_see_reporter=can_see),
            content_type=attachment.content_type,
        )
        patch_cache_control(response, private=True, no_store=True)
        return response
