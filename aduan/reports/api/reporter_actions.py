"""The reporter's actions through the API: the same service as the web page.

``POST /api/v1/reports/{tracking_id}/actions/{action}``, proved by the private-link secret
in ``X-Report-Secret``. A mobile client on a weak connection retries until it hears back;
with the same ``Idempotency-Key`` every retry gets the outcome of the one action the first
attempt took, never a second event.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.core import idempotency
from aduan.core.api import API_PARSERS, ErrorSerializer, error_body, error_responses
from aduan.reports import access, reporter_actions
from aduan.reports.api.submit import refuse_oversized
from aduan.reports.models import Report
from aduan.reports.serializers import (
    ReporterActionInput,
    ReporterActionMultipartSerializer,
    ReporterActionResultSerializer,
    ReporterActionSerializer,
    ReporterMessageInput,
    ReporterRatingInput,
)

A = reporter_actions
INPUTS: dict[str, type[ReporterActionInput]] = {
    A.PROVIDE_INFO: ReporterMessageInput,
    A.REPLY: ReporterMessageInput,
    A.CLOSE: ReporterActionInput,
    A.RATE: ReporterRatingInput,
    A.ESCALATE: ReporterActionInput,
}


def idempotency_scope(report: Report) -> str:
    return f"reporter-action:{report.tracking_id}"


def _reporter_report(tracking_id: str, secret: str | None) -> Report:
    """The report, if the secret is its reporter's; otherwise the same 404 as for an
    unknown ID, so a guessed secret learns nothing."""
    report = access.report_by_tracking_id(tracking_id)
    if report is None or not access.holds_reporter_secret(report, secret):
        raise exceptions.NotFound()
    return report


def take_reporter_action(request: Request, tracking_id: str, action: str) -> Response:
    if action not in INPUTS:
        raise exceptions.NotFound()
    report = _reporter_report(tracking_id, request.headers.get("X-Report-Secret"))
    key = idempotency.clean_key(request.headers.get("Idempotency-Key"))
    refuse_oversized(request)
    data = request.data if request.data is not None else {}
    serializer = INPUTS[action](data=data)
    serializer.is_valid(raise_exception=True)

    def act() -> idempotency.Outcome:
        event = A.reporter_act(report=report, slug=action, **serializer.change_kwargs())
        body = ReporterActionResultSerializer(report, context={"event": event}).data
        return idempotency.Outcome(200, dict(body))

    # Validation comes before the state check here (unlike the web page), because a
    # retry must reach run_once to be replayed even though the state has moved on.
    outcome = idempotency.run_once(
        scope=idempotency_scope(report),
        key=key,
        fingerprint=idempotency.request_fingerprint(
            {"action": action, **serializer.fingerprint_payload()}
        ),
        create=act,
    )
    response = Response(outcome.body, status=outcome.status)
    if outcome.replayed:
        response["Idempotent-Replayed"] = "true"
    response["Cache-Control"] = "no-store"
    return response


def _error_409() -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer,
        description="The report's state does not allow this action now (`invalid_state`: "
        "e.g. already closed or rated, Ombudsman not yet due), or someone else changed it "
        "at the same moment (`conflict`).",
        examples=[
            OpenApiExample(
                "Invalid state",
                value=error_body(
                    "invalid_state",
                    "Tindakan ini tidak dapat dilakukan pada laporan berstatus “Selesai”.",
                ),
                response_only=True,
                status_codes=["409"],
            )
        ],
    )


def _error_403() -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer,
        description="The action is not the reporter's to take (`not_permitted`).",
        examples=[
            OpenApiExample(
                "Not permitted",
                value=error_body("not_permitted", "Anda tidak berwenang melakukan tindakan ini."),
                response_only=True,
                status_codes=["403"],
            )
        ],
    )


ACTION_DOC = r"""The reporter acts on their own report, proved by the private-link secret in
`X-Report-Secret` (missing or wrong: `404`, as for an unknown report).

| action | allowed when | body |
|---|---|---|
| `provide-info` | the desk asked for details (`needs_info`) | `message`, `attachments`* |
| `reply` | `responded`; reopens it (`in_progress`) | `message`, `attachments`* |
| `close` | `responded`: the reporter confirms it is resolved | none |
| `rate` | `closed`, once | `rating` 1–5, `resolved` true/false |
| `escalate` | completion limit passed or 60 days since dispatch | none |

\* optional, multipart only. `escalate` is the reporter's consent to hand the report to
the Ombudsman, which then handles it with new deadlines.

Declining the Ombudsman needs no call: the offer stays open while the report does.
Send an `Idempotency-Key` so that a retry never acts twice; a replay answers
`Idempotent-Replayed: true`."""


class ReporterActionView(APIView):
    parser_classes = API_PARSERS

    @extend_schema(
        tags=["reports"],
        summary="Reporter action on one report",
        description=ACTION_DOC,
        operation_id="reports_actions_create",
        parameters=[
            OpenApiParameter(
                "tracking_id",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="Tracking ID; hyphens, spaces and case are ignored.",
            ),
            OpenApiParameter(
                "action", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(A.ACTIONS)
            ),
            OpenApiParameter(
                "X-Report-Secret",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="The reporter's secret from the receipt.",
            ),
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Up to 200 printable ASCII characters, e.g. a UUID.",
            ),
        ],
        request={
            "application/json": ReporterActionSerializer,
            "multipart/form-data": ReporterActionMultipartSerializer,
        },
        responses={
            200: OpenApiResponse(
                ReporterActionResultSerializer,
                description="Done (or replayed for a repeated Idempotency-Key): the new "
                "status and the event written.",
                examples=[
                    OpenApiExample(
                        "Reply",
                        value={
                            "tracking_id": "7KQ2M-X9D4B",
                            "tracking_id_raw": "7KQ2MX9D4B",
                            "status": "in_progress",
                            "status_label": "Diproses instansi",
                            "event": {
                                "action": "reporter_reply",
                                "label": "Ditanggapi oleh pelapor",
                                "at": "2026-03-03T09:15:00+07:00",
                            },
                        },
                        response_only=True,
                        status_codes=["200"],
                    )
                ],
            ),
            403: _error_403(),
            409: _error_409(),
            **error_responses(400, 404, 413, 422),
        },
    )
    def post(self, request: Request, tracking_id: str, action: str, **kwargs: Any) -> Response:
        return take_reporter_action(request, tracking_id, action)
