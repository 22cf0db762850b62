"""Read-only views for operators; endpoints are managed on /petugas/webhook/ (secrets are
shown once there and never here)."""

from __future__ import annotations

from django.contrib import admin

from aduan.core.admin import ReadOnlyAdmin
from aduan.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ["url", "agency", "is_active", "paused_at", "consecutive_failures", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "agency__code", "agency__name"]
    exclude = ["secret_sealed", "previous_secret_sealed"]


class WebhookAttemptInline(admin.TabularInline[WebhookAttempt, WebhookDelivery]):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["attempted_at", "status_code", "error", "duration_ms", "response_excerpt"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["event_type", "event_id", "endpoint", "status", "attempts", "created_at"]
    list_filter = ["status", "event_type"]
    search_fields = ["event_id", "endpoint__url"]
    list_select_related = ["endpoint__agency"]
    inlines = [WebhookAttemptInline]
