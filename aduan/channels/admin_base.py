"""The shared shape of the channel logs' admin pages: read-only, no personal data."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class ChannelLogAdmin(admin.ModelAdmin[Any]):
    """For diagnosing a gateway (retries, outcomes); senders and texts are personal data
    and are not shown, and nothing can be added, changed or deleted here."""

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
