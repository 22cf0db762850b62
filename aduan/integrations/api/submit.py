"""Filing a report a citizen made in the agency's own app.

The agency's ``external_id`` is unique per agency in the database, so a resend (or two
at once) never creates a second report: the answer names the existing one with
``duplicate: true``. ``Idempotency-Key`` works as everywhere else.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.core import idempotency
from aduan.core.api import error_responses
from aduan.integrations.api.docs import AUTH_ERRORS, IDEMPOTENCY_PARAM, TAG
from aduan.integrations.api.inputs import (
    AgencyReceiptSerializer,
    AgencyReportCreateMultipartSerializer,
    AgencyReportCreateSerializer,
)
from aduan.integrations.auth import AgencyApiView
from aduan.reports import intake, tracking
from aduan.reports.api.submit import refuse_oversized
from aduan.reports.models import Channel, Report, Status


def submit_for_citizen(view: AgencyApiView, request: Request) -> Response:
    key = view.api_key
    idem_key = idempotency.clean_key(request.headers.get("Idempotency-Key"))
    refuse_oversized(request)
    serializer = AgencyReportCreateMultipartSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    fingerprint = idempotency.request_fingerprint(
        {"channel": Channel.AGENCY_APP, **serializer.fingerprint_payload()}
    )

    def create() -> idempotency.Outcome:
        submission = dataclasses.replace(
            serializer.submission(channel=Channel.AGENCY_APP),
            source_agency=key.agency,
            external_id=data["external_id"],
            requested_agency=data.get("agency") or key.agency,
        )
        try:
            receipt = intake.report_submit(submission=submission)
        except intake.ExternalIdTaken as taken:
            return idempotency.Outcome(status.HTTP_200_OK, _stored(taken.report, None, True))
        return idempotency.Outcome(
            status.HTTP_201_CREATED, _stored(receipt.report, receipt.secret, False)
        )

    outcome = idempotency.run_once(
        scope=f"agency-api:{key.pk}",
        key=idem_key,
        fingerprint=fingerprint,
        create=create,
        sealed=("secret",),
    )
    response = Response(_receipt_body(outcome.body), status=outcome.status)
    if outcome.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _stored(report: Report, secret: str | None, duplicate: bool) -> dict[str, Any]:
    return {
        "tracking_id": report.tracking_id,
        "external_id": report.external_id,
        "status": report.status,
        "submitted_at": report.submitted_at.isoformat(),
        "secret": secret,
        "duplicate": duplicate,
    }


def _receipt_body(stored: dict[str, Any]) -> dict[str, Any]:
    raw_id: str = stored["tracking_id"]
    secret: str | None = stored.get("secret")
    private_url = None
    if secret is not None:
        page = reverse("reports:track", args=[raw_id])
        private_url = f"{settings.SITE_URL}{page}?k={quote(secret, safe='')}"
    body = {
        "tracking_id": tracking.display(raw_id),
        "tracking_id_raw": raw_id,
        "duplicate": stored["duplicate"],
        "external_id": stored["external_id"],
        "status": stored["status"],
        "status_label": str(Status(stored["status"]).label),
        "submitted_at": datetime.fromisoformat(stored["submitted_at"]),
        "private_url": private_url,
        "secret": secret,
    }
    return dict(AgencyReceiptSerializer(body).data)


SUBMIT_DOC = """A report a citizen filed in your agency's own app. The fields are those of
the public `POST /api/v1/reports` plus your app's `external_id`; the report is recorded
as coming through your app (channel `agency_app`) and, unless `agency` says otherwise,
as addressed to your agency. Like every report it goes to the national desk for
verification first, then is dispatched (usually to you).

The same `external_id` never creates a second report, even when sent twice at once: the
repeat answers `200` with `duplicate: true` and the existing report's tracking ID. The
first answer carries the reporter's private link and secret; hand the link to the
citizen. Files go in `attachments` with multipart/form-data (nested fields dotted:
`reporter.name`)."""


def submit_schema() -> Any:
    return extend_schema(
        tags=[TAG],
        summary="Submit a report on behalf of a citizen",
        description=SUBMIT_DOC,
        operation_id="agency_reports_create",
        parameters=[IDEMPOTENCY_PARAM],
        request={
            "application/json": AgencyReportCreateSerializer,
            "multipart/form-data": AgencyReportCreateMultipartSerializer,
        },
        responses={
            201: OpenApiResponse(
                AgencyReceiptSerializer,
                description="Report received.",
                examples=[
                    OpenApiExample(
                        "Receipt",
                        value={
                            "tracking_id": "7KQ2M-X9D4B",
                            "tracking_id_raw": "7KQ2MX9D4B",
                            "duplicate": False,
                            "external_id": "SIPP-2026-000123",
                            "status": "submitted",
                            "status_label": "Menunggu verifikasi",
                            "submitted_at": "2026-03-03T09:15:00+07:00",
                            "private_url": "https://aduan.example.id/lacak/7KQ2MX9D4B/?k=…",
                            "secret": "…",
                        },
                        response_only=True,
                        status_codes=["201"],
                    )
                ],
            ),
            200: OpenApiResponse(
                AgencyReceiptSerializer,
                description="This external_id was sent before: the existing report "
                "(`duplicate: true`, no secret).",
            ),
            **AUTH_ERRORS,
            **error_responses(400, 413, 422),
        },
    )
