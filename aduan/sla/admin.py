from django.contrib import admin

from aduan.sla.models import CollectiveLeave, SlaLimit


@admin.register(SlaLimit)
class SlaLimitAdmin(admin.ModelAdmin[SlaLimit]):
    list_display = ["key", "days", "unit", "legal_basis"]
    list_editable = ["days", "unit", "legal_basis"]


@admin.register(CollectiveLeave)
class CollectiveLeaveAdmin(admin.ModelAdmin[CollectiveLeave]):
    list_display = ["date", "description"]
    date_hierarchy = "date"
    search_fields = ["description"]
