from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from aduan.channels.sms.models import InboundSms

FIELDS = ("created_at", "received_at", "platform", "message_id", "outcome", "tracking_id")


@admin.register(InboundSms)
class InboundSmsAdmin(admin.ModelAdmin[InboundSms]):
    """Read-only, for diagnosing a gateway (retries, outcomes). The sender's number and
    the message text are personal data and are not shown here."""

    list_display = ["created_at", "platform", "message_id", "outcome", "tracking_id"]
    list_filter = ["platform", "outcome"]
    search_fields = ["message_id"]
    fields = FIELDS
    readonly_fields = FIELDS
    list_select_related = ["report"]

    @admin.display(description=_("laporan"))
    def tracking_id(self, obj: Any) -> str:
        # Only the tracking ID: the report's title is the reporter's text.
        return obj.report.tracking_id if obj.report_id else "-"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
