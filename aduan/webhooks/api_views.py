"""Webhook management for an agency's own system: ``/api/v1/agency/webhooks/``.

Authenticated with the agency's API key (scope ``webhooks``); a key manages the endpoints
of its agency's subtree only (others answer 404, like unknown ones). Every POST honours
``Idempotency-Key``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.core import idempotency
from aduan.core.api import StrictCursorPagination, error_response, error_responses
from aduan.integrations.api.docs import AUTH_ERRORS, IDEMPOTENCY_PARAM
from aduan.integrations.auth import AgencyApiView
from aduan.integrations.models import Scope
from aduan.reports import access
from aduan.webhooks import selectors, services
from aduan.webhooks.api_serializers import (
    DeliveryDetailSerializer,
    DeliveryListQuery,
    DeliverySerializer,
    EndpointCreatedSerializer,
    EndpointCreateInput,
    EndpointSerializer,
    SecretSerializer,
)
from aduan.webhooks.models import WebhookDelivery, WebhookEndpoint

TAG = "webhooks"
_W = Scope.WEBHOOKS
DOC = """Signed webhooks: Aduan POSTs a JSON event to your HTTPS endpoint whenever something
happens to a report your agency (or one of its units) handles. Each delivery carries
`Aduan-Webhook-Id` (the event id: de-duplicate by it, a delivery may come more than once),
`Aduan-Webhook-Timestamp` (unix seconds) and `Aduan-Webhook-Signature: v1=<hex>` where
`<hex>` is HMAC-SHA256 with the endpoint's secret over `"{timestamp}.{body}"`. Answer 2xx
within 10 seconds; anything else is retried after 1 min, 5 min, 30 min, 2 h, 6 h, 12 h and
24 h. An endpoint that keeps failing is paused (nothing is lost) and its admins told."""


class WebhookApiView(AgencyApiView):
    required_scopes = {"GET": _W, "POST": _W, "DELETE": _W}

    def endpoint(self, endpoint_id: object) -> WebhookEndpoint:
        agencies = access.api_key_webhook_agencies(self.api_key)
        endpoint = selectors.endpoint_within(agencies, endpoint_id)
        if endpoint is None:
            raise exceptions.NotFound()
        return endpoint

    def once(
        self,
        request: Request,
        *,
        operation: str,
        payload: dict[str, Any],
        create: Callable[[], idempotency.Outcome],
        sealed: tuple[str, ...] = (),
    ) -> Response:
        key = idempotency.clean_key(request.headers.get("Idempotency-Key"))
        fingerprint = idempotency.request_fingerprint({"op": operation, **payload})
        outcome = idempotency.run_once(
            scope=f"webhooks-api:{self.api_key.pk}",
            key=key,
            fingerprint=fingerprint,
            create=create,
            sealed=sealed,
        )
        response = Response(outcome.body, status=outcome.status)
        if outcome.replayed:
            response["Idempotent-Replayed"] = "true"
        return response


def _input_error(exc: services.WebhookInputError) -> idempotency.Outcome:
    body = error_response("invalid", exc.message, status_code=400, field=exc.field).data
    return idempotency.Outcome(status.HTTP_400_BAD_REQUEST, dict(body))


class EndpointCollectionView(WebhookApiView):
    @extend_schema(
        tags=[TAG],
        summary="List webhook endpoints",
        description=DOC,
        operation_id="webhooks_endpoints_list",
        responses={200: EndpointSerializer(many=True), **AUTH_ERRORS},
    )
    def get(self, request: Request) -> Response:
        agencies = access.api_key_webhook_agencies(self.api_key)
        rows = selectors.endpoints_within(agencies)
        return Response(EndpointSerializer(rows, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Register a webhook endpoint",
        description="Registers an HTTPS endpoint for the chosen event types. The answer "
        "carries the signing secret, shown only here. " + DOC,
        operation_id="webhooks_endpoints_create",
        parameters=[IDEMPOTENCY_PARAM],
        request=EndpointCreateInput,
        responses={
            201: EndpointCreatedSerializer,
            **AUTH_ERRORS,
            **error_responses(400, 422),
        },
    )
    def post(self, request: Request) -> Response:
        data = EndpointCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        key = self.api_key
        agency = data.validated_data.get("agency") or key.agency
        if not agency.is_within(key.agency):
            raise serializers.ValidationError(
                {"agency": [_("Pilih instansi Anda sendiri atau unit kerja di bawahnya.")]}
            )

        def create() -> idempotency.Outcome:
            try:
                endpoint, secret = services.endpoint_create(
                    agency=agency,
                    url=data.validated_data["url"],
                    events=data.validated_data["events"],
                    description=data.validated_data["description"],
                    request=request._request,
                    api_key_prefix=key.prefix,
                )
            except services.WebhookInputError as exc:
                return _input_error(exc)
            body = {**EndpointSerializer(endpoint).data, "secret": secret}
            return idempotency.Outcome(status.HTTP_201_CREATED, body)

        response = self.once(
            request,
            operation="create",
            payload=data.fingerprint_payload(),
            create=create,
            sealed=("secret",),
        )
        response["Cache-Control"] = "no-store"
        return response


class EndpointDetailView(WebhookApiView):
    @extend_schema(
        tags=[TAG],
        summary="Read a webhook endpoint",
        operation_id="webhooks_endpoints_read",
        responses={200: EndpointSerializer, **AUTH_ERRORS, **error_responses(404)},
    )
    def get(self, request: Request, endpoint_id: str) -> Response:
        return Response(EndpointSerializer(self.endpoint(endpoint_id)).data)

    @extend_schema(
        tags=[TAG],
        summary="Delete a webhook endpoint",
        description="Nothing more is sent to it, including deliveries still waiting.",
        operation_id="webhooks_endpoints_delete",
        responses={204: None, **AUTH_ERRORS, **error_responses(404)},
    )
    def delete(self, request: Request, endpoint_id: str) -> Response:
        endpoint = self.endpoint(endpoint_id)
        services.endpoint_delete(
            endpoint=endpoint, request=request._request, api_key_prefix=self.api_key.prefix
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndpointRotateSecretView(WebhookApiView):
    @extend_schema(
        tags=[TAG],
        summary="Rotate the signing secret",
        description="A new secret, shown only in this answer. For 24 hours every delivery "
        "carries two signatures (`v1=<new> v1=<old>`), so the receiver can switch over "
        "without losing a delivery.",
        operation_id="webhooks_endpoints_rotate_secret",
        parameters=[IDEMPOTENCY_PARAM],
        request=None,
        responses={200: SecretSerializer, **AUTH_ERRORS, **error_responses(404, 422)},
    )
    def post(self, request: Request, endpoint_id: str) -> Response:
        endpoint = self.endpoint(endpoint_id)

        def rotate() -> idempotency.Outcome:
            secret = services.endpoint_rotate_secret(
                endpoint=endpoint, request=request._request, api_key_prefix=self.api_key.prefix
            )
            body = {
                "id": str(endpoint.uuid),
                "secret": secret,
                "previous_secret_valid_until": endpoint.previous_secret_expires_at,
            }
            return idempotency.Outcome(200, dict(SecretSerializer(body).data))

        response = self.once(
            request,
            operation="rotate",
            payload={"endpoint": str(endpoint.uuid)},
            create=rotate,
            sealed=("secret",),
        )
        response["Cache-Control"] = "no-store"
        return response


class _EndpointActionView(WebhookApiView):
    operation = ""

    def act(self, endpoint: WebhookEndpoint, request: Request) -> None:
        raise NotImplementedError

    def post(self, request: Request, endpoint_id: str) -> Response:
        endpoint = self.endpoint(endpoint_id)

        def run() -> idempotency.Outcome:
            self.act(endpoint, request)
            endpoint.refresh_from_db()
            return idempotency.Outcome(200, dict(EndpointSerializer(endpoint).data))

        return self.once(
            request, operation=self.operation, payload={"endpoint": str(endpoint.uuid)}, create=run
        )


_ACTION_SCHEMA: dict[str, Any] = {
    "tags": [TAG],
    "parameters": [IDEMPOTENCY_PARAM],
    "request": None,
    "responses": {200: EndpointSerializer, **AUTH_ERRORS, **error_responses(404, 422)},
}


class EndpointPauseView(_EndpointActionView):
    operation = "pause"

    def act(self, endpoint: WebhookEndpoint, request: Request) -> None:
        services.endpoint_pause(
            endpoint=endpoint,
            reason=str(services.PauseReason.MANUAL),
            request=request._request,
            api_key_prefix=self.api_key.prefix,
        )

    @extend_schema(
        summary="Pause deliveries",
        description="New events wait (nothing is lost) until the endpoint is resumed.",
        operation_id="webhooks_endpoints_pause",
        **_ACTION_SCHEMA,
    )
    def post(self, request: Request, endpoint_id: str) -> Response:
        return super().post(request, endpoint_id)


class EndpointResumeView(_EndpointActionView):
    operation = "resume"

    def act(self, endpoint: WebhookEndpoint, request: Request) -> None:
        services.endpoint_resume(
            endpoint=endpoint, request=request._request, api_key_prefix=self.api_key.prefix
        )

    @extend_schema(
        summary="Resume deliveries",
        description="Everything that waited while the endpoint was paused is sent now.",
        operation_id="webhooks_endpoints_resume",
        **_ACTION_SCHEMA,
    )
    def post(self, request: Request, endpoint_id: str) -> Response:
        return super().post(request, endpoint_id)


class EndpointPingView(WebhookApiView):
    @extend_schema(
        tags=[TAG],
        summary="Send a test event",
        description="Queues a `ping` event (sent even while the endpoint is paused, tried "
        "once). Its outcome appears in the deliveries.",
        operation_id="webhooks_endpoints_ping",
        parameters=[IDEMPOTENCY_PARAM],
        request=None,
        responses={202: DeliverySerializer, **AUTH_ERRORS, **error_responses(404, 422)},
    )
    def post(self, request: Request, endpoint_id: str) -> Response:
        endpoint = self.endpoint(endpoint_id)

        def ping() -> idempotency.Outcome:
            row = services.endpoint_ping(endpoint=endpoint)
            return idempotency.Outcome(202, dict(DeliverySerializer(row).data))

        return self.once(
            request, operation="ping", payload={"endpoint": str(endpoint.uuid)}, create=ping
        )


class DeliveryCursorPagination(StrictCursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class DeliveryCollectionView(WebhookApiView):
    pagination_class = DeliveryCursorPagination

    @extend_schema(
        tags=[TAG],
        summary="List an endpoint's deliveries",
        description="The delivery log, newest first, with cursor pagination.",
        operation_id="webhooks_deliveries_list",
        parameters=[DeliveryListQuery],
        responses={
            200: DeliverySerializer(many=True),
            **AUTH_ERRORS,
            **error_responses(400, 404),
        },
    )
    def get(self, request: Request, endpoint_id: str) -> Response:
        endpoint = self.endpoint(endpoint_id)
        query = DeliveryListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows: QuerySet[WebhookDelivery] = selectors.deliveries_of(
            endpoint, status=query.validated_data.get("status") or ""
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(DeliverySerializer(page, many=True).data)


class _DeliveryView(WebhookApiView):
    def delivery(self, endpoint_id: str, delivery_id: int) -> WebhookDelivery:
        row = selectors.delivery_of(self.endpoint(endpoint_id), delivery_id)
        if row is None:
            raise exceptions.NotFound()
        return row


class DeliveryDetailView(_DeliveryView):
    @extend_schema(
        tags=[TAG],
        summary="Read a delivery with its attempts",
        operation_id="webhooks_deliveries_read",
        responses={200: DeliveryDetailSerializer, **AUTH_ERRORS, **error_responses(404)},
    )
    def get(self, request: Request, endpoint_id: str, delivery_id: int) -> Response:
        return Response(DeliveryDetailSerializer(self.delivery(endpoint_id, delivery_id)).data)


class DeliveryRedeliverView(_DeliveryView):
    @extend_schema(
        tags=[TAG],
        summary="Redeliver",
        description="Sends the delivery again (a new cycle of tries) with the same event id, "
        "whatever its status; the receiver de-duplicates by `Aduan-Webhook-Id`.",
        operation_id="webhooks_deliveries_redeliver",
        parameters=[IDEMPOTENCY_PARAM],
        request=None,
        responses={202: DeliverySerializer, **AUTH_ERRORS, **error_responses(404, 422)},
    )
    def post(self, request: Request, endpoint_id: str, delivery_id: int) -> Response:
        row = self.delivery(endpoint_id, delivery_id)

        def redeliver() -> idempotency.Outcome:
            services.delivery_redeliver(delivery_row=row)
            return idempotency.Outcome(202, dict(DeliverySerializer(row).data))

        return self.once(
            request, operation="redeliver", payload={"delivery": row.pk}, create=redeliver
        )
