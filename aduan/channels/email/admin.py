from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from aduan.channels.email.models import InboundEmail

FIELDS = ("received_at", "message_id", "outcome", "reason", "action", "tracking_id", "size")


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin[InboundEmail]):
    """Read-only, for diagnosing the mail relay (duplicates, ignored messages)."""

    list_display = ["received_at", "message_id", "outcome", "reason", "tracking_id"]
    list_filter = ["outcome", "reason"]
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
