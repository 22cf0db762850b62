"""Filing a report through the API: validate, then create it once per Idempotency-Key.

A mobile client on a weak connection retries until it hears back; with the same
``Idempotency-Key`` every retry gets the receipt of the one report the first attempt
created, secret included, never a second report.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.urls import reverse
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.core import idempotency
from aduan.reports import intake, tracking
from aduan.reports.models import Channel, Status
from aduan.reports.serializers import ReportCreateMultipartSerializer, ReportReceiptSerializer

IDEMPOTENCY_SCOPE = "public-api"
MOBILE_CLIENT = "mobile"
# Multipart boundaries and part headers on top of the fields and files themselves.
_MULTIPART_SLACK = 64 * 1024


def channel_for(request: Request) -> str:
    client = request.headers.get("X-Aduan-Client", "").strip().lower()
    return Channel.MOBILE if client == MOBILE_CLIENT else Channel.API


def refuse_oversized(request: Request) -> None:
    """Refuse a body larger than any valid report before reading it.

    Django itself caps the non-file part (DATA_UPLOAD_MAX_MEMORY_SIZE) but would spool
    arbitrarily large files to disk before our per-file checks run.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = (
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        + settings.ADUAN_MAX_ATTACHMENTS * settings.ADUAN_MAX_ATTACHMENT_BYTES
        + _MULTIPART_SLACK
    )
    if length > limit:
        raise RequestDataTooBig


def submit_report(request: Request) -> Response:
    key = idempotency.clean_key(request.headers.get("Idempotency-Key"))
    refuse_oversized(request)
    serializer = ReportCreateMultipartSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    channel = channel_for(request)
    fingerprint = idempotency.request_fingerprint(
        {"channel": channel, **serializer.fingerprint_payload()}
    )

    def create() -> idempotency.Outcome:
        receipt = intake.report_submit(submission=serializer.submission(channel=channel))
        return idempotency.Outcome(status.HTTP_201_CREATED, _stored_receipt(receipt))

    outcome = idempotency.run_once(
        scope=IDEMPOTENCY_SCOPE,
        key=key,
        fingerprint=fingerprint,
        create=create,
        sealed=("secret",),
    )
    raw_id = outcome.body["tracking_id"]
    response = Response(
        ReportReceiptSerializer(_receipt_body(outcome.body)).data,
        status=outcome.status,
        headers={"Location": reverse("api-report-detail", args=[raw_id])},
    )
    if outcome.replayed:
        response["Idempotent-Replayed"] = "true"
    # The body carries the reporter's secret: no cache may keep it.
    response["Cache-Control"] = "no-store"
    return response


def _stored_receipt(receipt: intake.Receipt) -> dict[str, Any]:
    """What an idempotent replay needs, in JSON types (the secret is stored sealed)."""
    report = receipt.report
    return {
        "tracking_id": report.tracking_id,
        "status": report.status,
        "secret": receipt.secret,
        "submitted_at": report.submitted_at.isoformat(),
    }


def _receipt_body(stored: dict[str, Any]) -> dict[str, Any]:
    raw_id: str = stored["tracking_id"]
    secret: str | None = stored.get("secret")
    private_url = None
    if secret is not None:
        page = reverse("reports:track", args=[raw_id])
        private_url = f"{settings.SITE_URL}{page}?k={quote(secret, safe='')}"
    return {
        "tracking_id": tracking.display(raw_id),
        "tracking_id_raw": raw_id,
        "status": stored["status"],
        "status_label": str(Status(stored["status"]).label),
        "private_url": private_url,
        "secret": secret,
        "submitted_at": datetime.fromisoformat(stored["submitted_at"]),
    }
