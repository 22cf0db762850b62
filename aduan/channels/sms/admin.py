from django.contrib import admin

from aduan.channels.admin_base import ChannelLogAdmin
from aduan.channels.sms.models import InboundSms

FIELDS = ("created_at", "received_at", "platform", "message_id", "outcome", "tracking_id")


@admin.register(InboundSms)
class InboundSmsAdmin(ChannelLogAdmin):
    """Read-only, for diagnosing a gateway (retries, outcomes). The sender's number and
    the message text are personal data and are not shown here."""

    list_display = ["created_at", "platform", "message_id", "outcome", "tracking_id"]
    list_filter = ["platform", "outcome"]
    search_fields = ["message_id"]
    fields = FIELDS
    readonly_fields = FIELDS
