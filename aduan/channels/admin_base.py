"""The shared shape of the channel logs' admin pages: read-only, no personal data."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from aduan.core.admin import ReadOnlyAdmin


class ChannelLogAdmin(ReadOnlyAdmin):
    """For diagnosing a gateway (retries, outcomes); senders and texts are personal data
    and are not shown, and nothing can be added, changed or deleted here."""

    list_select_related = ["report"]

    @admin.display(description=_("laporan"))
    def tracking_id(self, obj: Any) -> str:
        # Only the tracking ID: the report's title is the reporter's text.
        return obj.report.tracking_id if obj.report_id else "-"
