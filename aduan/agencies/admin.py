from django.contrib import admin

from aduan.agencies.models import Agency, Membership


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ["code", "name", "kind", "parent", "time_zone", "is_active"]
    list_filter = ["kind", "time_zone", "is_active"]
    search_fields = ["code", "name", "abbreviation"]
    raw_id_fields = ["parent", "region"]
    readonly_fields = ["path"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "agency", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "agency__code", "agency__name"]
    raw_id_fields = ["user", "agency"]
