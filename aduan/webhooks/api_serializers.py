"""Shapes of the webhook management API (/api/v1/agency/webhooks/)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aduan.agencies.models import Agency
from aduan.core.api import CodeField
from aduan.webhooks import destinations
from aduan.webhooks.models import EventType, WebhookAttempt, WebhookDelivery, WebhookEndpoint


class EndpointSerializer(serializers.ModelSerializer[WebhookEndpoint]):
    id = serializers.UUIDField(source="uuid", read_only=True)
    agency = serializers.CharField(source="agency.code", read_only=True)
    events = serializers.ListField(child=serializers.ChoiceField(choices=EventType.choices))
    status = serializers.SerializerMethodField(help_text="`active` or `paused`.")

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "agency",
            "url",
            "description",
            "events",
            "status",
            "paused_at",
            "paused_reason",
            "consecutive_failures",
            "created_at",
        ]
        read_only_fields = fields

    def get_status(self, obj: WebhookEndpoint) -> str:
        return "paused" if obj.is_paused else "active"


class EndpointCreatedSerializer(EndpointSerializer):
    secret = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="The signing secret (`whsec_…`), shown only in this answer (and in an "
        "idempotent replay of it). Store it in the receiving system.",
    )

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class EndpointCreateInput(serializers.Serializer):
    url = serializers.CharField(
        max_length=destinations.MAX_URL_LENGTH, help_text="A public HTTPS address."
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices), allow_empty=False
    )
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    agency = CodeField(
        queryset=Agency.objects.filter(is_active=True),
        help_text="Code of your agency or one of its units; default: the key's agency.",
    )

    def validate_url(self, value: str) -> str:
        try:
            return destinations.clean_url(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    def fingerprint_payload(self) -> dict[str, Any]:
        data = self.validated_data
        agency = data.get("agency")
        return {
            "url": data["url"],
            "events": sorted(data["events"]),
            "description": data.get("description", ""),
            "agency": agency.code if agency else None,
        }


class SecretSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    secret = serializers.CharField(allow_null=True, help_text="The new secret, shown once.")
    previous_secret_valid_until = serializers.DateTimeField(
        help_text="Until then deliveries carry a second signature made with the old secret."
    )


class AttemptSerializer(serializers.ModelSerializer[WebhookAttempt]):
    class Meta:
        model = WebhookAttempt
        fields = ["attempted_at", "status_code", "error", "response_excerpt", "duration_ms"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer[WebhookDelivery]):
    tracking_id = serializers.SerializerMethodField()
    payload = serializers.JSONField(read_only=True, help_text="The JSON body that is signed.")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "tracking_id",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "last_error",
            "last_response_excerpt",
            "created_at",
            "delivered_at",
            "payload",
        ]
        read_only_fields = fields

    def get_tracking_id(self, obj: WebhookDelivery) -> str | None:
        return obj.report.tracking_id if obj.report else None


class DeliveryDetailSerializer(DeliverySerializer):
    attempt_log = serializers.SerializerMethodField()

    class Meta(DeliverySerializer.Meta):
        fields = [*DeliverySerializer.Meta.fields, "attempt_log"]
        read_only_fields = fields

    @extend_schema_field(AttemptSerializer(many=True))
    def get_attempt_log(self, obj: WebhookDelivery) -> list[dict[str, Any]]:
        rows = obj.attempt_log.order_by("-attempted_at", "-id")[:100]
        return list(AttemptSerializer(rows, many=True).data)


class DeliveryListQuery(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=WebhookDelivery.Status.choices, required=False, allow_blank=True
    )
