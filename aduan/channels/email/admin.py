from django.contrib import admin

from aduan.channels.admin_base import ChannelLogAdmin
from aduan.channels.email.models import InboundEmail

FIELDS = ("received_at", "message_id", "outcome", "reason", "action", "tracking_id", "size")


@admin.register(InboundEmail)
class InboundEmailAdmin(ChannelLogAdmin):
    """Read-only, for diagnosing the mail relay (duplicates, ignored messages)."""

    list_display = ["received_at", "message_id", "outcome", "reason", "tracking_id"]
    list_filter = ["outcome", "reason"]
    search_fields = ["message_id"]
    fields = FIELDS
    readonly_fields = FIELDS
