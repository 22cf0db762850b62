from django.contrib import admin

from aduan.notifications.models import DigestRun, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ["created_at", "kind", "audience", "channel", "status", "attempts", "report"]
    list_filter = ["status", "channel", "audience", "kind"]
    search_fields = ["report__tracking_id", "dedupe_key"]
    date_hierarchy = "created_at"
    list_select_related = ["report"]
    # A notice is a record of what was said to whom: read it here, resend it from the
    # staff page (/petugas/notifikasi/), never rewrite it.
    readonly_fields = [f.name for f in Notification._meta.get_fields() if f.concrete]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(DigestRun)
class DigestRunAdmin(admin.ModelAdmin[DigestRun]):
    list_display = ["date", "started_at", "finished_at", "sent"]
