"""What an agency's system does to a report: accept, forward, update, respond, return to
the desk, write an internal note. Each is one ``lifecycle.transition`` by the key's actor
(events say ``api-key:<prefix>``), and each honours ``Idempotency-Key``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.core import idempotency
from aduan.core.api import error_responses
from aduan.integrations.api.docs import (
    AUTH_ERRORS,
    CONFLICT_ERROR,
    IDEMPOTENCY_PARAM,
    TAG,
    TRACKING_ID_PARAM,
)
from aduan.integrations.api.inputs import (
    AcceptInput,
    ActionInput,
    ForwardInput,
    NoteInput,
    RespondInput,
    ReturnToDeskInput,
    UpdateInput,
)
from aduan.integrations.api.serializers import AgencyActionResultSerializer
from aduan.integrations.auth import AgencyApiView
from aduan.reports import access, lifecycle, tracking
from aduan.reports.api.submit import refuse_oversized
from aduan.reports.lifecycle import Actor


def idempotency_scope(view: AgencyApiView) -> str:
    return f"agency-api:{view.api_key.pk}"


class AgencyActionView(AgencyApiView):
    """``POST /api/v1/agency/reports/{tracking_id}/<action>``."""

    action: ClassVar[str]
    input_class: ClassVar[type[ActionInput]]

    def post(self, request: Request, tracking_id: str) -> Response:
        key = idempotency.clean_key(request.headers.get("Idempotency-Key"))
        refuse_oversized(request)
        data = request.data if request.data is not None else {}
        serializer = self.input_class(data=data)
        serializer.is_valid(raise_exception=True)
        fingerprint = idempotency.request_fingerprint(
            {
                "report": tracking.normalize(tracking_id) or tracking_id,
                "action": self.action,
                **serializer.fingerprint_payload(),
            }
        )

        def act() -> idempotency.Outcome:
            # The report is looked up inside: a retry of "return-to-desk" must be replayed
            # even though the report has left the key's subtree since.
            report = access.api_key_report(self.api_key, tracking_id)
            if report is None:
                raise exceptions.NotFound()
            event = lifecycle.transition(
                report, self.action, actor=Actor.api_key(self.api_key), change=serializer.change()
            )
            body = AgencyActionResultSerializer(report, context={"event": event}).data
            return idempotency.Outcome(200, dict(body))

        outcome = idempotency.run_once(
            scope=idempotency_scope(self), key=key, fingerprint=fingerprint, create=act
        )
        response = Response(outcome.body, status=outcome.status)
        if outcome.replayed:
            response["Idempotent-Replayed"] = "true"
        return response


def _result_example(action: str, status: str, status_label: str) -> OpenApiExample:
    return OpenApiExample(
        action,
        value={
            "tracking_id": "7KQ2M-X9D4B",
            "tracking_id_raw": "7KQ2MX9D4B",
            "status": status,
            "status_label": status_label,
            "agency": {"code": "32.73", "name": "Pemerintah Kota Bandung"},
            "event": {
                "id": 1234,
                "action": action,
                "label": "…",
                "at": "2026-03-03T09:15:00+07:00",
                "actor_label": "api-key:3f9a1c0b2d",
            },
        },
        response_only=True,
        status_codes=["200"],
    )


def action_schema(
    *, summary: str, description: str, request: Any, example: OpenApiExample, op: str
) -> Any:
    return extend_schema(
        tags=[TAG],
        summary=summary,
        description=description + "\n\nSend an `Idempotency-Key` so that a retry never acts twice.",
        operation_id=f"agency_reports_{op}",
        parameters=[TRACKING_ID_PARAM, IDEMPOTENCY_PARAM],
        request=request,
        responses={
            200: OpenApiResponse(
                AgencyActionResultSerializer,
                description="Done (or replayed for a repeated Idempotency-Key): the new "
                "status and the event written.",
                examples=[example],
            ),
            **AUTH_ERRORS,
            409: CONFLICT_ERROR,
            **error_responses(400, 404, 413, 422),
        },
    )


def _json_or_multipart(serializer: type[ActionInput]) -> dict[str, Any]:
    return {"application/json": serializer, "multipart/form-data": serializer}


class AcceptView(AgencyActionView):
    action = "accept"
    input_class = AcceptInput

    @action_schema(
        summary="Accept a report",
        description="Your agency takes the dispatched report on (`dispatched` → "
        "`in_progress`). No body needed.",
        request=AcceptInput,
        example=_result_example("accept", "in_progress", "Diproses instansi"),
        op="accept",
    )
    def post(self, request: Request, tracking_id: str) -> Response:
        return super().post(request, tracking_id)


class ForwardView(AgencyActionView):
    action = "forward"
    input_class = ForwardInput

    @action_schema(
        summary="Forward to a work unit",
        description="Hand the report to a unit inside your agency's subtree (`agency`: the "
        "unit's code). Sideways moves to other agencies go through the national desk: "
        "use `return-to-desk`.",
        request=ForwardInput,
        example=_result_example("forward", "in_progress", "Diproses instansi"),
        op="forward",
    )
    def post(self, request: Request, tracking_id: str) -> Response:
        return super().post(request, tracking_id)


class UpdateView(AgencyActionView):
    action = "update"
    input_class = UpdateInput

    @action_schema(
        summary="Post a progress update",
        description="An interim update the reporter and the public read (personal data "
        "masked for the public); the first one counts as the first response. Files go "
        "in `attachments` with multipart/form-data.",
        request=_json_or_multipart(UpdateInput),
        example=_result_example("update", "in_progress", "Diproses instansi"),
        op="update",
    )
    def post(self, request: Request, tracking_id: str) -> Response:
        return super().post(request, tracking_id)


class RespondView(AgencyActionView):
    action = "respond"
    input_class = RespondInput

    @action_schema(
        summary="Post the follow-up (tindak lanjut)",
        description="Your agency's answer (→ `responded`). The reporter may reply (back to "
        "`in_progress`); without a reply the report closes after 10 working days. Files go "
        "in `attachments` with multipart/form-data; `attachments_public` shows them to the "
        "public too.",
        request=_json_or_multipart(RespondInput),
        example=_result_example("respond", "responded", "Ditindaklanjuti oleh instansi"),
        op="respond",
    )
    def post(self, request: Request, tracking_id: str) -> Response:
        return super().post(request, tracking_id)


class ReturnToDeskView(AgencyActionView):
    action = "return_to_desk"
    input_class = ReturnToDeskInput

    @action_schema(
        summary="Return to the national desk (bukan wewenang)",
        description="Not your agency's authority: the report goes back to the desk "
        "(→ `submitted`) with your `reason`, and leaves your list.",
        request=ReturnToDeskInput,
        example=_result_example("return_to_desk", "submitted", "Menunggu verifikasi"),
        op="return_to_desk",
    )
    def post(self, request: Request, tracking_id: str) -> Response:
        return super().post(request, tracking_id)


class NoteView(AgencyActionView):
    action = "note"
    input_class = NoteInput

    @action_schema(
        summary="Write an internal note",
        description="Staff only: never shown to the reporter or the public. The status "
        "does not change.",
        request=NoteInput,
        example=_result_example("note", "in_progress", "Diproses instansi"),
        op="notes",
    )
    def post(self, request: Request, tracking_id: str) -> Response:
        return super().post(request, tracking_id)
